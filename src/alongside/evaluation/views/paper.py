"""Paper forms keyed in, with optional double entry and resolution."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
