"""Bulk writes for the demo (COPY on PostgreSQL, executemany on SQLite) and the streamed load.

The same tests run on SQLite (`make test`) and PostgreSQL (`make test-postgres`); the ones about
dropping and rebuilding constraints do something only on PostgreSQL and skip elsewhere.
"""

from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from alongside.demo import bulk, research
from alongside.demo.generator import plan_programme
from alongside.demo.loader import STREAMED_MODELS, load_programme
from alongside.demo.scales import SEED, SEED_REGIONS
from alongside.evaluation.models import Participant, Response, Study
from alongside.measures.models import InstrumentVersion
from alongside.organisation.models import Area, Region
from alongside.practice.models import (
    Activity,
    AdvocacyItem,
    CaseloadEntry,
    Contact,
    ContactChimeTag,
    Goal,
    GoalProgress,
    GoalStep,
    GroupProgramme,
    GroupSession,
    ServiceUser,
)
from alongside.qualitative.models import Segment, Source

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: a second thread, dropped constraints",
)

# Two of the seed's regions (the personas' teams are in the second), small caseloads, and a
# little of the national scale's survey and interviews.
TINY = replace(
    SEED,
    name="tiny",
    regions=SEED_REGIONS[:2],
    service_users_per_psw=(2, 3),
    survey_responses=300,
    transcript_segments=120,
)


def new_region(code: str) -> Region:
    return Region.objects.create(code=code, name=f"Region {code}")


# The writer.


@pytest.mark.django_db
def test_keys_follow_on_from_the_rows_already_there_and_the_sequence_after_them():
    before = new_region("before")
    keys = bulk.write_rows(
        Region, ("code", "name"), ((f"r{n}", f"Region {n}") for n in range(25)), keys=True
    )
    assert list(keys) == list(range(before.pk + 1, before.pk + 26))
    stored = dict(Region.objects.filter(pk__in=keys).values_list("pk", "code"))
    assert [stored[key] for key in keys] == [f"r{n}" for n in range(25)]
    # The database hands out the next key after the written ones, not one already taken.
    assert new_region("after").pk == keys[-1] + 1


@pytest.mark.django_db
def test_keys_stay_in_order_across_batches_and_blocks(monkeypatch):
    monkeypatch.setattr(bulk._Keys, "BLOCK", 7)
    with bulk.BulkWriter(Region, ("code", "name"), keys=True, chunk_rows=4) as writer:
        keys = [writer.add_keyed((f"b{n}", f"Batch {n}")) for n in range(30)]
        assert writer.written == 28
        assert writer.pending == 2
    assert writer.written == 30
    assert keys == list(range(keys[0], keys[0] + 30))
    assert list(Region.objects.order_by("pk").values_list("pk", flat=True)) == keys
    assert new_region("next").pk == keys[-1] + 1


@pytest.mark.django_db
def test_child_rows_can_use_keys_handed_out_before_their_parents_are_written():
    with (
        bulk.BulkWriter(Region, ("code", "name"), keys=True) as regions,
        bulk.BulkWriter(Area, ("region", "name"), chunk_rows=1) as areas,
    ):
        for n in range(3):
            region = regions.add_keyed((f"p{n}", f"Parent {n}"))
            areas.add((region, f"Area {n}"))  # written at once, before its region
    assert sorted(Area.objects.values_list("region__code", "name")) == [
        ("p0", "Area 0"),
        ("p1", "Area 1"),
        ("p2", "Area 2"),
    ]


@pytest.mark.django_db
def test_fields_not_given_are_filled_in_as_bulk_create_would():
    started = timezone.now()
    bulk.write_rows(
        InstrumentVersion,
        ("code", "version", "title", "digest", "definition", "ships_text"),
        [
            ("bulk-a", "1.0", "A", "0" * 64, {"items": [1, 2]}, True),
            ("bulk-b", "1.0", "B", "1" * 64, bulk.JsonText('{"items": []}'), False),
        ],
    )
    first, second = InstrumentVersion.objects.filter(code__startswith="bulk-").order_by("code")
    assert first.definition == {"items": [1, 2]}
    assert second.definition == {"items": []}
    assert first.respondent == first.licence_note == ""
    assert started <= first.loaded_at <= timezone.now()
    bulk.write_rows(Activity, ("code", "label"), [("bulk-activity", "Bulk")])
    activity = Activity.objects.get(code="bulk-activity")
    assert activity.active is True
    assert activity.order == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        (Region, ("code", "no_such_field"), "has no field no_such_field"),
        (Region, ("id", "code", "name"), "keys=True"),
        (Area, ("name",), "Area.region has no default"),
    ],
)
def test_the_writer_refuses_fields_it_cannot_write(model, fields, message):
    with pytest.raises(ValueError, match=message):
        bulk.BulkWriter(model, fields)


@postgres_only
@pytest.mark.django_db
def test_a_sender_writes_in_order_on_a_second_thread(monkeypatch):
    monkeypatch.setattr(bulk._Keys, "BLOCK", 5)
    with bulk.Sender() as sender:
        regions = bulk.BulkWriter(Region, ("code", "name"), keys=True, chunk_rows=3, sender=sender)
        areas = bulk.BulkWriter(Area, ("region", "name"), chunk_rows=2, sender=sender)
        keys = [regions.add_keyed((f"s{n}", f"Sent {n}")) for n in range(12)]
        for key in keys:
            areas.add((key, "Area"))
        regions.close()
        areas.close()
    assert keys == list(range(keys[0], keys[0] + 12))
    assert Area.objects.filter(region__in=keys).count() == 12
    assert new_region("after").pk == keys[-1] + 1


@postgres_only
@pytest.mark.django_db
def test_a_write_that_fails_on_the_second_thread_fails_in_the_caller():
    def send_a_bad_row() -> None:
        with bulk.Sender() as sender:
            writer = bulk.BulkWriter(Region, ("code", "name"), sender=sender)
            writer.add(("long", "x" * 1000))
            writer.close()

    with pytest.raises(DataError, match="too long"), transaction.atomic():
        send_a_bad_row()


@pytest.mark.django_db
def test_add_keyed_needs_a_writer_that_gives_keys():
    writer = bulk.BulkWriter(Region, ("code", "name"))
    with pytest.raises(TypeError, match="keys=True"):
        writer.add_keyed(("x", "X"))


@pytest.mark.django_db
def test_nothing_buffered_is_written_when_the_block_fails():
    def write_then_fail() -> None:
        with bulk.BulkWriter(Region, ("code", "name")) as writer:
            writer.add(("never", "Never"))
            raise RuntimeError("the load failed")

    with pytest.raises(RuntimeError, match="the load failed"):
        write_then_fail()
    assert not Region.objects.filter(code="never").exists()


# Dropping and rebuilding constraints and indexes.


def constraints_and_indexes(table: str) -> dict[str, object]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass",
                [table],
            )
            found |= {f"definition {name}": definition for name, definition in cursor.fetchall()}
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        return found | {f"index {name}": definition for name, definition in cursor.fetchall()}


@postgres_only
@pytest.mark.django_db
def test_constraints_and_indexes_are_dropped_for_the_load_and_rebuilt_the_same():
    tables = [model._meta.db_table for model in STREAMED_MODELS]
    before = {table: constraints_and_indexes(table) for table in tables}
    assert "contact_user_date_idx" in before["practice_contact"]
    rebuild = bulk.defer_checks_and_indexes(STREAMED_MODELS)
    during = constraints_and_indexes("practice_contact")
    assert "contact_user_date_idx" not in during
    # Only the primary key and the check constraints are left.
    assert {
        name for name, about in during.items() if not name.startswith(("index ", "definition "))
    } == {
        name
        for name, about in before["practice_contact"].items()
        if isinstance(about, dict) and (about["primary_key"] or about["check"])
    }
    rebuild()
    assert {table: constraints_and_indexes(table) for table in tables} == before


def test_elsewhere_nothing_is_dropped_and_the_rebuild_does_nothing(db):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL drops and rebuilds")
    before = constraints_and_indexes("practice_contact")
    rebuild = bulk.defer_checks_and_indexes(STREAMED_MODELS)
    assert constraints_and_indexes("practice_contact") == before
    rebuild()
    assert constraints_and_indexes("practice_contact") == before


@postgres_only
@pytest.mark.django_db
def test_a_row_that_breaks_a_constraint_fails_the_rebuild():
    region = new_region("dup")
    rebuild = bulk.defer_checks_and_indexes([Area])
    bulk.write_rows(Area, ("region", "name"), [(region.pk, "Twice"), (region.pk, "Twice")])
    with pytest.raises(IntegrityError, match="area_name_unique_in_region"), transaction.atomic():
        rebuild()


@postgres_only
@pytest.mark.django_db
def test_a_row_that_refers_to_nothing_fails_the_rebuild():
    region = new_region("orphan")
    rebuild = bulk.defer_checks_and_indexes([Area])
    bulk.write_rows(Area, ("region", "name"), [(region.pk + 1000, "Nowhere")])
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        rebuild()


# The streamed load, at a tiny scale. First a load of its own, then one for the module.


def test_below_national_there_is_no_programme_study(db):
    scale = replace(TINY, survey_responses=0, transcript_segments=0)
    _, counts = load_programme(scale=scale, seed=1, today=timezone.localdate())
    assert "research_survey_responses" not in counts
    assert not Study.objects.filter(slug=research.SLUG).exists()


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    """One load for the module: the tests only read, each in its own savepoint."""
    lines: list[str] = []
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        _, counts = load_programme(
            scale=TINY, seed=2019, today=timezone.localdate(), report=lines.append
        )
    yield counts, lines
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def loaded(tiny, db):
    return tiny


@pytest.fixture(scope="module")
def tiny_plan():
    return plan_programme(scale=TINY, seed=2019)


def test_the_streamed_load_counts_what_the_whole_plan_counts(loaded, tiny_plan):
    counts, _ = loaded
    assert {key: counts[key] for key in tiny_plan.counts()} == tiny_plan.counts()
    assert counts["contacts"] == Contact.objects.count() > 0
    assert counts["contact_chime_tags"] == ContactChimeTag.objects.count()
    assert counts["contact_activities"] == Contact.activities.through.objects.count()
    assert counts["goals"] == Goal.objects.count()
    assert counts["goal_steps"] == GoalStep.objects.count()
    assert counts["goal_progress"] == GoalProgress.objects.count()
    assert counts["caseload_entries"] == CaseloadEntry.objects.count()


def test_the_contacts_written_are_the_planned_ones_in_order(loaded, tiny_plan):
    today = timezone.localdate()
    references = dict(ServiceUser.objects.values_list("pk", "reference"))
    written = [
        (references[c.service_user_id], c.date, c.mode, c.setting, c.note, c.group_session_id)
        for c in Contact.objects.order_by("pk")
    ]
    planned = [
        (
            tiny_plan.caseloads.service_users[c.service_user].reference,
            today + timedelta(days=c.offset),
            c.mode,
            c.setting,
            c.note,
            c.group_session,
        )
        for c in tiny_plan.practice.contacts
    ]
    assert [row[:5] for row in written] == [row[:5] for row in planned]
    assert [row[5] is None for row in written] == [row[5] is None for row in planned]
    tags = Counter(ContactChimeTag.objects.values_list("contact_id", flat=True))
    contact_ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
    assert [tags[pk] for pk in contact_ids] == [len(c.chime) for c in tiny_plan.practice.contacts]


def test_the_tables_take_new_rows_after_the_load(loaded):
    last = Contact.objects.order_by("-pk").first()
    contact = Contact.objects.create(
        service_user=last.service_user,
        episode=last.episode,
        worker=last.worker,
        date=timezone.localdate(),
        duration_minutes=30,
        mode=last.mode,
        setting=last.setting,
    )
    assert contact.pk == last.pk + 1
    progress = GoalProgress.objects.order_by("-pk").first()
    again = GoalProgress.objects.create(
        goal=progress.goal, rated_on=progress.rated_on, rating=5, recorded_by=progress.recorded_by
    )
    assert again.pk == progress.pk + 1


def test_the_load_reports_each_stage_and_a_total(loaded):
    _, lines = loaded
    stages = [line.split()[0] for line in lines if not line.startswith("    ")]
    assert stages[:4] == ["plan", "organisation", "caseloads", "practice"]
    assert stages[-1] == "total"
    assert "survey" in stages
    practice = next(line for line in lines if line.startswith("  practice "))
    tables = (Contact, Contact.activities.through, ContactChimeTag, GroupProgramme)
    tables += (GroupProgramme.facilitators.through, GroupSession, Goal, GoalStep, GoalProgress)
    tables += (AdvocacyItem,)
    written = sum(model.objects.count() for model in tables)
    assert practice.split()[1] == f"{written:,}"
    assert practice.endswith("rows/s")
    total = lines[-1].split()
    assert total[0] == "total"
    assert int(total[1].replace(",", "")) > written


def test_the_programme_study_has_its_survey_and_interviews(loaded):
    counts, _ = loaded
    assert counts["research_survey_responses"] == 300
    assert counts["research_transcript_segments"] == 120
    survey = Response.objects.filter(participant__study__slug=research.SLUG)
    assert survey.count() == 300
    by_cohort = Counter(survey.values_list("participant__cohort__code", flat=True))
    assert by_cohort == research.survey_counts(300)
    interviews = Source.objects.filter(project__study__slug=research.SLUG)
    assert interviews.count() == counts["research_interviews"] == 3
    assert Segment.objects.filter(source__in=interviews).count() == 120
    interviewees = Participant.objects.filter(study__slug=research.SLUG, method="interview")
    assert interviewees.count() == 3
