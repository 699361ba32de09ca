"""A project's rows as the plain values the pure modules work on (reads only).

* `exchange_project`: the project as an `exchange.ExchangeProject`, for REFI-QDA export.
  GUIDs are stable (derived from our keys), so a re-export keeps every identity.
* `assist_inputs`: codes and segments for assisted coding (`assist.suggest`).

A code's inclusion and exclusion notes travel in its REFI description after its definition,
under the headings in `NOTE_HEADINGS`, and are split out again on import.
"""

from __future__ import annotations

from collections import defaultdict

from alongside.qualitative import assist, exchange
from alongside.qualitative.models import Code, Coding, Project, Segment, Source, Speaker
from alongside.qualitative.segments import path_of

NOTE_HEADINGS = ("Include when:", "Leave out when:")


def describe(code: Code) -> str:
    parts = [code.definition.strip()]
    for heading, note in zip(NOTE_HEADINGS, (code.inclusion, code.exclusion), strict=True):
        if note.strip():
            parts.append(f"{heading} {note.strip()}")
    return "\n\n".join(p for p in parts if p)


def split_description(description: str) -> tuple[str, str, str]:
    """(definition, inclusion, exclusion) from a description written by `describe`."""
    notes = dict.fromkeys(NOTE_HEADINGS, "")
    kept = []
    for block in description.split("\n\n"):
        heading = next((h for h in NOTE_HEADINGS if block.startswith(h)), None)
        if heading is not None:
            notes[heading] = block[len(heading) :].strip()
        else:
            kept.append(block)
    return "\n\n".join(kept).strip(), notes[NOTE_HEADINGS[0]], notes[NOTE_HEADINGS[1]]


def _code_tree(project: Project) -> tuple[exchange.Code, ...]:
    codes = list(Code.objects.filter(project=project).order_by("name", "pk"))
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)

    def build(parent: int | None) -> tuple[exchange.Code, ...]:
        return tuple(
            exchange.Code(
                guid=exchange.stable_guid("code", code.pk),
                name=code.name,
                is_codable=code.is_codable,
                description=describe(code),
                children=build(code.pk),
            )
            for code in children[parent]
        )

    return build(None)


def exchange_project(project: Project) -> exchange.ExchangeProject:
    sources = list(Source.objects.filter(project=project).order_by("name"))
    codings = list(
        Coding.objects.filter(source__project=project)
        .select_related("coder")
        .order_by("source_id", "start", "end", "coder_id", "code_id")
    )
    users = {c.coder_id: c.coder.get_username() for c in codings}
    grouped: dict[tuple[int, int, int, int], list[Coding]] = defaultdict(list)
    for coding in codings:
        grouped[(coding.source_id, coding.start, coding.end, coding.coder_id)].append(coding)
    selections = [
        exchange.Selection(
            guid=exchange.stable_guid("selection", *key),
            source_guid=exchange.stable_guid("source", key[0]),
            start=key[1],
            end=key[2],
            coder_guid=exchange.stable_guid("user", key[3]),
            code_guids=tuple(exchange.stable_guid("code", c.code_id) for c in group),
            created=min(c.created_at for c in group),
        )
        for key, group in grouped.items()
    ]
    turns: dict[str, list[str]] = defaultdict(list)
    cases: dict[str, tuple[str, exchange.Variables]] = {}
    for segment in (
        Segment.objects.filter(source__project=project, speaker__isnull=False)
        .select_related("speaker__participant", "speaker__cohort", "speaker__site")
        .order_by("source_id", "order")
    ):
        speaker = segment.speaker
        assert speaker is not None
        if speaker.is_interviewer:
            continue
        guid = _case_guid(speaker)
        if guid not in cases:
            cases[guid] = (_case_name(speaker), _variables(speaker))
        selection_guid = exchange.stable_guid("segment", segment.pk)
        turns[guid].append(selection_guid)
        selections.append(
            exchange.Selection(
                guid=selection_guid,
                source_guid=exchange.stable_guid("source", segment.source_id),
                start=segment.start,
                end=segment.end,
            )
        )
    return exchange.ExchangeProject(
        name=project.study.title,
        users=tuple(
            exchange.User(exchange.stable_guid("user", pk), name) for pk, name in users.items()
        ),
        codes=_code_tree(project),
        cases=tuple(
            exchange.Case(
                guid=guid, name=name, variables=variables, selection_guids=tuple(turns[guid])
            )
            for guid, (name, variables) in cases.items()
        ),
        sources=tuple(
            exchange.TextSource(guid=exchange.stable_guid("source", s.pk), name=s.name, text=s.text)
            for s in sources
        ),
        selections=tuple(selections),
        origin="Alongside",
    )


def _case_guid(speaker: Speaker) -> str:
    if speaker.participant_id is not None:
        return exchange.stable_guid("participant", speaker.participant_id)
    return exchange.stable_guid("speaker", speaker.pk)


def _case_name(speaker: Speaker) -> str:
    """Participants by pseudonym; others by role (a transcript's label may be a real name)."""
    if speaker.participant is not None:
        return speaker.participant.pseudonym
    return f"{speaker.role_label or 'Speaker'} {speaker.pk}"


def _variables(speaker: Speaker) -> exchange.Variables:
    values = [
        ("role", speaker.role_label),
        ("cohort", speaker.cohort.name if speaker.cohort else ""),
        ("site", speaker.site.name if speaker.site else ""),
    ]
    return tuple((name, value) for name, value in values if value)


def assist_inputs(project: Project) -> tuple[list[assist.CodeInfo], list[assist.Segment]]:
    """The codable codes and every segment of the project, with the codes people applied.

    Coded passages are not passed as code examples: assist learns from coded segments itself,
    and held-out accuracy would otherwise see the answers."""
    rows = list(
        Code.objects.filter(project=project).values_list(
            "pk", "name", "parent_id", "definition", "inclusion", "is_codable"
        )
    )
    names = {pk: name for pk, name, *_ in rows}
    parents = {pk: parent for pk, _, parent, *_ in rows}
    applied: dict[int, set[str]] = defaultdict(set)
    for segment_id, code_id in Coding.objects.filter(
        source__project=project, segment__isnull=False
    ).values_list("segment_id", "code_id"):
        applied[segment_id].add(str(code_id))
    segments = []
    for segment in (
        Segment.objects.filter(source__project=project)
        .select_related("source", "speaker__cohort")
        .order_by("source__name", "order")
    ):
        speaker = segment.speaker
        text = segment.text
        codes = tuple(sorted(applied.get(segment.pk, ())))
        segments.append(
            assist.Segment(
                key=str(segment.pk),
                source=segment.source.name,
                start=segment.start,
                end=segment.end,
                text=text,
                role=speaker.role_label if speaker else "",
                cohort=speaker.cohort.name if speaker and speaker.cohort else "",
                codes=codes,
            )
        )
    codes_info = [
        assist.CodeInfo(
            key=str(pk),
            name=name,
            path=path_of(names, parents, pk),
            definition=" ".join(p for p in (definition, inclusion) if p),
        )
        for pk, name, _parent, definition, inclusion, codable in rows
        if codable
    ]
    return codes_info, segments
