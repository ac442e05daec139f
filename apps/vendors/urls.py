from django.urls import path

from apps.vendors import views

app_name = "vendors"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("match/<int:pk>/", views.matching, name="matching"),
    path("shortlist/<int:pk>/", views.shortlist, name="shortlist"),
    path("shortlist/<int:pk>/add/", views.add, name="add"),
    path("shortlist/<int:pk>/compare/", views.compare, name="compare"),
    path("shortlist/<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("entries/<int:pk>/", views.entry_update, name="entry"),
    path("entries/<int:pk>/remove/", views.entry_remove, name="remove"),
    path("entries/<int:pk>/diligence/", views.diligence, name="diligence"),
    path("diligence/<int:pk>/", views.diligence_item, name="diligence_item"),
]
