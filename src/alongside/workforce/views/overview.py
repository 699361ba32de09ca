"""The programme lead's workforce overview: the dashboard tiles on one page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from alongside.core.access import Permission, require_permission
from alongside.workforce.tiles import workforce_tiles


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_WORKFORCE)
    return render(request, "workforce/overview.html", {"tiles": workforce_tiles()})


urlpatterns = [path("overview/", overview, name="overview")]
