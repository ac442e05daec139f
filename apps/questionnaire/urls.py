from django.urls import path

from apps.questionnaire import views

app_name = "questionnaire"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_start, name="start"),
    path("<int:pk>/", views.assessment_resume, name="resume"),
    path("<int:pk>/steps/<slug:section>/", views.assessment_step, name="step"),
    path("<int:pk>/answers/<slug:question>/", views.assessment_answer, name="answer"),
    path("<int:pk>/review/", views.assessment_review, name="review"),
    path("<int:pk>/delete/", views.assessment_delete, name="delete"),
    path("<int:pk>/confirm-delete/", views.assessment_delete_confirm, name="delete_confirm"),
]
