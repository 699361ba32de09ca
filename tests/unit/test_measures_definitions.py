"""Instrument definitions: the shipped files, the validator's messages, digests and versions."""

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.measures.definitions import (
    Better,
    Catalogue,
    DefinitionError,
    ItemKind,
    ScoreMethod,
    load_definition_file,
    load_shipped_catalogue,
    parse_definition,
    shipped_definition_paths,
    version_key,
)

LICENSED = {"brief-inspire", "swemwbs", "qpr-15", "dialog", "ons4"}
OURS = {"chime-support", "su-experience", "provider-survey", "psw-survey"}


def base():
    """A small valid measure: four 0-4 items summed."""
    return {
        "code": "demo",
        "title": "Demo measure",
        "version": "1.0",
        "scales": [
            {
                "code": "agree5",
                "options": [{"value": v, "label": f"Step {v}"} for v in range(5)],
            }
        ],
        "items": [
            {"code": f"q{i}", "text": f"Question {i}", "scale": "agree5"} for i in range(1, 5)
        ],
        "scores": [{"code": "total", "method": "sum"}],
    }


def problems(data, source="broken.yaml", **kwargs):
    with pytest.raises(DefinitionError) as info:
        parse_definition(data, source=source, **kwargs)
    return list(info.value.problems)


# --- shipped definitions ------------------------------------------------------------------------


@pytest.mark.parametrize("path", shipped_definition_paths(), ids=lambda p: p.name)
def test_every_shipped_definition_validates_and_is_named_code_version(path):
    instrument = load_definition_file(path)
    assert path.name == f"{instrument.code}-{instrument.version}.yaml"
    assert len(instrument.digest) == 64


def test_the_shipped_catalogue_holds_the_nine_instruments():
    assert {i.code for i in load_shipped_catalogue()} == LICENSED | OURS


@pytest.mark.parametrize("code", sorted(LICENSED))
def test_licensed_instruments_ship_structure_and_scoring_only(code):
    instrument = load_shipped_catalogue().latest(code)
    assert instrument.licence.ships_text is False
    assert instrument.licence.note
    assert instrument.instructions is None
    assert all(item.text is None for item in instrument.items)
    assert all(o.label is None for scale in instrument.scales for o in scale.options)


@pytest.mark.parametrize("code", sorted(OURS))
def test_our_instruments_ship_our_wording(code):
    instrument = load_shipped_catalogue().latest(code)
    assert instrument.licence.ships_text is True
    assert all(item.text for item in instrument.items)
    assert all(o.label for scale in instrument.scales for o in scale.options)


def test_licensed_definitions_mark_what_is_unverified():
    catalogue = load_shipped_catalogue()
    for code in ("brief-inspire", "swemwbs", "qpr-15", "dialog"):
        assert catalogue.latest(code).unverified, code
    assert catalogue.latest("swemwbs").score("metric").table_provenance


@pytest.mark.parametrize(
    ("code", "items", "scores"),
    [
        # (instrument, item count, {score: (method, low, high)}) from the research note.
        ("brief-inspire", 5, {"support": (ScoreMethod.MEAN_X25, 0, 100)}),
        ("swemwbs", 7, {"raw": (ScoreMethod.SUM, 7, 35), "metric": (ScoreMethod.LOOKUP, 7, 35)}),
        ("qpr-15", 15, {"total": (ScoreMethod.SUM, 0, 60)}),
        ("dialog", 11, {"sqol": (ScoreMethod.MEAN, 1, 7), "ts": (ScoreMethod.MEAN, 1, 7)}),
        ("ons4", 4, dict.fromkeys(("life_satisfaction", "anxiety"), (ScoreMethod.SUM, 0, 10))),
        ("chime-support", 5, {"total": (ScoreMethod.MEAN_X25, 0, 100)}),
    ],
)
def test_shipped_structure_matches_the_published_facts(code, items, scores):
    instrument = load_shipped_catalogue().latest(code)
    assert len(instrument.items) == items
    for score, (method, low, high) in scores.items():
        rule = instrument.score(score)
        assert (rule.method, rule.low, rule.high) == (method, low, high)


def test_dialog_subscales_and_ons4_anxiety_direction():
    catalogue = load_shipped_catalogue()
    dialog = catalogue.latest("dialog")
    assert len(dialog.score("sqol").items) == 8
    assert dialog.score("ts").items == ("medication", "practical_help", "meetings")
    ons4 = catalogue.latest("ons4")
    assert ons4.score("anxiety").better is Better.LOWER
    assert ons4.score("happiness").better is Better.HIGHER


def test_surveys_have_written_answer_items_that_are_never_scored():
    survey = load_shipped_catalogue().latest("su-experience")
    assert survey.scores == ()
    assert {i.code for i in survey.items if i.kind is ItemKind.TEXT} == {
        "most_helpful",
        "better",
        "anything_else",
    }


# --- the smallest definition --------------------------------------------------------------------


def test_a_minimal_survey_needs_only_code_title_version_scales_and_items():
    survey = parse_definition(
        {
            "code": "pulse",
            "title": "Team pulse",
            "version": 1,
            "scales": [
                {
                    "code": "yn",
                    "options": [{"value": 1, "label": "Yes"}, {"value": 0, "label": "No"}],
                }
            ],
            "items": [{"code": "clear", "text": "Is the role clear?", "scale": "yn"}],
        },
        source="pulse.yaml",
    )
    assert survey.version == "1"
    assert survey.licence.ships_text is True
    assert survey.scores == ()


# --- the validator's messages -------------------------------------------------------------------


def _with(change):
    data = base()
    change(data)
    return data


BROKEN = [
    (
        "unknown scale",
        lambda d: d["items"][3].update(scale="agree7"),
        "broken.yaml: items[3] (code 'q4'): field 'scale': unknown scale 'agree7' (known: agree5)",
    ),
    (
        "duplicate item code",
        lambda d: d["items"][2].update(code="q1"),
        "broken.yaml: items[2] (code 'q1'): field 'code': duplicate item code 'q1'",
    ),
    ("no code", lambda d: d.pop("code"), "broken.yaml: field 'code': required"),
    (
        "bad code",
        lambda d: d.update(code="Demo Measure"),
        "broken.yaml: field 'code': must be lower-case letters, digits and hyphens, starting with "
        "a letter (like 'qpr-15'), got 'Demo Measure'",
    ),
    (
        "float version",
        lambda d: d.update(version=1.1),
        "broken.yaml: field 'version': must be quoted text like \"1.0\", got the number 1.1 "
        "(YAML reads 1.10 as 1.1, so an unquoted version can change)",
    ),
    (
        "bad version",
        lambda d: d.update(version="v2"),
        "broken.yaml: field 'version': must look like 1, 1.2 or 1.2.3, got 'v2'",
    ),
    (
        "unknown item field",
        lambda d: d["items"][0].update(revrse=True),
        "broken.yaml: items[0] (code 'q1'): field 'revrse': unknown field (expected one of: "
        "code, kind, text, scale, reverse, subscale, tags)",
    ),
    (
        "item without text",
        lambda d: d["items"][1].pop("text"),
        "broken.yaml: items[1] (code 'q2'): field 'text': required",
    ),
    (
        "label read as a boolean",
        lambda d: d["scales"][0]["options"][0].update(label=False),
        "broken.yaml: scales[0] (code 'agree5'): options[0]: field 'label': must be non-empty "
        "text, got false (YAML reads yes, no, on and off as true or false: put the text in "
        "quotes)",
    ),
    (
        "unknown item kind",
        lambda d: d["items"][0].update(kind="essay"),
        "broken.yaml: items[0] (code 'q1'): field 'kind': must be one of choice, text, got 'essay'",
    ),
    (
        "a scale with one scored option",
        lambda d: d["scales"][0].update(options=[{"value": 1, "label": "Only"}]),
        "broken.yaml: scales[0] (code 'agree5'): field 'options': needs at least two scored "
        "options",
    ),
    (
        "duplicate scale code",
        lambda d: d["scales"].append(copy.deepcopy(d["scales"][0])),
        "broken.yaml: scales[1] (code 'agree5'): field 'code': duplicate scale code 'agree5'",
    ),
    (
        "duplicate option value",
        lambda d: d["scales"][0]["options"][4].update(value=3),
        "broken.yaml: scales[0] (code 'agree5'): options[4]: field 'value': duplicate value 3",
    ),
    (
        "score over an unknown item",
        lambda d: d["scores"][0].update(items=["q1", "q9"]),
        "broken.yaml: scores[0] (code 'total'): field 'items': unknown item 'q9'",
    ),
    (
        "score over an unknown subscale",
        lambda d: d["scores"][0].update(subscale="social"),
        "broken.yaml: scores[0] (code 'total'): field 'subscale': unknown subscale 'social' "
        "(known: none)",
    ),
    (
        "items and subscale",
        lambda d: d["scores"][0].update(items=["q1"], subscale="social"),
        "broken.yaml: scores[0] (code 'total'): field 'items': give either 'items' or "
        "'subscale', not both",
    ),
    (
        "unknown method",
        lambda d: d["scores"][0].update(method="median"),
        "broken.yaml: scores[0] (code 'total'): field 'method': must be one of sum, mean, "
        "mean_x25, lookup, got 'median'",
    ),
    (
        "table on a sum",
        lambda d: d["scores"][0].update(table={0: 0}),
        "broken.yaml: scores[0] (code 'total'): field 'table': only a lookup score has a "
        "conversion table",
    ),
    (
        "asymmetric reversed scale",
        lambda d: (
            d["scales"][0]["options"].pop(1),
            d["items"][0].update(reverse=True),
        ),
        "broken.yaml: items[0] (code 'q1'): field 'reverse': scale 'agree5' is not symmetric "
        "(0, 2, 3, 4), so its values cannot be reversed",
    ),
    (
        "min_answered above the item count",
        lambda d: d["scores"][0].update(missing={"min_answered": 5}),
        "broken.yaml: scores[0] (code 'total'): missing: field 'min_answered': 5 is more than "
        "the 4 items, so no score could ever be given",
    ),
    (
        "fraction out of range",
        lambda d: d.update(missing={"min_answered_fraction": 1.5}),
        "broken.yaml: missing: field 'min_answered_fraction': must be above 0 and at most 1, "
        "got 1.5",
    ),
    (
        "licence without ships_text",
        lambda d: d.update(licence={"note": "ours"}),
        "broken.yaml: licence: field 'ships_text': required (true or false)",
    ),
    (
        "first band above the lowest score",
        lambda d: d["scores"][0].update(bands=[{"min": 1, "label": "low"}]),
        "broken.yaml: scores[0] (code 'total'): bands[0]: field 'min': the first band must "
        "start at the lowest score, 0",
    ),
    (
        "bands out of order",
        lambda d: d["scores"][0].update(
            bands=[
                {"min": 0, "label": "low"},
                {"min": 8, "label": "high"},
                {"min": 4, "label": "mid"},
            ]
        ),
        "broken.yaml: scores[0] (code 'total'): bands[2]: field 'min': must be above the "
        "previous band's 8",
    ),
    (
        "reliability of 1",
        lambda d: d["scores"][0].update(
            change={"sd": 3, "reliability": 1, "reliability_kind": "alpha", "source": "x"}
        ),
        "broken.yaml: scores[0] (code 'total'): change: field 'reliability': must be between 0 "
        "and 1 (exclusive), got 1",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_a_broken_definition_never_loads_and_says_where(change, expected):
    assert expected in problems(_with(change))


def test_an_unknown_reliability_kind_is_named_alongside_other_faults():
    data = _with(
        lambda d: d["scores"][0].update(
            change={"sd": 3, "reliability": 1, "reliability_kind": "alpha"}
        )
    )
    assert problems(data) == [
        "broken.yaml: scores[0] (code 'total'): change: field 'reliability': must be between 0 "
        "and 1 (exclusive), got 1",
        "broken.yaml: scores[0] (code 'total'): change: field 'reliability_kind': must be one "
        "of test_retest, internal_consistency, unknown, got 'alpha'",
        "broken.yaml: scores[0] (code 'total'): change: field 'source': required",
    ]


def test_every_problem_is_reported_at_once():
    data = base()
    data["version"] = "one"
    data["items"][0]["scale"] = "nope"
    data["items"][2]["code"] = "q2"
    data["scores"][0]["items"] = ["q1", "zz"]
    assert problems(data) == [
        "broken.yaml: field 'version': must look like 1, 1.2 or 1.2.3, got 'one'",
        "broken.yaml: items[0] (code 'q1'): field 'scale': unknown scale 'nope' (known: agree5)",
        "broken.yaml: items[2] (code 'q2'): field 'code': duplicate item code 'q2'",
        "broken.yaml: scores[0] (code 'total'): field 'items': unknown item 'zz'",
    ]


def test_a_definition_that_is_not_a_mapping():
    assert problems(["code"]) == [
        "broken.yaml: a definition must be a mapping of fields, got a list"
    ]


def test_structure_only_definitions_may_not_carry_wording():
    data = base()
    data["licence"] = {"ships_text": False, "note": "Licensed; load a text pack."}
    data["instructions"] = "Answer all."
    assert problems(data) == [
        "broken.yaml: field 'instructions': not allowed: licence.ships_text is false, so the "
        "wording comes from a text pack",
        *[
            f"broken.yaml: scales[0] (code 'agree5'): options[{v}]: field 'label': not allowed: "
            "licence.ships_text is false, so the wording comes from a text pack"
            for v in range(5)
        ],
        *[
            f"broken.yaml: items[{i}] (code 'q{i + 1}'): field 'text': not allowed: "
            "licence.ships_text is false, so the wording comes from a text pack"
            for i in range(4)
        ],
    ]


def test_a_structure_only_licence_needs_a_note():
    data = base()
    data["licence"] = {"ships_text": False}
    for scale in data["scales"]:
        for option in scale["options"]:
            del option["label"]
    for item in data["items"]:
        del item["text"]
    assert problems(data) == ["broken.yaml: licence: field 'note': required"]


def test_text_items_cannot_be_scored_or_reversed():
    data = base()
    data["items"].append({"code": "why", "kind": "text", "text": "Why?", "reverse": True})
    data["scores"][0]["items"] = ["q1", "why"]
    # The broken item is reported once; the score naming it does not repeat the fault.
    assert problems(data) == [
        "broken.yaml: items[4] (code 'why'): field 'reverse': not allowed: a text item is never "
        "scored",
    ]
    data["items"][4].pop("reverse")
    assert problems(data) == [
        "broken.yaml: scores[0] (code 'total'): field 'items': item 'why' takes a written "
        "answer and cannot be scored",
    ]


def test_sums_cannot_skip_unscored_answers_and_mean_x25_needs_0_to_4():
    data = base()
    data["scales"][0]["options"].append({"value": 9, "label": "Not for me", "scored": False})
    assert problems(data) == [
        "broken.yaml: scores[0] (code 'total'): field 'method': a sum score cannot leave out "
        "unscored answers: item 'q1' uses scale 'agree5', which has unscored options (use mean "
        "or mean_x25)",
    ]
    data = base()
    data["scales"][0]["options"] = [{"value": v, "label": str(v)} for v in range(1, 6)]
    data["scores"][0]["method"] = "mean_x25"
    assert problems(data) == [
        "broken.yaml: scores[0] (code 'total'): field 'method': mean_x25 turns 0-4 answers into "
        "0-100, but these items score 1-5",
    ]


def test_prorating_and_means_need_items_on_one_range():
    data = base()
    data["scales"].append(
        {"code": "yn", "options": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]}
    )
    data["items"][3]["scale"] = "yn"
    data["scores"] = [
        {"code": "total", "method": "sum", "missing": {"min_answered": 3}},
        {"code": "average", "method": "mean"},
    ]
    assert problems(data) == [
        "broken.yaml: scores[0] (code 'total'): field 'missing': prorating a sum needs items "
        "that share one answer range, but these have 0-1, 0-4",
        "broken.yaml: scores[1] (code 'average'): field 'items': a mean score needs items that "
        "share one answer range, but these have 0-1, 0-4",
    ]


def _lookup(table):
    data = base()
    data["scores"] = [{"code": "converted", "method": "lookup", "table": table}]
    return data


def test_a_conversion_table_must_cover_the_whole_raw_range():
    table = {raw: float(raw) for raw in range(0, 17)}
    del table[5], table[6]
    table[20] = 20.0
    assert problems(_lookup(table)) == [
        "broken.yaml: scores[0] (code 'converted'): field 'table': raw scores 20 are outside "
        "the possible 0 to 16",
        "broken.yaml: scores[0] (code 'converted'): field 'table': raw scores 5, 6 have no entry "
        "(the table must cover every raw score from 0 to 16)",
    ]


def test_a_conversion_table_must_not_decrease():
    table = {raw: float(raw) for raw in range(0, 17)}
    table[9] = 7.5
    assert problems(_lookup(table)) == [
        "broken.yaml: scores[0] (code 'converted'): field 'table': must not decrease: raw 8 "
        "gives 8 but raw 9 gives 7.5",
    ]


@settings(deadline=None)
@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=17, max_size=17))
def test_any_non_decreasing_full_table_is_accepted_and_any_decrease_refused(values):
    table = dict(enumerate(values))
    if values == sorted(values):
        rule = parse_definition(_lookup(table), source="t.yaml").score("converted")
        assert (rule.low, rule.high) == (values[0], values[-1])
    else:
        assert any("must not decrease" in p for p in problems(_lookup(table)))


# --- files: YAML, tables beside the definition --------------------------------------------------


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_repeated_yaml_key_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, "dup.yaml", "code: demo\ntitle: A\ntitle: B\n")
    with pytest.raises(DefinitionError) as info:
        load_definition_file(path)
    assert info.value.problems == (
        f"{path}: line 3 column 1: not valid YAML: duplicate key 'title'",
    )


def test_yaml_syntax_errors_and_missing_files_are_definition_errors(tmp_path):
    path = _write(tmp_path, "bad.yaml", "code: [demo\n")
    with pytest.raises(DefinitionError, match=r"bad\.yaml: line 2 column 1: not valid YAML"):
        load_definition_file(path)
    with pytest.raises(DefinitionError, match=r"absent\.yaml: cannot read the file"):
        load_definition_file(tmp_path / "absent.yaml")


DEFINITION_WITH_TABLE_FILE = """\
code: demo
title: Demo
version: "2.0"
scales:
  - code: two
    options: [{value: 0, label: A}, {value: 1, label: B}]
items:
  - {code: a, text: First, scale: two}
  - {code: b, text: Second, scale: two}
scores:
  - code: converted
    method: lookup
    table_file: TABLE
"""


def test_a_table_file_is_read_beside_the_definition(tmp_path):
    _write(tmp_path, "tables/demo.yaml", "provenance: made up\ntable: {0: 10, 1: 15, 2: 20}\n")
    path = _write(
        tmp_path, "demo.yaml", DEFINITION_WITH_TABLE_FILE.replace("TABLE", "tables/demo.yaml")
    )
    rule = load_definition_file(path).score("converted")
    assert rule.table == ((0, 10.0), (1, 15.0), (2, 20.0))
    assert rule.table_provenance == "made up"


def test_a_table_file_must_stay_inside_the_folder_exist_and_carry_provenance(tmp_path):
    outside = _write(tmp_path, "up.yaml", DEFINITION_WITH_TABLE_FILE.replace("TABLE", "../t.yaml"))
    with pytest.raises(DefinitionError) as info:
        load_definition_file(outside)
    assert info.value.problems == (
        f"{outside}: scores[0] (code 'converted'): field 'table_file': '../t.yaml' must be a "
        "path inside the definition's folder",
    )
    absent = _write(tmp_path, "absent.yaml", DEFINITION_WITH_TABLE_FILE.replace("TABLE", "no.yaml"))
    with pytest.raises(DefinitionError, match=r"field 'table_file': .*no\.yaml: cannot read"):
        load_definition_file(absent)
    _write(tmp_path, "bare.yaml", "table: {0: 10, 1: 15, 2: 20}\n")
    bare = _write(
        tmp_path, "uses-bare.yaml", DEFINITION_WITH_TABLE_FILE.replace("TABLE", "bare.yaml")
    )
    with pytest.raises(DefinitionError) as info:
        load_definition_file(bare)
    assert info.value.problems == (
        f"{bare}: scores[0] (code 'converted'): table_file bare.yaml: field 'provenance': required",
    )


def test_without_a_file_reader_a_table_must_be_inline():
    data = base()
    data["scores"] = [{"code": "c", "method": "lookup", "table_file": "t.yaml"}]
    assert problems(data) == [
        "broken.yaml: scores[0] (code 'c'): field 'table_file': cannot read files here: give "
        "the table inline"
    ]


# --- digests and versions -----------------------------------------------------------------------


def test_the_digest_depends_on_content_not_layout_or_source():
    one = parse_definition(base(), source="a.yaml")
    reordered = dict(reversed(list(base().items())))
    two = parse_definition(reordered, source="b.yaml")
    assert one.digest == two.digest
    assert one == two
    changed = base()
    changed["items"][0]["reverse"] = True
    assert parse_definition(changed, source="a.yaml").digest != one.digest


@settings(deadline=None)
@given(st.permutations(["code", "title", "version", "scales", "items", "scores"]))
def test_field_order_never_changes_the_digest(order):
    data = base()
    expected = parse_definition(data, source="x").digest
    assert parse_definition({k: data[k] for k in order}, source="x").digest == expected


def test_a_changed_definition_needs_a_new_version():
    first = parse_definition(base(), source="v1.yaml")
    changed = copy.deepcopy(base())
    changed["scores"][0]["missing"] = {"min_answered": 3}
    catalogue = Catalogue([first])
    catalogue.add(parse_definition(base(), source="again.yaml"))  # same content: fine
    with pytest.raises(DefinitionError) as info:
        catalogue.add(parse_definition(changed, source="edited.yaml"))
    assert info.value.problems == (
        "edited.yaml: field 'version': demo version 1.0 is already loaded from v1.yaml with "
        "different content; a changed definition needs a new version",
    )
    changed["version"] = "1.10"
    catalogue.add(parse_definition(changed, source="v1.10.yaml"))
    nine = copy.deepcopy(changed)
    nine["version"] = "1.9"
    catalogue.add(parse_definition(nine, source="v1.9.yaml"))
    assert catalogue.versions("demo") == ("1.0", "1.9", "1.10")
    assert catalogue.latest("demo").version == "1.10"
    assert catalogue.get("demo", "1.0") == first
    assert len(catalogue) == 3


def test_version_keys_compare_numerically():
    assert version_key("1.10") > version_key("1.9") > version_key("1")


# --- combined categories ------------------------------------------------------------------------


def test_a_scale_may_combine_values_for_reporting():
    data = base()
    data["scales"][0]["combined"] = [{"label": "Top two", "values": [3, 4]}]
    scale = parse_definition(data, source="ok.yaml").scales[0]
    assert [(c.label, c.values) for c in scale.combined] == [("Top two", (3, 4))]


def test_combined_categories_do_not_change_the_digest_of_scales_without_them():
    plain = parse_definition(base(), source="a.yaml")
    data = base()
    data["scales"][0]["combined"] = []
    assert parse_definition(data, source="b.yaml").digest == plain.digest
    data["scales"][0]["combined"] = [{"label": "Top two", "values": [3, 4]}]
    assert parse_definition(data, source="c.yaml").digest != plain.digest


@pytest.mark.parametrize(
    ("combined", "expected"),
    [
        ([{"label": "Top", "values": [4]}], "must list two or more scale values"),
        ([{"label": "Top", "values": [4, 7]}], "[7] are not values of this scale"),
        ([{"label": "Top", "values": [4, 4]}], "lists a value twice"),
        ([{"values": [3, 4]}], "field 'label': required"),
        ([{"label": "Top", "values": [3, 4], "colour": "red"}], "colour"),
        (["top"], "must be a mapping with label and values"),
    ],
)
def test_a_bad_combined_category_says_what_is_wrong(combined, expected):
    data = base()
    data["scales"][0]["combined"] = combined
    found = problems(data)
    assert any(expected in line and "combined[0]" in line for line in found), found


def test_the_shipped_surveys_combine_their_top_answers():
    shipped = {i.code: i for i in load_shipped_catalogue()}
    su = shipped["su-experience"].scales[0]
    assert [(c.label, c.values) for c in su.combined] == [("Quite a lot or very much", (3, 4))]
    for code in ("provider-survey", "psw-survey"):
        yes_no = next(s for s in shipped[code].scales if s.code == "yes_somewhat_no")
        assert [c.values for c in yes_no.combined] == [(2, 1)]
