"""`alongside serve` really serves: gunicorn answers; whitenoise serves hashed static files."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    # As a TLS-ending reverse proxy would forward it.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.enable_socket
def test_serve_answers_with_pages_and_static_files(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "ALONGSIDE_ENV": "production",
        "SECRET_KEY": "serve-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "ALONGSIDE_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    alongside = [sys.executable, "-m", "alongside"]
    subprocess.run([*alongside, "pseudonym_key", "create"], env=env, check=True, timeout=120)
    subprocess.run([*alongside, "migrate", "-v0"], env=env, check=True, timeout=120)
    server = subprocess.Popen(
        [*alongside, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = _get(f"{base}/accounts/login/")
                break
            except OSError:
                assert time.monotonic() < deadline, "alongside serve did not start"
                time.sleep(0.3)
        assert status == 200
        assert b"Sign in" in body
        assert "Content-Security-Policy" in headers
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        css_url = body.split(b'rel="stylesheet" href="')[1].split(b'"')[0].decode()
        assert css_url != "/static/alongside/alongside.css", "expected a hashed file name"
        css_status, css_headers, css = _get(base + css_url)
        assert css_status == 200
        assert b"--brand" in css
        assert "max-age=315360000" in css_headers["Cache-Control"]
        assert _get(f"{base}/")[0] == 200  # the login page, after a redirect
    finally:
        server.terminate()
        server.wait(timeout=30)
