"""Studies from the command line: load, register, import (all or nothing), consent, withdrawal."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from alongside.core.models import AuditEvent
from alongside.evaluation import actions
from alongside.evaluation.actions import studies as study_actions
from alongside.evaluation.models import ConsentPurpose, Participant, Response, Study
from alongside.evaluation.queries import counted_answers, counted_participants
from tests.pseudonyms import by_code, codes, open_code

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "psw-impact"
MINIMAL = """slug: psw-impact
title: Impact of peer support workers
sites:
  - {code: CHO1, name: "Region one"}
cohorts:
  - {code: service-users, name: Service users}
approvals:
  - {site: CHO1, cohort: service-users, status: approved}
instruments:
  service-users: [su-experience]
"""
pytestmark = pytest.mark.django_db


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args):
    call_command("study", *args)


def fail(*args, capsys):
    with pytest.raises(CommandError) as caught:
        run(*args)
    return caught.value, capsys.readouterr().err.splitlines()


def test_the_minimal_study_loads(tmp_path):
    run("load", write(tmp_path, "s.yaml", MINIMAL))
    study = Study.objects.get(slug="psw-impact")
    assert study.approvals.get().status == "approved"
    assert study.cohorts.get().instruments.get().instrument_version.code == "su-experience"


def test_a_broken_study_file_loads_nothing(tmp_path, capsys):
    path = write(tmp_path, "s.yaml", MINIMAL.replace("status: approved", "status: ok"))
    error, lines = fail("load", path, capsys=capsys)
    assert str(error) == "1 problem(s): nothing was loaded."
    assert lines == [
        f"{path}: approvals[0]: field 'status': must be one of approved, pending, refused, "
        "not-applicable, got 'ok'"
    ]
    assert not Study.objects.exists()


def test_updating_refuses_to_remove_a_site_with_participants(tmp_path, capsys):
    two_sites = MINIMAL.replace(
        '  - {code: CHO1, name: "Region one"}\n',
        '  - {code: CHO1, name: "Region one"}\n  - {code: CHO2, name: "Region two"}\n',
    ).replace(
        "approvals:\n", "approvals:\n  - {site: CHO2, cohort: service-users, status: approved}\n"
    )
    run("load", write(tmp_path, "s.yaml", two_sites))
    run(
        "participants",
        "psw-impact",
        write(
            tmp_path, "p.csv", "participant,cohort,site,method\nA,service-users,CHO2,interview\n"
        ),
    )
    path = write(tmp_path, "s2.yaml", MINIMAL)
    _, lines = fail("load", path, capsys=capsys)
    assert lines == [
        f"{path}: the file removes site CHO2, which already has participants: keep it in the file"
    ]
    assert Study.objects.get().sites.count() == 2


def test_the_example_loads_and_reimporting_changes_nothing(capsys):
    run("load", str(EXAMPLE / "study.yaml"))
    run("participants", "psw-impact", str(EXAMPLE / "participants.csv"))
    run(
        "import",
        "psw-impact",
        str(EXAMPLE / "service-users.csv"),
        "--cohort",
        "service-users",
        "--instrument",
        "su-experience",
    )
    before = list(Response.objects.values_list("id", "answers").order_by("id"))
    run(
        "import",
        "psw-impact",
        str(EXAMPLE / "service-users.csv"),
        "--cohort",
        "service-users",
        "--instrument",
        "su-experience",
    )
    assert list(Response.objects.values_list("id", "answers").order_by("id")) == before
    assert "0 added, 0 replaced, 32 unchanged" in capsys.readouterr().out
    # participants.csv registers the 8 interviewed and all 82 surveyed (with their team types).
    assert Participant.objects.count() == 8 + 82
    imports = AuditEvent.objects.filter(object_type="evaluation.response")
    assert imports.count() == 2
    assert imports.first().detail["responses_unchanged"] == 32


def test_a_bad_row_writes_nothing_and_every_problem_is_printed(tmp_path, capsys):
    run("load", write(tmp_path, "s.yaml", MINIMAL))
    path = write(
        tmp_path,
        "r.csv",
        "participant,site,method,valued\nA,CHO1,online-survey,4\nB,CHO2,online-survey,9\n",
    )
    error, lines = fail(
        "import",
        "psw-impact",
        path,
        "--cohort",
        "service-users",
        "--instrument",
        "su-experience",
        capsys=capsys,
    )
    assert str(error) == "2 problem(s): nothing was imported."
    assert (
        lines[0]
        == f"{path}: row 3, column 'site', value 'CHO2': unknown site (the study's sites are: CHO1)"
    )
    assert lines[1].startswith(f"{path}: row 3, column 'valued', value '9': not on the scale")
    assert not Participant.objects.exists()
    assert not Response.objects.exists()


def test_a_corrected_file_replaces_the_answers(tmp_path):
    run("load", write(tmp_path, "s.yaml", MINIMAL))
    args = ("--cohort", "service-users", "--instrument", "su-experience")
    run(
        "import",
        "psw-impact",
        write(tmp_path, "r.csv", "participant,site,method,valued\nA,CHO1,online-survey,4\n"),
        *args,
    )
    run(
        "import",
        "psw-impact",
        write(tmp_path, "r.csv", "participant,site,method,valued\nA,CHO1,online-survey,Somewhat\n"),
        *args,
    )
    assert Response.objects.get().answers == {"valued": 2}


@pytest.mark.parametrize("path", ["participants", "import"])
def test_no_path_adds_a_participant_without_approval(tmp_path, capsys, path):
    run("load", write(tmp_path, "s.yaml", MINIMAL.replace("status: approved", "status: pending")))
    if path == "participants":
        args = (
            "participants",
            "psw-impact",
            write(
                tmp_path,
                "p.csv",
                "participant,cohort,site,method\nA,service-users,CHO1,interview\n",
            ),
        )
    else:
        args = (
            "import",
            "psw-impact",
            write(tmp_path, "r.csv", "participant,site,method,valued\nA,CHO1,online-survey,4\n"),
            "--cohort",
            "service-users",
            "--instrument",
            "su-experience",
        )
    _, lines = fail(*args, capsys=capsys)
    assert lines[0].endswith(
        "row 2, column 'site', value 'CHO1': site CHO1, cohort service-users has no ethics "
        "approval (status: pending)"
    )
    assert not Participant.objects.exists()


def test_require_approval_names_site_cohort_and_status(tmp_path):
    run("load", write(tmp_path, "s.yaml", MINIMAL.replace("status: approved", "status: refused")))
    study = Study.objects.get()
    with pytest.raises(ValidationError) as caught:
        actions.require_approval(study=study, site=study.sites.get(), cohort=study.cohorts.get())
    assert caught.value.messages == [
        "site CHO1, cohort service-users has no ethics approval (status: refused)"
    ]


@pytest.mark.parametrize("keep_data", [True, False])
def test_withdrawal_leaves_the_person_out_of_every_count(tmp_path, keep_data):
    run("load", write(tmp_path, "s.yaml", MINIMAL))
    run(
        "import",
        "psw-impact",
        write(
            tmp_path,
            "r.csv",
            "participant,site,method,valued\nA,CHO1,online-survey,4\nB,CHO1,paper-survey,\n",
        ),
        "--cohort",
        "service-users",
        "--instrument",
        "su-experience",
    )
    study = Study.objects.get()
    a = Participant.objects.get(**by_code("A"))
    actions.record_consent(
        by=None,
        participant=a,
        purpose=ConsentPurpose.TAKE_PART,
        given=True,
        information_sheet_version="2.1",
        date=datetime.date(2025, 2, 1),
    )
    assert len(counted_participants(study)) == 2
    actions.withdraw_participant(by=None, participant=a, keep_data=keep_data)
    rows = counted_participants(study)
    assert [r.pseudonym for r in rows] == [Participant.objects.get(**by_code("B")).pseudonym]
    assert rows[0].site == "CHO1"
    assert rows[0].team_type is None
    assert [(r.item, r.value) for r in counted_answers(study)] == [("valued", None)]
    assert Response.objects.filter(participant=a).exists() is keep_data
    with pytest.raises(ValidationError):
        actions.withdraw_participant(by=None, participant=a, keep_data=True)


# --- large files: checked whole, then written in batches in one transaction -------------------


def su_args():
    return ("--cohort", "service-users", "--instrument", "su-experience")


def test_a_bad_last_row_writes_nothing_even_after_whole_batches(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(study_actions, "BATCH", 2)
    run("load", write(tmp_path, "s.yaml", MINIMAL))
    rows = "".join(f"S-{n},CHO1,online-survey,{n % 5}\n" for n in range(7))
    path = write(tmp_path, "r.csv", "participant,site,method,valued\n" + rows + "S-0,CHO1,,\n")
    error, lines = fail("import", "psw-impact", path, *su_args(), capsys=capsys)
    assert str(error) == "2 problem(s): nothing was imported."
    assert lines == [
        f"{path}: row 9, column 'participant', value 'S-0': appears twice (also on row 2)",
        f"{path}: row 9, column 'method', value '': must be one of online-survey, "
        "paper-survey, interview, focus-group",
    ]
    assert not Participant.objects.exists()
    assert not Response.objects.exists()


def test_batches_add_replace_and_keep_answers_and_number_pseudonyms_over_the_file(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(study_actions, "BATCH", 3)
    run("load", write(tmp_path, "s.yaml", MINIMAL))
    header = "participant,site,method,valued\n"
    first = "".join(f"S-{n},CHO1,online-survey,{n % 5}\n" for n in range(5))
    run("import", "psw-impact", write(tmp_path, "r.csv", header + first), *su_args())
    # S-1 and S-3 change, the rest stay; S-5 to S-7 are new, some in a batch with known people.
    second = "".join(
        f"S-{n},CHO1,paper-survey,{(n + 1) % 5 if n in (1, 3) else n % 5}\n" for n in range(8)
    )
    capsys.readouterr()
    run("import", "psw-impact", write(tmp_path, "r.csv", header + second), *su_args())
    assert "8 row(s); 3 new participant(s); responses: 3 added, 2 replaced, 3 unchanged" in (
        capsys.readouterr().out
    )
    answers = {
        open_code(sealed): given
        for sealed, given in Response.objects.values_list("participant__code_sealed", "answers")
    }
    assert answers == {
        f"S-{n}": {"valued": (n + 1) % 5 if n in (1, 3) else n % 5} for n in range(8)
    }
    assert Response.objects.count() == 8
    pseudonyms = sorted(Participant.objects.values_list("pseudonym", flat=True))
    assert pseudonyms == [f"P-{n:04d}" for n in range(1, 9)]
    # The first import numbered its five people 1 to 5 in some order, the second 6 to 8.
    assert {
        p
        for c, p in zip(
            codes(Participant.objects.all()),
            Participant.objects.values_list("pseudonym", flat=True),
            strict=True,
        )
        if c in {"S-5", "S-6", "S-7"}
    } == {"P-0006", "P-0007", "P-0008"}
    assert all(p.created_at is not None for p in Participant.objects.all())
    assert all(r.created_at is not None for r in Response.objects.all())
    # A known one is kept.
    assert Participant.objects.get(**by_code("S-0")).method == "online-survey"


def test_participants_register_in_batches_from_an_open_file(tmp_path, monkeypatch):
    monkeypatch.setattr(study_actions, "BATCH", 2)
    run("load", write(tmp_path, "s.yaml", MINIMAL))
    path = Path(
        write(
            tmp_path,
            "p.csv",
            "participant,cohort,site,method,team_type\n"
            + "".join(f"S-{n},service-users,CHO1,interview,t{n}\n" for n in range(5)),
        )
    )
    study = Study.objects.get()
    with path.open("rb") as file:
        result = actions.import_participants(by=None, study=study, data=file, filename=path.name)
        again = actions.import_participants(by=None, study=study, data=file, filename=path.name)
    assert (result.rows, result.participants_created) == (5, 5)
    assert (again.rows, again.participants_created) == (5, 0)
    assert {
        open_code(sealed): team
        for sealed, team in Participant.objects.values_list("code_sealed", "team_type")
    } == {f"S-{n}": f"t{n}" for n in range(5)}
    assert not Participant.objects.filter(withdrawn_at__isnull=False).exists()
    assert all(p.keep_data_on_withdrawal for p in Participant.objects.all())
