"""`alongside serve`: the production web server (gunicorn), with static files by whitenoise."""

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Path without the query string: queries can carry search terms such as a person's name.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(L)ss'


class Command(BaseCommand):
    help = "Serve Alongside with gunicorn, after collecting static files for whitenoise."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("ALONGSIDE_BIND", "127.0.0.1:8000"),
            help="Address and port (default 127.0.0.1:8000, or ALONGSIDE_BIND).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "2")),
            help="Worker processes (default 2, or WEB_CONCURRENCY).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("ALONGSIDE_THREADS", "4")),
            help="Threads per worker (default 4, or ALONGSIDE_THREADS).",
        )
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.wsgiapp import run

        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = options["bind"]
        self.stdout.write(f"Serving Alongside on http://{bind}/ (Ctrl-C to stop)")
        sys.argv = [
            "gunicorn",
            "alongside.wsgi:application",
            f"--bind={bind}",
            f"--workers={options['workers']}",
            # Threaded workers: a long download (a national study's export) keeps one thread
            # busy while the worker goes on answering, and is not killed after 30 seconds as a
            # sync worker would be: the worker's heartbeat runs apart from its requests.
            "--worker-class=gthread",
            f"--threads={options['threads']}",
            # One request a connection, as with sync workers: a kept-alive connection that the
            # server closes just as the client sends on it again fails that request (seen once
            # in the load test with gunicorn's 2-second keep-alive). nginx in front opens a
            # connection per request anyway.
            "--keep-alive=0",
            "--access-logfile=-",
            f"--access-logformat={ACCESS_LOG_FORMAT}",
            "--logger-class=alongside.core.access_log.AccessLogger",
        ]
        run()
