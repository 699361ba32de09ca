"""Paper forms keyed in, with optional double entry and resolution.

Members of a study with `ENTER_PAPER_FORMS` key forms; everyone else gets a 404. The second
entry is blind (it shows nothing the first person keyed, not even on the list), and the
resolution page, which shows both entries, is for a third person.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, get_object_for_user, visible
from alongside.core.forms import run_action
from alongside.evaluation.access import get_study_for_user
from alongside.evaluation.actions import paper as actions
from alongside.evaluation.double_entry import Keyed, compare
from alongside.evaluation.forms_paper import PaperKeyingForm, ResolveForm, describe, field_label
from alongside.evaluation.models import (
    Cohort,
    CohortInstrument,
    PaperEntry,
    PaperForm,
    PaperFormStatus,
    Study,
)

PERMISSION = Permission.ENTER_PAPER_FORMS


def _study(request: HttpRequest, slug: str) -> Study:
    return get_study_for_user(request.user, slug, PERMISSION)


def _form(request: HttpRequest, study: Study, pk: int) -> PaperForm:
    return get_object_for_user(
        PaperForm,
        request.user,
        pk,
        PERMISSION,
        queryset=PaperForm.objects.filter(study=study).select_related("instrument_version"),
    )


def _posted(request: HttpRequest) -> Any:
    """The submitted data, even when empty (an empty resolution must still be refused)."""
    return request.POST if request.method == "POST" else None


def _entries(form: PaperForm) -> list[PaperEntry]:
    return list(form.entries.select_related("entered_by").order_by("entered_at", "pk"))


@require_GET
def paper_forms(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    forms = visible(PaperForm, request.user, PERMISSION).filter(study=study)
    counts = dict(forms.order_by().values_list("status").annotate(n=Count("id")))
    status = request.GET.get("status", "")
    if status in PaperFormStatus.values:
        forms = forms.filter(status=status)
    else:
        status = ""
    rows = []
    for form in forms.select_related("instrument_version").prefetch_related("entries__entered_by"):
        keyed_by = [entry.entered_by for entry in form.entries.all()]
        mine = request.user.pk in {user.pk for user in keyed_by}
        rows.append(
            {
                "form": form,
                "keyed_by": ", ".join(user.get_username() for user in keyed_by),
                "second_entry": form.status == PaperFormStatus.AWAITING_SECOND_ENTRY and not mine,
                "resolve": form.status == PaperFormStatus.DISAGREEMENT and not mine,
            }
        )
    context = {
        "study": study,
        "rows": rows,
        "status": status,
        "statuses": [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in PaperFormStatus.choices
        ],
        "total": sum(counts.values()),
    }
    return render(request, "evaluation/paper_forms.html", context)


@require_GET
def paper_new(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    links = CohortInstrument.objects.filter(cohort__study=study).select_related(
        "cohort", "instrument_version"
    )
    # A cohort keys the newest loaded version of each of its instruments, as imports do.
    latest: dict[tuple[str, str], CohortInstrument] = {}
    for link in links.order_by("cohort__code", "instrument_version__loaded_at"):
        latest[(link.cohort.code, link.instrument_version.code)] = link
    choices = [
        {"cohort": link.cohort, "version": link.instrument_version}
        for _, link in sorted(latest.items())
    ]
    return render(request, "evaluation/paper_new.html", {"study": study, "choices": choices})


@require_http_methods(["GET", "POST"])
def paper_key(request: HttpRequest, slug: str, cohort: str, instrument: str) -> HttpResponse:
    study = _study(request, slug)
    the_cohort = Cohort.objects.filter(study=study, code=cohort).first()
    version = None if the_cohort is None else actions.version_for(the_cohort, instrument)
    if the_cohort is None or version is None:
        raise Http404("This cohort does not complete that questionnaire.")
    form = PaperKeyingForm(
        _posted(request),
        instrument=version.instrument(),
        sites=list(study.sites.order_by("code")),
        first=True,
    )
    saved = run_action(
        form,
        lambda: actions.enter_paper_form(
            by=request.user,  # type: ignore[arg-type]
            study=study,
            reference=form.cleaned_data["reference"],
            participant_code=form.cleaned_data["participant_code"],
            site_code=form.cleaned_data["site"],
            cohort_code=the_cohort.code,
            instrument_code=version.code,
            answers=form.answers(),
            double_entry=form.cleaned_data["double_entry"],
        ),
    )
    if saved is not None:
        outcome = (
            "verified: it counts now"
            if saved.status == PaperFormStatus.VERIFIED
            else "waiting for someone else to key it again"
        )
        messages.success(request, f"Form {saved.reference} saved, {outcome}.")
        return redirect(request.path)
    context = {
        "study": study,
        "form": form,
        "cohort": the_cohort,
        "version": version,
        "title": "Key a paper form",
    }
    return render(request, "evaluation/paper_key.html", context)


@require_http_methods(["GET", "POST"])
def paper_second(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = _study(request, slug)
    paper = _form(request, study, pk)
    entries = _entries(paper)
    refusal = ""
    if paper.status != PaperFormStatus.AWAITING_SECOND_ENTRY:
        refusal = "This form is not waiting for a second entry."
    elif any(entry.entered_by_id == request.user.pk for entry in entries):
        refusal = (
            "You keyed the first entry of this form: the second must be keyed by someone else."
        )
    version = paper.instrument_version
    cohorts = [
        link.cohort
        for link in CohortInstrument.objects.filter(
            cohort__study=study, instrument_version=version
        ).select_related("cohort")
    ]
    form = PaperKeyingForm(
        _posted(request),
        instrument=version.instrument(),
        sites=list(study.sites.order_by("code")),
        cohorts=cohorts,
        first=False,
    )
    if request.method == "POST" and not refusal:
        saved = run_action(
            form,
            lambda: actions.add_second_entry(
                by=request.user,  # type: ignore[arg-type]
                form=paper,
                participant_code=form.cleaned_data["participant_code"],
                site_code=form.cleaned_data["site"],
                cohort_code=form.cleaned_data["cohort"],
                answers=form.answers(),
            ),
        )
        if saved is not None:
            if saved.status == PaperFormStatus.VERIFIED:
                messages.success(request, f"Form {saved.reference}: both entries agree. Verified.")
            else:
                messages.success(
                    request,
                    f"Form {saved.reference}: the entries disagree. A third person will resolve "
                    "the differences.",
                )
            return redirect("evaluation:paper-forms", slug=study.slug)
    context = {
        "study": study,
        "paper": paper,
        "form": form,
        "version": version,
        "refusal": refusal,
        "title": f"Second entry of form {paper.reference}",
    }
    return render(request, "evaluation/paper_key.html", context)


@require_http_methods(["GET", "POST"])
def paper_resolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = _study(request, slug)
    paper = _form(request, study, pk)
    context: dict[str, Any] = {"study": study, "paper": paper}
    if paper.status != PaperFormStatus.DISAGREEMENT:
        context["refusal"] = "This form has no disagreements to resolve."
        return render(request, "evaluation/paper_resolve.html", context)
    first, second = _entries(paper)
    if request.user.pk in (first.entered_by_id, second.entered_by_id):
        context["refusal"] = "You keyed one of the two entries: a third person must resolve them."
        return render(request, "evaluation/paper_resolve.html", context)
    instrument = paper.instrument_version.instrument()
    one, two = Keyed.from_json(first.answers), Keyed.from_json(second.answers)
    disagreements = compare(one, two)
    form = ResolveForm(_posted(request), disagreements=disagreements, instrument=instrument)
    saved = run_action(
        form,
        lambda: actions.resolve_paper_form(
            by=request.user,  # type: ignore[arg-type]
            form=paper,
            choices=form.choices(),
        ),
    )
    if saved is not None:
        messages.success(request, f"Form {saved.reference} resolved and verified.")
        return redirect(
            reverse("evaluation:paper-forms", args=[study.slug])
            + f"?status={PaperFormStatus.DISAGREEMENT}"
        )
    disputed = {d.field for d in disagreements}
    agreed = [
        {
            "label": field_label(name, instrument),
            "value": describe(one.value(name), instrument, name),
        }
        for name in one.fields()
        if name not in disputed
    ]
    context.update(
        {
            "form": form,
            "first": first,
            "second": second,
            "agreed": agreed,
        }
    )
    return render(request, "evaluation/paper_resolve.html", context)


urlpatterns: list[URLPattern] = [
    path("<slug:slug>/paper/", paper_forms, name="paper-forms"),
    path("<slug:slug>/paper/new/", paper_new, name="paper-new"),
    path("<slug:slug>/paper/new/<slug:cohort>/<slug:instrument>/", paper_key, name="paper-key"),
    path("<slug:slug>/paper/<int:pk>/second/", paper_second, name="paper-second"),
    path("<slug:slug>/paper/<int:pk>/resolve/", paper_resolve, name="paper-resolve"),
]
