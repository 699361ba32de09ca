"""The guidance library: documents by tag, each with its versions; leads keep it up to date."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, has_permission, require_permission
from alongside.core.forms import render_form_page, run_action
from alongside.core.periods import current
from alongside.organisation.models import Person
from alongside.workforce.actions.guidance import add_guidance, add_guidance_version
from alongside.workforce.forms import GuidanceForm, GuidanceVersionForm
from alongside.workforce.models import GuidanceDocument, GuidanceTag


@require_GET
def guidance(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_GUIDANCE)
    documents = GuidanceDocument.objects.select_related("owner").prefetch_related("tags")
    tag = request.GET.get("tag", "")
    if tag:
        documents = documents.filter(tags__name=tag)
    return render(
        request,
        "workforce/guidance.html",
        {
            "documents": list(documents.order_by("title")),
            "tags": list(GuidanceTag.objects.order_by("name")),
            "tag": tag,
            "can_manage": has_permission(request.user, Permission.MANAGE_GUIDANCE),
        },
    )


@require_GET
def guidance_document(request: HttpRequest, pk: int) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_GUIDANCE)
    document = get_object_or_404(GuidanceDocument.objects.select_related("owner"), pk=pk)
    versions = list(document.versions.select_related("published_by").order_by("-number"))
    wanted = request.GET.get("version", "")
    shown = versions[0] if versions else None
    if wanted:
        shown = next((v for v in versions if str(v.number) == wanted), None)
        if shown is None:
            raise Http404("No such version.")
    return render(
        request,
        "workforce/guidance_document.html",
        {
            "document": document,
            "versions": versions,
            "shown": shown,
            "can_manage": has_permission(request.user, Permission.MANAGE_GUIDANCE),
        },
    )


def _owners() -> "object":
    return (
        Person.objects.filter(current("memberships__"), user__isnull=False)
        .distinct()
        .order_by("family_name", "given_name")
    )


@require_http_methods(["GET", "POST"])
def guidance_new(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_GUIDANCE)
    form = GuidanceForm(request.POST if request.method == "POST" else None, owners=_owners())  # type: ignore[arg-type]
    if request.method == "POST":
        document = run_action(
            form,
            lambda: add_guidance(
                by=request.user,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                owner=form.cleaned_data["owner"],
                tags=form.tag_names(),
                body=form.cleaned_data["body"],
            ),
        )
        if document is not None:
            messages.success(request, "Added to the guidance library.")
            return redirect("workforce:guidance-document", pk=document.pk)
    return render_form_page(
        request, form, title="Add guidance", submit="Add", cancel_url=reverse("workforce:guidance")
    )


@require_http_methods(["GET", "POST"])
def guidance_version(request: HttpRequest, pk: int) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_GUIDANCE)
    document = get_object_or_404(GuidanceDocument, pk=pk)
    latest = document.latest
    form = GuidanceVersionForm(
        request.POST if request.method == "POST" else None,
        initial={"body": latest.body if latest else ""},
    )
    if request.method == "POST":
        version = run_action(
            form,
            lambda: add_guidance_version(
                by=request.user,
                document=document,
                body=form.cleaned_data["body"],
                change_note=form.cleaned_data["change_note"],
            ),
        )
        if version is not None:
            messages.success(request, f"Version {version.number} published.")
            return redirect("workforce:guidance-document", pk=document.pk)
    return render_form_page(
        request,
        form,
        title=f"New version of “{document.title}”",
        submit="Publish",
        cancel_url=reverse("workforce:guidance-document", args=[document.pk]),
        lede="Earlier versions stay readable.",
    )


urlpatterns = [
    path("guidance/", guidance, name="guidance"),
    path("guidance/new/", guidance_new, name="guidance-new"),
    path("guidance/<int:pk>/", guidance_document, name="guidance-document"),
    path("guidance/<int:pk>/version/", guidance_version, name="guidance-version"),
]
