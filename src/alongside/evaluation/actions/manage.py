"""Changing a study from the browser: each write is one transaction with its audit record.

Every change to a study's configuration is made the way a study file is loaded: the study's
current definition is read, the change applied to it, the result written out as a study file,
checked by the study-file parser and given to `load_study`. So the browser can do nothing a
file could not, the invariants live in one place (a site or cohort with participants cannot be
removed), and the file offered for download is always the study as it stands.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from alongside.core import audit
from alongside.core.access import Permission, RoleCode, has_permission, principal_for
from alongside.core.models import AuditAction
from alongside.core.records import AnyUser
from alongside.evaluation.actions.studies import (
    add_study_member,
    load_study,
    remove_study_member,
)
from alongside.evaluation.models import (
    Approval,
    Cohort,
    CohortInstrument,
    PaperForm,
    Participant,
    Site,
    Study,
    StudyMember,
    SurveyLink,
)
from alongside.evaluation.studyfile import (
    ApprovalEntry,
    Place,
    StudyDefinition,
    StudyFileError,
    parse_study,
)
from alongside.evaluation.studyfile_dump import dump_study, text_digest
from alongside.measures.definitions import version_key
from alongside.measures.models import InstrumentVersion

PlaceKind = Literal["site", "cohort"]
InstrumentKey = tuple[str, str]

# --- reading the current configuration ----------------------------------------------------------


def available_instruments() -> dict[str, list[str]]:
    """Each loaded instrument code with its versions, oldest first (as the study loader wants)."""
    available: dict[str, list[str]] = {}
    for code, version in InstrumentVersion.objects.values_list("code", "version"):
        available.setdefault(code, []).append(version)
    for versions in available.values():
        versions.sort(key=version_key)
    return available


def current_definition(study: Study) -> StudyDefinition:
    """The study as it stands, as the definition its study file would give."""
    sites = tuple(Place(code, name) for code, name in study.sites.values_list("code", "name"))
    cohorts = tuple(Place(code, name) for code, name in study.cohorts.values_list("code", "name"))
    approvals = tuple(
        ApprovalEntry(site, cohort, status, committee, reference)
        for site, cohort, status, committee, reference in Approval.objects.filter(study=study)
        .order_by("site__code", "cohort__code")
        .values_list("site__code", "cohort__code", "status", "committee", "reference")
    )
    instruments: dict[str, list[InstrumentKey]] = {}
    for cohort, code, version in (
        CohortInstrument.objects.filter(cohort__study=study)
        .order_by("cohort__code", "pk")
        .values_list("cohort__code", "instrument_version__code", "instrument_version__version")
    ):
        instruments.setdefault(cohort, []).append((code, version))
    definition = StudyDefinition(
        slug=study.slug,
        title=study.title,
        period_start=study.period_start,
        period_end=study.period_end,
        methods=tuple(study.methods),
        sites=sites,
        cohorts=cohorts,
        approvals=approvals,
        instruments=tuple((cohort, tuple(keys)) for cohort, keys in instruments.items()),
        digest="",
        source=f"{study.slug}.yaml",
        information_sheet_version=study.information_sheet_version,
        disclosure_threshold=study.disclosure_threshold,
    )
    return replace(definition, digest=text_digest(dump_study(definition)))


# --- writing ------------------------------------------------------------------------------------


def _save(*, by: AnyUser | None, study: Study, definition: StudyDefinition) -> Study:
    """Check the changed definition as its study file, then load it. Call inside a transaction."""
    text = dump_study(definition)
    try:
        checked = parse_study(
            yaml.safe_load(text),
            source=f"{study.slug}.yaml",
            text=text,
            available=available_instruments(),
        )
    except StudyFileError as error:
        raise ValidationError(list(error.problems), code="invalid") from error
    saved, _ = load_study(by=by, definition=checked)
    return saved


def _note(*, by: AnyUser | None, study: Study, change: str, **detail: Any) -> None:
    """What was changed from the browser, beside load_study's own record of the result."""
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=study,
        detail={"change": change, "via": "browser", **detail},
    )


def update_study_details(
    *,
    by: AnyUser | None,
    study: Study,
    title: str,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    methods: Sequence[str],
    information_sheet_version: str,
) -> Study:
    """Change the title, period, collection methods and current information-sheet version."""
    with transaction.atomic():
        definition = replace(
            current_definition(study),
            title=title.strip(),
            period_start=period_start,
            period_end=period_end,
            methods=tuple(methods),
            information_sheet_version=information_sheet_version.strip(),
        )
        saved = _save(by=by, study=study, definition=definition)
        _note(by=by, study=saved, change="details")
    return saved


def _places(definition: StudyDefinition, kind: PlaceKind) -> tuple[Place, ...]:
    return definition.sites if kind == "site" else definition.cohorts


def _with_places(
    definition: StudyDefinition, kind: PlaceKind, places: Sequence[Place]
) -> StudyDefinition:
    if kind == "site":
        return replace(definition, sites=tuple(places))
    return replace(definition, cohorts=tuple(places))


def add_place(*, by: AnyUser | None, study: Study, kind: PlaceKind, code: str, name: str) -> Study:
    """Add a site or a cohort (with no approval yet: nobody can be added there until given one)."""
    with transaction.atomic():
        definition = current_definition(study)
        code, name = code.strip(), name.strip()
        if any(place.code == code for place in _places(definition, kind)):
            raise ValidationError(
                {"code": f"This study already has a {kind} with the code {code}."},
                code="duplicate",
            )
        places = (*_places(definition, kind), Place(code, name))
        saved = _save(by=by, study=study, definition=_with_places(definition, kind, places))
        _note(by=by, study=saved, change=f"add-{kind}", code=code)
    return saved


def rename_place(
    *, by: AnyUser | None, study: Study, kind: PlaceKind, code: str, name: str
) -> Study:
    """Give a site or a cohort a new name; its code, which files use, stays."""
    with transaction.atomic():
        definition = current_definition(study)
        places = _places(definition, kind)
        if not any(place.code == code for place in places):
            raise ValidationError(f"This study has no {kind} {code}.", code="missing")
        renamed = [Place(p.code, name.strip()) if p.code == code else p for p in places]
        saved = _save(by=by, study=study, definition=_with_places(definition, kind, renamed))
        _note(by=by, study=saved, change=f"rename-{kind}", code=code)
    return saved


def place_uses(study: Study, kind: PlaceKind, code: str) -> list[str]:
    """What holds on to a site or cohort, in words; empty when it can be removed."""
    model = Site if kind == "site" else Cohort
    place = model.objects.filter(study=study, code=code).first()
    if place is None:
        return []
    counts = (
        (Participant.objects.filter(**{kind: place}).count(), "participant", "registered"),
        (PaperForm.objects.filter(**{kind: place}).count(), "paper form", "keyed in"),
        (SurveyLink.objects.filter(**{kind: place}).count(), "survey link", "made"),
    )
    return [f"{n} {noun}{'' if n == 1 else 's'} {verb} there" for n, noun, verb in counts if n]


def remove_place(*, by: AnyUser | None, study: Study, kind: PlaceKind, code: str) -> Study:
    """Remove a site or cohort nobody uses, with its approvals and instruments."""
    with transaction.atomic():
        definition = current_definition(study)
        places = _places(definition, kind)
        if not any(place.code == code for place in places):
            raise ValidationError(f"This study has no {kind} {code}.", code="missing")
        uses = place_uses(study, kind, code)
        if uses:
            raise ValidationError(
                f"The {kind} {code} cannot be removed: {'; '.join(uses)}. A {kind} stays "
                "once anything has been recorded for it (withdrawn participants count too), "
                "so that their records keep their meaning.",
                code="in-use",
            )
        kept = [place for place in places if place.code != code]
        definition = replace(
            _with_places(definition, kind, kept),
            approvals=tuple(
                a for a in definition.approvals if (a.site if kind == "site" else a.cohort) != code
            ),
            instruments=tuple(
                entry for entry in definition.instruments if kind == "site" or entry[0] != code
            ),
        )
        saved = _save(by=by, study=study, definition=definition)
        _note(by=by, study=saved, change=f"remove-{kind}", code=code)
    return saved


def save_approvals(
    *, by: AnyUser | None, study: Study, approvals: Sequence[ApprovalEntry]
) -> Study:
    """Replace the whole approvals grid; a pair left out counts as not approved."""
    with transaction.atomic():
        definition = replace(current_definition(study), approvals=tuple(approvals))
        saved = _save(by=by, study=study, definition=definition)
        _note(by=by, study=saved, change="approvals", approvals=len(approvals))
    return saved


def set_instruments(
    *,
    by: AnyUser | None,
    study: Study,
    instruments: Mapping[str, Sequence[InstrumentKey]],
) -> Study:
    """The instrument versions each cohort completes (cohort code to its list), replacing all."""
    with transaction.atomic():
        definition = current_definition(study)
        cohorts = [place.code for place in definition.cohorts]
        unknown = sorted(set(instruments) - set(cohorts))
        if unknown:
            raise ValidationError(f"This study has no cohort {', '.join(unknown)}.", code="missing")
        chosen = {cohort: tuple(dict.fromkeys(keys)) for cohort, keys in instruments.items()}
        ordered = tuple((code, chosen[code]) for code in cohorts if chosen.get(code))
        saved = _save(by=by, study=study, definition=replace(definition, instruments=ordered))
        _note(
            by=by,
            study=saved,
            change="instruments",
            instruments={
                cohort: [f"{code} {version}" for code, version in keys] for cohort, keys in ordered
            },
        )
    return saved


def load_uploaded_study(*, by: AnyUser | None, definition: StudyDefinition) -> tuple[Study, bool]:
    """Create or update a study from an uploaded study file.

    An evaluator who creates a study becomes its first member (without identifiers); an
    administrator who creates one adds its evaluators on the members page.
    """
    with transaction.atomic():
        study, created = load_study(by=by, definition=definition)
        if created and by is not None and has_permission(by, Permission.MANAGE_STUDY):
            add_study_member(by=by, study=study, user=by)
        _note(by=by, study=study, change="upload", source=definition.source[:100])
    return study, created


# --- members ------------------------------------------------------------------------------------


def is_evaluator(user: Any) -> bool:
    return any(g.role == RoleCode.EVALUATOR for g in principal_for(user).grants)


def add_evaluator(
    *, by: AnyUser | None, study: Study, username: str, may_see_identifiers: bool
) -> StudyMember:
    """Make an evaluator, named by username, a member of the study."""
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None or not user.is_active:
        raise ValidationError({"username": f"There is no active user named {username.strip()}."})
    if not is_evaluator(user):
        raise ValidationError(
            {"username": f"{username.strip()} is not an evaluator: only evaluators can be members."}
        )
    if StudyMember.objects.filter(study=study, user=user).exists():
        raise ValidationError({"username": f"{username.strip()} is already a member."})
    return add_study_member(by=by, study=study, user=user, may_see_identifiers=may_see_identifiers)


def set_member_identifiers(
    *, by: AnyUser | None, study: Study, member: StudyMember, may_see_identifiers: bool
) -> StudyMember:
    """Allow or stop a member's exports carrying participant codes."""
    return add_study_member(
        by=by, study=study, user=member.user, may_see_identifiers=may_see_identifiers
    )


def remove_member(*, by: AnyUser | None, study: Study, member: StudyMember) -> None:
    remove_study_member(by=by, study=study, user=member.user)
