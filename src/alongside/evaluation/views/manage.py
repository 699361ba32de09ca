"""Editing a study in the browser and registering participants there."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
