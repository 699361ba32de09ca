"""Writes in the measures app: loading definitions and packs, administrations, survey links.

Each function is one transaction with its audit record. Scores are computed here, at save, by
the pure scoring engine, and stored with the definition's version and digest and the text pack.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alongside.core import audit
from alongside.core.access import AnyUser
from alongside.core.models import AuditAction
from alongside.core.records import save_audited
from alongside.measures import textpacks
from alongside.measures.definitions import Catalogue, DefinitionError, Instrument, canonical_json
from alongside.measures.models import (
    Administration,
    AdministrationMode,
    InstrumentVersion,
    Schedule,
    SurveyLink,
    TextPack,
)
from alongside.measures.scoring import AnswerError, score_answers
from alongside.practice.models import CaseloadEntry, ServiceUser

LINK_LIFETIME = dt.timedelta(days=7)
LINK_MAX_ATTEMPTS = 20


def _user(by: AnyUser) -> Any:
    if not by.is_authenticated:
        raise ValidationError("Only a signed-in worker can make a survey link.")
    return by


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _refuse_changed(instruments: Sequence[Instrument]) -> list[tuple[Instrument, bool]]:
    """For each definition: is it new? Raise DefinitionError for any that changed in place."""
    Catalogue(instruments)  # two files in one load may not disagree either
    known = {
        (row.code, row.version): row
        for row in InstrumentVersion.objects.filter(code__in={i.code for i in instruments})
    }
    problems, plan = [], []
    for instrument in instruments:
        row = known.get(instrument.key)
        if row is not None and row.digest != instrument.digest:
            problems.append(
                f"{instrument.source}: field 'version': {instrument.code} version "
                f"{instrument.version} is already loaded (from {row.source or 'the database'}) "
                "with different content; a changed definition needs a new version"
            )
        plan.append((instrument, row is None))
    if problems:
        raise DefinitionError(problems)
    return plan


def load_instruments(
    *, by: AnyUser | None, instruments: Sequence[Instrument]
) -> list[tuple[InstrumentVersion, bool]]:
    """Store validated definitions, all or none; an unchanged one already loaded is kept."""
    with transaction.atomic():
        loaded = []
        seen: set[tuple[str, str]] = set()
        for instrument, new in _refuse_changed(instruments):
            if instrument.key in seen:
                continue
            seen.add(instrument.key)
            if not new:
                kept = InstrumentVersion.objects.get(
                    code=instrument.code, version=instrument.version
                )
                loaded.append((kept, False))
                continue
            row = InstrumentVersion(
                code=instrument.code,
                version=instrument.version,
                title=instrument.title,
                digest=instrument.digest,
                definition=json.loads(canonical_json(instrument)),
                ships_text=instrument.licence.ships_text,
                respondent=instrument.respondent or "",
                licence_note=instrument.licence.note,
                source=instrument.source[-300:],
            )
            save_audited(row, by=by, action=AuditAction.CREATE, fields=["definition"])
            loaded.append((row, True))
        return loaded


def load_text_pack(*, by: AnyUser | None, pack: textpacks.TextPack) -> tuple[TextPack, bool]:
    """Store an organisation's pack after checking it against its exact definition version."""
    row = InstrumentVersion.objects.filter(code=pack.instrument, version=pack.version).first()
    if row is None:
        raise textpacks.TextPackError(
            [
                f"{pack.source}: field 'instrument': no instrument {pack.instrument} version "
                f"{pack.version} is loaded: load its definition first"
            ]
        )
    textpacks.check_text_pack(pack, row.instrument())
    with transaction.atomic():
        existing = TextPack.objects.filter(pack=pack.pack, digest=pack.digest).first()
        if existing is not None:
            return existing, False
        data = asdict(pack)
        del data["source"], data["digest"]
        stored = TextPack(
            instrument_version=row,
            pack=pack.pack,
            digest=pack.digest,
            texts=json.loads(json.dumps(data)),
            language=pack.language,
            holder=pack.holder,
            attribution=pack.attribution or "",
        )
        save_audited(stored, by=by, action=AuditAction.CREATE, fields=["texts"])
        return stored, True


def set_schedule(
    *,
    by: AnyUser | None,
    instrument_code: str,
    at_first_contact: bool,
    every_n_weeks: int | None,
    at_ending: bool,
    active: bool = True,
) -> Schedule:
    with transaction.atomic():
        schedule = Schedule.objects.filter(instrument_code=instrument_code).first()
        schedule = schedule or Schedule(instrument_code=instrument_code)
        schedule.at_first_contact = at_first_contact
        schedule.every_n_weeks = every_n_weeks
        schedule.at_ending = at_ending
        schedule.active = active
        fields = ["at_first_contact", "every_n_weeks", "at_ending", "active"]
        return save_audited(schedule, by=by, action=AuditAction.UPDATE, fields=fields)


def _scores(instrument: Instrument, answers: Mapping[str, int | None]) -> dict[str, Any]:
    try:
        sheet = score_answers(instrument, answers)
    except AnswerError as error:
        raise ValidationError(list(error.problems)) from error
    return {result.code: asdict(result) for result in sheet.scores}


def _current_episode(service_user: ServiceUser) -> CaseloadEntry | None:
    return (
        CaseloadEntry.objects.filter(service_user=service_user, end__isnull=True)
        .order_by("start", "pk")
        .first()
    )


def record_administration(
    *,
    by: AnyUser | None,
    service_user: ServiceUser,
    instrument_version: InstrumentVersion,
    text_pack: TextPack | None,
    administered_on: dt.date,
    mode: AdministrationMode,
    answers: Mapping[str, int | None],
    written_answers: Mapping[str, str] | None = None,
) -> Administration:
    """Score and store one completed questionnaire. Refuses a licensed one without a pack."""
    instrument = instrument_version.instrument()
    imported = mode is AdministrationMode.IMPORT
    if text_pack is None and not instrument.licence.ships_text and not imported:
        raise ValidationError(
            f"{instrument.title} ships no wording: a text pack must be loaded before it is used."
        )
    if administered_on > timezone.localdate():
        raise ValidationError({"administered_on": "The date cannot be in the future."})
    written = {code: text for code, text in (written_answers or {}).items() if text.strip()}
    written_codes = {item.code for item in instrument.items if item.scale is None}
    unknown = sorted(set(written) - written_codes)
    if unknown:
        raise ValidationError(f"No written question {', '.join(unknown)} in {instrument.code}.")
    scores = _scores(instrument, answers)
    with transaction.atomic():
        administration = Administration(
            service_user=service_user,
            episode=_current_episode(service_user),
            instrument_version=instrument_version,
            instrument_digest=instrument.digest,
            text_pack=text_pack,
            text_pack_id_label=text_pack.pack if text_pack else textpacks.BUILT_IN,
            administered_on=administered_on,
            mode=mode,
            entered_by=by if isinstance(by, get_user_model()) else None,
            answers={code: value for code, value in answers.items() if value is not None},
            written_answers=written,
            scores=scores,
        )
        return save_audited(
            administration,
            by=by,
            action=AuditAction.CREATE,
            fields=["answers", "scores", "administered_on", "mode"],
        )


def create_survey_link(
    *,
    by: AnyUser,
    service_user: ServiceUser,
    instrument_version: InstrumentVersion,
    text_pack: TextPack | None,
    lifetime: dt.timedelta = LINK_LIFETIME,
) -> tuple[SurveyLink, str]:
    """Make a single-use link; the token is returned once and only its hash is kept."""
    instrument = instrument_version.instrument()
    if text_pack is None and not instrument.licence.ships_text:
        raise ValidationError(f"{instrument.title} needs a text pack before it can be sent.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = SurveyLink(
            token_hash=hash_token(token),
            service_user=service_user,
            instrument_version=instrument_version,
            text_pack=text_pack,
            created_by=_user(by),
            expires_at=timezone.now() + lifetime,
        )
        save_audited(link, by=by, action=AuditAction.CREATE, fields=["expires_at"])
    return link, token


def count_link_attempt(*, link: SurveyLink) -> int:
    """Count one use of a link (opened, submitted, or refused) in the database."""
    SurveyLink.objects.filter(pk=link.pk).update(attempts=F("attempts") + 1)
    link.refresh_from_db(fields=["attempts"])
    return link.attempts


def complete_survey_link(
    *,
    link: SurveyLink,
    answers: Mapping[str, int | None],
    written_answers: Mapping[str, str] | None = None,
) -> Administration:
    """Record the answers given through a link and close it, once only."""
    with transaction.atomic():
        locked = SurveyLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None or locked.expires_at <= timezone.now():
            raise ValidationError("This link has already been used or has expired.")
        administration = record_administration(
            by=None,
            service_user=locked.service_user,
            instrument_version=locked.instrument_version,
            text_pack=locked.text_pack,
            administered_on=timezone.localdate(),
            mode=AdministrationMode.LINK,
            answers=answers,
            written_answers=written_answers,
        )
        locked.used_at = timezone.now()
        locked.administration = administration
        save_audited(
            locked,
            by=None,
            action=AuditAction.UPDATE,
            fields=["used_at", "administration"],
            update_fields=["used_at", "administration"],
        )
        return administration


def record_export(*, by: AnyUser, obj: Administration | InstrumentVersion, format: str) -> None:
    audit.record(actor=by, action=AuditAction.EXPORT, obj=obj, detail={"format": format})


def import_administrations(
    *, by: AnyUser | None, rows: Iterable[dict[str, Any]]
) -> list[Administration]:
    """Record already-checked imported responses, all or none (see fhir.parse_response)."""
    with transaction.atomic():
        return [record_administration(by=by, mode=AdministrationMode.IMPORT, **row) for row in rows]
