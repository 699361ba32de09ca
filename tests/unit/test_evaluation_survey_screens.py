"""Online survey screens, the checks on one screen's answers, and response rates."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core.access_log import mask_secrets
from alongside.evaluation.response_rates import RateRow, rate_rows, shown
from alongside.evaluation.survey_screens import (
    CONSENT_KEY,
    NOT_ON_SCALE,
    TAKE_PART_REQUIRED,
    Consents,
    ScreenKind,
    build_screens,
    clamp,
    consents_in,
    final_answers,
    item_blocks,
    merge,
    progress,
    validate_block,
    validate_consent,
    with_consents,
)
from alongside.measures.definitions import (
    Instrument,
    Item,
    ItemKind,
    Scale,
    ScaleOption,
    load_definition_file,
    shipped_definition_paths,
)

AGREE = Scale("agree", (ScaleOption(1, "No"), ScaleOption(2, "Yes"), ScaleOption(9, "N/A", False)))


def instrument(code="survey", n=7, subscales=None, text_at=()):
    items = []
    for i in range(n):
        if i in text_at:
            items.append(Item(f"t{i}", kind=ItemKind.TEXT, text="Say more"))
        else:
            subscale = subscales[i] if subscales else None
            items.append(Item(f"q{i}", scale="agree", text=f"Q{i}", subscale=subscale))
    return Instrument(code=code, title=code, version="1.0", scales=(AGREE,), items=tuple(items))


@pytest.mark.parametrize(
    ("n", "subscales", "text_at", "expected"),
    [
        (0, None, (), ()),
        (1, None, (), (("q0",),)),
        (5, None, (), (("q0", "q1", "q2", "q3", "q4"),)),
        (7, None, (), (("q0", "q1", "q2", "q3", "q4"), ("q5", "q6"))),
        # written-answer items are not asked online
        (4, None, (1,), (("q0", "q2", "q3"),)),
        # the instrument's own grouping: runs of one subscale, however long
        (7, ["a"] * 6 + ["b"], (), (("q0", "q1", "q2", "q3", "q4", "q5"), ("q6",))),
        (4, ["a", "b", "a", "a"], (), (("q0",), ("q1",), ("q2", "q3"))),
        # items without a subscale between groups are blocked by five
        (
            8,
            ["a", None, None, None, None, None, None, "b"],
            (),
            (("q0",), ("q1", "q2", "q3", "q4", "q5"), ("q6",), ("q7",)),
        ),
    ],
)
def test_items_are_blocked_by_the_instruments_grouping_or_by_five(n, subscales, text_at, expected):
    assert item_blocks(instrument(n=n, subscales=subscales, text_at=text_at)) == expected


def test_a_block_holds_at_least_one_item():
    with pytest.raises(ValueError, match="at least one"):
        item_blocks(instrument(), size=0)


def test_screens_are_consent_then_blocks_then_check():
    screens = build_screens([instrument("first", n=7), instrument("second", n=2)])
    assert [s.kind for s in screens] == [
        ScreenKind.CONSENT,
        ScreenKind.QUESTIONS,
        ScreenKind.QUESTIONS,
        ScreenKind.QUESTIONS,
        ScreenKind.CHECK,
    ]
    assert [(s.instrument, s.part, s.parts) for s in screens[1:4]] == [
        ("first", 1, 2),
        ("first", 2, 2),
        ("second", 1, 1),
    ]
    assert progress(screens, 0).text == "Screen 1 of 5"
    assert progress(screens, 4).text == "Screen 5 of 5"
    assert progress(screens, 99).number == 5


def test_the_shipped_study_instruments_make_screens_of_at_most_five_questions():
    paths = [p for p in shipped_definition_paths() if p.name.startswith("su-experience")]
    su = load_definition_file(paths[0])
    screens = build_screens([su])
    questions = [s for s in screens if s.kind is ScreenKind.QUESTIONS]
    assert all(1 <= len(s.items) <= 5 for s in questions)
    asked = [code for s in questions for code in s.items]
    assert asked == [i.code for i in su.items if i.kind is ItemKind.CHOICE]


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=23), min_size=0, max_size=4),
    position=st.integers(min_value=-5, max_value=40),
)
def test_every_choice_item_is_asked_once_in_order(sizes, position):
    instruments = [instrument(f"i{k}", n=n) for k, n in enumerate(sizes)]
    screens = build_screens(instruments)
    asked = [(s.instrument, code) for s in screens for code in s.items]
    assert asked == [(i.code, item.code) for i in instruments for item in i.items]
    assert len(screens) == 2 + sum(-(-n // 5) for n in sizes)
    assert 0 <= clamp(screens, position) < len(screens)
    shown_progress = progress(screens, position)
    assert 1 <= shown_progress.number <= shown_progress.total == len(screens)


@pytest.mark.parametrize(
    ("posted", "answers", "errors"),
    [
        ({}, {"q0": None, "q1": None}, {}),
        ({"q0": "", "q1": "  "}, {"q0": None, "q1": None}, {}),
        ({"q0": "2", "q1": "1"}, {"q0": 2, "q1": 1}, {}),
        # an unscored option ("not applicable") is an answer
        ({"q0": "9"}, {"q0": 9, "q1": None}, {}),
        ({"q0": "3", "q1": "1"}, {"q1": 1}, {"q0": NOT_ON_SCALE}),
        ({"q0": "yes", "q1": "1.0"}, {}, {"q0": NOT_ON_SCALE, "q1": NOT_ON_SCALE}),
        # answers for items of other screens are ignored
        ({"q0": "1", "q5": "2"}, {"q0": 1, "q1": None}, {}),
    ],
)
def test_a_blocks_answers_are_checked_against_the_scale(posted, answers, errors):
    assert validate_block(instrument(), ("q0", "q1"), posted) == (answers, errors)


@given(st.dictionaries(st.sampled_from(["q0", "q1", "q2"]), st.text(max_size=6)))
def test_any_posted_text_is_an_answer_on_the_scale_missing_or_an_error(posted):
    answers, errors = validate_block(instrument(), ("q0", "q1", "q2"), posted)
    assert set(answers) | set(errors) == {"q0", "q1", "q2"}
    assert not set(answers) & set(errors)
    assert all(value is None or value in AGREE.values for value in answers.values())


@pytest.mark.parametrize(
    ("posted", "consents", "errors"),
    [
        ({}, None, {"take_part": TAKE_PART_REQUIRED}),
        ({"quote_anonymously": "yes"}, None, {"take_part": TAKE_PART_REQUIRED}),
        ({"take_part": "on"}, None, {"take_part": TAKE_PART_REQUIRED}),
        ({"take_part": "yes"}, Consents(True, False, False), {}),
        (
            {"take_part": "yes", "quote_anonymously": "yes", "recontact": "yes"},
            Consents(True, True, True),
            {},
        ),
    ],
)
def test_taking_part_is_required_and_the_rest_optional(posted, consents, errors):
    assert validate_consent(posted) == (consents, errors)


def test_a_draft_keeps_consents_and_answers_apart_and_lays_new_answers_over_old():
    draft = with_consents({}, Consents(True, False, True))
    draft = merge(draft, "survey", {"q0": 1, "q1": 2})
    later = merge(draft, "survey", {"q1": None, "q2": 2})
    assert later["survey"] == {"q0": 1, "q1": None, "q2": 2}
    assert draft["survey"] == {"q0": 1, "q1": 2}  # the earlier draft is left as it was
    assert consents_in(later) == Consents(True, False, True)
    assert consents_in({}) is None
    assert consents_in({CONSENT_KEY: {"take_part": False}}) is None
    assert consents_in({CONSENT_KEY: "yes"}) is None


def test_final_answers_hold_every_scale_item_and_drop_values_off_the_scale():
    survey = instrument(n=4, text_at=(3,))
    draft = {"survey": {"q0": 2, "q1": 7, "q2": True, "t3": "words"}, "other": {"x": 1}}
    assert final_answers([survey], draft) == {"survey": {"q0": 2, "q1": None, "q2": None}}
    assert final_answers([survey], {}) == {"survey": {"q0": None, "q1": None, "q2": None}}


# --- response rates ---------------------------------------------------------------------------


def test_rates_are_per_site_and_cohort_in_order_and_leave_out_pairs_nobody_was_invited_in():
    rows = rate_rows(
        [("CHO2", "su", 3, 1), ("CHO1", "psw", 8, 8), ("CHO1", "su", 0, 0), ("CHO2", "su", 3, 1)],
        sites=["CHO1", "CHO2"],
        cohorts=["psw", "su"],
    )
    assert rows == [RateRow("CHO1", "psw", 8, 8), RateRow("CHO2", "su", 6, 2)]
    assert [r.rate for r in rows] == [100.0, 33.3]


@pytest.mark.parametrize(
    ("invited", "completed", "rate"),
    [(3, 2, 66.7), (8, 1, 12.5), (40, 27, 67.5), (2000, 1351, 67.6), (7, 0, 0.0)],
)
def test_a_rate_is_a_percent_with_one_decimal_rounded_half_up(invited, completed, rate):
    assert RateRow("S", "C", invited, completed).rate == rate


def test_more_completed_than_invited_is_refused():
    with pytest.raises(ValueError, match="3 completed of 2"):
        rate_rows([("S", "C", 2, 3)], sites=["S"], cohorts=["C"])


@pytest.mark.parametrize(
    ("invited", "completed", "exact", "expected"),
    [
        (12, 7, True, ("12", "7", "58.3%", False)),
        (12, 7, False, ("12", "7", "58.3%", False)),
        (12, 3, True, ("12", "3", "25.0%", False)),
        (12, 3, False, ("12", "*", "*", True)),
        (4, 0, False, ("*", "0", "*", True)),
        (12, 0, False, ("12", "0", "0.0%", False)),
    ],
)
def test_small_counts_and_the_rate_beside_them_are_hidden_unless_exact(
    invited, completed, exact, expected
):
    row = shown(RateRow("S", "C", invited, completed), exact=exact)
    assert (row.invited, row.completed, row.rate, row.hidden) == expected


@given(st.integers(min_value=1, max_value=500), st.data())
def test_a_shown_rate_never_gives_back_a_hidden_count(invited, data):
    completed = data.draw(st.integers(min_value=0, max_value=invited))
    row = shown(RateRow("S", "C", invited, completed), exact=False)
    if "*" in (row.invited, row.completed):
        assert row.rate == "*"
    else:
        assert row.rate.endswith("%")


# --- the access log ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/evaluation/survey/Abc-_123/", "/evaluation/survey/[token]/"),
        ("/evaluation/invitation/SeCrEt_t0ken/?x=1", "/evaluation/invitation/[token]/?x=1"),
        ("/evaluation/psw-impact/surveys/", "/evaluation/psw-impact/surveys/"),
        ("/evaluation/psw-impact/invitations/", "/evaluation/psw-impact/invitations/"),
    ],
)
def test_survey_and_invitation_tokens_are_masked_in_the_access_log(path, logged):
    assert mask_secrets(path) == logged
