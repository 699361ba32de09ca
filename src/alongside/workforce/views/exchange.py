"""Practice exchange: threads by region and nationally, replies, and moderation."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alongside.core import audit
from alongside.core.access import Permission, has_permission, require_permission, visible
from alongside.core.forms import run_action
from alongside.workforce.access import exchange_regions, get_reply_for_user, get_thread_for_user
from alongside.workforce.actions.exchange import (
    NamesSomeone,
    hide_post,
    reply_to_thread,
    start_thread,
)
from alongside.workforce.forms import HideForm, ReplyForm, ThreadForm
from alongside.workforce.models import Reply, Thread


@require_GET
def exchange(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_EXCHANGE)
    threads = list(
        visible(Thread, request.user, Permission.VIEW_EXCHANGE)
        .select_related("region", "author")
        .annotate(reply_count=Count("replies", filter=Q(replies__hidden=False)))
        .order_by("-created_at", "-pk")[:100]
    )
    audit.record_list_view(
        actor=request.user, model=Thread, ids=[t.pk for t in threads], listing="practice exchange"
    )
    return render(
        request,
        "workforce/exchange.html",
        {"threads": threads, "can_post": has_permission(request.user, Permission.POST_EXCHANGE)},
    )


def _names_warning(form: ThreadForm | ReplyForm) -> bool:
    return any(
        isinstance(error, NamesSomeone) or "may name someone" in str(error)
        for error in form.non_field_errors()
    )


@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.POST_EXCHANGE)
    form = ThreadForm(
        request.POST if request.method == "POST" else None, regions=exchange_regions(request.user)
    )
    if request.method == "POST":
        thread = run_action(
            form,
            lambda: start_thread(
                by=request.user,
                region=form.cleaned_data["region"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                confirmed_no_names=form.cleaned_data["confirm_no_names"],
            ),
        )
        if thread is not None:
            messages.success(request, "Posted.")
            return redirect("workforce:thread", pk=thread.pk)
    return render(
        request,
        "workforce/thread_form.html",
        {
            "form": form,
            "warning": _names_warning(form),
            "cancel_url": reverse("workforce:exchange"),
        },
    )


@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_thread_for_user(request.user, pk, Permission.VIEW_EXCHANGE)
    replies = list(
        visible(Reply, request.user, Permission.VIEW_EXCHANGE)
        .filter(thread=item)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    can_reply = has_permission(request.user, Permission.POST_EXCHANGE, item)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and can_reply:
        reply = run_action(
            form,
            lambda: reply_to_thread(
                by=request.user,
                thread=item,
                body=form.cleaned_data["body"],
                confirmed_no_names=form.cleaned_data["confirm_no_names"],
            ),
        )
        if reply is not None:
            messages.success(request, "Reply posted.")
            return redirect("workforce:thread", pk=item.pk)
    audit.record_list_view(
        actor=request.user, model=Reply, ids=[r.pk for r in replies], listing=f"thread {item.pk}"
    )
    return render(
        request,
        "workforce/thread.html",
        {
            "thread": item,
            "replies": replies,
            "form": form,
            "warning": _names_warning(form),
            "can_reply": can_reply,
            "can_moderate": has_permission(request.user, Permission.MODERATE_EXCHANGE),
        },
    )


@require_POST
def thread_hide(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_thread_for_user(request.user, pk, Permission.MODERATE_EXCHANGE)
    form = HideForm(request.POST)
    if run_action(
        form, lambda: hide_post(by=request.user, post=item, reason=form.cleaned_data["reason"])
    ):
        messages.success(request, "Thread hidden; its author was told.")
    else:
        messages.error(request, "Give a reason to hide the thread.")
    return redirect("workforce:thread", pk=item.pk)


@require_POST
def reply_hide(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply_for_user(request.user, pk, Permission.MODERATE_EXCHANGE)
    form = HideForm(request.POST)
    if run_action(
        form, lambda: hide_post(by=request.user, post=reply, reason=form.cleaned_data["reason"])
    ):
        messages.success(request, "Reply hidden; its author was told.")
    else:
        messages.error(request, "Give a reason to hide the reply.")
    return redirect("workforce:thread", pk=reply.thread_id)


urlpatterns = [
    path("exchange/", exchange, name="exchange"),
    path("exchange/new/", thread_new, name="thread-new"),
    path("exchange/<int:pk>/", thread, name="thread"),
    path("exchange/<int:pk>/hide/", thread_hide, name="thread-hide"),
    path("exchange/reply/<int:pk>/hide/", reply_hide, name="reply-hide"),
]
