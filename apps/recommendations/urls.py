from django.urls import path

from apps.recommendations import bulk_views, cost_export, decision_views, export_views, views

app_name = "recommendations"

urlpatterns = [
    path("", views.history, name="history"),
    path("export.csv", views.history_csv, name="history_csv"),
    path("compare/", views.compare, name="compare"),
    path("portfolio/", views.portfolio_view, name="portfolio"),
    path("rescore/", bulk_views.rescore_many, name="rescore_many"),
    path("exports/", export_views.export_list, name="exports"),
    path("exports/<int:pk>/", export_views.export_download, name="export_download"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/export.json", views.export_json, name="export_json"),
    path("<int:pk>/obligations.csv", views.obligations_csv, name="obligations_csv"),
    path("<int:pk>/cost.csv", cost_export.cost_csv, name="cost_csv"),
    path("<int:pk>/rescore/", views.rescore, name="rescore"),
    path("<int:pk>/what-would-flip/", views.flips, name="flips"),
    path("<int:pk>/memo.pdf", decision_views.memo_pdf, name="memo_pdf"),
    path("<int:pk>/what-if/", decision_views.what_if, name="what_if"),
    path("<int:pk>/what-if/save/", decision_views.what_if_save, name="what_if_save"),
    path("<int:pk>/compare/<int:other>/", views.compare_pair, name="compare_pair"),
    path("assessment/<int:pk>/submit/", views.submit, name="submit"),
    path("assessment/<int:pk>/", views.for_assessment, name="for_assessment"),
]
