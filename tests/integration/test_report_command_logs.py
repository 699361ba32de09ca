"""`alongside report --format pdf` keeps WeasyPrint's step-by-step and font notes off the
screen unless asked for with -v 2, and leaves the loggers as it found them."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command

from alongside.reports.management.commands.report import CHATTY_LIBRARIES
from tests.integration.url_rules.evaluation import load_example


@pytest.fixture
def example(db):
    return load_example()


def _library_records(caplog):
    return [r for r in caplog.records if r.name.split(".")[0] in CHATTY_LIBRARIES]


@pytest.mark.parametrize(("verbosity", "shown"), [(1, False), (2, True)])
def test_weasyprint_notes_only_when_asked(example, tmp_path, caplog, verbosity, shown):
    before = [logging.getLogger(name).level for name in CHATTY_LIBRARIES]
    caplog.set_level(logging.INFO)
    call_command(
        "report",
        "psw-impact",
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "r.pdf"),
        verbosity=verbosity,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert bool(_library_records(caplog)) is shown
    assert [logging.getLogger(name).level for name in CHATTY_LIBRARIES] == before
