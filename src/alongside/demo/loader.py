"""Write the demo programme to the database as it is planned: bulk writes, one transaction, one
audit record.

The organisation and caseloads are planned first and written; then the record of the work and
the measures are written as they are planned, in batches (`demo/bulk.py`), so a national
programme's millions of contacts never sit in memory at once. Bulk writes bypass the per-record
audit that actions write; that is deliberate for a seeding tool, which is not anyone's action on
personal data. The load is audited once, with its counts.
"""

from __future__ import annotations

import functools
import gc
import json
from array import array
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.demo.bulk import (
    BulkWriter,
    JsonText,
    Sender,
    defer_checks_and_indexes,
    sending,
    write_rows,
)
from alongside.demo.generator import DEMO_PASSWORD, PERSONAS, plan_caseloads
from alongside.demo.models import DemoLoad
from alongside.demo.outcomes import INSTRUMENTS, plan_measures
from alongside.demo.plan import (
    Caseloads,
    PlannedAdministration,
    PlannedAdvocacyItem,
    PlannedContact,
    PlannedGoal,
    PlannedGoalProgress,
    PlannedGoalStep,
    PlannedGroupProgramme,
    PlannedGroupSession,
    Tally,
)
from alongside.demo.practice import ACTIVITIES, plan_practice
from alongside.demo.progress import Report, Stage, Stages
from alongside.demo.qualitative import load_qualitative_demo
from alongside.demo.research import load_research
from alongside.demo.scales import Scale
from alongside.demo.workforce import load_workforce
from alongside.measures.definitions import Instrument
from alongside.measures.models import Administration, InstrumentVersion
from alongside.measures.scoring import score_answers
from alongside.measures.textpacks import BUILT_IN
from alongside.organisation.models import (
    Area,
    Membership,
    Person,
    Region,
    SupervisionAssignment,
    Team,
)
from alongside.practice import rollups
from alongside.practice.models import (
    Activity,
    AdvocacyItem,
    CaseloadEntry,
    Contact,
    ContactChimeTag,
    ContactFormat,
    Ending,
    Goal,
    GoalProgress,
    GoalStep,
    GroupProgramme,
    GroupSession,
    Referral,
    ServiceUser,
)

# Every table the streamed stages write. On PostgreSQL their foreign keys, unique constraints
# and secondary indexes are built once at the end instead of row by row (`demo/bulk.py`).
STREAMED_MODELS: tuple[type[models.Model], ...] = (
    ServiceUser,
    Referral,
    CaseloadEntry,
    Ending,
    GroupProgramme,
    GroupProgramme.facilitators.through,
    GroupSession,
    Contact,
    Contact.activities.through,
    ContactChimeTag,
    Goal,
    GoalStep,
    GoalProgress,
    AdvocacyItem,
    Administration,
)


class DemoRefused(Exception):
    """The database already holds a programme, so the demo would clash with it or be mixed in."""


class _Days(dict[int, date]):
    """Dates by offset from today, each worked out once: a national load asks millions of times."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def __missing__(self, offset: int) -> date:
        value = self[offset] = self.today + timedelta(days=offset)
        return value

    def or_none(self, offset: int | None) -> date | None:
        return None if offset is None else self[offset]


def _refuse_unless_empty(scale: Scale) -> None:
    existing = DemoLoad.objects.first()
    if existing is not None:
        raise DemoRefused(
            f"A demo programme at scale {existing.scale!r} is already in this database; load "
            f"scale {scale.name!r} into a fresh data directory (ALONGSIDE_DATA_DIR)."
        )
    user_model = get_user_model()
    if (
        Region.objects.exists()
        or Person.objects.exists()
        or user_model._default_manager.filter(username__in=PERSONAS).exists()
    ):
        raise DemoRefused(
            "This database already holds an organisation or people; the demo programme loads "
            "only into an empty one, so that synthetic and real records are never mixed."
        )


def _activity_ids() -> dict[str, int]:
    """The activity list the practice migrations seed; the demo's contacts use its codes."""
    ids = dict(Activity.objects.filter(code__in=ACTIVITIES).values_list("code", "pk"))
    missing = sorted(set(ACTIVITIES) - set(ids))
    if missing:
        raise DemoRefused(
            f"The activity list lacks {', '.join(missing)}; run the migrations on a fresh "
            "database before loading the demo."
        )
    return ids


def _instrument_versions() -> dict[tuple[str, str], InstrumentVersion]:
    """The instrument versions the measures migration loads; the demo's answers are for them."""
    rows = {}
    for code, version in INSTRUMENTS:
        row = InstrumentVersion.objects.filter(code=code, version=version).first()
        if row is None:
            raise DemoRefused(
                f"Instrument {code} version {version} is not loaded; run the migrations on a "
                "fresh database before loading the demo."
            )
        rows[(code, version)] = row
    return rows


def load_programme(
    *, scale: Scale, seed: int, today: date, report: Report | None = None
) -> tuple[DemoLoad, dict[str, int]]:
    """Write the programme in one transaction; return its marker and its counts.

    `report` is given a line per stage (rows, seconds, rows per second) and, during a long
    stage, a line now and then on how far it has got. Raises `DemoRefused`, writing nothing,
    unless the database holds no organisation yet.
    """
    stages = Stages(report)
    with transaction.atomic():
        _refuse_unless_empty(scale)
        activity_ids = _activity_ids()
        instrument_versions = _instrument_versions()
        with stages.stage("plan caseloads"):
            caseloads, rng = plan_caseloads(scale=scale, seed=seed)
        days = _Days(today)
        # The caseloads live until the load ends, and the stages below make and drop millions
        # of small objects. Freezing the caseloads spares the cyclic garbage collector from
        # scanning them again and again; the records are acyclic, so reference counting alone
        # frees them.
        gc.freeze()
        collecting = gc.isenabled()
        gc.disable()
        try:
            with stages.stage("organisation") as stage:
                person_ids, team_ids = _load_organisation(caseloads, stage)
            tally = Tally()
            rebuild_checks_and_indexes = defer_checks_and_indexes(STREAMED_MODELS)
            with stages.stage("caseloads") as stage, sending() as sender:
                service_user_ids, episode_ids = _load_caseloads(
                    caseloads, days, person_ids, team_ids, stage, sender
                )
            ids = _Ids(person_ids, team_ids, service_user_ids, episode_ids)
            with stages.stage("practice") as stage, sending() as sender:
                contact_days = _load_practice(
                    scale, rng, caseloads, days, ids, activity_ids, tally, stage, sender
                )
            with stages.stage("measures") as stage:
                _load_measures(
                    rng, caseloads, contact_days, days, ids, instrument_versions, tally, stage
                )
            del contact_days
            with stages.stage("constraints and indexes"):
                rebuild_checks_and_indexes()
            with stages.stage("workforce"):
                workforce_counts = load_workforce(
                    plan=caseloads, seed=seed, today=today, person_ids=person_ids, team_ids=team_ids
                )
        finally:
            if collecting:
                gc.enable()
            gc.unfreeze()
        load = DemoLoad.objects.create(scale=scale.name, seed=seed)
        counts = caseloads.counts() | tally.counts()
        counts.update(workforce_counts)
        with stages.stage("qualitative demo"):
            counts.update(load_qualitative_demo())
        if scale.survey_responses or scale.transcript_segments:
            counts.update(load_research(scale=scale, seed=seed, stages=stages))
        _rebuild_rollups(stages)
        _gather_statistics(stages)
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            object_type="demo.demoload",
            object_id=load.pk,
            detail={"scale": scale.name, "seed": seed, "counts": counts},
        )
    _vacuum(stages)
    stages.finish()
    return load, counts


def _rebuild_rollups(stages: Stages) -> None:
    """Recount the practice app's report rollups: bulk writes go around the actions that keep
    them current."""
    with stages.stage("report rollups") as stage:
        stage.count(sum(rollups.rebuild_all().values()))


def _gather_statistics(stages: Stages) -> None:
    """Give PostgreSQL's planner statistics on every table now, rather than when autovacuum
    comes round: without them it guessed one row where there were 200,000 survey responses and
    chose nested loops that took four seconds instead of one."""
    if connection.vendor == "postgresql":
        _on_every_table(stages, "planner statistics", "ANALYZE")


def _vacuum(stages: Stages) -> None:
    """VACUUM every table once the load has committed, rather than when autovacuum comes round.

    Fresh rows carry no hint bits and the visibility map is empty, so until then every read
    checks each row's transaction and no scan can use an index alone: at national scale the
    report took 5.1 s before and 3.7 s after. VACUUM cannot run inside a transaction, so a load
    that is part of a larger one (a test's) leaves it to autovacuum."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        _on_every_table(stages, "vacuum", "VACUUM")


def _on_every_table(stages: Stages, stage: str, command: str) -> None:
    """Run a PostgreSQL maintenance command (ANALYZE, VACUUM) on each of the app's tables."""
    with stages.stage(stage), connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")


class _Ids:
    """The new keys of what is already written, by position in the plan."""

    def __init__(
        self,
        person_ids: Sequence[int],
        team_ids: Sequence[int],
        service_user_ids: Sequence[int],
        episode_ids: Sequence[int],
    ) -> None:
        self.person = person_ids
        self.team = team_ids
        self.service_user = service_user_ids
        self.episode = episode_ids

    def person_or_none(self, index: int | None) -> int | None:
        return None if index is None else self.person[index]


def _load_organisation(caseloads: Caseloads, stage: Stage) -> tuple[array[int], array[int]]:
    """Regions to supervision; returns the new keys of people and of teams, in plan order."""
    write = functools.partial(write_rows, on_write=stage.count)
    region_ids = write(
        Region,
        ("code", "name"),
        ((r.code, r.name) for r in caseloads.regions),
        keys=True,
    )
    area_ids = write(
        Area,
        ("region", "name"),
        ((region_ids[a.region], a.name) for a in caseloads.areas),
        keys=True,
    )
    team_ids = write(
        Team,
        ("area", "name", "team_type"),
        ((area_ids[t.area], t.name, t.team_type) for t in caseloads.teams),
        keys=True,
    )
    # One hash for every demo login: hashing is deliberately slow, and these accounts share a
    # published password anyway.
    password_hash = make_password(DEMO_PASSWORD)
    logins = [person.username for person in caseloads.people if person.username]
    user_ids = dict(
        zip(
            logins,
            write(
                get_user_model(),
                ("username", "password", "is_staff"),
                ((username, password_hash, False) for username in logins),
                keys=True,
            ),
            strict=True,
        )
    )
    person_ids = write(
        Person,
        ("given_name", "family_name", "email", "user"),
        (
            (
                p.given_name,
                p.family_name,
                f"{p.username}@example.org" if p.username else "",
                user_ids.get(p.username),
            )
            for p in caseloads.people
        ),
        keys=True,
    )
    write(
        Membership,
        ("person", "team", "role", "discipline", "fte", "contracted_hours", "start"),
        (
            (
                person_ids[m.person],
                None if m.team is None else team_ids[m.team],
                m.role,
                m.discipline or "",
                m.fte,
                m.contracted_hours,
                m.start,
            )
            for m in caseloads.memberships
        ),
    )
    write(
        SupervisionAssignment,
        ("supervisor", "supervisee", "start"),
        (
            (person_ids[s.supervisor], person_ids[s.supervisee], s.start)
            for s in caseloads.supervisions
        ),
    )
    return person_ids, team_ids


def _load_caseloads(
    caseloads: Caseloads,
    days: _Days,
    person_ids: Sequence[int],
    team_ids: Sequence[int],
    stage: Stage,
    sender: Sender | None,
) -> tuple[array[int], array[int]]:
    """Service users, referrals, episodes and endings; returns the new keys of service users
    and of episodes, in plan order."""

    def person_or_none(index: int | None) -> int | None:
        return None if index is None else person_ids[index]

    write = functools.partial(write_rows, on_write=stage.count, sender=sender)

    service_user_ids = write(
        ServiceUser,
        (
            "reference",
            "preferred_name",
            "contact_preferences",
            "team",
            "key_clinician",
            "consented_to_peer_support",
            "consent_date",
            "shares_notes_with_team",
            "person",
        ),
        (
            (
                su.reference,
                su.preferred_name,
                su.contact_preferences,
                team_ids[su.team],
                person_ids[su.key_clinician],
                su.consent_offset is not None,
                days.or_none(su.consent_offset),
                su.shares_notes_with_team,
                person_or_none(su.person),
            )
            for su in caseloads.service_users
        ),
        keys=True,
    )
    referral_ids = write(
        Referral,
        (
            "service_user",
            "team",
            "referrer",
            "referrer_discipline",
            "self_referral",
            "recorded_by",
            "reason",
            "hopes",
            "urgency",
            "status",
            "allocated_to",
            "received_on",
            "decided_on",
            "decided_by",
            "decline_reason",
            "decline_detail",
        ),
        (
            (
                service_user_ids[r.service_user],
                team_ids[r.team],
                person_or_none(r.referrer),
                r.referrer_discipline or "",
                r.referrer is None,
                person_ids[r.recorded_by],
                r.reason,
                r.hopes,
                r.urgency,
                r.status,
                person_or_none(r.allocated_to),
                days[r.received_offset],
                days.or_none(r.decided_offset),
                person_or_none(r.decided_by),
                r.decline_reason or "",
                r.decline_detail,
            )
            for r in caseloads.referrals
        ),
        keys=True,
    )
    episode_ids = write(
        CaseloadEntry,
        ("service_user", "worker", "referral", "status", "start", "end", "next_planned_contact"),
        (
            (
                service_user_ids[e.service_user],
                person_ids[e.worker],
                referral_ids[e.referral],
                e.status,
                days[e.start_offset],
                days.or_none(e.end_offset),
                days.or_none(e.next_contact_offset),
            )
            for e in caseloads.caseload_entries
        ),
        keys=True,
    )
    write(
        Ending,
        (
            "episode",
            "ended_on",
            "planned",
            "reason",
            "now_community_activities",
            "now_work",
            "now_education",
            "now_other_supports",
            "now_note",
            "independence_note",
            "recorded_by",
        ),
        (
            (
                episode_ids[n.episode],
                days[n.ended_offset],
                n.planned,
                n.reason,
                n.now_community_activities,
                n.now_work,
                n.now_education,
                n.now_other_supports,
                n.now_note,
                n.independence_note,
                person_ids[n.recorded_by],
            )
            for n in caseloads.endings
        ),
    )
    return service_user_ids, episode_ids


class _PracticeWriter:
    """A practice sink that writes each record as it is planned (`plan.PracticeSink`)."""

    def __init__(
        self,
        days: _Days,
        ids: _Ids,
        activity_ids: dict[str, int],
        tally: Tally,
        stage: Stage,
        sender: Sender | None,
    ) -> None:
        self.days = days
        self.ids = ids
        self.activity_ids = activity_ids
        self.tally = tally
        # Every table's writer counts its rows for the stage and sends through the same thread.
        writer = functools.partial(BulkWriter, on_write=stage.count, sender=sender)
        self.contacts = writer(
            Contact,
            (
                "service_user",
                "episode",
                "worker",
                "date",
                "duration_minutes",
                "mode",
                "setting",
                "contact_format",
                "group_session",
                "note",
            ),
            keys=True,
        )
        # The biggest tables are keyed here too, though nothing refers to their rows:
        # PostgreSQL takes keys given to it faster than it draws them from the sequence.
        self.activities = writer(
            Contact.activities.through,
            ("contact", "activity"),
            keys=True,
        )
        self.chime_tags = writer(ContactChimeTag, ("contact", "domain"), keys=True)
        self.programmes = writer(
            GroupProgramme,
            ("name", "team", "description", "start"),
            keys=True,
        )
        self.facilitators = writer(
            GroupProgramme.facilitators.through,
            ("groupprogramme", "person"),
        )
        self.sessions = writer(
            GroupSession,
            ("programme", "date", "duration_minutes", "setting", "topic"),
            keys=True,
        )
        self.goals = writer(
            Goal,
            (
                "service_user",
                "episode",
                "text",
                "set_by",
                "chime_domain",
                "status",
                "set_on",
                "closed_on",
                "recorded_by",
            ),
            keys=True,
        )
        self.steps = writer(GoalStep, ("goal", "text", "order", "done_on"))
        self.progress = writer(
            GoalProgress,
            ("goal", "rated_on", "rating", "note", "by_service_user", "recorded_by"),
            keys=True,
        )
        self.advocacy = writer(
            AdvocacyItem,
            (
                "service_user",
                "episode",
                "team",
                "request",
                "recorded_by",
                "recorded_on",
                "raised_on",
                "team_response",
                "outcome",
                "outcome_note",
            ),
        )
        self.programme_ids: array[int] = array("q")
        self.session_ids: array[int] = array("q")
        self.goal_ids: array[int] = array("q")

    def contact(self, contact: PlannedContact) -> None:
        self.tally.add_contact(contact)
        ids = self.ids
        session = contact.group_session
        contact_id = self.contacts.add_keyed(
            (
                ids.service_user[contact.service_user],
                ids.episode[contact.episode],
                ids.person[contact.worker],
                self.days[contact.offset],
                contact.duration_minutes,
                contact.mode,
                contact.setting,
                ContactFormat.ONE_TO_ONE if session is None else ContactFormat.GROUP,
                None if session is None else self.session_ids[session],
                contact.note,
            )
        )
        for code in contact.activities:
            self.activities.add((contact_id, self.activity_ids[code]))
        for domain in contact.chime:
            self.chime_tags.add((contact_id, domain))

    def group_programme(self, programme: PlannedGroupProgramme) -> None:
        self.tally.group_programmes += 1
        programme_id = self.programmes.add_keyed(
            (
                programme.name,
                self.ids.team[programme.team],
                programme.description,
                self.days[programme.start_offset],
            )
        )
        self.programme_ids.append(programme_id)
        for facilitator in programme.facilitators:
            self.facilitators.add((programme_id, self.ids.person[facilitator]))

    def group_session(self, session: PlannedGroupSession) -> None:
        self.tally.group_sessions += 1
        self.session_ids.append(
            self.sessions.add_keyed(
                (
                    self.programme_ids[session.programme],
                    self.days[session.offset],
                    session.duration_minutes,
                    session.setting,
                    session.topic,
                )
            )
        )

    def goal(self, goal: PlannedGoal) -> None:
        self.tally.goals += 1
        ids = self.ids
        self.goal_ids.append(
            self.goals.add_keyed(
                (
                    ids.service_user[goal.service_user],
                    ids.episode[goal.episode],
                    goal.text,
                    goal.set_by,
                    goal.chime_domain,
                    goal.status,
                    self.days[goal.set_offset],
                    self.days.or_none(goal.closed_offset),
                    ids.person[goal.recorded_by],
                )
            )
        )

    def goal_step(self, step: PlannedGoalStep) -> None:
        self.tally.goal_steps += 1
        self.steps.add(
            (self.goal_ids[step.goal], step.text, step.order, self.days.or_none(step.done_offset))
        )

    def goal_progress(self, progress: PlannedGoalProgress) -> None:
        self.tally.goal_progress += 1
        self.progress.add(
            (
                self.goal_ids[progress.goal],
                self.days[progress.offset],
                progress.rating,
                progress.note,
                progress.by_service_user,
                self.ids.person[progress.recorded_by],
            )
        )

    def advocacy_item(self, item: PlannedAdvocacyItem) -> None:
        self.tally.advocacy_items += 1
        ids = self.ids
        self.advocacy.add(
            (
                ids.service_user[item.service_user],
                ids.episode[item.episode],
                ids.team[item.team],
                item.request,
                ids.person[item.recorded_by],
                self.days[item.recorded_offset],
                self.days.or_none(item.raised_offset),
                item.team_response,
                item.outcome,
                item.outcome_note,
            )
        )

    def close(self) -> None:
        """Write what is buffered, parents before children as the rows refer to them."""
        for writer in (
            self.programmes,
            self.facilitators,
            self.sessions,
            self.contacts,
            self.activities,
            self.chime_tags,
            self.goals,
            self.steps,
            self.progress,
            self.advocacy,
        ):
            writer.close()


def _load_practice(
    scale: Scale,
    rng: Any,
    caseloads: Caseloads,
    days: _Days,
    ids: _Ids,
    activity_ids: dict[str, int],
    tally: Tally,
    stage: Stage,
    sender: Sender | None,
) -> list[array[int]]:
    """Contacts, groups, goals and advocacy, written as they are planned; returns each episode's
    one-to-one contact days, which the measures are planned over."""
    writer = _PracticeWriter(days, ids, activity_ids, tally, stage, sender)
    episodes = len(caseloads.caseload_entries)
    contact_days = plan_practice(
        scale=scale,
        rng=rng,
        caseloads=caseloads,
        sink=writer,
        on_episode=lambda done: stage.progress(done, episodes, "episodes"),
    )
    writer.close()
    return contact_days


def _scorer(instrument: Instrument) -> Callable[[tuple[tuple[str, int], ...]], dict[str, Any]]:
    """Scores as `measures.actions.record_administration` stores them, once per distinct set of
    answers (five 0-4 answers have only 3,125 sets)."""
    known: dict[tuple[tuple[str, int], ...], dict[str, Any]] = {}

    def scores(answers: tuple[tuple[str, int], ...]) -> dict[str, Any]:
        if answers not in known:
            sheet = score_answers(instrument, dict(answers))
            known[answers] = {result.code: asdict(result) for result in sheet.scores}
        return known[answers]

    return scores


class _MeasuresWriter:
    """A measures sink that writes each administration as it is planned, scored by the stored
    definition it was given under (`plan.MeasuresSink`)."""

    def __init__(
        self,
        days: _Days,
        ids: _Ids,
        instrument_versions: dict[tuple[str, str], InstrumentVersion],
        tally: Tally,
    ) -> None:
        self.days = days
        self.ids = ids
        self.tally = tally
        self.versions = instrument_versions
        self.instruments = {key: row.instrument() for key, row in instrument_versions.items()}
        self.scorers = {key: _scorer(instrument) for key, instrument in self.instruments.items()}
        person_ids = list(ids.person)
        self.user_of = dict(
            Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list(
                "pk", "user_id"
            )
        )
        # The same few thousand answer sets come round again and again: encode each once.
        self.encoded: dict[
            tuple[tuple[str, str], tuple[tuple[str, int], ...]], tuple[JsonText, JsonText]
        ] = {}
        self.writer: BulkWriter | None = None

    def open(self, stage: Stage, sender: Sender | None) -> None:
        """Start writing (after the queries above, which need the connection to themselves)."""
        self.writer = BulkWriter(
            Administration,
            (
                "service_user",
                "episode",
                "instrument_version",
                "instrument_digest",
                "text_pack",
                "text_pack_id_label",
                "administered_on",
                "mode",
                "entered_by",
                "answers",
                "scores",
            ),
            on_write=stage.count,
            sender=sender,
        )

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def administration(self, administration: PlannedAdministration) -> None:
        self.tally.add_administration(administration)
        key = (administration.instrument, administration.instrument_version)
        answers = administration.answers
        encoded = self.encoded.get((key, answers))
        if encoded is None:
            encoded = self.encoded[(key, answers)] = (
                _json(dict(answers)),
                _json(self.scorers[key](answers)),
            )
        ids = self.ids
        entered_by = (
            None
            if administration.entered_by is None
            else self.user_of.get(ids.person[administration.entered_by])
        )
        assert self.writer is not None, "open() the writer first"
        self.writer.add(
            (
                ids.service_user[administration.service_user],
                ids.episode[administration.episode],
                self.versions[key].pk,
                self.instruments[key].digest,
                None,
                BUILT_IN,
                self.days[administration.offset],
                administration.mode,
                entered_by,
                encoded[0],
                encoded[1],
            )
        )


def _json(value: dict[str, Any]) -> JsonText:
    """A JSON field's value encoded as `JSONField` encodes it (the answers and scores fields
    have no encoder of their own)."""
    return JsonText(json.dumps(value))


def _load_measures(
    rng: Any,
    caseloads: Caseloads,
    contact_days: list[array[int]],
    days: _Days,
    ids: _Ids,
    instrument_versions: dict[tuple[str, str], InstrumentVersion],
    tally: Tally,
    stage: Stage,
) -> None:
    """Administrations, written as they are planned."""
    writer = _MeasuresWriter(days, ids, instrument_versions, tally)
    with sending() as sender:
        writer.open(stage, sender)
        courses = plan_measures(
            rng=rng, caseloads=caseloads, contact_days=contact_days, sink=writer
        )
        writer.close()
    tally.add_courses(courses)
