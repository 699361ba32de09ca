"""Grades, hours and FTE over time, and the equipment each peer support worker has."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core.access import AnyUser, Permission
from alongside.core.models import AuditAction
from alongside.core.records import save_audited
from alongside.organisation.models import Person
from alongside.workforce.actions.common import require
from alongside.workforce.models import WorkResources, WorkTerms


def set_work_terms(
    *,
    by: AnyUser,
    person: Person,
    grade: str,
    contracted_hours: Decimal,
    fte: Decimal,
    start: dt.date,
) -> WorkTerms:
    """Start a new period of grade and hours; the current period ends the day before."""
    require(by, Permission.MANAGE_WORK_TERMS)
    with transaction.atomic():
        open_terms = WorkTerms.objects.select_for_update().filter(person=person, end__isnull=True)
        for terms in open_terms:
            if start <= terms.start:
                raise ValidationError(
                    {"start": f"The new terms must start after {terms.start:%d %B %Y}."}
                )
            terms.end = start - timedelta(days=1)
            save_audited(
                terms, by=by, action=AuditAction.UPDATE, fields=["end"], update_fields=["end"]
            )
        return save_audited(
            WorkTerms(
                person=person,
                grade=grade,
                contracted_hours=contracted_hours,
                fte=fte,
                start=start,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["person", "grade", "contracted_hours", "fte", "start"],
        )


def set_work_resources(
    *,
    by: AnyUser,
    person: Person,
    desk: bool,
    computer: bool,
    phone: bool,
    printer: bool,
) -> WorkResources:
    """Record what the person has to work with, as checked today."""
    require(by, Permission.MANAGE_WORK_TERMS)
    with transaction.atomic():
        resources = WorkResources.objects.select_for_update().filter(person=person).first()
        action = AuditAction.UPDATE if resources is not None else AuditAction.CREATE
        resources = resources or WorkResources(person=person)
        resources.desk, resources.computer = desk, computer
        resources.phone, resources.printer = phone, printer
        resources.checked_on = timezone.localdate()
        return save_audited(
            resources,
            by=by,
            action=action,
            fields=["desk", "computer", "phone", "printer", "checked_on"],
        )
