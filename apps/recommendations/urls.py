from django.urls import path

from apps.recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("", views.history, name="history"),
    path("export.csv", views.history_csv, name="history_csv"),
    path("compare/", views.compare, name="compare"),
    path("portfolio/", views.portfolio_view, name="portfolio"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/export.json", views.export_json, name="export_json"),
    path("<int:pk>/obligations.csv", views.obligations_csv, name="obligations_csv"),
    path("<int:pk>/rescore/", views.rescore, name="rescore"),
    path("<int:pk>/what-would-flip/", views.flips, name="flips"),
    path("<int:pk>/compare/<int:other>/", views.compare_pair, name="compare_pair"),
    path("assessment/<int:pk>/submit/", views.submit, name="submit"),
    path("assessment/<int:pk>/", views.for_assessment, name="for_assessment"),
]
