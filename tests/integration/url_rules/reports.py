"""Reports: the study report for whoever sees the study's counts (members, leads,
administrators); builds and narrative sections for the members who make them; the programme
dashboard for programme leads and supervisors only."""

from alongside.reports.actions import request_build
from alongside.reports.tasks import build_report_task
from tests.integration.url_rules import Rule, roles
from tests.integration.url_rules.evaluation import STUDY_VIEWERS, load_example

DASHBOARD = roles("lead", "supervisor")


def _study(p):
    return {"slug": load_example(p).slug}


def _evaluators_build(p):
    study = load_example(p)
    made = request_build(by=p.user("evaluator"), study=study, fmt="json", suppressed=True)
    build_report_task.call(made.pk)
    return {"slug": study.slug, "pk": made.pk}


def _section(p):
    return {**_study(p), "key": "recommendations"}


RULES: dict[str, Rule] = {
    "reports:dashboard": Rule(allowed=DASHBOARD),
    "reports:dashboard-csv": Rule(allowed=DASHBOARD, kwargs=lambda p: {"table": "referrals"}),
    "reports:report": Rule(allowed=STUDY_VIEWERS, kwargs=_study),
    "reports:preview": Rule(allowed=STUDY_VIEWERS, kwargs=_study),
    "reports:build": Rule(
        allowed=STUDY_VIEWERS,
        kwargs=_study,
        method="post",
        data={"format": "json"},
        ok_status=(302,),
    ),
    # A build is its requester's own: anyone else, however senior, gets a 404.
    "reports:build-status": Rule(allowed=roles("evaluator"), kwargs=_evaluators_build),
    "reports:build-download": Rule(allowed=roles("evaluator"), kwargs=_evaluators_build),
    "reports:narrative": Rule(allowed=roles("evaluator"), kwargs=_section),
}
