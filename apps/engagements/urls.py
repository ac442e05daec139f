from django.urls import path

from apps.engagements import views

app_name = "engagements"

urlpatterns = [
    path("models/", views.engagement_models, name="models"),
    path("functions/", views.knowledge_functions, name="functions"),
    path("locations/", views.delivery_locations, name="locations"),
]
