"""Rules of the codebase that tests can enforce."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

SRC = Path(__file__).resolve().parents[2] / "src" / "alongside"
OUR_APPS = (
    "core",
    "organisation",
    "practice",
    "measures",
    "evaluation",
    "workforce",
    "qualitative",
    "reports",
    "privacy",
    "demo",
)
# Lower apps never import higher ones (DESIGN.md): data flows one way.
LAYER = {
    "core": 0,
    "organisation": 1,
    "practice": 2,
    "measures": 3,
    "evaluation": 4,
    "workforce": 4,
    "qualitative": 5,
    "reports": 6,
    "privacy": 7,
    "demo": 9,
}


def our_models():
    return [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_every_model_says_which_of_its_fields_are_personal(model):
    declared = getattr(model, "PERSONAL_FIELDS", None)
    assert declared is not None, f"{model._meta.label} must declare PERSONAL_FIELDS"
    names = {f.name for f in model._meta.concrete_fields}
    unknown = set(declared) - names
    assert not unknown, f"{model._meta.label}.PERSONAL_FIELDS names no such field: {unknown}"


# Read only by their owner or the audit browser, never through a scope: the audit trail (whose
# page needs VIEW_AUDIT) and notifications (always filtered to the signed-in recipient).
NOT_SCOPED = {"core.AuditEvent", "core.Notification"}
# Personal, but only ever shown through their parent record's scope.
READ_THROUGH_PARENT = {"practice.GoalStep", "practice.GoalProgress"}


def test_every_model_with_personal_fields_is_read_through_the_access_policy():
    from alongside.core.access import _SCOPE_RULES

    unguarded = [
        m._meta.label
        for m in our_models()
        if m.PERSONAL_FIELDS
        and m not in _SCOPE_RULES
        and m._meta.label not in NOT_SCOPED | READ_THROUGH_PARENT
    ]
    assert not unguarded, f"Personal data with no scope rule in the access policy: {unguarded}"


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def test_lower_apps_never_import_higher_ones():
    breaches = []
    for app, level in LAYER.items():
        for path in (SRC / app).rglob("*.py"):
            for module in _imports(path):
                parts = module.split(".")
                imported = parts[1] if parts[0] == "alongside" and len(parts) > 1 else None
                if imported in LAYER and LAYER[imported] > level:
                    breaches.append(f"{path.relative_to(SRC)} imports {module}")
    assert not breaches, breaches


# Files whose `.save(` writes a document (PNG, DOCX) to memory, not a database record.
SAVES_DOCUMENTS_NOT_RECORDS = {"reports/charts.py", "reports/render/docx.py"}


def test_nothing_but_actions_and_migrations_call_save_on_domain_models():
    offenders = []
    for app in (
        "organisation",
        "practice",
        "measures",
        "evaluation",
        "workforce",
        "qualitative",
        "reports",
        "privacy",
    ):
        for path in (SRC / app).rglob("*.py"):
            if path.name == "actions.py" or {"actions", "migrations"} & set(path.parts):
                continue
            if str(path.relative_to(SRC)) in SAVES_DOCUMENTS_NOT_RECORDS:
                assert ".objects.create(" not in path.read_text()
                assert "models" not in {n.split(".")[-1] for n in _imports(path)}, path
                continue
            if ".save(" in path.read_text() or ".objects.create(" in path.read_text():
                offenders.append(str(path.relative_to(SRC)))
    assert not offenders, f"Writes outside actions.py: {offenders}"
