from django.urls import path

from apps.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.regimes, name="regimes"),
    path("<slug:code>/", views.regime_detail, name="regime_detail"),
]
