from django.urls import path

from apps.accounts import sso, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/role/", views.change_role, name="change_role"),
    path("members/<int:pk>/remove/", views.remove_member, name="remove_member"),
    path("members/invitations/<int:pk>/cancel/", views.cancel_invitation, name="cancel_invitation"),
    path("sso/start/", sso.start, name="sso_start"),
    path("sso/callback/", sso.callback, name="sso_callback"),
    path("sso/refused/", sso.refused_page, name="sso_refused"),
    path("sso/domains/", views.sso_domains, name="sso_domains"),
    path("sso/domains/<int:pk>/remove/", views.remove_sso_domain, name="remove_sso_domain"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/accept/", views.accept_invitation, name="accept_invitation"),
    path("invitations/<int:pk>/decline/", views.decline_invitation, name="decline_invitation"),
]
