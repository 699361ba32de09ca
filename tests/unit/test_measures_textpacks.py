"""Text packs: licensed wording loaded by the organisation, checked against its definition.

The packs here use placeholder wording ("Statement 1"), never an instrument's real text.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.measures.definitions import ItemKind, load_shipped_catalogue
from alongside.measures.textpacks import (
    BUILT_IN,
    AdministrationStamp,
    TextPackError,
    check_text_pack,
    display_instrument,
    load_text_pack_file,
    parse_text_pack,
)

SHIPPED = load_shipped_catalogue()


def pack_data(code="swemwbs", **changes):
    """A complete placeholder pack for a shipped instrument."""
    instrument = SHIPPED.latest(code)
    data = {
        "pack": f"example-{code}",
        "instrument": code,
        "version": instrument.version,
        "licence": {"holder": "Example Trust", "attribution": "(c) The owners; used under licence"},
        "items": {item.code: f"Statement {n}" for n, item in enumerate(instrument.items, 1)},
        "scales": {
            scale.code: {o.value: f"Step {o.value}" for o in scale.options}
            for scale in instrument.scales
        },
    }
    data.update(changes)
    return data


def pack_problems(data, code="swemwbs"):
    with pytest.raises(TextPackError) as info:
        check_text_pack(parse_text_pack(data, source="pack.yaml"), SHIPPED.latest(code))
    return list(info.value.problems)


def test_a_pack_fills_in_the_wording_and_the_administration_records_it():
    swemwbs = SHIPPED.latest("swemwbs")
    pack = parse_text_pack(pack_data(), source="pack.yaml")
    shown = display_instrument(swemwbs, pack)
    assert [item.text for item in shown.items] == [f"Statement {n}" for n in range(1, 8)]
    assert [o.label for o in shown.items[0].options] == [f"Step {v}" for v in range(1, 6)]
    assert shown.attribution == "(c) The owners; used under licence"
    assert shown.title == swemwbs.title
    assert shown.stamp == AdministrationStamp(
        instrument="swemwbs",
        version="1.0",
        digest=swemwbs.digest,
        text_pack="example-swemwbs",
        text_pack_digest=pack.digest,
    )


def test_a_structure_only_instrument_cannot_be_shown_without_a_pack():
    with pytest.raises(TextPackError) as info:
        display_instrument(SHIPPED.latest("qpr-15"))
    (message,) = info.value.problems
    assert message.endswith(
        "qpr-15 1.0 ships no wording (licensed instrument): load the organisation's text pack "
        "(docs/formats/textpack.md)"
    )


def test_our_own_instruments_show_their_built_in_wording():
    survey = SHIPPED.latest("provider-survey")
    shown = display_instrument(survey)
    assert shown.stamp.text_pack == BUILT_IN
    assert shown.stamp.text_pack_digest is None
    assert shown.items[1].text == "Is the peer support worker role understood in your team?"
    assert [(o.label, o.scored) for o in shown.items[1].options] == [
        ("Yes", True),
        ("Somewhat", True),
        ("No", True),
        ("Don't know", False),
    ]
    assert shown.items[-1].kind is ItemKind.TEXT
    assert shown.items[-1].options == ()


def test_a_pack_can_reword_our_own_instruments_too():
    data = pack_data("chime-support", title="Recovery check, easy read", language="en-IE")
    shown = display_instrument(
        SHIPPED.latest("chime-support"), parse_text_pack(data, source="easy-read.yaml")
    )
    assert (shown.title, shown.language, shown.items[0].text) == (
        "Recovery check, easy read",
        "en-IE",
        "Statement 1",
    )


def test_a_changed_pack_has_a_new_digest():
    one = parse_text_pack(pack_data(), source="a.yaml")
    data = pack_data()
    data["items"]["optimism"] = "Statement one, reworded"
    assert parse_text_pack(data, source="a.yaml").digest != one.digest
    assert parse_text_pack(pack_data(), source="b.yaml").digest == one.digest


def test_a_pack_that_does_not_fit_its_definition_names_every_fault():
    data = pack_data()
    del data["items"]["useful"]
    data["items"]["usefull"] = "Statement 2"
    del data["scales"]["frequency5"][3]
    data["scales"]["frequency5"][6] = "Step 6"
    data["scales"]["agree5"] = {0: "x"}
    assert pack_problems(data) == [
        "pack.yaml: field 'items': item 'useful' has no text",
        "pack.yaml: field 'items': unknown item 'usefull'",
        "pack.yaml: field 'scales': scale 'frequency5': value 3 has no label",
        "pack.yaml: field 'scales': scale 'frequency5': 6 is not a value of this scale (values: "
        "1, 2, 3, 4, 5)",
        "pack.yaml: field 'scales': unknown scale 'agree5'",
    ]


def test_a_pack_is_for_one_instrument_and_version():
    assert pack_problems(pack_data(version="2.0")) == [
        "pack.yaml: field 'version': the pack is for swemwbs version 2.0 but the definition is "
        "version 1.0: a new version needs its own pack",
    ]
    data = pack_data("qpr-15", instrument="swemwbs")
    assert pack_problems(data, code="qpr-15")[0] == (
        "pack.yaml: field 'instrument': the pack is for 'swemwbs' but the definition is 'qpr-15'"
    )


def test_missing_scale_labels_are_reported():
    assert pack_problems(pack_data(scales={})) == [
        "pack.yaml: field 'scales': scale 'frequency5' has no labels"
    ]


def test_a_malformed_pack_is_refused_before_any_check():
    data = pack_data(licence={"attribution": "x"}, colour="blue")
    data["scales"]["frequency5"][1] = False
    data["items"]["optimism"] = ""
    with pytest.raises(TextPackError) as info:
        parse_text_pack(data, source="pack.yaml")
    assert list(info.value.problems) == [
        "pack.yaml: field 'colour': unknown field (expected one of: pack, instrument, version, "
        "language, licence, title, instructions, items, scales)",
        "pack.yaml: licence: field 'holder': required",
        "pack.yaml: field 'items': item 'optimism': must be non-empty text, got ''",
        "pack.yaml: field 'scales': scale 'frequency5': value 1: the label must be non-empty "
        "text, got false (quote it: YAML reads yes and no as true and false)",
    ]


def test_a_pack_loads_from_yaml(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(
        "pack: example-ons4\n"
        "instrument: ons4\n"
        'version: "1.0"\n'
        "licence: {holder: Example Trust, attribution: Office for National Statistics}\n"
        "items: {life_satisfaction: Q1, worthwhile: Q2, happiness: Q3, anxiety: Q4}\n"
        "scales:\n"
        "  zero_to_ten: {0: Not at all, 1: '1', 2: '2', 3: '3', 4: '4', 5: '5', 6: '6',"
        " 7: '7', 8: '8', 9: '9', 10: Completely}\n",
        encoding="utf-8",
    )
    pack = load_text_pack_file(path)
    shown = display_instrument(SHIPPED.latest("ons4"), pack)
    assert shown.items[3].options[0].label == "Not at all"
    assert shown.stamp.text_pack == "example-ons4"


def test_a_repeated_key_in_a_pack_file_is_refused(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("pack: a\nitems:\n  q1: One\n  q1: Again\n", encoding="utf-8")
    with pytest.raises(TextPackError) as info:
        load_text_pack_file(path)
    assert info.value.problems == (f"{path}: line 4 column 3: not valid YAML: duplicate key 'q1'",)


@settings(deadline=None)
@given(st.sampled_from(sorted(i.code for i in SHIPPED)))
def test_every_shipped_instrument_accepts_a_complete_pack(code):
    instrument = SHIPPED.latest(code)
    shown = display_instrument(instrument, parse_text_pack(pack_data(code), source="p.yaml"))
    assert [item.code for item in shown.items] == [item.code for item in instrument.items]
    for shown_item, item in zip(shown.items, instrument.items, strict=True):
        if item.scale is not None:
            assert {o.value for o in shown_item.options} == instrument.scale(item.scale).values
