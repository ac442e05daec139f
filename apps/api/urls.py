from django.urls import path

from apps.api import views

app_name = "api_keys"

urlpatterns = [
    path("", views.key_list, name="list"),
    path("<int:pk>/revoke/", views.key_revoke, name="revoke"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path("webhooks/<int:pk>/remove/", views.webhook_remove, name="webhook_remove"),
]
