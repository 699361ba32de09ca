"""Production settings, and personal data kept out of logs and error pages."""

import logging
import os
import subprocess
import sys

import pytest

from alongside.core.logging import NoPersonalDataFilter
from alongside.evaluation.pseudonym_key import create_key_file


def _run(env_extra, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "alongside", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run({"ALONGSIDE_ENV": "production", "ALLOWED_HOSTS": "example.org"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = _run({"ALONGSIDE_ENV": "production", "SECRET_KEY": "k" * 60}, "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_to_start_without_the_pseudonym_key(tmp_path):
    result = _run(
        {
            "ALONGSIDE_ENV": "production",
            "SECRET_KEY": "a-long-random-secret-" + "q8Z" * 20,
            "ALLOWED_HOSTS": "alongside.example.org",
            "ALONGSIDE_DATA_DIR": str(tmp_path),
        },
        "check",
    )
    assert result.returncode != 0
    assert "alongside.E101" in result.stderr
    assert "pseudonym key file" in result.stderr
    assert not (tmp_path / "keys" / "pseudonym.key").exists()


def test_production_settings_pass_the_deploy_check(tmp_path):
    # A production installation creates its pseudonym key first (docs/deployment.md).
    create_key_file(tmp_path / "keys" / "pseudonym.key")
    result = _run(
        {
            "ALONGSIDE_ENV": "production",
            "SECRET_KEY": "a-long-random-secret-" + "q8Z" * 20,
            "ALLOWED_HOSTS": "alongside.example.org",
            "ALONGSIDE_DATA_DIR": str(tmp_path),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr


def test_the_log_filter_drops_the_request_and_query_strings():
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Bad: %s", ("/x?q=Niamh",), None
    )
    record.request = object()
    NoPersonalDataFilter().filter(record)
    assert record.request is None
    assert "Niamh" not in record.getMessage()


@pytest.mark.django_db
def test_a_404_for_someone_elses_record_logs_no_name(personas, client_for, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client_for("psw").get(
            f"/practice/service-users/{personas.su_b.pk}/?name=Declan-on-caseload-B"
        )
    assert response.status_code == 404
    assert "Declan-on-caseload-B" not in caplog.text
    assert "Declan-on-caseload-B" not in response.text
