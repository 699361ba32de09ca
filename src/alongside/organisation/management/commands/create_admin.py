"""`alongside create_admin`: the first administrator of a new installation.

Every other account is made in the browser by an administrator; this command makes the first.
The person, their login and their administrator role are written by the same actions the pages
use, in one transaction, each audited.
"""

import getpass
import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from alongside.core.access import RoleCode
from alongside.organisation import actions

PASSWORD_VARIABLE = "ALONGSIDE_ADMIN_PASSWORD"  # noqa: S105 (a variable name, not a password)


class Command(BaseCommand):
    help = "Create an administrator: a person, their login and the administrator role."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--given-name", required=True)
        parser.add_argument("--family-name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get(PASSWORD_VARIABLE) or self._ask_password()
        try:
            with transaction.atomic():
                person = actions.create_person(
                    by=None,
                    given_name=options["given_name"],
                    family_name=options["family_name"],
                    email=options["email"],
                )
                user = actions.create_login(by=None, person=person, username=options["username"])
                validate_password(password, user)
                actions.set_password(by=None, user=user, password=password)
                actions.add_membership(
                    by=None,
                    person=person,
                    team=None,
                    role=RoleCode.ADMINISTRATOR,
                    discipline="",
                    contracted_hours=None,
                    fte=None,
                    start=timezone.localdate(),
                    end=None,
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Administrator {options['username']!r} created.")

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(f"Set {PASSWORD_VARIABLE} or run this command in a terminal.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
