from django.contrib import admin
from django.urls import include, path

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
    # The admin's own password change had no sign-in throttle (review 181): a curator changes it on the product's page.
    path("admin/password_change/", views.admin_password_change),
    path("admin/password_change/done/", views.admin_password_change, {"done": True}),
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.api.routes")),
    path("api-keys/", include("apps.api.urls")),
]

handler400 = "kpo_advisor.views.bad_request"
handler403 = "kpo_advisor.views.permission_denied"
handler404 = "kpo_advisor.views.page_not_found"
handler500 = "kpo_advisor.views.server_error"
