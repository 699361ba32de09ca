"""Survey-link tokens never reach the access log."""

import datetime as dt
import logging

from gunicorn.config import Config

from alongside.core.access_log import AccessLogger, mask_secrets


def test_a_survey_link_path_is_masked():
    assert mask_secrets("/measures/s/abc123XYZ/") == "/measures/s/[token]/"
    assert mask_secrets("/practice/caseload/") == "/practice/caseload/"


class _Response:
    status = "200 OK"
    sent = 10
    headers = ()
    response_length = 10


class _Request:
    headers = ()
    uri = "/measures/s/SECRETTOKEN/?x=1"
    path = "/measures/s/SECRETTOKEN/"
    query = "x=1"
    method = "GET"
    version = (1, 1)


def test_the_logger_writes_no_token(caplog):
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/measures/s/SECRETTOKEN/?x=1",
        "PATH_INFO": "/measures/s/SECRETTOKEN/",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    atoms = logger.atoms(_Response(), _Request(), environ, dt.timedelta(seconds=0.1))
    assert "SECRETTOKEN" not in str(atoms.get("U"))
    assert "SECRETTOKEN" not in str(atoms.get("r"))
    logging.getLogger("gunicorn.access").handlers.clear()
