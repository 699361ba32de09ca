"""The impact report as data: plain inputs in, one report document out. No database, no HTML.

Every figure a renderer shows is computed here, once; HTML, PDF, DOCX and JSON only format
it. The evaluation's report data (docs/formats/report-json.md, built by
`alongside.evaluation.study_data.report_for`) is taken as it is, never recomputed: its keys
stay at the top of the JSON, and the report's own sections go under `report`.

Disclosure control (`alongside.core.disclosure`) applies to every count of people and of
records about people: a count of 1 to threshold - 1 is hidden, with secondary suppression so
that no total gives it away, and percents of hidden counts are hidden too.

Reproducibility: the JSON is canonical (sorted keys, no build time), and `report.digest` is the
SHA-256 of the canonical JSON of the data inputs (the study, the evaluation data, the practice
and measures figures; not the narrative sections, which are writing about the data). The same
inputs give byte-identical JSON.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from alongside.core.disclosure import (
    DEFAULT_THRESHOLD,
    SUPPRESSED_MARKER,
    SUPPRESSION_RULE,
    protect_row,
)
from alongside.measures.change import ChangeDirection, reliable_change
from alongside.measures.definitions import Better
from alongside.reports import charts
from alongside.reports.charts import Chart

REPORT_FORMAT_VERSION = 1

NARRATIVE_SECTIONS: dict[str, str] = {
    "introduction": "Introduction",
    "facilitators-barriers": "Facilitators and barriers",
    "recommendations": "Recommendations",
}
# Which cohort's views an instrument gives, from its definition's `respondent`.
RESPONDENT_SECTIONS = {
    "service_user": "service-users",
    "provider": "providers",
    "psw": "psws",
}
METHODS_OF_ANALYSIS = (
    "Item summaries: count and percent of those who answered each item (missing answers "
    "excluded), with Wilson 95% confidence intervals.",
    "Reliable change: Jacobson and Truax reliable change index from each person's first and "
    "latest score in the study period; a change is reliable when |RCI| > 1.96.",
    "Practice figures: counted from the programme's records for the study period.",
)


# --- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    code: str
    name: str


@dataclass(frozen=True)
class ApprovalInput:
    site: str
    cohort: str
    status: str
    committee: str = ""
    reference: str = ""


@dataclass(frozen=True)
class InstrumentInput:
    code: str
    version: str
    title: str
    digest: str
    respondent: str
    cohorts: tuple[str, ...]


@dataclass(frozen=True)
class StudyInput:
    slug: str
    title: str
    period_start: str | None
    period_end: str | None
    methods: tuple[str, ...]
    sites: tuple[Place, ...]
    cohorts: tuple[Place, ...]
    approvals: tuple[ApprovalInput, ...]
    instruments: tuple[InstrumentInput, ...]


@dataclass(frozen=True)
class PracticeInput:
    """The programme's work in the study period; every number a count."""

    referrals_received: int = 0
    referrals_accepted: int = 0
    declined_not_appropriate: int = 0
    declined_other: int = 0
    referrals_open: int = 0
    days_to_first_contact: tuple[int, ...] = ()
    contacts_by_setting: tuple[tuple[str, int], ...] = ()
    contacts_by_activity: tuple[tuple[str, int], ...] = ()
    endings: int = 0
    community_engagement: int = 0
    goals_set: int = 0
    goals_achieved: int = 0
    goals_by_chime: tuple[tuple[str, int, int], ...] = ()
    """(CHIME process, goals set, goals achieved)."""


@dataclass(frozen=True)
class ChimeItemInput:
    """People's latest answer to one item of the CHIME support check, counted per scale value."""

    item: str
    label: str
    counts: tuple[int, ...]
    high_from: int
    """Index of the first value that counts as "a lot" (the top of the scale)."""


@dataclass(frozen=True)
class ScorePairsInput:
    """First and latest score of each person with two or more in the period, for one score."""

    instrument: str
    title: str
    score: str
    label: str
    low: float
    high: float
    sd: float | None
    reliability: float | None
    """None when the instrument publishes no reliability: a chart, but no reliable change."""
    better: str
    pairs: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class ThemeInput:
    """A theme (a top-level code) and how many people of each cohort said something under it."""

    theme: str
    counts: tuple[int, ...]


@dataclass(frozen=True)
class QuoteInput:
    theme: str
    """The code's path, "Theme / Sub-theme"."""
    text: str
    attribution: str


@dataclass(frozen=True)
class QualitativeInput:
    cohorts: tuple[str, ...]
    themes: tuple[ThemeInput, ...]
    quotes: tuple[QuoteInput, ...]


@dataclass(frozen=True)
class ReportInput:
    study: StudyInput
    evaluation: Mapping[str, Any]
    """The evaluation's report data (report-json.md), as `report_for` returns it."""
    practice: PracticeInput
    chime: tuple[ChimeItemInput, ...] = ()
    chime_scale: tuple[str, ...] = ()
    outcomes: tuple[ScorePairsInput, ...] = ()
    qualitative: QualitativeInput | None = None
    narrative: Mapping[str, str] = field(default_factory=dict)
    suppress: bool = True
    threshold: int = DEFAULT_THRESHOLD
    software_version: str = ""


@dataclass(frozen=True)
class ReportDocument:
    """The report: `data` is the JSON document; `charts` the pictures its sections name."""

    data: dict[str, Any]
    charts: Mapping[str, Chart]

    @property
    def sections(self) -> list[dict[str, Any]]:
        sections: list[dict[str, Any]] = self.data["report"]["sections"]
        return sections

    def json(self) -> str:
        return canonical_json(self.data, indent=2)


# --- small helpers ---------------------------------------------------------------------------


def canonical_json(value: Any, *, indent: int | None = None) -> str:
    """Sorted keys, no ASCII escapes; a dataclass is written as the dict of its fields."""
    separators = (",", ": ") if indent else (",", ":")
    return json.dumps(
        value,
        sort_keys=True,
        ensure_ascii=False,
        indent=indent,
        separators=separators,
        default=_fields,
    )


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass's fields, as `dataclasses.asdict` gives them but without deep copies (which
    took a second and a half for a national report's inputs)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def data_digest(report_input: ReportInput) -> str:
    """SHA-256 of the canonical JSON of the data inputs (narrative and settings left out)."""
    payload = {
        "study": report_input.study,
        "evaluation": report_input.evaluation,
        "practice": report_input.practice,
        "chime": report_input.chime,
        "chime_scale": report_input.chime_scale,
        "outcomes": report_input.outcomes,
        "qualitative": report_input.qualitative,
        "suppress": report_input.suppress,
        "threshold": report_input.threshold,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def percent(part: int, whole: int) -> float | None:
    """Percent to one decimal, rounded half up; None when there is no whole."""
    return None if whole <= 0 else int(part * 1000 / whole + 0.5) / 10


class Protector:
    """Applies disclosure control to rows of counts, or passes them through when it is off."""

    def __init__(self, *, suppress: bool, threshold: int) -> None:
        self.suppress = suppress
        self.threshold = threshold
        self.hidden = 0

    def row(self, counts: Sequence[int]) -> tuple[list[int | None], int | None]:
        """The counts and their total as they may be shown (None: hidden)."""
        total = sum(counts)
        if not self.suppress:
            return list(counts), total
        hidden, total_hidden = protect_row(counts, self.threshold)
        self.hidden += len(hidden) + int(total_hidden)
        return [None if i in hidden else c for i, c in enumerate(counts)], (
            None if total_hidden else total
        )

    def one(self, count: int) -> int | None:
        shown, _ = self.row([count])
        return shown[0]


def _text(value: int | float | None) -> str:
    if value is None:
        return SUPPRESSED_MARKER
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _table(
    ident: str, caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]
) -> dict[str, Any]:
    return {
        "id": ident,
        "caption": caption,
        "headers": list(headers),
        "rows": [list(r) for r in rows],
    }


def _section(ident: str, title: str, **parts: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "id": ident,
        "title": title,
        "paragraphs": [],
        "figures": [],
        "tables": [],
        "charts": [],
    }
    section.update(parts)
    return section


# --- the sections ----------------------------------------------------------------------------


def _place_names(places: Sequence[Place]) -> dict[str, str]:
    return {p.code: p.name for p in places}


def _background(study: StudyInput) -> dict[str, Any]:
    sites = _place_names(study.sites)
    cohorts = _place_names(study.cohorts)
    period = (
        f"from {study.period_start or 'an open start'} to {study.period_end or 'now'}"
        if study.period_start or study.period_end
        else "with no set period"
    )
    paragraphs = [
        f"The study {study.title!s} ran {period}, at {len(study.sites)} "
        f"site{'s' if len(study.sites) != 1 else ''} with {len(study.cohorts)} "
        f"cohort{'s' if len(study.cohorts) != 1 else ''}: "
        + ", ".join(c.name for c in study.cohorts)
        + ".",
        "Data were collected by: "
        + (", ".join(m.replace("-", " ") for m in study.methods) or "no method recorded")
        + ".",
        "A cohort without ethics approval at a site was not surveyed there; such cells read "
        "N/A in the tables, never zero.",
    ]
    approvals = _table(
        "approvals",
        "Ethics approvals by site and cohort",
        ("Site", "Cohort", "Status", "Committee", "Reference"),
        [
            (
                sites.get(a.site, a.site),
                cohorts.get(a.cohort, a.cohort),
                a.status.replace("-", " ").capitalize(),
                a.committee or "—",
                a.reference or "—",
            )
            for a in study.approvals
        ],
    )
    instruments = _table(
        "instruments",
        "Instruments by cohort",
        ("Instrument", "Version", "Cohorts"),
        [
            (i.title, i.version, ", ".join(cohorts.get(c, c) for c in i.cohorts))
            for i in study.instruments
        ],
    )
    return _section(
        "background",
        "Background and method",
        paragraphs=paragraphs,
        tables=[approvals, instruments],
    )


def _participants(study: StudyInput, evaluation: Mapping[str, Any]) -> dict[str, Any]:
    cohorts = [p.code for p in study.cohorts]
    cells: dict[tuple[str, str], dict[str, Any]] = {
        (row["site"], row["cohort"]): row for row in evaluation.get("participants", [])
    }

    def cell(entry: Mapping[str, Any] | None) -> str:
        if entry is None or not entry.get("approved", False):
            return "N/A"
        return SUPPRESSED_MARKER if entry.get("suppressed") else _text(entry.get("n"))

    totals = evaluation.get("participant_totals", {})
    site_totals = {t["site"]: t for t in totals.get("sites", [])}
    cohort_totals = {t["cohort"]: t for t in totals.get("cohorts", [])}
    rows = [
        (
            place.name,
            *(cell(cells.get((place.code, c))) for c in cohorts),
            cell({**site_totals.get(place.code, {}), "approved": True}),
        )
        for place in study.sites
    ]
    rows.append(
        (
            "Total",
            *(cell({**cohort_totals.get(c, {}), "approved": True}) for c in cohorts),
            cell({**totals.get("all", {}), "approved": True}),
        )
    )
    return _section(
        "participants",
        "Participants",
        paragraphs=[
            "People who took part, by site and cohort. Withdrawn participants are not counted."
        ],
        tables=[
            _table(
                "participant-table",
                "Participants by site and cohort",
                ("Site", *(p.name for p in study.cohorts), "Total"),
                rows,
            )
        ],
    )


def _item_label(entry: Mapping[str, Any]) -> str:
    text = entry.get("text")
    return f"{entry['item']}: {text}" if text else str(entry["item"])


def _views_section(
    ident: str,
    title: str,
    study: StudyInput,
    evaluation: Mapping[str, Any],
    instruments: Sequence[InstrumentInput],
    made: dict[str, Chart],
) -> dict[str, Any] | None:
    codes = {i.code for i in instruments}
    entries = [e for e in evaluation.get("items", []) if e["instrument"] in codes]
    if not entries:
        return None
    cohorts = _place_names(study.cohorts)
    section = _section(ident, title)
    table_rows: list[tuple[str, ...]] = []
    for instrument in instruments:
        mine = [e for e in entries if e["instrument"] == instrument.code]
        if not mine:
            continue
        widths = {len(e["options"]) for e in mine}
        if widths and max(widths) <= len(charts.SERIES):
            segments = [str(o["label"]) for o in mine[0]["options"]]
            chart = charts.stacked_bars(
                f"{ident}-{instrument.code}",
                f"{instrument.title}: answers by item",
                segments,
                [
                    (
                        _item_label(e),
                        [None if o["suppressed"] else o["count"] for o in e["options"]],
                    )
                    for e in mine
                ],
            )
            made[chart.ident] = chart
            section["charts"].append(chart.as_data())
        else:
            for e in mine:
                chart = charts.bar_chart(
                    f"{ident}-{instrument.code}-{e['item']}-{e['cohort']}",
                    _item_label(e),
                    [
                        (str(o["label"]), None if o["suppressed"] else o["count"])
                        for o in e["options"]
                    ],
                    total=None if e["suppressed"] else e["n"],
                )
                made[chart.ident] = chart
                section["charts"].append(chart.as_data())
        for e in mine:
            best = e["combined"][0] if e.get("combined") else None
            table_rows.append(
                (
                    _item_label(e),
                    cohorts.get(e["cohort"], e["cohort"]),
                    _text(e["n"]),
                    str(e["missing"]),
                    (
                        f"{best['label']}: {_text(best['count'])} ({_text(best['percent'])}%)"
                        if best and not best["suppressed"]
                        else (f"{best['label']}: {SUPPRESSED_MARKER}" if best else "—")
                    ),
                )
            )
    section["tables"].append(
        _table(
            f"{ident}-items",
            f"{title}: answers per item",
            ("Item", "Cohort", "Answered", "Missing", "Combined"),
            table_rows,
        )
    )
    return section


def _chime(report_input: ReportInput, protect: Protector, made: dict[str, Chart]) -> Any:
    if not report_input.chime:
        return None
    bars: list[tuple[str, int | None]] = []
    rows: list[tuple[str, ...]] = []
    for item in report_input.chime:
        high = sum(item.counts[item.high_from :])
        low = sum(item.counts[: item.high_from])
        shown, total = protect.row([high, low])
        bars.append((item.label, shown[0]))
        share = None if shown[0] is None or total is None else percent(high, total)
        rows.append((item.label, _text(total), _text(shown[0]), _text(share)))
    top = report_input.chime_scale[report_input.chime[0].high_from :]
    chart = charts.bar_chart(
        "chime-support",
        f"People whose peer support worker helps {' or '.join(top).lower()} with each CHIME "
        "process",
        bars,
    )
    made[chart.ident] = chart
    return (
        chart.as_data(),
        _table(
            "chime-table",
            "CHIME recovery support (latest answer of each person in the period)",
            ("CHIME process", "Answered", " or ".join(top), "Percent"),
            rows,
        ),
    )


def _practice(report_input: ReportInput, protect: Protector, made: dict[str, Chart]) -> Any:
    p = report_input.practice
    decided, received = protect.row(
        [p.referrals_accepted, p.declined_not_appropriate, p.declined_other, p.referrals_open]
    )
    accepted, not_appropriate, other, still_open = decided
    with_contact = protect.one(len(p.days_to_first_contact))
    median_days = (
        None
        if with_contact is None or not p.days_to_first_contact
        else float(statistics.median(p.days_to_first_contact))
    )
    funnel = charts.funnel(
        "referral-funnel",
        "Referrals in the study period",
        [
            ("Received", received),
            ("Accepted", accepted),
            ("First contact made", with_contact),
        ],
    )
    made[funnel.ident] = funnel
    section = _section("practice", "Practice figures")
    section["figures"] = [
        {"id": "referrals-received", "label": "Referrals received", "value": _text(received)},
        {"id": "referrals-accepted", "label": "Referrals accepted", "value": _text(accepted)},
        {
            "id": "declined-not-appropriate",
            "label": "Declined as not appropriate for peer support",
            "value": _text(not_appropriate),
        },
        {"id": "declined-other", "label": "Declined for other reasons", "value": _text(other)},
        {"id": "referrals-open", "label": "Awaiting a decision", "value": _text(still_open)},
        {
            "id": "median-days-to-first-contact",
            "label": "Median days from referral to first contact",
            "value": _text(median_days),
        },
    ]
    section["charts"].append(funnel.as_data())
    for ident, caption, pairs in (
        ("contacts-by-setting", "Contacts by setting", p.contacts_by_setting),
        ("contacts-by-activity", "Contacts by activity", p.contacts_by_activity),
    ):
        if not pairs:
            continue
        shown, total = protect.row([n for _, n in pairs])
        chart = charts.bar_chart(
            ident,
            caption,
            [(name, n) for (name, _), n in zip(pairs, shown, strict=True)],
            unit="contacts",
        )
        made[chart.ident] = chart
        section["charts"].append(chart.as_data())
        section["tables"].append(
            _table(
                ident,
                caption,
                ("Category", "Contacts"),
                [
                    *((name, _text(n)) for (name, _), n in zip(pairs, shown, strict=True)),
                    ("Total", _text(total)),
                ],
            )
        )
    (engaged, _), ended = protect.row([p.community_engagement, p.endings - p.community_engagement])
    goal_rows: list[tuple[str, ...]] = []
    for domain, set_count, achieved in p.goals_by_chime:
        (got, _), total = protect.row([achieved, set_count - achieved])
        goal_rows.append((domain, _text(total), _text(got)))
    (achieved_all, _), set_all = protect.row([p.goals_achieved, p.goals_set - p.goals_achieved])
    goal_rows.append(("All goals", _text(set_all), _text(achieved_all)))
    section["tables"].append(
        _table(
            "goals",
            "Recovery goals set and achieved",
            ("CHIME process", "Set", "Achieved"),
            goal_rows,
        )
    )
    section["figures"] += [
        {"id": "endings", "label": "Episodes of peer support ended", "value": _text(ended)},
        {
            "id": "community-engagement",
            "label": "Of those, now taking part in community activities",
            "value": _text(engaged),
        },
        {"id": "goals-set", "label": "Recovery goals set", "value": _text(set_all)},
        {"id": "goals-achieved", "label": "Recovery goals achieved", "value": _text(achieved_all)},
    ]
    chime = _chime(report_input, protect, made)
    if chime is not None:
        section["charts"].append(chime[0])
        section["tables"].append(chime[1])
    return section


def reliable_change_rows(
    outcomes: Sequence[ScorePairsInput], protect: Protector
) -> list[tuple[str, ...]]:
    """Per score: people, reliably improved, no reliable change, reliably deteriorated."""
    rows: list[tuple[str, ...]] = []
    for outcome in outcomes:
        if outcome.sd is None or outcome.reliability is None:
            continue
        counts = dict.fromkeys(ChangeDirection, 0)
        for pre, post in outcome.pairs:
            change = reliable_change(
                pre,
                post,
                sd=outcome.sd,
                reliability=outcome.reliability,
                better=Better(outcome.better),
            )
            counts[change.direction] += 1
        shown, total = protect.row(
            [
                counts[ChangeDirection.IMPROVED],
                counts[ChangeDirection.NO_RELIABLE_CHANGE],
                counts[ChangeDirection.DETERIORATED],
            ]
        )
        rows.append((f"{outcome.title}: {outcome.label}", _text(total), *(_text(v) for v in shown)))
    return rows


def _outcomes(report_input: ReportInput, protect: Protector, made: dict[str, Chart]) -> Any:
    section = _section(
        "outcomes",
        "Outcome change",
        paragraphs=[
            "Each person's first and latest score in the period. For measures with published "
            "reliability, a change is reliable when it is larger than measurement error alone "
            "would make it (reliable change index beyond 1.96)."
        ],
    )
    rows = reliable_change_rows(report_input.outcomes, protect)
    for outcome in report_input.outcomes:
        name = f"{outcome.title}: {outcome.label}"
        shown_n = protect.one(len(outcome.pairs))
        people = len(outcome.pairs)
        big_enough = not report_input.suppress or people >= report_input.threshold
        first = statistics.fmean(p[0] for p in outcome.pairs) if outcome.pairs else None
        latest = statistics.fmean(p[1] for p in outcome.pairs) if outcome.pairs else None
        chart = charts.line_chart(
            f"outcome-{outcome.instrument}-{outcome.score}",
            f"{name}, mean first and latest score",
            [
                (
                    "First score",
                    round(first, 1) if big_enough and first is not None else None,
                    shown_n,
                ),
                (
                    "Latest score",
                    round(latest, 1) if big_enough and latest is not None else None,
                    shown_n,
                ),
            ],
            low=outcome.low,
            high=outcome.high,
        )
        made[chart.ident] = chart
        section["charts"].append(chart.as_data())
    section["tables"].append(
        _table(
            "reliable-change",
            "Reliable change from first to latest score",
            (
                "Measure",
                "People",
                "Reliably improved",
                "No reliable change",
                "Reliably deteriorated",
            ),
            rows,
        )
    )
    if not rows:
        section["paragraphs"].append(
            "No one had two scores on a measure with published reliability in the period."
        )
    return section


QUOTES_PER_THEME = 2


def _themes(report_input: ReportInput, protect: Protector) -> dict[str, Any] | None:
    """Themes, their support across cohorts (people, protected as one table), and quotes.

    Quotes come from the qualitative app's quote bank: consented, redacted, attributed by role.
    The report names the role only, never the site, so that a quote from a role and site with
    few people is not narrowed down to that site; the first quotes
    of each theme, in the bank's order, are shown.
    """
    qualitative = report_input.qualitative
    if qualitative is None or not qualitative.themes:
        return None
    # Each theme's row is published with its total only (no column totals), so each row is
    # protected on its own.
    rows = []
    for theme in qualitative.themes:
        shown, total = protect.row(theme.counts)
        rows.append((theme.theme, *(_text(n) for n in shown), _text(total)))
    section = _section(
        "themes",
        "Themes",
        paragraphs=[
            "Themes from the thematic analysis of interviews, focus groups and written answers, "
            "with the number of people in each cohort who said something coded under each."
        ],
        tables=[
            _table(
                "theme-support",
                "Support for each theme across cohorts (people)",
                ("Theme", *qualitative.cohorts, "All"),
                rows,
            )
        ],
    )
    per_theme: dict[str, int] = {}
    quotes = []
    for quote in qualitative.quotes:
        top = quote.theme.split(" / ")[0]
        if per_theme.get(top, 0) >= QUOTES_PER_THEME:
            continue
        per_theme[top] = per_theme.get(top, 0) + 1
        quotes.append({"theme": quote.theme, "text": quote.text, "attribution": quote.attribution})
    section["quotes"] = quotes
    if quotes:
        section["tables"].append(
            _table(
                "quotes",
                "Selected quotes",
                ("Theme", "Quote", "Said by"),
                [(q["theme"], q["text"], q["attribution"]) for q in quotes],
            )
        )
    return section


def _narrative(key: str, text: str) -> dict[str, Any]:
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return _section(
        key,
        NARRATIVE_SECTIONS[key],
        paragraphs=paragraphs or ["Not written yet."],
        narrative=True,
    )


def _summary(
    evaluation: Mapping[str, Any], practice: dict[str, Any], outcomes: dict[str, Any]
) -> dict[str, Any]:
    figures = {f["id"]: f for f in practice["figures"]}
    all_n = evaluation.get("participant_totals", {}).get("all", {})
    improved = [row[2] for row in outcomes["tables"][0]["rows"]]
    summary = _section("summary", "Key figures")
    summary["figures"] = [
        {
            "id": "participants",
            "label": "Study participants",
            "value": SUPPRESSED_MARKER if all_n.get("suppressed") else _text(all_n.get("n")),
        },
        {**figures["referrals-received"]},
        {**figures["referrals-accepted"]},
        {**figures["goals-achieved"]},
        {
            "id": "reliably-improved",
            "label": "People reliably improved (first listed measure)",
            "value": improved[0] if improved else "—",
        },
    ]
    return summary


def assemble(report_input: ReportInput) -> ReportDocument:
    """The report document for these inputs; the same inputs give the same bytes."""
    protect = Protector(suppress=report_input.suppress, threshold=report_input.threshold)
    study = report_input.study
    evaluation = report_input.evaluation
    made: dict[str, Chart] = {}
    by_respondent: dict[str, list[InstrumentInput]] = {}
    for instrument in study.instruments:
        by_respondent.setdefault(instrument.respondent, []).append(instrument)
    views = [
        _views_section(ident, title, study, evaluation, by_respondent.get(respondent, []), made)
        for respondent, ident, title in (
            ("service_user", "service-users", "Service users' experience"),
            ("provider", "providers", "Service providers' views"),
            ("psw", "psws", "Peer support workers' views"),
        )
    ]
    practice = _practice(report_input, protect, made)
    outcomes = _outcomes(report_input, protect, made)
    narrative = {key: report_input.narrative.get(key, "") for key in NARRATIVE_SECTIONS}
    sections = [
        _summary(evaluation, practice, outcomes),
        _narrative("introduction", narrative["introduction"]),
        _background(study),
        _participants(study, evaluation),
        *(v for v in views if v is not None),
        practice,
        outcomes,
        *(t for t in (_themes(report_input, protect),) if t is not None),
        _narrative("facilitators-barriers", narrative["facilitators-barriers"]),
        _narrative("recommendations", narrative["recommendations"]),
    ]
    digest = data_digest(report_input)
    suppression = evaluation.get("suppression", {})
    if report_input.suppress:
        note = (
            f"To protect people's privacy, counts from 1 to {report_input.threshold - 1} are "
            f"hidden and shown as {SUPPRESSED_MARKER}, and where a total would let a reader "
            "work a hidden count out, another count is hidden too. Percents of hidden counts "
            "are hidden. Zero is shown."
        )
    else:
        note = "Exact counts: disclosure control was turned off. Not for publication."
    appendix = _section(
        "appendix",
        "Appendix",
        paragraphs=[note, *METHODS_OF_ANALYSIS],
        tables=[
            _table(
                "instrument-versions",
                "Instrument versions",
                ("Instrument", "Code", "Version", "Digest (SHA-256)"),
                [(i.title, i.code, i.version, i.digest) for i in study.instruments],
            ),
            _table(
                "provenance",
                "How this report was made",
                ("What", "Value"),
                [
                    ("Data digest (SHA-256)", digest),
                    ("Software version", f"Alongside {report_input.software_version}"),
                    (
                        "Disclosure threshold",
                        str(report_input.threshold) if report_input.suppress else "off",
                    ),
                    ("Counts hidden in the report's own tables", str(protect.hidden)),
                ],
            ),
        ],
    )
    sections.append(appendix)
    data = dict(evaluation)
    data["report"] = {
        "format_version": REPORT_FORMAT_VERSION,
        "title": study.title,
        "study": study.slug,
        "period": {"start": study.period_start, "end": study.period_end},
        "digest": digest,
        "software_version": report_input.software_version,
        "suppression": {
            "applied": report_input.suppress,
            "threshold": report_input.threshold if report_input.suppress else None,
            "rule": SUPPRESSION_RULE if report_input.suppress else None,
            "note": note,
            "evaluation_applied": suppression.get("applied"),
        },
        "sections": sections,
    }
    # Round-trip through JSON so that tuples, key order and floats are as a reader sees them.
    canonical = json.loads(canonical_json(data))
    return ReportDocument(data=canonical, charts=dict(sorted(made.items())))
