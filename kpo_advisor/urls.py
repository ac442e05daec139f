from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kpo_advisor import views

admin.site.site_header = "KPO Advisor curation"
admin.site.site_title = "KPO Advisor curation"
admin.site.index_title = "Catalogue and playbooks"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/", include("apps.accounts.urls")),
    path("assessments/", include("apps.questionnaire.urls")),
    path("recommendations/", include("apps.recommendations.urls")),
    path("catalogue/", include("apps.engagements.urls")),
    path("regimes/", include("apps.compliance.urls")),
    path("vendors/", include("apps.vendors.urls")),
    path("discussion/", include("apps.discussion.urls")),
    path("sign-off/", include("apps.signoff.urls")),
    path("team/", include("apps.teamwork.urls")),
    # The admin's own password change had no sign-in throttle (review 181: 25 wrong current passwords with no pause):
    # a curator changes it on the product's page, which counts wrong current passwords towards the sign-in lock.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:password_change", http_method_names=["get", "head"]),
    ),
    path(
        "admin/password_change/done/",
        RedirectView.as_view(pattern_name="accounts:password_change_done", http_method_names=["get", "head"]),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.api.routes")),
    path("api-keys/", include("apps.api.urls")),
]

handler400 = "kpo_advisor.views.bad_request"
handler403 = "kpo_advisor.views.permission_denied"
handler404 = "kpo_advisor.views.page_not_found"
handler500 = "kpo_advisor.views.server_error"
