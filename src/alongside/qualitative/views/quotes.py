"""The quote bank: marked codings, attributed by role with names taken out; theme coverage."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from alongside.core.access import Permission
from alongside.core.audit import record_list_view
from alongside.qualitative import actions
from alongside.qualitative.access import get_in_project
from alongside.qualitative.models import Coding
from alongside.qualitative.quotes import SMALL_GROUP, quote_bank, theme_coverage
from alongside.qualitative.views._common import back_to, project_for


@require_GET
def quotes(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    bank = quote_bank(project)
    record_list_view(
        actor=request.user,
        model=Coding,
        ids=[q.coding_id for q in bank.quotes],
        listing="quote bank",
    )
    return render(
        request,
        "qualitative/quotes.html",
        {
            "project": project,
            "bank": bank,
            "left_out": sum(bank.left_out.values()),
            "coverage": theme_coverage(project),
            "small_group": SMALL_GROUP,
        },
    )


@require_POST
def mark(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, slug, write=True)
    coding = get_in_project(
        Coding, request.user, project, pk, Permission.CODE_QUALITATIVE, "source__project"
    )
    if request.POST.get("quote") == "no":
        actions.unmark_quote(by=request.user, coding=coding)
        messages.success(request, "No longer in the quote bank.")
    else:
        actions.mark_quote(by=request.user, coding=coding)
        messages.success(request, "Marked for the quote bank.")
    order = coding.segment.order if coding.segment else None
    return back_to(
        "source", slug, coding.source_id, anchor=f"segment-{order}" if order is not None else ""
    )
