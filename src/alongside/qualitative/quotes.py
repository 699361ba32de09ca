"""The quote bank and theme coverage: reads only.

A marked coding is offered as a quote only when its speaker is a study participant who agreed
to be quoted anonymously (`Consent` for "quote-anonymously", given) and has not withdrawn;
interviewers are never quoted. A quote is attributed by role and shown with every name of a
person or place known to the system replaced by a label (`redaction`). A role and site with
fewer than `SMALL_GROUP` people quoted or interviewed gets a warning: a reader who knows the
service could tell who it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from alongside.core.access import RoleCode
from alongside.evaluation.models import Cohort, Consent, ConsentPurpose, Site
from alongside.organisation.models import Area, Membership, Person, Region, Team
from alongside.practice.models import ServiceUser
from alongside.qualitative.models import Code, Coding, Project, QuoteMark, Speaker
from alongside.qualitative.redaction import (
    PLACE,
    Redactor,
    Replacement,
    mentioned_in,
    role_label,
)
from alongside.qualitative.segments import path_of, root_of

SMALL_GROUP = 5


@dataclass(frozen=True)
class Quote:
    coding_id: int
    text: str
    code_path: str
    attribution: str
    site: str
    source: str
    small_group: bool


@dataclass(frozen=True)
class QuoteBank:
    quotes: list[Quote]
    left_out: dict[str, int]
    small_groups: list[tuple[str, str, int]]


def redactor_for(project: Project, texts: Iterable[str] | None = None) -> Redactor:
    """Every name the system knows: staff, service users, places, sites and speakers.

    Given the `texts` it will redact, only the names that could be found in them (every word
    of the name is among the texts' words): the same result, without compiling a pattern of
    every name in a national programme.
    """
    wanted = (lambda name: True) if texts is None else mentioned_in(texts)
    items: list[Replacement] = []

    def add(name: str, label: str) -> None:
        if wanted(name):
            items.append(Replacement(name, label))

    roles: dict[int, str] = {}
    for person_id, role in Membership.objects.values_list("person_id", "role").order_by("pk"):
        roles.setdefault(person_id, role)
    labels = {role: role_label(RoleCode(role).label) for role in set(roles.values())}
    no_role = role_label("")
    for pk, given, family in Person.objects.values_list("pk", "given_name", "family_name"):
        role = roles.get(pk)
        label = labels[role] if role else no_role
        add(f"{given} {family}", label)
        add(given, label)
        add(family, label)
    service_user = role_label("service user")
    for name in ServiceUser.objects.values_list("preferred_name", flat=True):
        add(name, service_user)
    for model in (Region, Area, Team):
        for name in model.objects.values_list("name", flat=True):
            add(name, PLACE)
    for name in Site.objects.filter(study=project.study).values_list("name", flat=True):
        add(name, PLACE)
    for label, role in Speaker.objects.filter(source__project=project).values_list(
        "label", "role_label"
    ):
        add(label, role_label(role))
    return Redactor(items)


def _code_maps(project: Project) -> tuple[dict[int, str], dict[int, int | None]]:
    rows = list(Code.objects.filter(project=project).values_list("pk", "name", "parent_id"))
    return {pk: name for pk, name, _ in rows}, {pk: parent for pk, _, parent in rows}


def group_sizes(project: Project) -> dict[tuple[str, str], int]:
    """Distinct participants heard in the project per (role, site name)."""
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    for role, site, participant in Speaker.objects.filter(
        source__project=project, participant__isnull=False, is_interviewer=False
    ).values_list("role_label", "site__name", "participant_id"):
        people[(role or "", site or "")].add(participant)
    return {key: len(ids) for key, ids in people.items()}


def quote_bank(project: Project) -> QuoteBank:
    names, parents = _code_maps(project)
    consented = set(
        Consent.objects.filter(
            participant__study=project.study,
            purpose=ConsentPurpose.QUOTE_ANONYMOUSLY,
            given=True,
            participant__withdrawn_at__isnull=True,
        ).values_list("participant_id", flat=True)
    )
    sizes = group_sizes(project)
    left_out = {"interviewer": 0, "not linked to a participant": 0, "no consent or withdrawn": 0}
    quoted = []
    marks = (
        QuoteMark.objects.filter(coding__source__project=project)
        .select_related("coding__source", "coding__segment__speaker__site", "coding__code")
        .order_by("coding__code__name", "coding__source__name", "coding__start")
    )
    for mark in marks:
        coding = mark.coding
        speaker = coding.segment.speaker if coding.segment is not None else None
        if speaker is not None and speaker.is_interviewer:
            left_out["interviewer"] += 1
            continue
        if speaker is None or speaker.participant_id is None:
            left_out["not linked to a participant"] += 1
            continue
        if speaker.participant_id not in consented:
            left_out["no consent or withdrawn"] += 1
            continue
        quoted.append((coding, speaker))
    redactor = redactor_for(project, [coding.text for coding, _ in quoted])
    quotes: list[Quote] = []
    for coding, speaker in quoted:
        site = speaker.site.name if speaker.site is not None else ""
        size = sizes.get((speaker.role_label or "", site), 0)
        quotes.append(
            Quote(
                coding_id=coding.pk,
                text=redactor.redact(coding.text),
                code_path=path_of(names, parents, coding.code_id).replace("/", " / "),
                attribution=speaker.role_label or "Participant",
                site=site,
                source=coding.source.name,
                small_group=size < SMALL_GROUP,
            )
        )
    small = sorted(
        (role or "No role given", site or "No site given", n)
        for (role, site), n in sizes.items()
        if n < SMALL_GROUP
    )
    return QuoteBank(quotes=quotes, left_out=left_out, small_groups=small)


@dataclass(frozen=True)
class Coverage:
    cohorts: list[str]
    rows: list[tuple[str, list[int], int]]


def theme_coverage(project: Project) -> Coverage:
    """For each theme (top-level code), how many people of each cohort said something coded
    under it. People are participants; speakers not linked to one count once each."""
    names, parents = _code_maps(project)
    cohorts = list(Cohort.objects.filter(study=project.study).values_list("pk", "name"))
    columns = [pk for pk, _ in cohorts] + [None]
    people: dict[tuple[int, int | None], set[str]] = defaultdict(set)
    for code_id, speaker_id, participant_id, cohort_id in Coding.objects.filter(
        source__project=project,
        segment__speaker__isnull=False,
        segment__speaker__is_interviewer=False,
    ).values_list(
        "code_id",
        "segment__speaker_id",
        "segment__speaker__participant_id",
        "segment__speaker__cohort_id",
    ):
        who = f"p{participant_id}" if participant_id is not None else f"s{speaker_id}"
        people[(root_of(parents, code_id), cohort_id)].add(who)
    themes = sorted((pk for pk, parent in parents.items() if parent is None), key=names.get)
    rows = []
    for theme in themes:
        counts = [len(people.get((theme, column), ())) for column in columns]
        everyone = set().union(*(people.get((theme, column), set()) for column in columns))
        rows.append((names[theme], counts, len(everyone)))
    return Coverage(cohorts=[name for _, name in cohorts] + ["Cohort not known"], rows=rows)
