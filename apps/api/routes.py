"""The API's URL patterns (Ninja's, namespaced ``api``), included at /api/v1/."""

from django.urls import path

from apps.api.api import api

urlpatterns = [path("", api.urls)]
