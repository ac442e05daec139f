from django.urls import path

from apps.teamwork import views

app_name = "teamwork"

urlpatterns = [
    path("roles/", views.roles, name="roles"),
    path("assessments/<int:pk>/", views.contributors, name="contributors"),
    path("assessments/<int:pk>/opinion/<slug:section>/", views.opinion, name="opinion"),
    path("assessments/<int:pk>/settle/<slug:question>/", views.settle, name="settle"),
]
