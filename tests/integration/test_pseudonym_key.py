"""The pseudonym key stored apart (issue 9, item 4; docs/decisions/0009-pseudonym-key.md).

Participant codes are stored only as a keyed digest and a sealed copy; the key is a file outside
the database; only the administrator role opens codes.
"""

import importlib
import stat
from io import StringIO

import pytest
from django.core.checks import Error
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from alongside.evaluation import pseudonym_key
from alongside.evaluation.access import open_codes_for_user
from alongside.evaluation.actions import add_study_member, import_participants
from alongside.evaluation.actions.paper import add_second_entry, enter_paper_form
from alongside.evaluation.checks import check_pseudonym_key
from alongside.evaluation.models import PaperEntry, PaperForm, Participant, Study
from alongside.evaluation.pseudonym_key import PseudonymKeyError
from alongside.measures.models import InstrumentVersion
from tests.integration.url_rules.evaluation import EXAMPLE, SLUG, load_example
from tests.integration.url_rules.evaluation_paper import evaluator, paper_study
from tests.pseudonyms import by_code, code_of, codes, make_administrator

pytestmark = pytest.mark.django_db


def _database_text():
    """Every row of every table, read with raw SQL, as one text."""
    parts = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def _key_paper_forms(study):
    """A form keyed twice (verified, registering SU-PAPER-1) and one waiting (SU-PAPER-2)."""
    first, second = evaluator(study), evaluator(study)
    place = {"site_code": "CHO1", "cohort_code": "service-users", "answers": {}}
    for reference, code in (("K-1", "SU-PAPER-1"), ("K-2", "SU-PAPER-2")):
        enter_paper_form(
            by=first,
            study=study,
            reference=reference,
            participant_code=code,
            instrument_code="su-experience",
            double_entry=True,
            **place,
        )
    add_second_entry(
        by=second,
        form=PaperForm.objects.get(reference="K-1"),
        participant_code="SU-PAPER-1",
        **place,
    )


def test_the_database_holds_no_participant_code_and_not_the_key(personas):
    load_example(personas)
    _key_paper_forms(paper_study())
    known = codes(Participant.objects.all())
    assert len(known) > 50
    assert {"SU-101", "SU-PAPER-1"} <= set(known)
    text = _database_text()
    assert [code for code in known if code in text] == []
    assert "SU-PAPER-2" not in text  # keyed on a form still waiting: digest and sealed only
    assert pseudonym_key.key_path().read_text().strip() not in text


def test_imports_match_people_by_digest_whatever_the_case_or_spaces(personas):
    study = load_example(personas)
    count = Participant.objects.count()
    person = Participant.objects.get(study=study, **by_code("SU-101"))
    again = import_participants(
        by=None,
        study=study,
        data=b"participant,cohort,site,method\n su-101 ,service-users,CHO1,interview\n",
        filename="again.csv",
    )
    assert again.participants_created == 0
    assert Participant.objects.count() == count
    assert code_of(Participant.objects.get(pk=person.pk)) == "SU-101"  # as first given


def test_only_the_administrator_role_opens_codes(personas):
    load_example(personas)
    sealed = dict(Participant.objects.values_list("pseudonym", "code_sealed")[:3])
    for persona in ("evaluator", "lead", "psw", "outsider"):
        with pytest.raises(PermissionDenied):
            open_codes_for_user(personas.user(persona), sealed)
    opened = open_codes_for_user(personas.user("admin"), sealed)
    assert {pseudonym_key.digest(code) for code in opened.values()} == set(
        Participant.objects.filter(pseudonym__in=sealed).values_list("code_digest", flat=True)
    )


def _identified_export(user):
    client = Client()
    client.force_login(user)
    return client.get(reverse("evaluation:export", args=[SLUG, "wide-csv"]), {"identifiers": "1"})


def test_without_the_key_file_opening_fails_clearly_and_no_new_key_is_made(
    personas, settings, tmp_path
):
    study = load_example(personas)
    make_administrator(personas.evaluator)
    add_study_member(
        by=None, study=study, user=personas.user("evaluator"), may_see_identifiers=True
    )
    assert _identified_export(personas.user("evaluator")).status_code == 200
    subject = Participant.objects.get(study=study, **by_code("SU-101"))
    gone = tmp_path / "keys" / "pseudonym.key"
    settings.ALONGSIDE_PSEUDONYM_KEY_FILE = gone
    with pytest.raises(PseudonymKeyError, match=r"is missing\. Restore it from its backup"):
        pseudonym_key.keyring()
    assert not gone.exists(), "a new key was made although participants exist"
    refused = _identified_export(personas.user("evaluator"))
    assert refused.status_code == 503
    assert "cannot be opened" in refused.content.decode()
    client = Client()
    client.force_login(personas.user("admin"))
    page = client.post(
        reverse("privacy:participant-export", args=[subject.pk]), {"request_reference": "SAR-9"}
    )
    assert page.status_code == 200
    assert "cannot be opened, so nothing was exported" in page.content.decode()
    with pytest.raises(CommandError, match="is missing"):
        call_command("pseudonym_key", "check", stdout=StringIO())


def test_another_key_does_not_open_the_codes(personas, settings, tmp_path):
    load_example(personas)
    other = tmp_path / "other.key"
    pseudonym_key.create_key_file(other)
    settings.ALONGSIDE_PSEUDONYM_KEY_FILE = other
    sealed = Participant.objects.values_list("code_sealed", flat=True).first()
    with pytest.raises(PseudonymKeyError, match="not the key they were sealed with"):
        pseudonym_key.keyring().unseal(sealed)
    with pytest.raises(CommandError, match="not the key they were sealed with"):
        call_command("pseudonym_key", "check", stdout=StringIO())


def test_outside_production_a_key_is_made_on_first_use_for_its_owner_only(settings, tmp_path):
    path = tmp_path / "keys" / "pseudonym.key"
    settings.ALONGSIDE_PSEUDONYM_KEY_FILE = path
    ring = pseudonym_key.keyring()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert ring.unseal(ring.seal("SU-1")) == "SU-1"
    assert ring.digest(" su-1") == ring.digest("SU-1") != ring.digest("SU-2")
    assert len(ring.digest("SU-1")) == 64
    pseudonym_key.forget()
    assert pseudonym_key.keyring().digest("SU-1") == ring.digest("SU-1")  # read back the same


def test_production_never_makes_a_key_and_will_not_start_without_one(settings, tmp_path):
    path = tmp_path / "pseudonym.key"
    settings.ALONGSIDE_PSEUDONYM_KEY_FILE = path
    settings.PRODUCTION = True
    with pytest.raises(PseudonymKeyError, match="is missing"):
        pseudonym_key.keyring()
    assert not path.exists()
    (problem,) = check_pseudonym_key(None)
    assert isinstance(problem, Error)
    assert "alongside pseudonym_key create" in problem.msg

    out = StringIO()
    call_command("pseudonym_key", "create", stdout=out)
    assert "Back it up now" in out.getvalue()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert check_pseudonym_key(None) == []
    with pytest.raises(CommandError, match="never replaced"):
        call_command("pseudonym_key", "create", stdout=StringIO())
    path.write_text("not a key\n")
    (problem,) = check_pseudonym_key(None)
    assert "does not hold a pseudonym key" in problem.msg


def test_a_new_key_is_refused_while_participants_exist(personas, settings, tmp_path):
    load_example(personas)
    settings.ALONGSIDE_PSEUDONYM_KEY_FILE = tmp_path / "new.key"
    with pytest.raises(CommandError, match="sealed with another key"):
        call_command("pseudonym_key", "create", stdout=StringIO())
    assert not (tmp_path / "new.key").exists()


def test_the_key_check_opens_the_stored_codes(personas):
    load_example(personas)
    out = StringIO()
    call_command("pseudonym_key", "check", stdout=out)
    assert "opens the stored codes (20 of" in out.getvalue()


def _shipped_instruments():
    """The instruments a migration loads, which an earlier test's flush may have emptied."""
    from django.apps import apps

    shipped = importlib.import_module("alongside.measures.migrations.0002_load_shipped_instruments")
    if not InstrumentVersion.objects.exists():
        shipped.load(apps, None)


@pytest.mark.django_db(transaction=True)
def test_a_backup_leaves_the_key_out_and_restores_with_the_same_key(personas, tmp_path):
    _shipped_instruments()
    load_example(personas)
    known = dict(
        zip(
            Participant.objects.values_list("pk", flat=True),
            codes(Participant.objects.all()),
            strict=True,
        )
    )
    backup = tmp_path / "alongside.backup"
    call_command("backup", "--out", str(backup), stdout=StringIO())
    key = pseudonym_key.key_path().read_bytes().strip()
    assert key not in backup.read_bytes()
    assert b"SU-101" not in backup.read_bytes()

    call_command("flush", interactive=False)
    assert not Participant.objects.exists()
    call_command("restore", str(backup), "--yes", stdout=StringIO())
    restored = {p.pk: code_of(p) for p in Participant.objects.all()}
    assert restored == known
    study = Study.objects.get(slug=SLUG)
    again = import_participants(
        by=None,
        study=study,
        data=(EXAMPLE / "participants.csv").read_bytes(),
        filename="participants.csv",
    )
    assert again.participants_created == 0  # still matched by digest


BEFORE_SEALING = [("evaluation", "0004_study_disclosure_threshold")]


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_seals_plain_codes_and_can_be_undone(personas):
    _shipped_instruments()
    study = paper_study()
    _key_paper_forms(study)
    expected = {p.pk: code_of(p) for p in Participant.objects.all()}
    forms = {f.reference: f.participant_digest for f in PaperForm.objects.all()}
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE_SEALING)
        old = MigrationExecutor(connection).loader.project_state(BEFORE_SEALING).apps
        plain = dict(old.get_model("evaluation", "Participant").objects.values_list("pk", "code"))
        assert plain == expected
        old_forms = old.get_model("evaluation", "PaperForm").objects
        assert dict(old_forms.values_list("reference", "participant_code")) == {
            "K-1": "SU-PAPER-1",
            "K-2": "SU-PAPER-2",
        }
        old_entries = old.get_model("evaluation", "PaperEntry").objects.order_by("pk")
        assert sorted(e.answers["participant_code"] for e in old_entries) == [
            "SU-PAPER-1",
            "SU-PAPER-1",
            "SU-PAPER-2",
        ]
        assert "SU-PAPER-2" in _database_text()
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert {p.pk: code_of(p) for p in Participant.objects.all()} == expected
    assert {p.code_digest for p in Participant.objects.all()} == {
        pseudonym_key.digest(code) for code in expected.values()
    }
    assert {f.reference: f.participant_digest for f in PaperForm.objects.all()} == forms
    entry = PaperEntry.objects.filter(form__reference="K-2").get()
    assert pseudonym_key.keyring().unseal(entry.answers["participant_sealed"]) == "SU-PAPER-2"
    assert entry.answers["participant_digest"] == pseudonym_key.digest("SU-PAPER-2")
    assert [c for c in expected.values() if c in _database_text()] == []
