"""The report's floor: the rows the impact report reads, exported to Parquet once (untimed), and
a DuckDB aggregate over them that computes the same figures (timed).

The export writes one Parquet file per table the report reads: referrals, contacts with their
activities, endings, goals, measure administrations (their answers and scores as long rows,
one per item or score, as a columnar store keeps them), and the study's participants, approvals
and response answers (long, likewise). The floor then reads each file once and computes the
practice counts, days to first contact, CHIME latest-answer counts, first/latest score pairs,
and the study's participant and item-value counts by cohort, site and team type.

What the floor leaves out is said in the result: the statistics the assembly computes from
those figures (intervals, tests, reliable change), disclosure control, the qualitative section
and writing the JSON. Those are a small share of the build, which the phase timings show.

Runs inside a benchmark child with Django set up (bench/run.py).
"""

# The SQL here is built from Django's own table and column names and integer keys, never from
# input: S608 (SQL built from strings) does not apply.
# ruff: noqa: S608
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
from django.db import connection
from django.db.models import Model

from alongside.evaluation.models import Approval, Participant, Response, Study
from alongside.evaluation.summaries import APPROVED
from alongside.measures.models import Administration, InstrumentVersion
from alongside.practice.models import (
    Activity,
    Contact,
    ContactSetting,
    DeclineReason,
    Ending,
    Goal,
    GoalStatus,
    Referral,
    ReferralStatus,
)
from alongside.practice.models.chime import Chime
from alongside.reports.assembly import ReportInput
from alongside.reports.queries import CHIME_INSTRUMENT

EARLIEST, LATEST = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def _t(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _c(model: type[Model], field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)  # type: ignore[union-attr]


def _related(model: type[Model], field: str) -> type[Model]:
    related = model._meta.get_field(field).related_model
    assert isinstance(related, type)
    return related


def _exports(study: Study) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(file name, PostgreSQL SELECT, DuckDB column types) for every table the report reads."""
    version = _related(Administration, "instrument_version")
    through = Contact.activities.through
    site, cohort = _related(Participant, "site"), _related(Participant, "cohort")
    adm, r, c = _t(Administration), _t(Referral), _t(Contact)
    yield (
        "referrals",
        f"SELECT id, {_c(Referral, 'service_user')}, {_c(Referral, 'allocated_to')}, "
        f"{_c(Referral, 'received_on')}, {_c(Referral, 'status')}, "
        f"{_c(Referral, 'decline_reason')} FROM {r}",
        {
            "id": "BIGINT",
            "service_user_id": "BIGINT",
            "allocated_to_id": "BIGINT",
            "received_on": "DATE",
            "status": "VARCHAR",
            "decline_reason": "VARCHAR",
        },
    )
    yield (
        "contacts",
        f"SELECT id, {_c(Contact, 'service_user')}, {_c(Contact, 'worker')}, "
        f"{_c(Contact, 'date')}, {_c(Contact, 'setting')} FROM {c}",
        {
            "id": "BIGINT",
            "service_user_id": "BIGINT",
            "worker_id": "BIGINT",
            "date": "DATE",
            "setting": "VARCHAR",
        },
    )
    yield (
        "contact_activities",
        f"SELECT contact_id, activity_id FROM {_t(through)}",
        {"contact_id": "BIGINT", "activity_id": "BIGINT"},
    )
    yield (
        "activities",
        f"SELECT id, {_c(Activity, 'label')} FROM {_t(Activity)}",
        {"id": "BIGINT", "label": "VARCHAR"},
    )
    yield (
        "endings",
        f"SELECT id, {_c(Ending, 'ended_on')}, {_c(Ending, 'now_community_activities')}::int "
        f"FROM {_t(Ending)}",
        {"id": "BIGINT", "ended_on": "DATE", "community": "INTEGER"},
    )
    yield (
        "goals",
        f"SELECT id, {_c(Goal, 'set_on')}, {_c(Goal, 'chime_domain')}, {_c(Goal, 'status')} "
        f"FROM {_t(Goal)}",
        {"id": "BIGINT", "set_on": "DATE", "chime_domain": "VARCHAR", "status": "VARCHAR"},
    )
    yield (
        "administrations",
        f"SELECT a.id, a.{_c(Administration, 'service_user')}, "
        f"a.{_c(Administration, 'administered_on')}, v.{_c(version, 'code')} "
        f"FROM {adm} a JOIN {_t(version)} v "
        f"ON v.id = a.{_c(Administration, 'instrument_version')}",
        {"id": "BIGINT", "service_user_id": "BIGINT", "administered_on": "DATE", "code": "VARCHAR"},
    )
    yield (
        "administration_answers",
        f"SELECT a.id, e.key, e.value #>> '{{}}' FROM {adm} a, "
        f"jsonb_each(CASE WHEN jsonb_typeof(a.{_c(Administration, 'answers')}) = 'object' "
        f"THEN a.{_c(Administration, 'answers')} ELSE '{{}}'::jsonb END) e",
        {"administration_id": "BIGINT", "item": "VARCHAR", "value": "VARCHAR"},
    )
    yield (
        "administration_scores",
        f"SELECT a.id, e.key, (e.value ->> 'value')::float8 FROM {adm} a, "
        f"jsonb_each(CASE WHEN jsonb_typeof(a.{_c(Administration, 'scores')}) = 'object' "
        f"THEN a.{_c(Administration, 'scores')} ELSE '{{}}'::jsonb END) e "
        f"WHERE jsonb_typeof(e.value) = 'object' AND jsonb_typeof(e.value -> 'value') = 'number'",
        {"administration_id": "BIGINT", "score": "VARCHAR", "value": "DOUBLE"},
    )
    p = _t(Participant)
    yield (
        "participants",
        f"SELECT p.id, s.{_c(site, 'code')}, k.{_c(cohort, 'code')}, "
        f"p.{_c(Participant, 'method')}, p.{_c(Participant, 'team_type')}, "
        f"(p.{_c(Participant, 'withdrawn_at')} IS NOT NULL)::int "
        f"FROM {p} p JOIN {_t(site)} s ON s.id = p.{_c(Participant, 'site')} "
        f"JOIN {_t(cohort)} k ON k.id = p.{_c(Participant, 'cohort')} "
        f"WHERE p.{_c(Participant, 'study')} = {int(study.pk)}",
        {
            "id": "BIGINT",
            "site": "VARCHAR",
            "cohort": "VARCHAR",
            "method": "VARCHAR",
            "team_type": "VARCHAR",
            "withdrawn": "INTEGER",
        },
    )
    yield (
        "approvals",
        f"SELECT s.{_c(site, 'code')}, k.{_c(cohort, 'code')}, a.{_c(Approval, 'status')} "
        f"FROM {_t(Approval)} a JOIN {_t(site)} s ON s.id = a.{_c(Approval, 'site')} "
        f"JOIN {_t(cohort)} k ON k.id = a.{_c(Approval, 'cohort')} "
        f"WHERE a.{_c(Approval, 'study')} = {int(study.pk)}",
        {"site": "VARCHAR", "cohort": "VARCHAR", "status": "VARCHAR"},
    )
    response_version = _related(Response, "instrument_version")
    yield (
        "study_answers",
        f"SELECT r.{_c(Response, 'participant')}, v.{_c(response_version, 'code')}, e.key, "
        f"e.value #>> '{{}}' FROM {_t(Response)} r "
        f"JOIN {p} p ON p.id = r.{_c(Response, 'participant')} "
        f"JOIN {_t(response_version)} v ON v.id = r.{_c(Response, 'instrument_version')}, "
        f"jsonb_each(r.{_c(Response, 'answers')}) e "
        f"WHERE p.{_c(Participant, 'study')} = {int(study.pk)} "
        f"AND jsonb_typeof(r.{_c(Response, 'answers')}) = 'object'",
        {
            "participant_id": "BIGINT",
            "instrument": "VARCHAR",
            "item": "VARCHAR",
            "value": "VARCHAR",
        },
    )


def export(study: Study, folder: Path) -> dict[str, int]:
    """Write the Parquet files into FOLDER (PostgreSQL COPY to CSV, DuckDB to Parquet); their
    row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    duck = duckdb.connect()
    for name, select, columns in _exports(study):
        csv_path, parquet_path = folder / f"{name}.csv", folder / f"{name}.parquet"
        with connection.cursor() as cursor, csv_path.open("wb") as out:
            raw = cursor.cursor  # psycopg's own cursor: COPY streams without Python rows
            with raw.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    out.write(block)
        duck.execute(
            f"COPY (SELECT * FROM read_csv(?, header = false, columns = {_struct(columns)}, "
            "allow_quoted_nulls = false)) TO '"
            + str(parquet_path).replace("'", "''")
            + "' (FORMAT parquet)",
            [str(csv_path)],
        )
        csv_path.unlink()
        row = duck.execute("SELECT count(*) FROM read_parquet(?)", [str(parquet_path)]).fetchone()
        counts[name] = int(row[0]) if row else 0
    duck.close()
    return counts


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"


FLOOR_SQL = {
    "referrals": """
        SELECT count(*),
               count(*) FILTER (WHERE status = $accepted),
               count(*) FILTER (WHERE status = $declined AND decline_reason = $not_appropriate),
               count(*) FILTER (WHERE status = $declined)
        FROM referrals WHERE received_on BETWEEN $start AND $end
    """,
    "first_contact": """
        SELECT min(c.date) - r.received_on AS days
        FROM referrals r
        JOIN contacts c ON c.service_user_id = r.service_user_id
            AND c.worker_id = r.allocated_to_id AND c.date >= r.received_on
        WHERE r.received_on BETWEEN $start AND $end AND r.status <> $declined
        GROUP BY r.id, r.received_on ORDER BY days
    """,
    "contacts_by_setting": """
        SELECT setting, count(*) FROM contacts WHERE date BETWEEN $start AND $end GROUP BY 1
    """,
    "contacts_by_activity": """
        SELECT a.label, count(*) FROM contacts c
        JOIN contact_activities ca ON ca.contact_id = c.id
        JOIN activities a ON a.id = ca.activity_id
        WHERE c.date BETWEEN $start AND $end GROUP BY 1 ORDER BY 1
    """,
    "endings": """
        SELECT count(*), coalesce(sum(community), 0) FROM endings
        WHERE ended_on BETWEEN $start AND $end
    """,
    "goals": """
        SELECT chime_domain, count(*), count(*) FILTER (WHERE status = $achieved) FROM goals
        WHERE set_on BETWEEN $start AND $end GROUP BY 1
    """,
    "chime_latest": """
        WITH latest AS (
            SELECT id FROM administrations
            WHERE code = $chime AND administered_on BETWEEN $start AND $end
            QUALIFY row_number() OVER (
                PARTITION BY service_user_id ORDER BY administered_on DESC, id DESC) = 1
        )
        SELECT item, value, count(*) FROM administration_answers JOIN latest
            ON administration_answers.administration_id = latest.id
        GROUP BY 1, 2
    """,
    "score_pairs": """
        WITH per_person AS (
            SELECT a.code, s.score, a.service_user_id,
                   first(s.value ORDER BY a.administered_on, a.id) AS first_value,
                   last(s.value ORDER BY a.administered_on, a.id) AS latest_value
            FROM administrations a JOIN administration_scores s ON s.administration_id = a.id
            WHERE a.administered_on BETWEEN $start AND $end
            GROUP BY 1, 2, 3 HAVING count(*) > 1
        )
        SELECT code, score, count(*), sum(first_value), sum(latest_value)
        FROM per_person GROUP BY 1, 2 ORDER BY 1, 2
    """,
    "participants": """
        SELECT p.site, p.cohort, count(*), coalesce(bool_or(ap.status = $approved), false)
        FROM participants p LEFT JOIN approvals ap ON ap.site = p.site AND ap.cohort = p.cohort
        WHERE p.withdrawn = 0 GROUP BY 1, 2
    """,
    "study_items": """
        SELECT a.instrument, p.cohort, p.site, p.team_type, a.item, a.value, count(*)
        FROM study_answers a
        JOIN participants p ON p.id = a.participant_id
        JOIN approvals ap ON ap.site = p.site AND ap.cohort = p.cohort AND ap.status = $approved
        WHERE p.withdrawn = 0
        GROUP BY GROUPING SETS (
            (a.instrument, p.cohort, a.item, a.value),
            (a.instrument, p.cohort, p.site, a.item, a.value),
            (a.instrument, p.cohort, p.team_type, a.item, a.value))
    """,
}
NEEDS = {
    "referrals": ("accepted", "declined", "not_appropriate"),
    "first_contact": ("declined",),
    "goals": ("achieved",),
    "chime_latest": ("chime",),
    "participants": ("approved",),
    "study_items": ("approved",),
}
CONSTANTS = {
    "accepted": ReferralStatus.ACCEPTED.value,
    "declined": ReferralStatus.DECLINED.value,
    "not_appropriate": DeclineReason.NOT_APPROPRIATE.value,
    "achieved": GoalStatus.ACHIEVED.value,
    "chime": CHIME_INSTRUMENT,
    "approved": APPROVED,
}
TABLES = (
    "referrals",
    "contacts",
    "contact_activities",
    "activities",
    "endings",
    "goals",
    "administrations",
    "administration_answers",
    "administration_scores",
    "participants",
    "approvals",
    "study_answers",
)


def floor(folder: Path, start: dt.date | None, end: dt.date | None) -> dict[str, list[Any]]:
    """The figures, from the Parquet files in FOLDER: one DuckDB connection, each file read
    once per figure group. This is the timed part."""
    duck = duckdb.connect()
    for table in TABLES:
        path = str(folder / f"{table}.parquet").replace("'", "''")
        duck.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    period = {"start": start or EARLIEST, "end": end or LATEST}
    figures: dict[str, list[Any]] = {}
    for name, sql in FLOOR_SQL.items():
        params = {**period, **{key: CONSTANTS[key] for key in NEEDS.get(name, ())}}
        if "$start" not in sql:
            params = {key: value for key, value in params.items() if key not in period}
        figures[name] = duck.execute(sql, params).fetchall()
    duck.close()
    return figures


def timed_floor(
    folder: Path, start: dt.date | None, end: dt.date | None
) -> tuple[float, dict[str, list[Any]]]:
    started = time.perf_counter()
    figures = floor(folder, start, end)
    return time.perf_counter() - started, figures


def compare(report: ReportInput, figures: dict[str, list[Any]]) -> dict[str, dict[str, Any]]:
    """The figures the report and the floor both compute, side by side: the floor must compute
    the same numbers, or its time means nothing."""
    practice = report.practice
    received, accepted, not_appropriate, declined = figures["referrals"][0]
    settings = dict(figures["contacts_by_setting"])
    goals = {domain: (n, got) for domain, n, got in figures["goals"]}
    endings, community = figures["endings"][0]
    chime_counts = {(item, value): n for item, value, n in figures["chime_latest"]}
    pairs = {(code, score): n for code, score, n, _, _ in figures["score_pairs"]}
    approved_participants = sum(n for _, _, n, ok in figures["participants"] if ok)
    report_total = report.evaluation.get("participant_totals", {}).get("all", {}).get("n")
    pairs_report = {(o.instrument, o.score): len(o.pairs) for o in report.outcomes}
    pairs_floor = {key: n for key, n in pairs.items() if key in pairs_report}
    checks: dict[str, tuple[Any, Any]] = {
        "referrals": (
            (
                practice.referrals_received,
                practice.referrals_accepted,
                practice.declined_not_appropriate,
                practice.declined_other,
            ),
            (received, accepted, not_appropriate, declined - not_appropriate),
        ),
        "days_to_first_contact": (
            list(practice.days_to_first_contact),
            [int(days) for (days,) in figures["first_contact"]],
        ),
        "contacts_by_setting": (
            dict(practice.contacts_by_setting),
            {str(ContactSetting(code).label): n for code, n in settings.items()},
        ),
        "contacts_by_activity": (
            dict(practice.contacts_by_activity),
            dict(figures["contacts_by_activity"]),
        ),
        "endings": ((practice.endings, practice.community_engagement), (endings, community)),
        "goals_by_chime": (
            sorted((label, n, got) for label, n, got in practice.goals_by_chime),
            sorted((str(Chime(code).label), n, got) for code, (n, got) in goals.items()),
        ),
        "chime_people_answering": (
            sum(sum(item.counts) for item in report.chime),
            _chime_answered(report, chime_counts),
        ),
        "score_pairs": (pairs_report, pairs_floor),
        # The total is hidden (None) when disclosure control suppresses it.
        "participants_approved": (
            report_total,
            approved_participants if report_total is not None else None,
        ),
    }
    return {
        name: {"same": left == right, "report": _short(left), "floor": _short(right)}
        for name, (left, right) in checks.items()
    }


def _chime_answered(report: ReportInput, counts: dict[tuple[str, str], int]) -> int:
    """People's latest CHIME answers that fall on a scale value, as the report counts them."""
    versions = InstrumentVersion.objects.filter(code=CHIME_INSTRUMENT)
    newest = versions.order_by("-loaded_at", "-pk").first()
    if not report.chime or newest is None:
        return 0
    instrument = newest.instrument()
    allowed = {
        item.code: {str(o.value) for o in instrument.item_scale(item).options}
        for item in instrument.items
        if item.scale is not None
    }
    return sum(
        n
        for (item, value), n in counts.items()
        if value is not None and value in allowed.get(item, ())
    )


def _short(value: Any) -> Any:
    """A figure for results.json: long lists are summarised."""
    if isinstance(value, list) and len(value) > 20:
        return {"count": len(value), "sum": sum(value), "first": value[:5]}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value
