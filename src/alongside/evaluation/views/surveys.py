"""Online surveys: anonymous study links and single-use personal invitations."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
