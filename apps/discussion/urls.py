from django.urls import path

from apps.discussion import views

app_name = "discussion"

urlpatterns = [
    path("assessments/<int:pk>/questions/<slug:question>/", views.question, name="question"),
    path("assessments/<int:pk>/activity/", views.assessment_activity, name="assessment_activity"),
    path("recommendations/<int:pk>/comments/", views.result_comment, name="result_comment"),
    path("recommendations/<int:pk>/activity/", views.recommendation_activity, name="recommendation_activity"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.read_all, name="read_all"),
    path("inbox/<int:pk>/read/", views.read, name="read"),
    path("inbox/preferences/", views.preferences, name="preferences"),
]
