"""The project's URLs plus the baseline view the request benchmark compares against (bench only)."""

from django.urls import path

from bench.views import baseline
from kpo_advisor.urls import handler500
from kpo_advisor.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/baseline/", baseline, name="bench-baseline"), *project_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
