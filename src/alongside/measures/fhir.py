"""FHIR R4 exchange: instruments as Questionnaire, administrations as QuestionnaireResponse.

Built as plain dicts (the app does not depend on a FHIR library; the tests validate the output
with fhir.resources' R4B models, whose Questionnaire and QuestionnaireResponse are R4's with no
changes that touch what we write). Canonical URLs are `urn:alongside:questionnaire:<code>` with
the definition version as `Questionnaire.version`; a response names `<url>|<version>`.

Licensed wording is never exported: a structure-only instrument's Questionnaire carries item
codes and answer codes only, whatever text pack is loaded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from alongside.measures.definitions import Instrument, ItemKind
from alongside.measures.models import Administration, InstrumentVersion
from alongside.practice.models import ServiceUser

URL_PREFIX = "urn:alongside:questionnaire:"
SERVICE_USER_SYSTEM = "urn:alongside:service-user"


def canonical(code: str) -> str:
    return f"{URL_PREFIX}{code}"


def answer_system(instrument: Instrument, scale: str) -> str:
    return f"{canonical(instrument.code)}/scale/{scale}"


def questionnaire(instrument: Instrument) -> dict[str, Any]:
    ships = instrument.licence.ships_text
    items = []
    for item in instrument.items:
        entry: dict[str, Any] = {"linkId": item.code}
        if ships and item.text:
            entry["text"] = item.text
        if item.kind is ItemKind.TEXT:
            entry["type"] = "text"
        else:
            entry["type"] = "choice"
            scale = instrument.item_scale(item)
            options = []
            for option in scale.options:
                coding: dict[str, Any] = {
                    "system": answer_system(instrument, scale.code),
                    "code": str(option.value),
                }
                if ships and option.label:
                    coding["display"] = option.label
                options.append({"valueCoding": coding})
            entry["answerOption"] = options
        items.append(entry)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"{instrument.code}-{instrument.version}".replace(".", "-"),
        "url": canonical(instrument.code),
        "version": instrument.version,
        "name": instrument.code.replace("-", "_"),
        "title": instrument.title,
        "status": "active",
        "item": items,
    }
    if instrument.licence.note:
        resource["copyright"] = instrument.licence.note
    return resource


def questionnaire_response(administration: Administration) -> dict[str, Any]:
    row = administration.instrument_version
    instrument = row.instrument()
    items = []
    for item in instrument.items:
        if item.kind is ItemKind.TEXT:
            text = administration.written_answers.get(item.code)
            if text:
                items.append({"linkId": item.code, "answer": [{"valueString": text}]})
            continue
        value = administration.answers.get(item.code)
        if value is None:
            continue
        coding: dict[str, Any] = {
            "system": answer_system(instrument, str(item.scale)),
            "code": str(value),
        }
        items.append({"linkId": item.code, "answer": [{"valueCoding": coding}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"administration-{administration.pk}",
        "questionnaire": f"{canonical(row.code)}|{row.version}",
        "status": "completed",
        "subject": {
            "identifier": {
                "system": SERVICE_USER_SYSTEM,
                "value": administration.service_user.reference,
            }
        },
        "authored": administration.administered_on.isoformat(),
        "item": items,
    }


class ResponseImportError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problems))


def _member(value: object, key: str) -> dict[str, Any]:
    """VALUE[KEY] when both are JSON objects; {} otherwise, so that its fields read as missing."""
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, dict) else {}


def _plain_text(value: object) -> bool:
    """Text a database can match: not empty, no NUL (PostgreSQL refuses NUL in text)."""
    return isinstance(value, str) and bool(value) and "\x00" not in value


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def parse_response(data: object, *, source: str) -> dict[str, Any]:
    """Check a QuestionnaireResponse for a known Questionnaire; return an administration's fields.

    Every problem is listed, each naming the field (`item[2] (linkId 'hope'): ...`); nothing is
    written here. The caller checks the importer may record for the service user.
    """
    problems: list[str] = []

    def problem(where: str, message: str) -> None:
        problems.append(f"{source}: {where}: {message}")

    if not isinstance(data, dict) or data.get("resourceType") != "QuestionnaireResponse":
        raise ResponseImportError([f"{source}: not a FHIR QuestionnaireResponse"])
    if data.get("status") != "completed":
        problem("status", f"must be 'completed', got {data.get('status')!r}")
    canonical_ref = str(data.get("questionnaire", ""))
    url, _, version = canonical_ref.partition("|")
    row = None
    if not _plain_text(canonical_ref) or not url.startswith(URL_PREFIX) or not version:
        problem("questionnaire", f"must be '{URL_PREFIX}<code>|<version>', got {canonical_ref!r}")
    else:
        row = InstrumentVersion.objects.filter(
            code=url.removeprefix(URL_PREFIX), version=version
        ).first()
        if row is None:
            problem("questionnaire", f"no loaded instrument {canonical_ref!r}")
    identifier = _member(_member(data, "subject"), "identifier")
    reference = identifier.get("value")
    service_user = None
    if identifier.get("system") != SERVICE_USER_SYSTEM or not _plain_text(reference):
        problem("subject.identifier", f"must be a {SERVICE_USER_SYSTEM} reference")
    else:
        service_user = ServiceUser.objects.filter(reference=reference).first()
        if service_user is None:
            problem("subject.identifier", f"no service user {reference!r}")
    authored = None
    try:
        authored = dt.date.fromisoformat(str(data.get("authored", ""))[:10])
    except ValueError:
        problem("authored", f"must be a date, got {data.get('authored')!r}")
    answers: dict[str, int | None] = {}
    written: dict[str, str] = {}
    if row is not None:
        instrument = row.instrument()
        known = {item.code: item for item in instrument.items}
        entries = data.get("item") or []
        if not isinstance(entries, list):
            problem("item", "must be a list of answered items")
            entries = []
        for index, entry in enumerate(entries):
            link_id = entry.get("linkId") if isinstance(entry, dict) else None
            where = f"item[{index}] (linkId {link_id!r})"
            item = known.get(str(link_id))
            if item is None:
                problem(where, "no such item in the questionnaire")
                continue
            if link_id in answers or link_id in written:
                problem(where, "answered twice")
                continue
            given = entry.get("answer")
            if not isinstance(given, list) or len(given) != 1 or not isinstance(given[0], dict):
                problem(where, "needs exactly one answer")
                continue
            answer = given[0]
            if item.kind is ItemKind.TEXT:
                if not isinstance(answer.get("valueString"), str):
                    problem(where, "a written item needs valueString (text)")
                else:
                    written[item.code] = answer["valueString"]
                continue
            coding = _member(answer, "valueCoding")
            scale = instrument.item_scale(item)
            value = _whole_number(coding.get("code"))
            if value is None:
                problem(
                    where, f"valueCoding.code must be a whole number, got {coding.get('code')!r}"
                )
                continue
            if coding.get("system") != answer_system(instrument, scale.code):
                problem(
                    where, f"valueCoding.system must be {answer_system(instrument, scale.code)}"
                )
            elif value not in scale.values:
                options = ", ".join(str(v) for v in sorted(scale.values))
                problem(where, f"{value} is not an option (options: {options})")
            else:
                answers[item.code] = value
    if problems:
        raise ResponseImportError(problems)
    return {
        "service_user": service_user,
        "instrument_version": row,
        "text_pack": None,
        "administered_on": authored,
        "answers": answers,
        "written_answers": written,
    }
