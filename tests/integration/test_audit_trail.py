"""The audit trail: same-transaction writes, tamper detection, append-only storage."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from alongside.core import audit
from alongside.core.models import AuditAction, AuditChainHead, AuditEvent
from alongside.organisation.models import Region
from tests import factories


def _record_some(n=3):
    user = factories.UserFactory()
    for i in range(n):
        audit.record(actor=user, action=AuditAction.VIEW, object_type="test.thing", object_id=i)


@pytest.mark.django_db
def test_change_and_audit_commit_together():
    with transaction.atomic():
        region = Region.objects.create(code="x", name="X")
        audit.record(actor=None, action=AuditAction.CREATE, obj=region)
    assert AuditEvent.objects.filter(object_id=str(region.pk)).count() == 1


@pytest.mark.django_db
def test_change_and_audit_roll_back_together():
    class Boom(Exception):
        pass

    def create_then_fail():
        with transaction.atomic():
            region = Region.objects.create(code="x", name="X")
            audit.record(actor=None, action=AuditAction.CREATE, obj=region)
            raise Boom

    with pytest.raises(Boom):
        create_then_fail()
    assert not Region.objects.exists()
    assert not AuditEvent.objects.exists()
    assert AuditChainHead.objects.get().count == 0


@pytest.mark.django_db
def test_an_intact_chain_verifies():
    _record_some()
    result = audit.verify()
    assert result.ok
    assert result.checked == 3
    call_command("audit", "verify")


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_event():
    _record_some(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(action=AuditAction.DELETE)


def _drop_append_only_trigger():
    """What someone with direct database access could do before editing a record."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER core_auditevent_append_only ON core_auditevent")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only")


@pytest.mark.django_db
def test_verify_detects_an_edited_record():
    _record_some()
    _drop_append_only_trigger()
    middle = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=middle.pk).update(object_id="999")
    result = audit.verify()
    assert not result.ok
    assert [b.event_id for b in result.breaches] == [middle.pk]
    with pytest.raises(CommandError, match="altered"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_verify_detects_a_rehashed_edit_through_the_next_link():
    _record_some()
    _drop_append_only_trigger()
    first = AuditEvent.objects.order_by("id").first()
    first.object_id = "999"
    first.hash = audit.event_hash(first.prev_hash, audit._hashed_fields(first))
    AuditEvent.objects.filter(pk=first.pk).update(object_id="999", hash=first.hash)
    broken = {b.event_id for b in audit.verify().breaches}
    assert AuditEvent.objects.order_by("id")[1].pk in broken


@pytest.mark.django_db
def test_verify_detects_a_deleted_last_record():
    _record_some()
    _drop_append_only_trigger()
    AuditEvent.objects.order_by("-id").first().delete()
    result = audit.verify()
    assert not result.ok
    assert result.breaches[-1].event_id is None


@pytest.mark.django_db
def test_detail_and_ip_are_recorded():
    token = audit.current_ip.set("10.1.2.3")
    try:
        event = audit.record(
            actor=None, action=AuditAction.EXPORT, object_type="x.y", detail={"rows": 4}
        )
    finally:
        audit.current_ip.reset(token)
    event.refresh_from_db()
    assert event.ip_address == "10.1.2.3"
    assert event.detail == {"rows": 4}
    assert audit.verify().ok


def test_an_event_needs_an_object():
    with pytest.raises(ValueError, match="object"):
        audit.record(actor=None, action=AuditAction.VIEW)
