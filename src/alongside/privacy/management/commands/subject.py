"""`alongside subject export --service-user ID | --participant STUDY:PSEUDONYM --out DIR
--reason TEXT`: everything held about one person, as JSON and PDF, audited with the reason.

The participant may also be named by their code (STUDY:CODE), found by its keyed digest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.evaluation import pseudonym_key
from alongside.evaluation.models import Participant
from alongside.evaluation.pseudonym_key import PseudonymKeyError
from alongside.practice.models import ServiceUser
from alongside.privacy import actions


def find_participant(value: str) -> Participant:
    slug, sep, pseudonym = value.partition(":")
    if not sep or not slug or not pseudonym:
        raise CommandError("Give the participant as STUDY:PSEUDONYM, for example wave-1:P0042.")
    found = Participant.objects.filter(study__slug=slug, pseudonym=pseudonym).first()
    if found is None:
        try:
            digest = pseudonym_key.digest(pseudonym)
        except PseudonymKeyError as error:
            raise CommandError(str(error)) from error
        found = Participant.objects.filter(study__slug=slug, code_digest=digest).first()
    if found is None:
        raise CommandError(f"No participant {pseudonym!r} in a study {slug!r}.")
    return found


class Command(BaseCommand):
    help = "Answer a data subject request: export everything held about one person."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="Write the person's records as JSON and PDF.")
        who = export.add_mutually_exclusive_group(required=True)
        who.add_argument("--service-user", type=int, metavar="ID", help="A service user's number.")
        who.add_argument(
            "--participant", metavar="STUDY:PSEUDONYM", help="Or STUDY:CODE, the study's code."
        )
        export.add_argument("--out", required=True, metavar="DIR")
        export.add_argument("--reason", required=True, help="The request's reference (audited).")
        export.add_argument("--as", dest="username", help="Who answers it, for the audit.")

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["username"]:
            by = get_user_model()._default_manager.filter(username=options["username"]).first()
            if by is None:
                raise CommandError(f"No user {options['username']!r}.")
        subject: ServiceUser | Participant
        if options["service_user"] is not None:
            found = ServiceUser.objects.filter(pk=options["service_user"]).first()
            if found is None:
                raise CommandError(f"No service user number {options['service_user']}.")
            subject = found
        else:
            subject = find_participant(options["participant"])
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        try:
            made = actions.export_subject(
                by=by, subject=subject, request_reference=options["reason"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        json_path = out / f"{made.name}.json"
        pdf_path = out / f"{made.name}.pdf"
        json_path.write_bytes(made.json_bytes)
        pdf_path.write_bytes(made.pdf_bytes)
        total = sum(made.counts.values())
        self.stdout.write(f"Wrote {json_path} and {pdf_path}: {total} records.")
        for label, count in made.counts.items():
            self.stdout.write(f"  {label}: {count}")
