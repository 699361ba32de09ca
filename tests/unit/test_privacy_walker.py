"""The subject walker's plan (model metadata only), placeholders, anonymised values, retention
settings; and the codebase rule that every model holding personal data is covered."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from alongside.privacy import retention
from alongside.privacy.actions import blank_value, erase_spans, placeholder
from alongside.privacy.walker import ROOTS, model_of, plan, reachable, subject_owned
from tests.unit.test_codebase_rules import our_models

# Personal data that no subject request can find by walking, and why.
NOT_ABOUT_A_DATA_SUBJECT = {
    "core.AuditEvent": "the audit trail: staff usernames and addresses, append-only by design",
    "core.Notification": "a staff member's in-app messages, naming records by reference only",
    "qualitative.Source": "a whole transcript of several people; each participant's own words "
    "are found through their speaker's segments (and erased span by span)",
    "qualitative.Memo": "an analyst's memo on the analysis, linked to no participant",
}


def _labels(steps):
    return {s.model._meta.label for s in steps}


def test_every_model_holding_personal_data_is_reachable_or_explained():
    covered = {m._meta.label for m in reachable()}
    unexplained = [
        m._meta.label
        for m in our_models()
        if m.PERSONAL_FIELDS
        and m._meta.label not in covered
        and m._meta.label not in NOT_ABOUT_A_DATA_SUBJECT
    ]
    assert not unexplained, (
        f"Make these reachable from {ROOTS} or say why they are not about a data subject: "
        f"{unexplained}"
    )


def test_the_explained_list_holds_no_model_the_walk_reaches():
    covered = {m._meta.label for m in reachable()}
    assert not covered & set(NOT_ABOUT_A_DATA_SUBJECT)


def test_a_service_users_walk_reaches_their_practice_and_measures_records():
    labels = _labels(plan("practice.ServiceUser"))
    assert {
        "practice.Referral",
        "practice.CaseloadEntry",
        "practice.Contact",
        "practice.ContactChimeTag",
        "practice.Goal",
        "practice.GoalStep",
        "practice.GoalProgress",
        "practice.AdvocacyItem",
        "practice.Ending",
        "measures.Administration",
        "measures.SurveyLink",
    } <= labels
    assert not any(label.startswith(("evaluation.", "workforce.")) for label in labels)


def test_a_participants_walk_reaches_answers_consent_and_their_words():
    labels = _labels(plan("evaluation.Participant"))
    assert {
        "evaluation.Consent",
        "evaluation.Response",
        "evaluation.Invitation",
        "evaluation.PaperForm",
        "evaluation.PaperEntry",
        "qualitative.Speaker",
        "qualitative.Segment",
        "qualitative.Coding",
        "qualitative.QuoteMark",
    } <= labels


def test_a_persons_walk_never_enters_what_they_wrote_about_service_users():
    labels = _labels(plan("organisation.Person"))
    assert "organisation.Membership" in labels
    assert "workforce.SupervisionSession" in labels
    owned = {m._meta.label for m in subject_owned()}
    assert not labels & owned
    assert "practice.Contact" not in labels


def test_a_contact_found_through_an_episode_must_be_the_subjects_own():
    step = next(
        s
        for s in plan("practice.ServiceUser")
        if s.model._meta.label == "practice.Contact" and s.via == "episode"
    )
    assert step.also == ("service_user",)


def test_no_many_to_many_table_is_walked_as_a_record():
    for root in ROOTS:
        assert not any(s.model._meta.auto_created for s in plan(root))


def test_the_plan_follows_every_relation_into_a_planned_model():
    # Every reverse relation into a planned model is followed: the plan is the metadata's.
    contact = model_of("practice.Contact")
    into_contact = {
        rel.related_model._meta.label
        for rel in contact._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel)
        and (rel.one_to_many or rel.one_to_one)
        and not rel.related_model._meta.auto_created
    }
    assert into_contact <= _labels(plan("practice.ServiceUser"))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_a_placeholder_keeps_length_and_line_ends(span):
    blank = placeholder(span)
    assert len(blank) == len(span)
    assert [i for i, c in enumerate(blank) if c == "\n"] == [
        i for i, c in enumerate(span) if c == "\n"
    ]
    assert set(blank) <= set("[erased]\n")


@given(
    st.text(min_size=1, max_size=120),
    st.lists(st.tuples(st.integers(0, 120), st.integers(0, 120)), max_size=5),
)
def test_erasing_spans_leaves_every_other_character_where_it_was(text, raw):
    spans = [(min(a, b), max(a, b)) for a, b in raw if min(a, b) < len(text)]
    spans = [(s, min(e, len(text))) for s, e in spans if s < min(e, len(text))]
    erased = erase_spans(text, spans)
    assert len(erased) == len(text)
    inside = {i for s, e in spans for i in range(s, e)}
    assert all(erased[i] == text[i] for i in range(len(text)) if i not in inside)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (models.DateField(name="date"), dt.date(2024, 5, 17), dt.date(2024, 5, 1)),
        (models.CharField(name="preferred_name"), "Niamh", "Erased"),
        (models.TextField(name="note"), "A hard week", ""),
        (models.BooleanField(name="shares"), True, False),
        (models.JSONField(name="answers", default=dict), {"a": 1}, {}),
        (models.JSONField(name="methods", default=list), ["x"], []),
        (models.PositiveSmallIntegerField(name="rating"), 7, 7),
        (models.DateField(name="next", null=True), None, None),
    ],
)
def test_an_anonymised_value(field, value, expected):
    assert blank_value(field, value) == expected


def test_the_default_retention_rules_and_their_wording():
    rules = {r.code: r for r in retention.configured_rules({})}
    assert rules["contact-notes"].years == 8
    assert rules["contact-notes"].action == retention.ANONYMISE
    assert rules["survey-invitations"].years == 1
    assert rules["audit-trail"].action == retention.KEEP
    assert rules["audit-trail"].due(dt.date(2030, 1, 1)) == []
    assert "never removed automatically" in rules["audit-trail"].describe()


@pytest.mark.parametrize(
    "overrides",
    [
        {"no-such-rule": {"years": 1}},
        {"audit-trail": {"action": "delete"}},
        {"survey-invitations": {"action": "anonymise"}},
        {"contact-notes": {"years": 0}},
        {"contact-notes": {"years": "8"}},
        {"contact-notes": {"months": 3}},
    ],
)
def test_a_wrong_retention_setting_is_refused(overrides):
    with pytest.raises(ImproperlyConfigured):
        retention.configured_rules(overrides)


@given(st.dates(min_value=dt.date(1910, 1, 1)), st.integers(1, 100))
def test_years_before_is_that_many_years_earlier(day, years):
    earlier = retention.years_before(day, years)
    assert earlier.year == day.year - years
    assert earlier.month == day.month
    assert 0 <= day.day - earlier.day <= 1


def test_the_privacy_app_is_installed_at_its_layer():
    assert apps.get_app_config("privacy").name == "alongside.privacy"
