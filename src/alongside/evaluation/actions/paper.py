"""Keying paper questionnaires, with optional double entry: each function is one transaction
with its audit record.

Every keying is checked whole before anything is written (the same checks and wording as an
import: unknown site or cohort, a value not on the scale, a site and cohort without ethics
approval, a participant already answering elsewhere); any problem raises one ValidationError
listing every problem by field, and nothing is written. A form counts only once it is verified:
then, and only then, its participant is registered (if new) and its `Response` is created, so
analyses, exports and reports (which read responses) never see an unverified form.

The participant code keyed is kept as its digest and sealed (alongside.evaluation.pseudonym_key),
never as typed: forms and keyings match participants by digest. Where two keyings disagree on
the code, the third person types the code on the paper, which must match one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.core.records import save_audited
from alongside.evaluation import pseudonym_key, queries
from alongside.evaluation.actions.studies import Registrar, require_approval
from alongside.evaluation.double_entry import (
    Keyed,
    ResolutionError,
    Value,
    compare,
    item_field,
    merge,
)
from alongside.evaluation.imports import RowChecker, StudyContext, scale_lookup, scale_text
from alongside.evaluation.models import (
    Cohort,
    CohortInstrument,
    Method,
    PaperEntry,
    PaperForm,
    PaperFormStatus,
    Participant,
    Response,
    ResponseSource,
    Site,
    Study,
)
from alongside.measures.definitions import Instrument, ItemKind
from alongside.measures.models import InstrumentVersion

MAX_CODE = 64
Problems = dict[str, list[str]]
# How problems name the participant when the code was not typed in this request.
THE_PARTICIPANT = "The participant"


@dataclass(frozen=True)
class _Checked:
    """One keying read against the study, with every problem found by field."""

    keyed: Keyed
    problems: Problems
    code: str  # as typed, to name it back to the person who typed it


def _add(problems: Problems, name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _refuse(problems: Problems) -> ValidationError:
    return ValidationError({name: list(messages) for name, messages in problems.items()})


def _messages(checker: RowChecker) -> list[tuple[str, str]]:
    """The import checker's problems as (field, message), emptying it."""
    found = [(problem.column or "", problem.message) for problem in checker.problems]
    checker.problems.clear()
    return found


def choice_items(instrument: Instrument) -> list[str]:
    """The items keyed from paper: every scale item (free-text answers are not keyed)."""
    return [item.code for item in instrument.items if item.kind is ItemKind.CHOICE]


def scale_value(instrument: Instrument, item_code: str, raw: str) -> int | None:
    """A cell as its scale value: the value or its label, case-insensitive, extra spaces
    ignored; blank is None (missing). Raises ValueError for anything not on the scale."""
    text = " ".join(raw.split())
    if not text:
        return None
    value = scale_lookup(instrument, item_code).get(text.casefold())
    if value is None:
        raise ValueError(f"not on the scale (use {scale_text(instrument, item_code)})")
    return value


def version_for(cohort: Cohort, instrument_code: str) -> InstrumentVersion | None:
    link = (
        CohortInstrument.objects.filter(cohort=cohort, instrument_version__code=instrument_code)
        .select_related("instrument_version")
        .order_by("-instrument_version__loaded_at")
        .first()
    )
    return None if link is None else link.instrument_version


def _completes(cohort: Cohort) -> str:
    codes = CohortInstrument.objects.filter(cohort=cohort).values_list(
        "instrument_version__code", flat=True
    )
    return ", ".join(sorted(set(codes))) or "none"


def _read(
    *,
    context: StudyContext,
    instrument: Instrument | None,
    participant_code: str,
    site_code: str,
    cohort_code: str,
    answers: Mapping[str, str],
) -> _Checked:
    """Parse one keying: codes present and known, every answer on its item's scale."""
    problems: Problems = {}
    checker = RowChecker(context)
    code = participant_code.strip()
    digest = sealed = ""
    if not code:
        _add(problems, "participant_code", "Enter the participant code written on the form.")
    elif len(code) > MAX_CODE:
        _add(problems, "participant_code", f"Longer than {MAX_CODE} characters.")
    else:
        digest = context.digest(code)
        sealed = pseudonym_key.keyring().seal(code)
    site = checker.member(0, "site", site_code, context.sites) or ""
    cohort = checker.member(0, "cohort", cohort_code, context.cohorts) or ""
    for name, message in _messages(checker):
        _add(problems, name, message)
    values: dict[str, int | None] = {}
    if instrument is not None:
        items = choice_items(instrument)
        for unknown in sorted(set(answers) - set(items)):
            _add(
                problems,
                item_field(unknown),
                f"{unknown} is not a scale item of {instrument.code} {instrument.version} "
                f"(its items are: {', '.join(items)})",
            )
        for item in items:
            try:
                values[item] = scale_value(instrument, item, answers.get(item, ""))
            except ValueError as error:
                _add(problems, item_field(item), str(error))
    return _Checked(Keyed(digest, site, cohort, values, participant_sealed=sealed), problems, code)


def _placement_problems(
    *,
    study: Study,
    context: StudyContext,
    keyed: Keyed,
    version: InstrumentVersion,
    form: PaperForm | None,
    shown: str = THE_PARTICIPANT,
) -> Problems:
    """Whether this participant may be added here: approval, registration, no second answer.

    `shown` names the participant in problems: the code as the person typed it, if they did.
    """
    problems: Problems = {}
    if not (keyed.site and keyed.cohort and keyed.participant_code):
        return problems
    checker = RowChecker(context)
    if checker.approved(0, keyed.site, keyed.cohort):
        checker.matches_known(0, shown, keyed.participant_code, keyed.site, keyed.cohort)
    for name, message in _messages(checker):
        if name == "participant":
            _add(problems, "participant_code", f"{shown} {message}.")
        else:
            _add(problems, name, message)
    answered = (
        Response.objects.filter(
            participant__study=study,
            participant__code_digest=keyed.participant_code,
            instrument_version__code=version.code,
            source__in=[ResponseSource.PAPER, ResponseSource.IMPORT],
        )
        .values_list("source", flat=True)
        .first()
    )
    if answered is not None:
        how = "a paper" if answered == ResponseSource.PAPER else "an imported"
        _add(
            problems,
            "participant_code",
            f"{shown} already has {how} response to {version.code}.",
        )
    other_forms = PaperForm.objects.filter(
        study=study,
        participant_digest=keyed.participant_code,
        instrument_version__code=version.code,
        response__isnull=True,
    )
    if form is not None:
        other_forms = other_forms.exclude(pk=form.pk)
    other = other_forms.values_list("reference", flat=True).first()
    if other is not None:
        _add(
            problems,
            "participant_code",
            f"{shown} already has paper form {other} for {version.code}, not yet verified.",
        )
    return problems


def _check(
    *,
    study: Study,
    version: InstrumentVersion | None,
    participant_code: str,
    site_code: str,
    cohort_code: str,
    answers: Mapping[str, str],
    form: PaperForm | None,
    problems: Problems,
) -> Keyed:
    """Read and check one keying; add its problems to `problems`."""
    context = queries.import_context(study)
    checked = _read(
        context=context,
        instrument=None if version is None else version.instrument(),
        participant_code=participant_code,
        site_code=site_code,
        cohort_code=cohort_code,
        answers=answers,
    )
    for name, messages in checked.problems.items():
        problems.setdefault(name, []).extend(messages)
    if version is not None:
        placement = _placement_problems(
            study=study,
            context=context,
            keyed=checked.keyed,
            version=version,
            form=form,
            shown=checked.code,
        )
        for name, messages in placement.items():
            problems.setdefault(name, []).extend(messages)
    return checked.keyed


def _cohort_version(
    study: Study, cohort_code: str, instrument_code: str, problems: Problems
) -> InstrumentVersion | None:
    cohort = Cohort.objects.filter(study=study, code=cohort_code.strip()).first()
    if cohort is None:
        return None  # the cohort itself is reported by the keying's checks
    version = version_for(cohort, instrument_code.strip())
    if version is None:
        _add(
            problems,
            "instrument",
            f"Cohort {cohort.code} does not complete {instrument_code.strip() or 'this'} "
            f"(it completes: {_completes(cohort)}).",
        )
    return version


def _verify(*, by: User, form: PaperForm, keyed: Keyed, changed: tuple[str, ...] = ()) -> PaperForm:
    """Register the participant if new and record the response; the form becomes verified."""
    study = form.study
    site = Site.objects.get(study=study, code=keyed.site)
    cohort = Cohort.objects.get(study=study, code=keyed.cohort)
    participant = Participant.objects.filter(
        study=study, code_digest=keyed.participant_code
    ).first()
    if participant is None:
        registrar = Registrar(study, 1)
        ids = registrar.create_sealed(
            [
                (
                    keyed.participant_sealed,
                    keyed.participant_code,
                    site,
                    cohort,
                    Method.PAPER_SURVEY.value,
                    "",
                )
            ]
        )
        participant = Participant.objects.get(pk=ids[keyed.participant_code])
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            obj=participant,
            detail={"study": study.slug, "from": "paper form", "form": form.pk},
        )
    else:
        # A known participant was checked against this site and cohort; the rule still holds.
        require_approval(study=study, site=site, cohort=cohort)
    response = save_audited(
        Response(
            participant=participant,
            instrument_version=form.instrument_version,
            source=ResponseSource.PAPER,
            answers=dict(keyed.answers),
        ),
        by=by,
        action=AuditAction.CREATE,
        fields=["participant", "instrument_version", "source", "answers"],
    )
    form.participant_digest = keyed.participant_code
    form.site = site
    form.cohort = cohort
    form.response = response
    form.status = PaperFormStatus.VERIFIED
    form.verified_at = timezone.now()
    return save_audited(
        form,
        by=by,
        action=AuditAction.UPDATE,
        fields=[
            "status",
            "verified_at",
            "response",
            "participant_digest",
            "site",
            "cohort",
            *changed,
        ],
    )


def enter_paper_form(
    *,
    by: User,
    study: Study,
    reference: str,
    participant_code: str,
    site_code: str,
    cohort_code: str,
    instrument_code: str,
    answers: Mapping[str, str],
    double_entry: bool,
) -> PaperForm:
    """Key a paper form (`answers`: item code to the text on paper, blank for missing).

    Without double entry the form is verified at once; with it, it waits for a second person.
    """
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        problems: Problems = {}
        reference = reference.strip()
        if not reference:
            _add(problems, "reference", "Enter the number written on the paper form.")
        elif len(reference) > MAX_CODE:
            _add(problems, "reference", f"Longer than {MAX_CODE} characters.")
        elif PaperForm.objects.filter(study=study, reference=reference).exists():
            _add(problems, "reference", f"Form {reference} has already been keyed in this study.")
        version = _cohort_version(study, cohort_code, instrument_code, problems)
        keyed = _check(
            study=study,
            version=version,
            participant_code=participant_code,
            site_code=site_code,
            cohort_code=cohort_code,
            answers=answers,
            form=None,
            problems=problems,
        )
        if problems or version is None:
            raise _refuse(problems or {"instrument": ["Choose the questionnaire keyed."]})
        form = save_audited(
            PaperForm(
                study=study,
                reference=reference,
                participant_digest=keyed.participant_code,
                site=Site.objects.get(study=study, code=keyed.site),
                cohort=Cohort.objects.get(study=study, code=keyed.cohort),
                instrument_version=version,
                double_entry=double_entry,
                status=PaperFormStatus.AWAITING_SECOND_ENTRY,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["reference", "participant_digest", "site", "cohort", "instrument_version"],
        )
        save_audited(
            PaperEntry(form=form, entered_by=by, answers=keyed.to_json()),
            by=by,
            action=AuditAction.CREATE,
            fields=["form", "entered_by", "answers"],
        )
        if not double_entry:
            form = _verify(by=by, form=form, keyed=keyed)
    return form


def _locked(form: PaperForm, status: PaperFormStatus, wrong: str) -> PaperForm:
    locked = (
        PaperForm.objects.select_for_update()
        .select_related("study", "instrument_version")
        .get(pk=form.pk)
    )
    if locked.status != status:
        raise ValidationError(wrong, code="wrong-status")
    return locked


def _entries(form: PaperForm) -> list[PaperEntry]:
    return list(PaperEntry.objects.filter(form=form).order_by("entered_at", "pk"))


def add_second_entry(
    *,
    by: User,
    form: PaperForm,
    participant_code: str,
    site_code: str,
    cohort_code: str,
    answers: Mapping[str, str],
) -> PaperForm:
    """Key the same form again, blind; a different person from the first. Agreement verifies
    the form; any difference leaves it waiting for a third person to resolve."""
    with transaction.atomic():
        form = _locked(
            form,
            PaperFormStatus.AWAITING_SECOND_ENTRY,
            "This form is not waiting for a second entry.",
        )
        Study.objects.select_for_update().get(pk=form.study_id)
        (first,) = _entries(form)
        if first.entered_by_id == by.pk:
            raise ValidationError(
                "You keyed the first entry of this form: the second must be keyed by someone else.",
                code="same-person",
            )
        problems: Problems = {}
        version = form.instrument_version
        cohort = Cohort.objects.filter(study=form.study, code=cohort_code.strip()).first()
        if cohort is not None and version_for(cohort, version.code) is None:
            _add(
                problems,
                "cohort",
                f"Cohort {cohort.code} does not complete {version.code} "
                f"(it completes: {_completes(cohort)}).",
            )
        keyed = _check(
            study=form.study,
            version=version,
            participant_code=participant_code,
            site_code=site_code,
            cohort_code=cohort_code,
            answers=answers,
            form=form,
            problems=problems,
        )
        if problems:
            raise _refuse(problems)
        save_audited(
            PaperEntry(form=form, entered_by=by, answers=keyed.to_json()),
            by=by,
            action=AuditAction.CREATE,
            fields=["form", "entered_by", "answers"],
        )
        first_keyed = Keyed.from_json(first.answers)
        disagreements = compare(first_keyed, keyed)
        if not disagreements:
            # The same in every field; the code is registered as the first person typed it.
            return _verify(by=by, form=form, keyed=first_keyed)
        form.status = PaperFormStatus.DISAGREEMENT
        form.save(update_fields=["status"])
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=form,
            detail={"fields": ["status"], "disagreements": len(disagreements)},
        )
    return form


CODE_FIELD = "participant_code"
TYPE_THE_CODE = {
    "choose which entry is right": "Type the participant code written on the paper form.",
    "choose one of the two entries' values": (
        "Neither entry keyed this code: check the code written on the paper form."
    ),
}


def resolve_paper_form(*, by: User, form: PaperForm, choices: Mapping[str, Value]) -> PaperForm:
    """A third person chooses, for every disagreement, which entry is right; verifies the form.

    Codes are not shown to anyone, so where the entries disagree on the participant code the
    choice for `participant_code` is the code the third person reads on the paper, as typed: it
    must be one of the two entries' codes.
    """
    typed = choices.get(CODE_FIELD)
    code = typed.strip() if isinstance(typed, str) else ""
    if CODE_FIELD in choices:
        choices = {**choices, CODE_FIELD: pseudonym_key.digest(code) if code else ""}
        if not code:
            choices = {name: value for name, value in choices.items() if name != CODE_FIELD}
    with transaction.atomic():
        form = _locked(
            form, PaperFormStatus.DISAGREEMENT, "This form has no disagreements to resolve."
        )
        Study.objects.select_for_update().get(pk=form.study_id)
        first, second = _entries(form)
        if by.pk in (first.entered_by_id, second.entered_by_id):
            raise ValidationError(
                "You keyed one of the two entries: a third person must resolve them.",
                code="not-third-person",
            )
        try:
            keyed = merge(Keyed.from_json(first.answers), Keyed.from_json(second.answers), choices)
        except ResolutionError as error:
            raise _refuse(
                {
                    name: [TYPE_THE_CODE.get(message, message) if name == CODE_FIELD else message]
                    for name, message in error.problems.items()
                }
            ) from None
        context = queries.import_context(form.study)
        problems = _placement_problems(
            study=form.study,
            context=context,
            keyed=keyed,
            version=form.instrument_version,
            form=form,
            shown=code or THE_PARTICIPANT,
        )
        if problems:
            raise _refuse(problems)
        form.resolved_answers = dict(choices)
        form.resolved_by = by
        return _verify(by=by, form=form, keyed=keyed, changed=("resolved_answers", "resolved_by"))
