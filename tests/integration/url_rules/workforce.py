"""Workforce: PSWs and supervisors reach their own supervision and CPD; private supervision
notes reach only the two people in the session; programme leads see aggregates, decide CPD,
manage readiness, run the pulse, moderate the exchange and keep the guidance library."""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from alongside.workforce.models import (
    CpdEvent,
    CpdRequest,
    GuidanceDocument,
    GuidanceVersion,
    PulseRound,
    Reply,
    SupervisionSession,
    Thread,
)
from tests.integration.url_rules import Rule, roles

NOTES = "Talked about boundaries after a hard week: private to the two of us"
REASON = "The recovery education course would help with group work"
THREAD_BODY = "How do your teams hand over referrals? Sharing what works in Riverside."
CERTIFICATE = "workforce/certificates/sweep-certificate.pdf"

PEERS = roles("psw", "psw_b", "senior", "supervisor")
EXCHANGE = PEERS | roles("lead")
STAFF = PEERS | roles("clinician", "lead", "evaluator", "admin")


def session(p):
    return SupervisionSession.objects.filter(supervisee=p.psw).first() or (
        SupervisionSession.objects.create(
            date=timezone.localdate() - dt.timedelta(days=3),
            duration_minutes=60,
            supervisor=p.supervisor,
            supervisor_discipline="social-work",
            supervisee=p.psw,
            session_type="practice-supervision",
            protected_time=True,
            private_notes=NOTES,
            recorded_by=p.supervisor,
        )
    )


def _event(title):
    event, _ = CpdEvent.objects.get_or_create(
        title=title,
        provider="Recovery College West",
        date=timezone.localdate() + dt.timedelta(days=30),
        defaults={"hours": Decimal("6.0")},
    )
    return event


def cpd_request(p, status="requested", title="Recovery education"):
    event = _event(title)
    found = CpdRequest.objects.filter(person=p.psw, event=event).first()
    if found is not None:
        return found
    decided = status != "requested"
    return CpdRequest.objects.create(
        person=p.psw,
        event=event,
        reason=REASON,
        status=status,
        requested_on=timezone.localdate(),
        decided_by=p.supervisor if decided else None,
        decided_on=timezone.localdate() if decided else None,
    )


def certified_request(p):
    request = cpd_request(p, status="completed", title="Group facilitation")
    if not default_storage.exists(CERTIFICATE):
        default_storage.save(CERTIFICATE, ContentFile(b"%PDF-1.4 certificate"))
    CpdRequest.objects.filter(pk=request.pk).update(certificate=CERTIFICATE)
    return request


def pulse_round(p):
    today = timezone.localdate()
    return PulseRound.objects.filter(team=p.team_a).first() or PulseRound.objects.create(
        team=p.team_a,
        instrument_code="role-pulse",
        instrument_version="1.0",
        opened_on=today,
        closes_on=today + dt.timedelta(days=14),
        opened_by=p.lead,
    )


def thread(p):
    return Thread.objects.filter(author=p.psw).first() or Thread.objects.create(
        region=None, title="Handing over referrals", body=THREAD_BODY, author=p.psw
    )


def reply(p):
    item = thread(p)
    return Reply.objects.filter(thread=item).first() or Reply.objects.create(
        thread=item, body="We use a shared checklist.", author=p.psw_b
    )


def document(p):
    found = GuidanceDocument.objects.filter(title="Supervision of peer support workers").first()
    if found is not None:
        return found
    doc = GuidanceDocument.objects.create(title="Supervision of peer support workers", owner=p.lead)
    GuidanceVersion.objects.create(
        document=doc,
        number=1,
        body="Supervision text",
        published_on=timezone.localdate(),
        published_by=p.lead,
    )
    return doc


RULES: dict[str, Rule] = {
    "workforce:overview": Rule(allowed=roles("lead")),
    "workforce:supervision": Rule(allowed=PEERS),
    "workforce:supervision-log": Rule(allowed=PEERS),
    "workforce:supervision-session": Rule(
        allowed=roles("psw", "supervisor"),
        kwargs=lambda p: {"pk": session(p).pk},
        secret=lambda p: NOTES,
    ),
    "workforce:peer-group-log": Rule(allowed=PEERS),
    "workforce:coverage": Rule(allowed=roles("lead")),
    "workforce:cpd": Rule(
        allowed=PEERS | roles("lead"),
        secret=lambda p: cpd_request(p) and REASON,
        sees_secret=roles(),
    ),
    "workforce:cpd-request": Rule(allowed=roles("psw", "psw_b", "senior")),
    "workforce:cpd-decide": Rule(
        allowed=roles("supervisor", "lead"),
        kwargs=lambda p: {"pk": cpd_request(p).pk},
        secret=lambda p: REASON,
    ),
    "workforce:cpd-complete": Rule(
        allowed=roles("psw"), kwargs=lambda p: {"pk": cpd_request(p, status="approved").pk}
    ),
    "workforce:cpd-certificate": Rule(
        allowed=roles("psw", "supervisor", "lead"),
        kwargs=lambda p: {"pk": certified_request(p).pk},
    ),
    "workforce:roles": Rule(allowed=roles("lead", "admin")),
    "workforce:roles-edit": Rule(allowed=roles("lead", "admin"), kwargs=lambda p: {"pk": p.psw.pk}),
    "workforce:readiness": Rule(allowed=roles("supervisor", "lead")),
    "workforce:readiness-record": Rule(allowed=roles("lead"), kwargs=lambda p: {"pk": p.team_a.pk}),
    "workforce:pulse": Rule(allowed=roles("lead")),
    "workforce:pulse-open": Rule(allowed=roles("lead")),
    "workforce:pulse-answer": Rule(
        allowed=roles("psw", "senior", "supervisor", "clinician"),
        kwargs=lambda p: {"pk": pulse_round(p).pk},
    ),
    "workforce:exchange": Rule(allowed=EXCHANGE),
    "workforce:thread-new": Rule(allowed=EXCHANGE),
    "workforce:thread": Rule(
        allowed=EXCHANGE, kwargs=lambda p: {"pk": thread(p).pk}, secret=lambda p: THREAD_BODY
    ),
    "workforce:thread-hide": Rule(
        allowed=roles("lead"),
        kwargs=lambda p: {"pk": thread(p).pk},
        method="post",
        data={"reason": "Off topic"},
        ok_status=(302,),
    ),
    "workforce:reply-hide": Rule(
        allowed=roles("lead"),
        kwargs=lambda p: {"pk": reply(p).pk},
        method="post",
        data={"reason": "Off topic"},
        ok_status=(302,),
    ),
    "workforce:guidance": Rule(allowed=STAFF),
    "workforce:guidance-document": Rule(allowed=STAFF, kwargs=lambda p: {"pk": document(p).pk}),
    "workforce:guidance-new": Rule(allowed=roles("lead")),
    "workforce:guidance-version": Rule(
        allowed=roles("lead"), kwargs=lambda p: {"pk": document(p).pk}
    ),
}
