"""Online surveys: anonymous study links, single-use personal invitations and their answers.

Each function is one transaction with its audit record. A personal link's token exists only
in the value `create_invitations` returns; the database keeps its SHA-256. Approval is checked
before anything is written, by the same `require_approval` every other path uses, and a person
who answers an anonymous link is registered by the same registrar that imports use.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.core.records import AnyUser, save_audited
from alongside.evaluation import pseudonym_key
from alongside.evaluation.actions.studies import Registrar, record_consent, require_approval
from alongside.evaluation.models import (
    Cohort,
    CohortInstrument,
    ConsentPurpose,
    Invitation,
    Method,
    Participant,
    Response,
    ResponseSource,
    Site,
    Study,
    SurveyLink,
)
from alongside.evaluation.survey_screens import (
    Consents,
    consents_in,
    final_answers,
    merge,
    with_consents,
)
from alongside.measures.definitions import Instrument
from alongside.measures.models import InstrumentVersion

ANONYMOUS_CODE_PREFIX = "web-"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def cohort_versions(cohort: Cohort) -> list[InstrumentVersion]:
    """The instruments a cohort completes, by code; the newest loaded version of each."""
    newest: dict[str, InstrumentVersion] = {}
    for link in (
        CohortInstrument.objects.filter(cohort=cohort)
        .select_related("instrument_version")
        .order_by("instrument_version__code", "instrument_version__loaded_at")
    ):
        newest[link.instrument_version.code] = link.instrument_version
    return [newest[code] for code in sorted(newest)]


def cohort_instruments(cohort: Cohort) -> list[Instrument]:
    return [version.instrument() for version in cohort_versions(cohort)]


def _signed_in(by: AnyUser) -> Any:
    if not by.is_authenticated:
        raise ValidationError("Only a signed-in evaluator can do this.", code="anonymous")
    return by


def _same_study(study: Study, *places: Site | Cohort) -> None:
    for place in places:
        if place.study_id != study.pk:
            raise ValidationError(f"{place.code} is not part of {study.slug}.", code="elsewhere")


def create_survey_link(*, by: AnyUser, study: Study, site: Site, cohort: Cohort) -> SurveyLink:
    """An anonymous link for one (site, cohort); refused, writing nothing, without approval."""
    _same_study(study, site, cohort)
    with transaction.atomic():
        require_approval(study=study, site=site, cohort=cohort)
        link = SurveyLink(
            study=study,
            site=site,
            cohort=cohort,
            token=secrets.token_urlsafe(16),
            created_by=_signed_in(by),
        )
        return save_audited(link, by=by, action=AuditAction.CREATE, fields=["site", "cohort"])


def close_survey_link(*, by: AnyUser, link: SurveyLink) -> SurveyLink:
    """Stop a link from taking more answers; answers already sent stay."""
    with transaction.atomic():
        link = SurveyLink.objects.select_for_update().get(pk=link.pk)
        if link.closed_at is not None:
            raise ValidationError("This link is already closed.", code="closed")
        link.closed_at = timezone.now()
        return save_audited(link, by=by, action=AuditAction.UPDATE, fields=["closed_at"])


def create_invitations(
    *, by: AnyUser, study: Study, participants: Sequence[Participant]
) -> list[tuple[Participant, str]]:
    """A personal link for each participant, all or none; each token is returned only here.

    Refused (naming every person by pseudonym) for anyone of another study, anyone who has
    withdrawn, anyone whose site and cohort lack approval, and anyone with a link still open
    or already answered. Handing the tokens out is audited as an export.
    """
    creator = _signed_in(by)
    with transaction.atomic():
        Study.objects.select_for_update().get(pk=study.pk)
        people = list(
            Participant.objects.select_related("site", "cohort").filter(
                pk__in=[p.pk for p in participants]
            )
        )
        problems = []
        checked: dict[tuple[int, int], str | None] = {}
        live = set(
            Invitation.objects.filter(participant__in=people, revoked_at__isnull=True).values_list(
                "participant_id", flat=True
            )
        )
        for person in people:
            if person.study_id != study.pk:
                problems.append(f"{person.pseudonym} is not a participant of {study.slug}.")
                continue
            if person.withdrawn_at is not None:
                problems.append(f"{person.pseudonym} has withdrawn from the study.")
                continue
            pair = (person.site_id, person.cohort_id)
            if pair not in checked:
                try:
                    require_approval(study=study, site=person.site, cohort=person.cohort)
                    checked[pair] = None
                except ValidationError as refusal:
                    checked[pair] = " ".join(refusal.messages)
            if checked[pair] is not None:
                problems.append(f"{person.pseudonym}: {checked[pair]}")
            elif person.pk in live:
                problems.append(f"{person.pseudonym} already has a personal link.")
        if len(people) != len({p.pk for p in participants}):
            problems.append("Some of the participants chosen no longer exist.")
        if problems:
            raise ValidationError(problems, code="refused")
        created: list[tuple[Participant, str]] = []
        for person in people:
            token = secrets.token_urlsafe(32)
            invitation = Invitation(
                participant=person, token_hash=hash_token(token), created_by=creator
            )
            save_audited(invitation, by=by, action=AuditAction.CREATE, fields=["participant"])
            created.append((person, token))
        audit.record(
            actor=by,
            action=AuditAction.EXPORT,
            object_type="evaluation.invitation",
            detail={"study": study.slug, "format": "personal-links-csv", "links": len(created)},
        )
    return created


def revoke_invitation(*, by: AnyUser, invitation: Invitation) -> Invitation:
    """Stop a personal link from working; refused once it has been answered."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.completed_at is not None:
            raise ValidationError("This link has been answered: it cannot be revoked.")
        if invitation.revoked_at is not None:
            raise ValidationError("This link is already revoked.", code="revoked")
        invitation.revoked_at = timezone.now()
        return save_audited(invitation, by=by, action=AuditAction.UPDATE, fields=["revoked_at"])


def _open_invitation(invitation: Invitation) -> Invitation:
    """The invitation, locked, if it can still take answers."""
    locked = (
        Invitation.objects.select_for_update().select_related("participant").get(pk=invitation.pk)
    )
    if locked.revoked_at is not None:
        raise ValidationError("This link has been withdrawn.", code="revoked")
    if locked.completed_at is not None:
        raise ValidationError("This survey has already been answered.", code="completed")
    if locked.participant.withdrawn_at is not None:
        raise ValidationError("This person has withdrawn from the study.", code="withdrawn")
    return locked


def save_invitation_progress(
    *,
    invitation: Invitation,
    position: int,
    instrument: str | None = None,
    answers: Mapping[str, int | None] | None = None,
    consents: Consents | None = None,
) -> Invitation:
    """Keep one screen's answers (or the consents) and the screen to come back to."""
    if position < 0:
        raise ValueError(f"a screen position cannot be negative, got {position}")
    with transaction.atomic():
        locked = _open_invitation(invitation)
        draft: dict[str, Any] = dict(locked.draft)
        if consents is not None:
            draft = with_consents(draft, consents)
        if instrument is not None and answers is not None:
            draft = merge(draft, instrument, answers)
        locked.draft = draft
        locked.position = position
        fields = ["draft", "position"]
        if locked.started_at is None:
            locked.started_at = timezone.now()
            fields.append("started_at")
        return save_audited(locked, by=None, action=AuditAction.UPDATE, fields=fields)


def _record_answers(
    participant: Participant, consents: Consents, draft: Mapping[str, Any], *, study: Study
) -> list[Response]:
    """Every instrument's response (source online) and the three consents, dated today."""
    versions = cohort_versions(participant.cohort)
    answers = final_answers([v.instrument() for v in versions], draft)
    responses = [
        save_audited(
            Response(
                participant=participant,
                instrument_version=version,
                source=ResponseSource.ONLINE,
                answers=answers[version.code],
            ),
            by=None,
            action=AuditAction.CREATE,
            fields=["answers"],
        )
        for version in versions
    ]
    today = timezone.localdate()
    for purpose, given in (
        (ConsentPurpose.TAKE_PART, consents.take_part),
        (ConsentPurpose.QUOTE_ANONYMOUSLY, consents.quote_anonymously),
        (ConsentPurpose.RECONTACT, consents.recontact),
    ):
        record_consent(
            by=None,
            participant=participant,
            purpose=purpose,
            given=given,
            information_sheet_version=study.information_sheet_version,
            date=today,
        )
    return responses


def complete_invitation(
    *,
    invitation: Invitation,
    instrument: str | None = None,
    answers: Mapping[str, int | None] | None = None,
) -> list[Response]:
    """Send a personal link's answers: one response per instrument and the consents; once only.

    `instrument` and `answers` are the last screen's, if it had any; the rest is the draft.
    """
    with transaction.atomic():
        locked = _open_invitation(invitation)
        participant = locked.participant
        study = Study.objects.get(pk=participant.study_id)
        require_approval(study=study, site=participant.site, cohort=participant.cohort)
        draft: dict[str, Any] = dict(locked.draft)
        if instrument is not None and answers is not None:
            draft = merge(draft, instrument, answers)
        consents = consents_in(draft)
        if consents is None:
            raise ValidationError("Agree to take part before sending answers.", code="consent")
        responses = _record_answers(participant, consents, draft, study=study)
        locked.completed_at = timezone.now()
        locked.draft = {}
        save_audited(locked, by=None, action=AuditAction.UPDATE, fields=["completed_at", "draft"])
    return responses


def complete_anonymous_survey(
    *, link: SurveyLink, consents: Consents, answers: Mapping[str, Any]
) -> Participant:
    """Register a new participant from an anonymous link's answers, all or nothing.

    `answers` is a draft: instrument code to item code to value or None.
    """
    if not consents.take_part:
        raise ValidationError("Agree to take part before sending answers.", code="consent")
    with transaction.atomic():
        locked = (
            SurveyLink.objects.select_for_update().select_related("site", "cohort").get(pk=link.pk)
        )
        if locked.closed_at is not None:
            raise ValidationError("This survey is closed.", code="closed")
        study = Study.objects.select_for_update().get(pk=locked.study_id)
        require_approval(study=study, site=locked.site, cohort=locked.cohort)
        ring = pseudonym_key.keyring()
        code = ANONYMOUS_CODE_PREFIX + secrets.token_hex(6)
        while Participant.objects.filter(study=study, code_digest=ring.digest(code)).exists():
            code = ANONYMOUS_CODE_PREFIX + secrets.token_hex(6)
        digest = ring.digest(code)
        ids = Registrar(study, 1).create(
            [(code, digest, locked.site, locked.cohort, Method.ONLINE_SURVEY.value, "")]
        )
        participant = Participant.objects.select_related("cohort").get(pk=ids[digest])
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            obj=participant,
            detail={"study": study.slug, "survey_link": locked.pk},
        )
        _record_answers(participant, consents, answers, study=study)
    return participant
