"""Reads for the report: the database to the assembly's plain inputs, in a fixed few queries.

Nothing personal leaves these functions: they return counts, scores without names, and the
study's configuration. They read without a personal scope for that reason, as the measures
app's programme summary does; the views that call them check who may see the result.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from alongside import __version__
from alongside.evaluation.models import Approval, CohortInstrument, Study
from alongside.evaluation.study_data import report_for, study_data
from alongside.measures.models import Administration, InstrumentVersion
from alongside.practice.models import (
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
from alongside.practice.referral_queries import with_first_contact
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


def _counted(rows: QuerySet[Any], field: str) -> dict[str, int]:
    return {
        key: n
        for key, n in rows.values_list(field).annotate(n=Count("pk")).values_list(field, "n")
        if key is not None
    }


def practice_input(
    start: dt.date | None, end: dt.date | None, *, team_ids: list[int] | None = None
) -> PracticeInput:
    referrals = Referral.objects.filter(_in_period("received_on", start, end))
    contacts = Contact.objects.filter(_in_period("date", start, end))
    endings = Ending.objects.filter(_in_period("ended_on", start, end))
    goals = Goal.objects.filter(_in_period("set_on", start, end))
    if team_ids is not None:
        referrals = referrals.filter(team_id__in=team_ids)
        contacts = contacts.filter(service_user__team_id__in=team_ids)
        endings = endings.filter(episode__service_user__team_id__in=team_ids)
        goals = goals.filter(service_user__team_id__in=team_ids)
    by_status = referrals.aggregate(
        received=Count("pk"),
        accepted=Count("pk", filter=Q(status=ReferralStatus.ACCEPTED)),
        not_appropriate=Count(
            "pk",
            filter=Q(status=ReferralStatus.DECLINED, decline_reason=DeclineReason.NOT_APPROPRIATE),
        ),
        declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
    )
    gaps = [
        gap.days
        for gap in with_first_contact(referrals.order_by())
        .exclude(status=ReferralStatus.DECLINED)
        .values_list("time_to_first_contact", flat=True)
        if gap is not None
    ]
    settings = _counted(contacts.order_by(), "setting")
    activities = _counted(contacts.order_by(), "activities__label")
    ending_counts = endings.aggregate(
        n=Count("pk"), community=Count("pk", filter=Q(now_community_activities=True))
    )
    goal_rows = (
        goals.order_by()
        .values_list("chime_domain")
        .annotate(n=Count("pk"), achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)))
        .values_list("chime_domain", "n", "achieved")
    )
    per_domain = {domain: (n, got) for domain, n, got in goal_rows}
    return PracticeInput(
        referrals_received=by_status["received"],
        referrals_accepted=by_status["accepted"],
        declined_not_appropriate=by_status["not_appropriate"],
        declined_other=by_status["declined"] - by_status["not_appropriate"],
        referrals_open=by_status["received"] - by_status["accepted"] - by_status["declined"],
        days_to_first_contact=tuple(sorted(gaps)),
        contacts_by_setting=tuple(
            (str(ContactSetting(code).label), settings[code])
            for code in ContactSetting.values
            if code in settings
        ),
        contacts_by_activity=tuple(sorted(activities.items())),
        endings=ending_counts["n"],
        community_engagement=ending_counts["community"],
        goals_set=sum(n for n, _ in per_domain.values()),
        goals_achieved=sum(got for _, got in per_domain.values()),
        goals_by_chime=tuple(
            (str(Chime(code).label), *per_domain[code])
            for code in Chime.values
            if code in per_domain
        ),
    )


def _newest_versions() -> dict[str, InstrumentVersion]:
    newest: dict[str, InstrumentVersion] = {}
    for version in InstrumentVersion.objects.order_by("code", "-loaded_at", "-pk"):
        newest.setdefault(version.code, version)
    return newest


def measures_input(
    start: dt.date | None, end: dt.date | None, *, team_ids: list[int] | None = None
) -> tuple[tuple[ChimeItemInput, ...], tuple[str, ...], tuple[ScorePairsInput, ...]]:
    """CHIME support counts and first/latest score pairs, from the period's administrations."""
    versions = _newest_versions()
    administrations = Administration.objects.filter(_in_period("administered_on", start, end))
    if team_ids is not None:
        administrations = administrations.filter(service_user__team_id__in=team_ids)
    rows = administrations.order_by("service_user_id", "administered_on", "pk").values_list(
        "instrument_version__code", "service_user_id", "answers", "scores"
    )
    by_code: dict[str, list[tuple[int, dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for code, person, answers, scores in rows:
        by_code[code].append((person, answers or {}, scores or {}))
    chime: tuple[ChimeItemInput, ...] = ()
    chime_scale: tuple[str, ...] = ()
    if CHIME_INSTRUMENT in versions and by_code.get(CHIME_INSTRUMENT):
        instrument = versions[CHIME_INSTRUMENT].instrument()
        latest: dict[int, dict[str, Any]] = {}
        for person, answers, _ in by_code[CHIME_INSTRUMENT]:
            latest[person] = answers
        items = []
        for item in instrument.items:
            if item.scale is None:
                continue
            scale = instrument.item_scale(item)
            values = [o.value for o in scale.options]
            counts = [0] * len(values)
            for answers in latest.values():
                value = answers.get(item.code)
                if value in values:
                    counts[values.index(value)] += 1
            chime_scale = tuple(o.label for o in scale.options)
            items.append(
                ChimeItemInput(
                    item=item.code,
                    label=item.code.replace("_", " ").capitalize(),
                    counts=tuple(counts),
                    high_from=max(0, len(values) - 2),
                )
            )
        chime = tuple(items)
    outcomes: list[ScorePairsInput] = []
    for code in sorted(by_code):
        version = versions.get(code)
        if version is None:
            continue
        instrument = version.instrument()
        for rule in instrument.scores:
            series: dict[int, list[float]] = defaultdict(list)
            for person, _, scores in by_code[code]:
                value = (scores.get(rule.code) or {}).get("value")
                if isinstance(value, int | float):
                    series[person].append(float(value))
            pairs = tuple(
                (values[0], values[-1]) for _, values in sorted(series.items()) if len(values) > 1
            )
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
    return chime, chime_scale, tuple(outcomes)


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
