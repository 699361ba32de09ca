"""Role-understanding pulse: opening a round on a team, and answering it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alongside.core.access import ROLES, AnyUser, Permission, RoleCode
from alongside.core.models import AuditAction
from alongside.core.notifications import notify
from alongside.core.periods import current
from alongside.core.records import save_audited
from alongside.measures.scoring import AnswerError
from alongside.organisation.models import Membership, Person, Team
from alongside.workforce.actions.common import acting_person, require
from alongside.workforce.models import PulseResponse, PulseRound, RespondentGroup
from alongside.workforce.pulse import PULSE_CODE, PULSE_VERSION, score_pulse

ANSWERING_ROLES = tuple(
    code for code, role in ROLES.items() if Permission.ANSWER_PULSE in role.permissions
)
PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)


def respondents(team: Team) -> list[Person]:
    """Who is asked: the team's current staff in an answering role, its PSWs included."""
    return list(
        Person.objects.filter(
            current("memberships__"),
            memberships__team=team,
            memberships__role__in=ANSWERING_ROLES,
        ).distinct()
    )


def open_pulse_round(
    *, by: AnyUser, team: Team, opened_on: dt.date, closes_on: dt.date
) -> PulseRound:
    """Ask the team the pulse questions again; everyone asked gets a notification."""
    require(by, Permission.RUN_PULSE)
    if closes_on < opened_on:
        raise ValidationError({"closes_on": "The round must close on or after the day it opens."})
    with transaction.atomic():
        pulse_round = save_audited(
            PulseRound(
                team=team,
                instrument_code=PULSE_CODE,
                instrument_version=PULSE_VERSION,
                opened_on=opened_on,
                closes_on=closes_on,
                opened_by=acting_person(by),
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["team", "instrument_code", "instrument_version", "opened_on", "closes_on"],
        )
        url = reverse("workforce:pulse-answer", args=[pulse_round.pk])
        for person in respondents(team):
            if person.user is not None:
                notify(
                    recipient=person.user,
                    message="Four quick questions about the peer support worker role on your team.",
                    url=url,
                    by=by,
                )
        return pulse_round


def respondent_group(person: Person, team: Team) -> RespondentGroup | None:
    """Whether the person answers as the team's PSW or as its staff; None if not on the team."""
    roles = set(
        Membership.objects.filter(
            current(), person=person, team=team, role__in=ANSWERING_ROLES
        ).values_list("role", flat=True)
    )
    if not roles:
        return None
    return RespondentGroup.PSW if roles & set(PSW_ROLES) else RespondentGroup.STAFF


def answer_pulse(
    *, by: AnyUser, pulse_round: PulseRound, answers: dict[str, int | None]
) -> PulseResponse:
    """Store one person's answers to an open round, scored by the measures engine."""
    require(by, Permission.ANSWER_PULSE)
    with transaction.atomic():
        person = acting_person(by)
        group = respondent_group(person, pulse_round.team)
        if group is None:
            raise PermissionDenied
        today = timezone.localdate()
        if not pulse_round.opened_on <= today <= pulse_round.closes_on:
            raise ValidationError("This round is closed.")
        if PulseResponse.objects.filter(round=pulse_round, respondent=person).exists():
            raise ValidationError("You have already answered this round. Thank you.")
        try:
            sheet = score_pulse(answers, pulse_round.instrument_version)
        except AnswerError as error:
            raise ValidationError(list(error.problems)) from error
        return save_audited(
            PulseResponse(
                round=pulse_round,
                respondent=person,
                group=group,
                answers={code: value for code, value in answers.items() if value is not None},
                scores=sheet.values(),
                answered_on=today,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["round", "respondent", "group", "answers", "scores"],
        )
