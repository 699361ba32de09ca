"""Writes to a qualitative project: each function is one transaction with its audit record.

Audit details hold ids, counts and field names, never what anyone said.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.core.records import AnyUser, save_audited
from alongside.evaluation import pseudonym_key
from alongside.evaluation.models import Cohort, Method, Participant, Site, Study
from alongside.qualitative import segments as spans
from alongside.qualitative.exchange import Code as ExchangeCode
from alongside.qualitative.exchange import ExchangeProject
from alongside.qualitative.interchange import split_description
from alongside.qualitative.models import (
    Code,
    Coding,
    Memo,
    Phase,
    Project,
    QuoteMark,
    RunStatus,
    Segment,
    Source,
    SourceKind,
    Speaker,
    StoredSuggestion,
    SuggestionDecision,
    SuggestionRun,
)
from alongside.qualitative.sources import (
    ParsedSource,
    SourceError,
    join_answers,
    parse_open_answers,
    parse_source,
    segment_text,
)

INTERVIEWER_LABELS = frozenset({"interviewer", "facilitator", "moderator", "researcher", "int"})


def _invalid(message: str, code: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: message} if field else message, code=code)


# --- Project ---------------------------------------------------------------------------------


def start_project(*, by: AnyUser | None, study: Study) -> Project:
    """Open the qualitative project of a study (once; a second call returns the same one)."""
    with transaction.atomic():
        existing = Project.objects.filter(study=study).first()
        if existing is not None:
            return existing
        return save_audited(
            Project(study=study, created_by_id=_user_id(by)),
            by=by,
            action=AuditAction.CREATE,
            fields=["study", "phase"],
        )


def set_phase(*, by: AnyUser | None, project: Project, phase: str) -> Project:
    if phase not in Phase.values:
        raise _invalid("Choose one of the six phases.", "phase", "phase")
    with transaction.atomic():
        project.phase = phase
        return save_audited(
            project, by=by, action=AuditAction.UPDATE, fields=["phase"], update_fields=["phase"]
        )


def _user_id(user: AnyUser | None) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


# --- Sources -----------------------------------------------------------------------------------


class _KnownParticipants:
    """A study's participants, for matching speaker labels: by pseudonym (any case) or by study
    code, which is compared by its keyed digest (the code itself is not stored)."""

    def __init__(self, study: Study) -> None:
        rows = list(Participant.objects.filter(study=study).select_related("cohort", "site"))
        self.by_pseudonym = {p.pseudonym.casefold(): p for p in rows}
        self.by_digest = {p.code_digest: p for p in rows}
        self.digest = pseudonym_key.keyring().digest

    def get(self, label: str) -> Participant | None:
        found = self.by_pseudonym.get(label.casefold())
        if found is None and label.strip():
            found = self.by_digest.get(self.digest(label))
        return found


def _speaker(
    source: Source, label: str, known: _KnownParticipants, speakers: dict[str, Speaker]
) -> Speaker:
    if label in speakers:
        return speakers[label]
    participant = known.get(label)
    interviewer = label.casefold() in INTERVIEWER_LABELS
    speaker = Speaker(
        source=source,
        label=label[:100],
        participant=participant,
        role_label=(
            participant.cohort.name
            if participant is not None
            else label.capitalize()
            if interviewer
            else ""
        ),
        cohort=participant.cohort if participant is not None else None,
        site=participant.site if participant is not None else None,
        is_interviewer=interviewer,
    )
    speaker.full_clean()
    speaker.save()
    speakers[label] = speaker
    return speaker


def _write_source(
    *,
    by: AnyUser | None,
    project: Project,
    name: str,
    parsed: ParsedSource,
    kind: SourceKind,
    method: str,
    original_filename: str,
    speaker_of: Sequence[str | None] | None = None,
) -> Source:
    """The source, its speakers and segments (`speaker_of` overrides each segment's speaker)."""
    if Source.objects.filter(project=project, name=name).exists():
        raise _invalid(
            f"There is already a source called {name!r} in this project: give this one "
            "another name.",
            "duplicate",
            "name",
        )
    if not parsed.segments:
        raise _invalid("The file has no text to code.", "empty")
    source = Source(
        project=project,
        name=name,
        kind=kind,
        method=method,
        text=parsed.text,
        original_filename=original_filename[:255],
        created_by_id=_user_id(by),
    )
    source.full_clean()
    source.save()
    known = _KnownParticipants(project.study)
    speakers: dict[str, Speaker] = {}
    rows = []
    for order, segment in enumerate(parsed.segments):
        label = speaker_of[order] if speaker_of is not None else segment.speaker
        speaker = _speaker(source, label, known, speakers) if label else None
        rows.append(
            Segment(
                source=source, order=order, start=segment.start, end=segment.end, speaker=speaker
            )
        )
    Segment.objects.bulk_create(rows)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=source,
        detail={
            "project": project.pk,
            "kind": str(kind),
            "segments": len(rows),
            "speakers": len(speakers),
        },
    )
    return source


def add_transcript(
    *,
    by: AnyUser | None,
    project: Project,
    data: bytes,
    filename: str,
    method: str = Method.INTERVIEW,
    name: str = "",
) -> Source:
    """A transcript (.txt, .docx, .vtt, .srt) as a source; a malformed file writes nothing."""
    if method not in Method.values:
        raise _invalid("Choose how the data was collected.", "method", "method")
    try:
        parsed = parse_source(data, filename)
    except SourceError as error:
        raise _invalid(f"{filename}: {error}", "malformed", "file") from None
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    with transaction.atomic():
        return _write_source(
            by=by,
            project=project,
            name=(name.strip() or base.rsplit(".", 1)[0])[:200],
            parsed=parsed,
            kind=SourceKind.TRANSCRIPT,
            method=method,
            original_filename=base,
        )


def import_open_answers(
    *, by: AnyUser | None, project: Project, data: bytes, filename: str
) -> list[Source]:
    """Open answers from a CSV (participant, question, answer): one source per question, one
    segment per answer, each attributed to the participant (matched by study code or
    pseudonym). All or nothing: an unknown participant or a question already imported is
    refused, naming the line."""
    try:
        answers = parse_open_answers(data)
    except SourceError as error:
        raise _invalid(f"{filename}: {error}", "malformed", "file") from None
    known = _KnownParticipants(project.study)
    by_question: dict[str, list[tuple[str, str]]] = {}
    for answer in answers:
        participant = known.get(answer.participant)
        if participant is None:
            raise _invalid(
                f"{filename}: line {answer.line}: {answer.participant!r} is not a participant "
                f"of study {project.study.slug}",
                "unknown-participant",
                "file",
            )
        by_question.setdefault(answer.question, []).append((participant.pseudonym, answer.answer))
    created = []
    with transaction.atomic():
        for question, rows in by_question.items():
            parsed = join_answers([text for _, text in rows])
            created.append(
                _write_source(
                    by=by,
                    project=project,
                    name=question[:200],
                    parsed=parsed,
                    kind=SourceKind.OPEN_ANSWERS,
                    method=Method.ONLINE_SURVEY,
                    original_filename=filename,
                    speaker_of=[pseudonym for pseudonym, text in rows if text.strip()],
                )
            )
    return created


def update_speaker(
    *,
    by: AnyUser | None,
    speaker: Speaker,
    role_label: str,
    participant: Participant | None,
    cohort: Cohort | None,
    site: Site | None,
    is_interviewer: bool,
) -> Speaker:
    """Say who a speaker is; a linked participant sets the cohort and site when not given."""
    study_id = speaker.source.project.study_id
    for thing in (participant, cohort, site):
        if thing is not None and thing.study_id != study_id:
            raise _invalid("That belongs to another study.", "other-study")
    with transaction.atomic():
        speaker.role_label = role_label.strip()
        speaker.participant = participant
        speaker.cohort = cohort or (participant.cohort if participant else None)
        speaker.site = site or (participant.site if participant else None)
        speaker.is_interviewer = is_interviewer
        return save_audited(
            speaker,
            by=by,
            action=AuditAction.UPDATE,
            fields=["role_label", "participant", "cohort", "site", "is_interviewer"],
        )


# --- Codebook ------------------------------------------------------------------------------------


def _check_parent(project: Project, parent: Code | None) -> None:
    if parent is not None and parent.project_id != project.pk:
        raise _invalid("That parent is in another project.", "other-project", "parent")


def create_code(
    *,
    by: AnyUser | None,
    project: Project,
    name: str,
    parent: Code | None = None,
    definition: str = "",
    inclusion: str = "",
    exclusion: str = "",
    is_codable: bool = True,
) -> Code:
    _check_parent(project, parent)
    with transaction.atomic():
        return save_audited(
            Code(
                project=project,
                parent=parent,
                name=name.strip(),
                definition=definition.strip(),
                inclusion=inclusion.strip(),
                exclusion=exclusion.strip(),
                is_codable=is_codable,
                created_by_id=_user_id(by),
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["name", "parent", "definition", "inclusion", "exclusion", "is_codable"],
        )


def update_code(
    *,
    by: AnyUser | None,
    code: Code,
    name: str,
    definition: str,
    inclusion: str,
    exclusion: str,
    is_codable: bool,
) -> Code:
    """Rename a code or change its notes; a code with codings cannot become a container."""
    if not is_codable and code.codings.exists():
        raise _invalid(
            "This code has codings, so it cannot become a theme container: move or merge its "
            "codings first.",
            "has-codings",
            "is_codable",
        )
    with transaction.atomic():
        changes = {
            "name": name.strip(),
            "definition": definition.strip(),
            "inclusion": inclusion.strip(),
            "exclusion": exclusion.strip(),
            "is_codable": is_codable,
        }
        changed = [k for k, v in changes.items() if getattr(code, k) != v]
        for key, value in changes.items():
            setattr(code, key, value)
        return save_audited(code, by=by, action=AuditAction.UPDATE, fields=changed)


def _family(project: Project) -> dict[int, int | None]:
    return dict(Code.objects.filter(project=project).values_list("pk", "parent_id"))


def move_code(*, by: AnyUser | None, code: Code, parent: Code | None) -> Code:
    """Put a code (with everything under it) under another parent, or at the top."""
    _check_parent(code.project, parent)
    if parent is not None and (
        parent.pk == code.pk or parent.pk in spans.descendants(_family(code.project), code.pk)
    ):
        raise _invalid(
            "A code cannot go under itself or under its own sub-codes.", "cycle", "parent"
        )
    with transaction.atomic():
        code.parent = parent
        return save_audited(code, by=by, action=AuditAction.UPDATE, fields=["parent"])


def _move_codings(codings: Iterable[Coding], target: Code) -> tuple[int, int]:
    """Move codings to `target`; a coding the same coder already made there is dropped.
    Returns (moved, dropped)."""
    moved = dropped = 0
    for coding in codings:
        twin = Coding.objects.filter(
            source_id=coding.source_id,
            start=coding.start,
            end=coding.end,
            code=target,
            coder_id=coding.coder_id,
        ).first()
        if twin is not None:
            if hasattr(coding, "quote") and not hasattr(twin, "quote"):
                QuoteMark.objects.filter(coding=coding).update(coding=twin)
            coding.delete()
            dropped += 1
        else:
            Coding.objects.filter(pk=coding.pk).update(code=target)
            moved += 1
    return moved, dropped


def merge_codes(*, by: AnyUser | None, code: Code, into: Code) -> Code:
    """Fold `code` into `into`: its codings, sub-codes, memos and suggestion decisions move
    there, then `code` is removed. No coding is lost (a duplicate by the same coder is one)."""
    if code.project_id != into.project_id:
        raise _invalid("Both codes must be in the same project.", "other-project", "into")
    if into.pk == code.pk or into.pk in spans.descendants(_family(code.project), code.pk):
        raise _invalid(
            "A code cannot be merged into itself or one of its own sub-codes.", "cycle", "into"
        )
    if not into.is_codable and code.codings.exists():
        raise _invalid(
            f"{into.name!r} is a theme container and cannot hold codings.", "not-codable", "into"
        )
    with transaction.atomic():
        clashes = sorted(
            set(code.children.values_list("name", flat=True))
            & set(into.children.values_list("name", flat=True))
        )
        if clashes:
            raise _invalid(
                f"Both codes have sub-codes called {', '.join(clashes)}: rename one first.",
                "clash",
                "into",
            )
        moved, dropped = _move_codings(list(code.codings.all()), into)
        children = code.children.update(parent=into)
        Memo.objects.filter(code=code).update(code=into)
        SuggestionDecision.objects.filter(code=code).update(code=into)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=into,
            detail={
                "merged_from": code.pk,
                "codings_moved": moved,
                "codings_duplicate": dropped,
                "children_moved": children,
            },
        )
        audit.record(actor=by, action=AuditAction.DELETE, obj=code, detail={"merged_into": into.pk})
        code.delete()
    return into


def split_code(*, by: AnyUser | None, code: Code, new_name: str, codings: Sequence[Coding]) -> Code:
    """A new code beside `code` (same parent) taking the chosen codings with it."""
    if not codings:
        raise _invalid("Choose the codings that go to the new code.", "none", "codings")
    if any(c.code_id != code.pk for c in codings):
        raise _invalid("Only this code's codings can be split off.", "other-code", "codings")
    with transaction.atomic():
        new = create_code(
            by=by, project=code.project, name=new_name, parent=code.parent, is_codable=True
        )
        moved, dropped = _move_codings(codings, new)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=code,
            detail={"split_into": new.pk, "codings_moved": moved, "codings_duplicate": dropped},
        )
    return new


def delete_code(*, by: AnyUser | None, code: Code) -> None:
    """Remove a code that has no codings and no sub-codes (merge it instead to keep codings)."""
    if code.codings.exists() or code.children.exists():
        raise _invalid(
            "Only a code with no codings and no sub-codes can be deleted; merge it into "
            "another code instead.",
            "in-use",
        )
    with transaction.atomic():
        audit.record(actor=by, action=AuditAction.DELETE, obj=code, detail={})
        code.delete()


# --- Coding ------------------------------------------------------------------------------------


def apply_codes(
    *, by: AbstractBaseUser, source: Source, start: int, end: int, codes: Sequence[Code]
) -> list[Coding]:
    """Code `source.text[start:end]` (trimmed of spaces at its ends) with each code, as `by`.

    Returns the codings made; one the coder had already made is not repeated.
    """
    if not codes:
        raise _invalid("Choose at least one code.", "no-code", "codes")
    if not 0 <= start < end <= len(source.text):
        raise _invalid("The selection is outside the text: select it again.", "span")
    start, end = spans.trim_span(source.text, start, end)
    if start >= end:
        raise _invalid("The selection has no words in it.", "empty")
    for code in codes:
        if code.project_id != source.project_id:
            raise _invalid("That code is in another project.", "other-project", "codes")
        if not code.is_codable:
            raise _invalid(
                f"{code.name!r} is a theme container: choose one of its codes.",
                "not-codable",
                "codes",
            )
    segment_rows = list(Segment.objects.filter(source=source).order_by("order"))
    index = spans.containing_index(segment_rows, start, end)
    segment = segment_rows[index] if index is not None else None
    made = []
    with transaction.atomic():
        for code in codes:
            if Coding.objects.filter(
                source=source, start=start, end=end, code=code, coder_id=by.pk
            ).exists():
                continue
            coding = Coding(
                source=source, segment=segment, start=start, end=end, code=code, coder_id=by.pk
            )
            made.append(
                save_audited(
                    coding,
                    by=by,
                    action=AuditAction.CREATE,
                    fields=["source", "segment", "start", "end", "code"],
                )
            )
    return made


def code_segment(*, by: AbstractBaseUser, segment: Segment, codes: Sequence[Code]) -> list[Coding]:
    """Code a whole segment (the keyboard route: no text selection needed)."""
    return apply_codes(
        by=by, source=segment.source, start=segment.start, end=segment.end, codes=codes
    )


def remove_coding(*, by: AnyUser | None, coding: Coding) -> None:
    """Undo one coding (and its quote mark, if it was one)."""
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditAction.DELETE,
            obj=coding,
            detail={"code": coding.code_id, "source": coding.source_id},
        )
        coding.delete()


def undo_last_coding(*, by: AbstractBaseUser, project: Project) -> Coding | None:
    """Remove the coding this person made last in the project; None when there is none."""
    last = (
        Coding.objects.filter(source__project=project, coder_id=by.pk)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None:
        remove_coding(by=by, coding=last)
    return last


# --- Memos and quotes ---------------------------------------------------------------------------


def add_memo(
    *,
    by: AnyUser | None,
    project: Project,
    text: str,
    code: Code | None = None,
    source: Source | None = None,
) -> Memo:
    if not text.strip():
        raise _invalid("Write the memo first.", "empty", "text")
    for thing in (code, source):
        if thing is not None and thing.project_id != project.pk:
            raise _invalid("That belongs to another project.", "other-project")
    with transaction.atomic():
        return save_audited(
            Memo(
                project=project,
                code=code,
                source=source,
                text=text.strip(),
                author_id=_user_id(by),
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["text", "code", "source"],
        )


def mark_quote(*, by: AnyUser | None, coding: Coding) -> QuoteMark:
    with transaction.atomic():
        existing = QuoteMark.objects.filter(coding=coding).first()
        if existing is not None:
            return existing
        return save_audited(
            QuoteMark(coding=coding, marked_by_id=_user_id(by)),
            by=by,
            action=AuditAction.CREATE,
            fields=["coding"],
        )


def unmark_quote(*, by: AnyUser | None, coding: Coding) -> None:
    with transaction.atomic():
        mark = QuoteMark.objects.filter(coding=coding).first()
        if mark is not None:
            audit.record(actor=by, action=AuditAction.DELETE, obj=mark, detail={})
            mark.delete()


# --- Suggestions -------------------------------------------------------------------------------


def decide_suggestion(
    *,
    by: AbstractBaseUser,
    segment: Segment,
    code: Code,
    accepted: bool,
    score: float,
    model_name: str,
    model_version: str,
) -> SuggestionDecision:
    """Record a person accepting or rejecting a suggested code; accepting codes the segment."""
    with transaction.atomic():
        if accepted:
            code_segment(by=by, segment=segment, codes=[code])
        return save_audited(
            SuggestionDecision(
                segment=segment,
                code=code,
                accepted=accepted,
                score=score,
                model_name=model_name[:200],
                model_version=model_version[:100],
                decided_by_id=by.pk,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["segment", "code", "accepted", "model_name", "model_version"],
        )


# --- Suggestion runs (assisted coding in the browser, a batch per request) ---------------------


def start_suggestion_run(
    *,
    by: AbstractBaseUser,
    project: Project,
    method: str,
    model_name: str,
    model_version: str,
    total: int,
) -> SuggestionRun:
    """Begin suggesting codes for `total` uncoded segments; batches are stored as they finish."""
    with transaction.atomic():
        return save_audited(
            SuggestionRun(
                project=project,
                started_by_id=by.pk,
                method=method[:20],
                model_name=model_name[:200],
                model_version=model_version[:100],
                total=total,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["project", "method", "model_name", "model_version", "total"],
        )


def record_run_accuracy(
    *,
    by: AnyUser | None,
    run: SuggestionRun,
    trained_on: int,
    tested: int,
    folds: int,
    top1: float,
    top3: float,
) -> SuggestionRun:
    """The held-out accuracy measured for a run (once: a second call changes nothing)."""
    with transaction.atomic():
        locked = SuggestionRun.objects.select_for_update().get(pk=run.pk)
        if locked.tested is not None:
            return locked
        locked.trained_on, locked.tested, locked.folds = trained_on, tested, folds
        locked.top1, locked.top3 = top1, top3
        return save_audited(
            locked,
            by=by,
            action=AuditAction.UPDATE,
            fields=["trained_on", "tested", "folds", "top1", "top3"],
        )


def store_suggestions(
    *,
    by: AnyUser | None,
    run: SuggestionRun,
    expected_done: int,
    suggested: Mapping[int, Sequence[tuple[int, float]]],
) -> bool:
    """Store one batch: segment id -> [(code id, score)] best first. False (and nothing
    written) when the run has moved on since `expected_done`, e.g. a second tab did the batch."""
    with transaction.atomic():
        locked = SuggestionRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.RUNNING or locked.done != expected_done:
            return False
        rows = [
            StoredSuggestion(run=locked, segment_id=segment, code_id=code, rank=rank, score=score)
            for segment, ranked in suggested.items()
            for rank, (code, score) in enumerate(ranked, start=1)
        ]
        StoredSuggestion.objects.bulk_create(rows)
        locked.done = min(locked.total, locked.done + len(suggested))
        locked.save(update_fields=["done"])
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={"segments": len(suggested), "suggestions": len(rows)},
        )
    run.done = locked.done
    return True


def finish_suggestion_run(*, by: AnyUser | None, run: SuggestionRun) -> SuggestionRun:
    with transaction.atomic():
        locked = SuggestionRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == RunStatus.FINISHED:
            return locked
        locked.status = RunStatus.FINISHED
        locked.done = locked.total
        locked.finished_at = timezone.now()
        return save_audited(
            locked,
            by=by,
            action=AuditAction.UPDATE,
            fields=["status", "done", "finished_at"],
            update_fields=["status", "done", "finished_at"],
        )


# --- REFI-QDA import ---------------------------------------------------------------------------


UNNAMED_CODER = "unnamed coder"


def _coder_for(name: str, by: AnyUser | None) -> AbstractBaseUser:
    """The account of a coder named in an imported project: the user with that name, else a
    new account that cannot sign in (so that who coded what survives, for agreement)."""
    model = get_user_model()
    username = name.strip()[:150] or UNNAMED_CODER
    existing = model._default_manager.filter(username=username).first()
    if existing is not None:
        return existing
    user = model(username=username, is_active=False)
    user.set_unusable_password()
    user.save()
    audit.record(actor=by, action=AuditAction.CREATE, obj=user, detail={"import": "qdpx"})
    return user


def import_exchange(
    *, by: AbstractBaseUser | None, study: Study, project_data: ExchangeProject
) -> tuple[Project, list[str]]:
    """A REFI-QDA project into the study's (empty) qualitative project, all or nothing.

    Returns the project and notes on what could not be kept. Texts are stored exactly as read
    (the reader has already repaired offsets), so every selection keeps its characters.
    """
    notes: list[str] = []
    with transaction.atomic():
        project = start_project(by=by, study=study)
        if Source.objects.filter(project=project).exists():
            raise _invalid(
                f"The qualitative project of {study.slug} already has sources: import into a "
                "study whose project is empty.",
                "not-empty",
            )
        codes: dict[str, Code] = {}

        def add_codes(items: Iterable[ExchangeCode], parent: Code | None) -> None:
            for item in items:
                definition, inclusion, exclusion = split_description(item.description)
                existing = Code.objects.filter(project=project, parent=parent, name=item.name[:120])
                code = existing.first() or create_code(
                    by=by,
                    project=project,
                    name=item.name[:120],
                    parent=parent,
                    definition=definition,
                    inclusion=inclusion,
                    exclusion=exclusion,
                    is_codable=item.is_codable,
                )
                codes[item.guid] = code
                add_codes(item.children, code)

        add_codes(project_data.codes, None)
        users = {u.guid: _coder_for(u.name, by) for u in project_data.users}
        sources: dict[str, Source] = {}
        for text_source in project_data.sources:
            parsed = ParsedSource(text_source.text, segment_text(text_source.text))
            if not parsed.segments:
                notes.append(f"source {text_source.name!r} has no text and was left out")
                continue
            sources[text_source.guid] = _write_source(
                by=by,
                project=project,
                name=text_source.name[:200],
                parsed=parsed,
                kind=SourceKind.TRANSCRIPT,
                method=Method.INTERVIEW,
                original_filename="",
            )
        _import_cases(project_data, sources)
        made = 0
        for selection in project_data.selections:
            source = sources.get(selection.source_guid)
            if source is None or not selection.code_guids:
                continue
            coder = users.get(selection.coder_guid or "") or by or _coder_for(UNNAMED_CODER, by)
            chosen = [codes[g] for g in selection.code_guids if g in codes]
            if selection.end <= selection.start or not chosen:
                notes.append(f"selection {selection.guid} is empty or has no known code")
                continue
            segment_rows = list(source.segments.order_by("order"))
            index = spans.containing_index(segment_rows, selection.start, selection.end)
            for code in chosen:
                if not code.is_codable:
                    code.is_codable = True
                    code.save(update_fields=["is_codable"])
                    notes.append(f"{code.name!r} holds codings in the file: it is kept codable")
                Coding.objects.get_or_create(
                    source=source,
                    start=selection.start,
                    end=selection.end,
                    code=code,
                    coder_id=coder.pk,
                    defaults={"segment": segment_rows[index] if index is not None else None},
                )
                made += 1
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            obj=project,
            detail={
                "import": "qdpx",
                "codes": len(codes),
                "sources": len(sources),
                "codings": made,
            },
        )
    return project, notes


def _import_cases(project_data: ExchangeProject, sources: dict[str, Source]) -> None:
    """Attribute turns to the cases (participants) that own them."""
    by_guid = {s.guid: s for s in project_data.selections}
    if not sources:
        return
    study = next(iter(sources.values())).project.study
    known = {p.pseudonym: p for p in Participant.objects.filter(study=study)}
    for case in project_data.cases:
        spans_of: list[tuple[Source, int, int]] = [
            (sources[sel.source_guid], sel.start, sel.end)
            for guid in case.selection_guids
            if (sel := by_guid.get(guid)) is not None and sel.source_guid in sources
        ]
        spans_of += [
            (sources[guid], 0, len(sources[guid].text))
            for guid in case.source_guids
            if guid in sources
        ]
        participant = known.get(case.name)
        for source, start, end in spans_of:
            speaker, _ = Speaker.objects.get_or_create(
                source=source,
                label=case.name[:100],
                defaults={
                    "participant": participant,
                    "role_label": case.variable("role")[:100],
                    "cohort": participant.cohort if participant else None,
                    "site": participant.site if participant else None,
                },
            )
            source.segments.filter(start__gte=start, end__lte=end).update(speaker=speaker)
