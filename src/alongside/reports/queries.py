"""Reads for the report: the database to the assembly's plain inputs, in a fixed few queries.

Nothing personal leaves these functions: they return counts, scores without names, and the
study's configuration. They read without a personal scope for that reason, as the measures
app's programme summary does; the views that call them check who may see the result.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BooleanField,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Window,
)
from django.db.models.expressions import RowRange
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, FirstValue, LastValue, RowNumber

from alongside import __version__
from alongside.core import json_entries
from alongside.evaluation.models import Approval, CohortInstrument, Study
from alongside.evaluation.study_data import report_for, study_data
from alongside.measures.models import Administration, InstrumentVersion
from alongside.practice import rollups
from alongside.practice.models import Activity, ContactSetting, GoalStatus, ReferralStatus
from alongside.practice.models.chime import Chime
from alongside.qualitative.models import Project
from alongside.qualitative.quotes import quote_bank, theme_coverage
from alongside.reports.assembly import (
    ApprovalInput,
    ChimeItemInput,
    InstrumentInput,
    Place,
    PracticeInput,
    QualitativeInput,
    QuoteInput,
    ReportInput,
    ScorePairsInput,
    StudyInput,
    ThemeInput,
)
from alongside.reports.models import NarrativeSection

CHIME_INSTRUMENT = "chime-support"


def _in_period(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    query = Q()
    if start is not None:
        query &= Q(**{f"{field}__gte": start})
    if end is not None:
        query &= Q(**{f"{field}__lte": end})
    return query


def study_input(study: Study) -> StudyInput:
    approvals = Approval.objects.filter(study=study).select_related("site", "cohort")
    links = (
        CohortInstrument.objects.filter(cohort__study=study)
        .select_related("cohort", "instrument_version")
        .order_by("instrument_version__code", "cohort__code")
    )
    instruments: dict[int, tuple[InstrumentVersion, list[str]]] = {}
    for link in links:
        instruments.setdefault(link.instrument_version_id, (link.instrument_version, []))[1].append(
            link.cohort.code
        )
    return StudyInput(
        slug=study.slug,
        title=study.title,
        period_start=study.period_start.isoformat() if study.period_start else None,
        period_end=study.period_end.isoformat() if study.period_end else None,
        methods=tuple(study.methods),
        sites=tuple(Place(s.code, s.name) for s in study.sites.order_by("code")),
        cohorts=tuple(Place(c.code, c.name) for c in study.cohorts.order_by("code")),
        approvals=tuple(
            ApprovalInput(a.site.code, a.cohort.code, a.status, a.committee, a.reference)
            for a in sorted(approvals, key=lambda a: (a.site.code, a.cohort.code))
        ),
        instruments=tuple(
            InstrumentInput(
                code=v.code,
                version=v.version,
                title=v.title,
                digest=v.digest,
                respondent=v.respondent,
                cohorts=tuple(cohorts),
            )
            for v, cohorts in sorted(instruments.values(), key=lambda pair: pair[0].code)
        ),
    )


def practice_input(
    start: dt.date | None,
    end: dt.date | None,
    *,
    team_ids: list[int] | None = None,
    region_id: int | None = None,
) -> PracticeInput:
    """The practice figures of [start, end], for these teams, this region or (neither) all.

    Read from the practice rollups (`alongside.practice.rollups`), which count the same
    records as the practice pages show: referrals by the day received and their team;
    contacts, goals and endings by their day and the service user's team.
    """
    counted = rollups.counts(start, end, team_ids=team_ids, region_id=region_id)
    referrals = counted[rollups.REFERRALS]
    received = sum(referrals.values())
    accepted = referrals[ReferralStatus.ACCEPTED]
    not_appropriate = referrals[rollups.NOT_APPROPRIATE_KEY]
    declined = referrals[ReferralStatus.DECLINED] + not_appropriate
    gaps: list[int] = []
    for days, n in sorted((int(days), n) for days, n in counted[rollups.FIRST_CONTACT].items()):
        gaps += [days] * n
    settings = counted[rollups.SETTINGS]
    labels = dict(Activity.objects.values_list("pk", "label"))
    activities = {
        labels[int(pk)]: n
        for pk, n in counted[rollups.ACTIVITIES].items()
        if n and int(pk) in labels
    }
    endings = counted[rollups.ENDINGS]
    per_domain: dict[str, list[int]] = {}
    for key, n in counted[rollups.GOALS].items():
        domain, _, status = key.partition(":")
        counts = per_domain.setdefault(domain, [0, 0])
        counts[0] += n
        counts[1] += n if status == GoalStatus.ACHIEVED else 0
    return PracticeInput(
        referrals_received=received,
        referrals_accepted=accepted,
        declined_not_appropriate=not_appropriate,
        declined_other=declined - not_appropriate,
        referrals_open=received - accepted - declined,
        days_to_first_contact=tuple(gaps),
        contacts_by_setting=tuple(
            (str(ContactSetting(code).label), settings[code])
            for code in ContactSetting.values
            if settings[code]
        ),
        contacts_by_activity=tuple(sorted(activities.items())),
        endings=sum(endings.values()),
        community_engagement=endings["community"],
        goals_set=sum(n for n, _ in per_domain.values()),
        goals_achieved=sum(got for _, got in per_domain.values()),
        goals_by_chime=tuple(
            (str(Chime(code).label), *per_domain[code])
            for code in Chime.values
            if code in per_domain and per_domain[code][0]
        ),
    )


@dataclass(frozen=True)
class _Versions:
    """The newest loaded version of each instrument, and the ids of all its versions (an
    administration counts under its instrument's newest version, whichever it was given in)."""

    newest: dict[str, InstrumentVersion]
    ids: dict[str, list[int]]


def _versions() -> _Versions:
    newest: dict[str, InstrumentVersion] = {}
    ids: dict[str, list[int]] = defaultdict(list)
    for version in InstrumentVersion.objects.order_by("code", "-loaded_at", "-pk"):
        newest.setdefault(version.code, version)
        ids[version.code].append(version.pk)
    return _Versions(newest, dict(ids))


class _IsJsonNumber(Func):
    """True where the score `rule`'s value in an administration's scores is a JSON number."""

    output_field = BooleanField()

    def __init__(self, rule: str) -> None:
        super().__init__(F("scores"))
        self.rule = rule

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"jsonb_typeof(({column} -> %s) -> 'value') = 'number'", [*params, self.rule]
        path = '$."' + self.rule.replace('"', '\\"') + '"."value"'
        return f"json_type({column}, %s) IN ('integer', 'real')", [*params, path]


def _administrations(
    start: dt.date | None, end: dt.date | None, team_ids: list[int] | None
) -> QuerySet[Administration]:
    found = Administration.objects.filter(_in_period("administered_on", start, end))
    if team_ids is not None:
        found = found.filter(service_user__team_id__in=team_ids)
    return found.order_by()


def _per_person(*, latest_first: bool) -> dict[str, Any]:
    """Window arguments: each person's administrations, oldest (or latest) first."""
    order = [F("administered_on"), F("pk")]
    return {
        "partition_by": [F("service_user_id")],
        "order_by": [o.desc() if latest_first else o.asc() for o in order],
    }


def chime_input(
    start: dt.date | None,
    end: dt.date | None,
    *,
    team_ids: list[int] | None = None,
    versions: _Versions | None = None,
) -> tuple[tuple[ChimeItemInput, ...], tuple[str, ...]]:
    """Each CHIME support item's answers, counted over each person's latest check in the period.

    The database finds each person's latest check and counts its scaled items' answers by
    value (`core.json_entries`): a few dozen rows come back, whatever the number of people.
    """
    versions = _versions() if versions is None else versions
    if CHIME_INSTRUMENT not in versions.newest:
        return (), ()
    instrument = versions.newest[CHIME_INSTRUMENT].instrument()
    scaled = [item for item in instrument.items if item.scale is not None]
    latest = (
        _administrations(start, end, team_ids)
        .filter(instrument_version_id__in=versions.ids[CHIME_INSTRUMENT])
        .annotate(latest=Window(RowNumber(), **_per_person(latest_first=True)))
        .filter(latest=1)
        .values("answers")
    )
    try:
        inner, params = latest.query.sql_with_params()
    except EmptyResultSet:  # no teams: nobody to count
        return (), ()
    tallied = json_entries.count_entries(
        f"({inner}) AS latest", params, "latest.answers", keys=[item.code for item in scaled]
    )
    if not tallied and not latest.exists():
        return (), ()
    items = []
    chime_scale: tuple[str, ...] = ()
    for item in scaled:
        scale = instrument.item_scale(item)
        values = [o.value for o in scale.options]
        counts = [0] * len(values)
        for key, value, n in tallied:
            if key == item.code and value in values:
                counts[values.index(value)] += n
        chime_scale = tuple(o.label for o in scale.options)
        items.append(
            ChimeItemInput(
                item=item.code,
                label=item.code.replace("_", " ").capitalize(),
                counts=tuple(counts),
                high_from=max(0, len(values) - 2),
            )
        )
    return tuple(items), chime_scale


def score_pairs(
    start: dt.date | None,
    end: dt.date | None,
    *,
    team_ids: list[int] | None = None,
    versions: _Versions | None = None,
) -> tuple[ScorePairsInput, ...]:
    """Each person's first and latest value of each score in the period, for people with two.

    Scored by the rules of each instrument's newest version; values that are not numbers
    (a score that could not be worked out) are left out. One query for the instruments given
    in the period, then one per score of those, in which the database finds each person's
    first and latest value.
    """
    versions = _versions() if versions is None else versions
    administrations = _administrations(start, end, team_ids)
    given = set(administrations.values_list("instrument_version_id", flat=True).distinct())
    outcomes: list[ScorePairsInput] = []
    for code, newest in sorted(versions.newest.items()):
        ids = versions.ids[code]
        if given.isdisjoint(ids):
            continue
        instrument = newest.instrument()
        for rule in instrument.scores:
            value = Cast(KeyTextTransform("value", KeyTransform(rule.code, "scores")), FloatField())
            window = _per_person(latest_first=False)
            found = (
                administrations.filter(instrument_version_id__in=ids)
                .filter(_IsJsonNumber(rule.code))
                .annotate(
                    score=value,
                    place=Window(RowNumber(), **window),
                    first=Window(FirstValue("score"), **window),
                    latest=Window(
                        LastValue("score"), frame=RowRange(start=None, end=None), **window
                    ),
                    valued=Window(Count("pk"), partition_by=[F("service_user_id")]),
                )
                .filter(place=1, valued__gt=1)
                .order_by("service_user_id")
                .values_list("first", "latest")
            )
            pairs = tuple((float(first), float(latest)) for first, latest in found)
            if not pairs:
                continue
            outcomes.append(
                ScorePairsInput(
                    instrument=code,
                    title=instrument.title,
                    score=rule.code,
                    label=rule.label or rule.code,
                    low=rule.low,
                    high=rule.high,
                    sd=None if rule.change is None else rule.change.sd,
                    reliability=None if rule.change is None else rule.change.reliability,
                    better=str(rule.better),
                    pairs=pairs,
                )
            )
    return tuple(outcomes)


def measures_input(
    start: dt.date | None, end: dt.date | None, *, team_ids: list[int] | None = None
) -> tuple[tuple[ChimeItemInput, ...], tuple[str, ...], tuple[ScorePairsInput, ...]]:
    """CHIME support counts and first/latest score pairs, from the period's administrations."""
    versions = _versions()
    chime, chime_scale = chime_input(start, end, team_ids=team_ids, versions=versions)
    outcomes = score_pairs(start, end, team_ids=team_ids, versions=versions)
    return chime, chime_scale, outcomes


def qualitative_input(study: Study) -> QualitativeInput | None:
    """Themes and quotes from the study's qualitative project, if it has one."""
    project = Project.objects.filter(study=study).first()
    if project is None:
        return None
    coverage = theme_coverage(project)
    bank = quote_bank(project)
    return QualitativeInput(
        cohorts=tuple(coverage.cohorts),
        themes=tuple(ThemeInput(name, tuple(counts)) for name, counts, _ in coverage.rows),
        quotes=tuple(QuoteInput(q.code_path, q.text, q.attribution) for q in bank.quotes),
    )


def narrative_for(study: Study) -> dict[str, str]:
    return dict(NarrativeSection.objects.filter(study=study).values_list("key", "text"))


def report_input(study: Study, *, suppress: bool) -> ReportInput:
    """Everything the report of `study` is made from."""
    chime, chime_scale, outcomes = measures_input(study.period_start, study.period_end)
    return ReportInput(
        study=study_input(study),
        evaluation=report_for(study_data(study), suppress=suppress),
        practice=practice_input(study.period_start, study.period_end),
        chime=chime,
        chime_scale=chime_scale,
        outcomes=outcomes,
        qualitative=qualitative_input(study),
        narrative=narrative_for(study),
        suppress=suppress,
        threshold=study.disclosure_threshold,
        software_version=__version__,
    )
