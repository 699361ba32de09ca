"""Pages where an administrator sets when each instrument falls due."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, require_permission
from alongside.core.forms import render_form_page, run_action
from alongside.measures.actions import set_schedule
from alongside.measures.models import InstrumentVersion, Schedule


class ScheduleForm(forms.Form):
    active = forms.BooleanField(required=False, label="Use this instrument routinely")
    at_first_contact = forms.BooleanField(required=False, label="Due at the first contact")
    every_n_weeks = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=104,
        label="Then every so many weeks",
        help_text="Leave empty for no review in between.",
    )
    at_ending = forms.BooleanField(required=False, label="Due when an episode is ending")


def _titles() -> dict[str, str]:
    """The newest title of each instrument code."""
    titles: dict[str, str] = {}
    for code, title in InstrumentVersion.objects.order_by("code", "loaded_at").values_list(
        "code", "title"
    ):
        titles[code] = title
    return titles


@require_GET
def schedules(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_ORGANISATION)
    by_code = {s.instrument_code: s for s in Schedule.objects.all()}
    rows = [(code, title, by_code.get(code)) for code, title in sorted(_titles().items())]
    return render(request, "measures/schedules.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, code: str) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_ORGANISATION)
    title = _titles().get(code)
    if title is None:
        raise Http404("No instrument with that code.")
    current = Schedule.objects.filter(instrument_code=code).first()
    initial = (
        {
            "active": current.active,
            "at_first_contact": current.at_first_contact,
            "every_n_weeks": current.every_n_weeks,
            "at_ending": current.at_ending,
        }
        if current
        else {"active": False}
    )
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = run_action(
            form, lambda: set_schedule(by=request.user, instrument_code=code, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, f"Schedule for {title} saved.")
            return redirect("measures:schedules")
    return render_form_page(
        request,
        form,
        title=f"When {title} is due",
        submit="Save",
        cancel_url=reverse("measures:schedules"),
    )
