"""Write a planned demo programme to the database: bulk inserts, one transaction, one audit record.

`bulk_create` bypasses the per-record audit that actions write; that is deliberate for a seeding
tool, which is not anyone's action on personal data. The load is audited once, with its counts.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.demo.generator import DEMO_PASSWORD, PERSONAS, plan_programme
from alongside.demo.models import DemoLoad
from alongside.demo.outcomes import INSTRUMENTS
from alongside.demo.plan import Plan
from alongside.demo.practice import ACTIVITIES
from alongside.demo.qualitative import load_qualitative_demo
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

BATCH_SIZE = 1000
TAG_BATCH_SIZE = 10_000


class DemoRefused(Exception):
    """The database already holds a programme, so the demo would clash with it or be mixed in."""


M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


def _chunks(rows: Iterable[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model: type[M], rows: Iterable[M]) -> list[int]:
    """Insert in batches and return the new primary keys in order.

    Rows are built lazily and only their keys are kept, so a national load never holds
    hundreds of thousands of model instances at once. Keys come back from the insert itself
    (PostgreSQL, and SQLite 3.35 or later).
    """
    ids: list[int] = []
    for batch in _chunks(rows):
        ids.extend(obj.pk for obj in model._default_manager.bulk_create(batch))
    return ids


def _insert_links(model: type[M], rows: Iterable[M]) -> None:
    """Insert rows whose keys nobody needs."""
    for batch in _chunks(rows):
        model._default_manager.bulk_create(batch)


def _insert_tags(
    model: type[models.Model], fields: tuple[str, str], rows: Iterable[tuple[int, int | str]]
) -> None:
    """Insert two-column link rows (contact and activity, contact and CHIME domain) directly.

    There are two or three per contact, hundreds of thousands at the region scale, and
    `bulk_create` spends most of a load building and preparing model instances for them. The
    table and column names come from the model's fields, so a renamed column still lands right.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_of = {
        field.name: field.column
        for field in model._meta.concrete_fields
        if field.column is not None
    }
    names = ", ".join(quote(column_of[name]) for name in fields)
    sql = f"INSERT INTO {table} ({names}) VALUES (%s, %s)"  # noqa: S608 (names from _meta)
    with connection.cursor() as cursor:
        for batch in _chunks(rows, TAG_BATCH_SIZE):
            cursor.executemany(sql, batch)


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


def load_programme(*, scale: Scale, seed: int, today: date) -> tuple[DemoLoad, dict[str, int]]:
    """Write the planned programme in one transaction; return its marker and its counts.

    Raises `DemoRefused`, writing nothing, unless the database holds no organisation yet.
    """
    with transaction.atomic():
        _refuse_unless_empty(scale)
        activity_ids = _activity_ids()
        instrument_versions = _instrument_versions()
        plan = plan_programme(scale=scale, seed=seed)
        # The plan is hundreds of thousands of objects that live until the load ends. Freezing
        # them spares the garbage collector from scanning them again every time the inserts
        # below have made enough model instances to trigger a collection.
        gc.freeze()
        try:
            person_ids, team_ids = _load_organisation(plan)
            service_user_ids, episode_ids = _load_practice(
                plan, today, person_ids, team_ids, activity_ids
            )
            _load_measures(
                plan, today, person_ids, service_user_ids, episode_ids, instrument_versions
            )
            workforce_counts = load_workforce(
                plan=plan, seed=seed, today=today, person_ids=person_ids, team_ids=team_ids
            )
        finally:
            gc.unfreeze()
        load = DemoLoad.objects.create(scale=scale.name, seed=seed)
        counts = plan.counts()
        counts.update(workforce_counts)
        counts.update(load_qualitative_demo())
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            object_type="demo.demoload",
            object_id=load.pk,
            detail={"scale": scale.name, "seed": seed, "counts": counts},
        )
    return load, counts


def _load_organisation(plan: Plan) -> tuple[list[int], list[int]]:
    """Regions to supervision; returns the new keys of people and of teams, in plan order."""
    region_ids = _insert(Region, (Region(code=r.code, name=r.name) for r in plan.regions))
    area_ids = _insert(
        Area, (Area(region_id=region_ids[a.region], name=a.name) for a in plan.areas)
    )
    team_ids = _insert(
        Team,
        (Team(area_id=area_ids[t.area], name=t.name, team_type=t.team_type) for t in plan.teams),
    )
    user_model = get_user_model()
    # One hash for every demo login: hashing is deliberately slow, and these accounts share a
    # published password anyway.
    password_hash = make_password(DEMO_PASSWORD)
    logins = [person.username for person in plan.people if person.username]
    user_ids = dict(
        zip(
            logins,
            _insert(
                user_model,
                (
                    user_model(username=username, password=password_hash, is_staff=False)
                    for username in logins
                ),
            ),
            strict=True,
        )
    )
    person_ids = _insert(
        Person,
        (
            Person(
                given_name=p.given_name,
                family_name=p.family_name,
                email=f"{p.username}@example.org" if p.username else "",
                user_id=user_ids.get(p.username),
            )
            for p in plan.people
        ),
    )
    _insert_links(
        Membership,
        (
            Membership(
                person_id=person_ids[m.person],
                team_id=None if m.team is None else team_ids[m.team],
                role=m.role,
                discipline=m.discipline or "",
                fte=m.fte,
                contracted_hours=m.contracted_hours,
                start=m.start,
            )
            for m in plan.memberships
        ),
    )
    _insert_links(
        SupervisionAssignment,
        (
            SupervisionAssignment(
                supervisor_id=person_ids[s.supervisor],
                supervisee_id=person_ids[s.supervisee],
                start=s.start,
            )
            for s in plan.supervisions
        ),
    )
    return person_ids, team_ids


def _load_practice(
    plan: Plan,
    today: date,
    person_ids: list[int],
    team_ids: list[int],
    activity_ids: dict[str, int],
) -> tuple[list[int], list[int]]:
    """Service users, referrals and episodes, then the record of the work on them.

    Returns the new keys of service users and of episodes, in plan order.
    """

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def day_or_none(offset: int | None) -> date | None:
        return None if offset is None else day(offset)

    def person_or_none(index: int | None) -> int | None:
        return None if index is None else person_ids[index]

    service_user_ids = _insert(
        ServiceUser,
        (
            ServiceUser(
                reference=su.reference,
                preferred_name=su.preferred_name,
                contact_preferences=su.contact_preferences,
                team_id=team_ids[su.team],
                key_clinician_id=person_ids[su.key_clinician],
                consented_to_peer_support=su.consent_offset is not None,
                consent_date=day_or_none(su.consent_offset),
                shares_notes_with_team=su.shares_notes_with_team,
                person_id=person_or_none(su.person),
            )
            for su in plan.service_users
        ),
    )
    referral_ids = _insert(
        Referral,
        (
            Referral(
                service_user_id=service_user_ids[r.service_user],
                team_id=team_ids[r.team],
                referrer_id=person_or_none(r.referrer),
                referrer_discipline=r.referrer_discipline or "",
                self_referral=r.referrer is None,
                recorded_by_id=person_ids[r.recorded_by],
                reason=r.reason,
                hopes=r.hopes,
                urgency=r.urgency,
                status=r.status,
                allocated_to_id=person_or_none(r.allocated_to),
                received_on=day(r.received_offset),
                decided_on=day_or_none(r.decided_offset),
                decided_by_id=person_or_none(r.decided_by),
                decline_reason=r.decline_reason or "",
                decline_detail=r.decline_detail,
            )
            for r in plan.referrals
        ),
    )
    episode_ids = _insert(
        CaseloadEntry,
        (
            CaseloadEntry(
                service_user_id=service_user_ids[e.service_user],
                worker_id=person_ids[e.worker],
                referral_id=referral_ids[e.referral],
                status=e.status,
                start=day(e.start_offset),
                end=day_or_none(e.end_offset),
                next_planned_contact=day_or_none(e.next_contact_offset),
            )
            for e in plan.caseload_entries
        ),
    )
    _insert_links(
        Ending,
        (
            Ending(
                episode_id=episode_ids[n.episode],
                ended_on=day(n.ended_offset),
                planned=n.planned,
                reason=n.reason,
                now_community_activities=n.now_community_activities,
                now_work=n.now_work,
                now_education=n.now_education,
                now_other_supports=n.now_other_supports,
                now_note=n.now_note,
                independence_note=n.independence_note,
                recorded_by_id=person_ids[n.recorded_by],
            )
            for n in plan.endings
        ),
    )
    practice = plan.practice
    programme_ids = _insert(
        GroupProgramme,
        (
            GroupProgramme(
                name=g.name,
                team_id=team_ids[g.team],
                description=g.description,
                start=day(g.start_offset),
            )
            for g in practice.group_programmes
        ),
    )
    _insert_links(
        GroupProgramme.facilitators.through,
        (
            GroupProgramme.facilitators.through(
                groupprogramme_id=programme_id, person_id=person_ids[facilitator]
            )
            for programme_id, g in zip(programme_ids, practice.group_programmes, strict=True)
            for facilitator in g.facilitators
        ),
    )
    session_ids = _insert(
        GroupSession,
        (
            GroupSession(
                programme_id=programme_ids[s.programme],
                date=day(s.offset),
                duration_minutes=s.duration_minutes,
                setting=s.setting,
                topic=s.topic,
            )
            for s in practice.group_sessions
        ),
    )
    contact_ids = _insert(
        Contact,
        (
            Contact(
                service_user_id=service_user_ids[c.service_user],
                episode_id=episode_ids[c.episode],
                worker_id=person_ids[c.worker],
                date=day(c.offset),
                duration_minutes=c.duration_minutes,
                mode=c.mode,
                setting=c.setting,
                contact_format=ContactFormat.ONE_TO_ONE
                if c.group_session is None
                else ContactFormat.GROUP,
                group_session_id=None if c.group_session is None else session_ids[c.group_session],
                note=c.note,
            )
            for c in practice.contacts
        ),
    )
    _insert_tags(
        Contact.activities.through,
        ("contact", "activity"),
        (
            (contact_id, activity_ids[code])
            for contact_id, c in zip(contact_ids, practice.contacts, strict=True)
            for code in c.activities
        ),
    )
    _insert_tags(
        ContactChimeTag,
        ("contact", "domain"),
        (
            (contact_id, str(domain))
            for contact_id, c in zip(contact_ids, practice.contacts, strict=True)
            for domain in c.chime
        ),
    )
    goal_ids = _insert(
        Goal,
        (
            Goal(
                service_user_id=service_user_ids[g.service_user],
                episode_id=episode_ids[g.episode],
                text=g.text,
                set_by=g.set_by,
                chime_domain=g.chime_domain,
                status=g.status,
                set_on=day(g.set_offset),
                closed_on=day_or_none(g.closed_offset),
                recorded_by_id=person_ids[g.recorded_by],
            )
            for g in practice.goals
        ),
    )
    _insert_links(
        GoalStep,
        (
            GoalStep(
                goal_id=goal_ids[s.goal],
                text=s.text,
                order=s.order,
                done_on=day_or_none(s.done_offset),
            )
            for s in practice.goal_steps
        ),
    )
    _insert_links(
        GoalProgress,
        (
            GoalProgress(
                goal_id=goal_ids[p.goal],
                rated_on=day(p.offset),
                rating=p.rating,
                note=p.note,
                by_service_user=p.by_service_user,
                recorded_by_id=person_ids[p.recorded_by],
            )
            for p in practice.goal_progress
        ),
    )
    _insert_links(
        AdvocacyItem,
        (
            AdvocacyItem(
                service_user_id=service_user_ids[a.service_user],
                episode_id=episode_ids[a.episode],
                team_id=team_ids[a.team],
                request=a.request,
                recorded_by_id=person_ids[a.recorded_by],
                recorded_on=day(a.recorded_offset),
                raised_on=day_or_none(a.raised_offset),
                team_response=a.team_response,
                outcome=a.outcome,
                outcome_note=a.outcome_note,
            )
            for a in practice.advocacy_items
        ),
    )
    return service_user_ids, episode_ids


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


def _load_measures(
    plan: Plan,
    today: date,
    person_ids: list[int],
    service_user_ids: list[int],
    episode_ids: list[int],
    instrument_versions: dict[tuple[str, str], InstrumentVersion],
) -> None:
    """Administrations, scored by the stored definition they were given under."""
    instruments = {key: row.instrument() for key, row in instrument_versions.items()}
    scorers = {key: _scorer(instrument) for key, instrument in instruments.items()}
    user_of = dict(
        Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list("pk", "user_id")
    )

    def entered_by(index: int | None) -> int | None:
        return None if index is None else user_of.get(person_ids[index])

    _insert_links(
        Administration,
        (
            Administration(
                service_user_id=service_user_ids[a.service_user],
                episode_id=episode_ids[a.episode],
                instrument_version=instrument_versions[(a.instrument, a.instrument_version)],
                instrument_digest=instruments[(a.instrument, a.instrument_version)].digest,
                text_pack=None,
                text_pack_id_label=BUILT_IN,
                administered_on=today + timedelta(days=a.offset),
                mode=a.mode,
                entered_by_id=entered_by(a.entered_by),
                answers=dict(a.answers),
                scores=scorers[(a.instrument, a.instrument_version)](a.answers),
            )
            for a in plan.measures.administrations
        ),
    )
