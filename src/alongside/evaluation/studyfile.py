"""The study file: parse and validate a study's YAML (docs/formats/study.md). Pure.

Every problem is reported at once, each naming the file, the place and the field
("study.yaml: approvals[2]: field 'site': unknown site 'CHO9' (sites are: CHO1, CHO2)"), and
nothing is loaded unless the whole file is sound.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from alongside.measures.definitions import (
    DefinitionError,
    Problems,
    check_fields,
    describe,
    mapping_list,
    read_yaml,
    text_field,
)

SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
STATUSES = ("approved", "pending", "refused", "not-applicable")
METHODS = ("online-survey", "paper-survey", "interview", "focus-group")
TOP_FIELDS = (
    "slug",
    "title",
    "period",
    "methods",
    "sites",
    "cohorts",
    "approvals",
    "instruments",
    "information_sheet_version",
    "disclosure_threshold",
)
THRESHOLD_RANGE = (2, 50)
# Slugs that are words of the evaluation pages' own addresses (/evaluation/survey/<token>/).
RESERVED_SLUGS = frozenset({"survey", "invitation"})
PLACE_FIELDS = ("code", "name")
APPROVAL_FIELDS = ("site", "cohort", "status", "committee", "reference")
PERIOD_FIELDS = ("start", "end")


class StudyFileError(ValueError):
    """A study file is broken; `problems` lists every fault found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Place:
    """A site or a cohort."""

    code: str
    name: str


@dataclass(frozen=True)
class ApprovalEntry:
    site: str
    cohort: str
    status: str
    committee: str = ""
    reference: str = ""


@dataclass(frozen=True)
class StudyDefinition:
    slug: str
    title: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    methods: tuple[str, ...]
    sites: tuple[Place, ...]
    cohorts: tuple[Place, ...]
    approvals: tuple[ApprovalEntry, ...]
    # cohort code -> ((instrument code, version), ...)
    instruments: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    digest: str
    source: str
    # The participant information sheet online consent refers to; None leaves it as it is.
    information_sheet_version: str | None = None
    # Counts from 1 to this minus one are hidden; None leaves the study's setting as it is.
    disclosure_threshold: int | None = None


def approval_refusal(site: str, cohort: str, status: str | None) -> str | None:
    """Why no participant may be added for (site, cohort), or None when approved.

    The one wording of the rule, used by the study loader, imports and every action that adds a
    participant (`actions.require_approval`).
    """
    if status == "approved":
        return None
    shown = "not listed in the study's approvals" if status is None else status
    return f"site {site}, cohort {cohort} has no ethics approval (status: {shown})"


def _date(value: object, where: str, fieldname: str, problems: Problems) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    problems.add(where, fieldname, f"must be a date like 2024-01-31, got {describe(value)}")
    return None


def _places(data: Mapping[object, object], key: str, problems: Problems) -> tuple[Place, ...]:
    places: list[Place] = []
    seen: set[str] = set()
    for index, entry in enumerate(mapping_list(data, key, "", problems, required=True)):
        where = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            problems.add(
                where, None, f"must be a mapping with code and name, got {describe(entry)}"
            )
            continue
        check_fields(entry, PLACE_FIELDS, where, problems)
        code = entry.get("code")
        if not isinstance(code, str) or not CODE.match(code):
            problems.add(
                where,
                "code",
                "required"
                if code is None
                else "must be letters, digits, hyphens or underscores"
                f" (like CHO1), got {describe(code)}",
            )
            code = None
        name = text_field(entry, "name", where, problems, required=True)
        if code is None or name is None:
            continue
        if code in seen:
            problems.add(where, "code", f"'{code}' is listed twice")
            continue
        seen.add(code)
        places.append(Place(code, name))
    return tuple(places)


def _approvals(
    data: Mapping[object, object],
    sites: set[str],
    cohorts: set[str],
    problems: Problems,
) -> tuple[ApprovalEntry, ...]:
    approvals: list[ApprovalEntry] = []
    seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(mapping_list(data, "approvals", "", problems, required=False)):
        where = f"approvals[{index}]"
        if not isinstance(entry, Mapping):
            problems.add(where, None, f"must be a mapping, got {describe(entry)}")
            continue
        check_fields(entry, APPROVAL_FIELDS, where, problems)
        site = _known(entry, "site", sites, where, problems)
        cohort = _known(entry, "cohort", cohorts, where, problems)
        status = entry.get("status")
        if status not in STATUSES:
            problems.add(
                where,
                "status",
                "required"
                if status is None
                else f"must be one of {', '.join(STATUSES)}, got {describe(status)}",
            )
            status = None
        committee = text_field(entry, "committee", where, problems) or ""
        reference = _text_or_number(entry, "reference", where, problems)
        if site is None or cohort is None or status is None:
            continue
        if (site, cohort) in seen:
            problems.add(
                where,
                None,
                f"site {site}, cohort {cohort} already has an approval at "
                f"approvals[{seen[(site, cohort)]}]",
            )
            continue
        seen[(site, cohort)] = index
        approvals.append(ApprovalEntry(site, cohort, str(status), committee, reference))
    return tuple(approvals)


def _text_or_number(data: Mapping[object, object], key: str, where: str, problems: Problems) -> str:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return text_field(data, key, where, problems) or ""


def _known(
    data: Mapping[object, object], key: str, known: set[str], where: str, problems: Problems
) -> str | None:
    value = data.get(key)
    if value is None:
        problems.add(where, key, "required")
        return None
    if isinstance(value, str) and value in known:
        return value
    listed = ", ".join(sorted(known)) or "none"
    problems.add(where, key, f"unknown {key} {describe(value)} ({key}s are: {listed})")
    return None


def _instruments(
    data: Mapping[object, object],
    cohorts: set[str],
    available: Mapping[str, Sequence[str]],
    problems: Problems,
) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    value = data.get("instruments")
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        problems.add("", "instruments", f"must map cohort codes to lists, got {describe(value)}")
        return ()
    result = []
    for cohort, entries in value.items():
        where = f"instruments.{cohort}"
        if not isinstance(cohort, str) or cohort not in cohorts:
            listed = ", ".join(sorted(cohorts)) or "none"
            problems.add("instruments", str(cohort), f"unknown cohort (cohorts are: {listed})")
            continue
        if not isinstance(entries, list):
            problems.add("instruments", cohort, f"must be a list, got {describe(entries)}")
            continue
        chosen: list[tuple[str, str]] = []
        for index, entry in enumerate(entries):
            key = _instrument_ref(entry, f"{where}[{index}]", available, problems)
            if key is not None and key not in chosen:
                chosen.append(key)
        result.append((cohort, tuple(chosen)))
    return tuple(result)


def _instrument_ref(
    entry: object, where: str, available: Mapping[str, Sequence[str]], problems: Problems
) -> tuple[str, str] | None:
    """`code` (its latest loaded version) or `{code: ..., version: "1.0"}`."""
    version: object = None
    if isinstance(entry, Mapping):
        check_fields(entry, ("code", "version"), where, problems)
        code, version = entry.get("code"), entry.get("version")
    else:
        code = entry
    if not isinstance(code, str):
        problems.add(where, None, f"must be an instrument code, got {describe(code)}")
        return None
    versions = list(available.get(code, ()))
    if not versions:
        problems.add(
            where,
            None,
            f"no instrument '{code}' is loaded: give its definition with --instrument FILE",
        )
        return None
    if version is None:
        return code, versions[-1]
    if not isinstance(version, str) or version not in versions:
        problems.add(
            where,
            "version",
            f"{code} version {describe(version)} is not loaded (loaded: {', '.join(versions)})",
        )
        return None
    return code, version


def parse_study(
    data: object, *, source: str, text: str, available: Mapping[str, Sequence[str]]
) -> StudyDefinition:
    """Validate parsed YAML and build the study, or raise StudyFileError with every fault.

    `available` maps each loaded instrument code to its versions, oldest first; `text` is the
    file's text, for the digest.
    """
    problems = Problems(source)
    if not isinstance(data, Mapping):
        raise StudyFileError([f"{source}: must be a mapping of fields, got {describe(data)}"])
    check_fields(data, TOP_FIELDS, "", problems)
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems.add(
            "",
            "slug",
            "required"
            if slug is None
            else "must be lower-case letters, digits and hyphens, starting with a letter "
            f"(like 'psw-impact'), got {describe(slug)}",
        )
        slug = None
    if slug in RESERVED_SLUGS:
        problems.add("", "slug", f"'{slug}' is reserved for the survey pages' addresses")
        slug = None
    title = text_field(data, "title", "", problems, required=True)
    sheet = (
        _text_or_number(data, "information_sheet_version", "", problems)
        if data.get("information_sheet_version") is not None
        else None
    )
    if sheet is not None and not 0 < len(sheet) <= 32:
        problems.add("", "information_sheet_version", "must be 1 to 32 characters")
    threshold = data.get("disclosure_threshold")
    low, high = THRESHOLD_RANGE
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not low <= threshold <= high
    ):
        problems.add(
            "",
            "disclosure_threshold",
            f"must be a whole number from {low} to {high}, got {describe(threshold)}",
        )
        threshold = None
    start = end = None
    period = data.get("period")
    if period is not None:
        if isinstance(period, Mapping):
            check_fields(period, PERIOD_FIELDS, "period", problems)
            start = _date(period.get("start"), "period", "start", problems)
            end = _date(period.get("end"), "period", "end", problems)
            if start and end and end < start:
                problems.add("period", "end", f"{end} is before the start, {start}")
        else:
            problems.add(
                "", "period", f"must be a mapping with start and end, got {describe(period)}"
            )
    methods = _methods(data, problems)
    sites = _places(data, "sites", problems)
    cohorts = _places(data, "cohorts", problems)
    # Codes given by a faulty entry still count as known: one fault, one message.
    site_codes = {s.code for s in sites} | _listed_codes(data.get("sites"))
    cohort_codes = {c.code for c in cohorts} | _listed_codes(data.get("cohorts"))
    approvals = _approvals(data, site_codes, cohort_codes, problems)
    instruments = _instruments(data, cohort_codes, available, problems)
    if problems.lines:
        raise StudyFileError(problems.lines)
    assert slug is not None
    assert title is not None
    return StudyDefinition(
        slug=slug,
        title=title,
        period_start=start,
        period_end=end,
        methods=methods,
        sites=sites,
        cohorts=cohorts,
        approvals=approvals,
        instruments=instruments,
        digest=hashlib.sha256(text.encode()).hexdigest(),
        source=source,
        information_sheet_version=sheet,
        disclosure_threshold=threshold,
    )


def _listed_codes(entries: object) -> set[str]:
    if not isinstance(entries, list):
        return set()
    return {
        entry["code"]
        for entry in entries
        if isinstance(entry, Mapping) and isinstance(entry.get("code"), str)
    }


def _methods(data: Mapping[object, object], problems: Problems) -> tuple[str, ...]:
    value = data.get("methods")
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add("", "methods", f"must be a list, got {describe(value)}")
        return ()
    methods: list[str] = []
    for index, method in enumerate(value):
        if method not in METHODS:
            problems.add(
                f"methods[{index}]",
                None,
                f"must be one of {', '.join(METHODS)}, got {describe(method)}",
            )
        elif method not in methods:
            methods.append(method)
    return tuple(methods)


def load_study_file(path: str | Path, *, available: Mapping[str, Sequence[str]]) -> StudyDefinition:
    """Read and validate a study file; any fault is a StudyFileError naming the file."""
    try:
        data = read_yaml(path)
    except DefinitionError as error:
        raise StudyFileError(error.problems) from error
    text = Path(path).read_text(encoding="utf-8")
    return parse_study(data, source=str(path), text=text, available=available)
