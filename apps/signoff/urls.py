from django.urls import path

from apps.signoff import views

app_name = "signoff"

urlpatterns = [
    path("recommendations/<int:pk>/decide/", views.decide, name="decide"),
    path("settings/", views.policy, name="policy"),
    path("approvers/<int:pk>/", views.approver, name="approver"),
]
