"""`alongside instrument load FILE...`, `list`, `textpack FILE` and `import-response FILE`.

Loading is all or nothing: every file is validated first, every problem is printed (file,
place, field), and nothing is written unless all of them are sound.
"""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.core.access import Permission, has_permission
from alongside.measures import actions, fhir
from alongside.measures.definitions import DefinitionError, load_definition_file
from alongside.measures.models import InstrumentVersion
from alongside.measures.textpacks import TextPackError, load_text_pack_file


class Command(BaseCommand):
    help = "Load, list and exchange instrument definitions, text packs and responses."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("load", help="Validate and load definition files (all or none).")
        load.add_argument("files", nargs="+")
        load.add_argument("--text-pack", action="append", default=[], dest="packs")
        sub.add_parser("list", help="List loaded instruments and their text packs.")
        pack = sub.add_parser("textpack", help="Load an organisation's text pack.")
        pack.add_argument("files", nargs="+")
        imp = sub.add_parser(
            "import-response", help="Import FHIR QuestionnaireResponse files (all or none)."
        )
        imp.add_argument("files", nargs="+")
        imp.add_argument("--as", dest="username", required=True, help="The PSW recording them.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)

    def _fail(self, problems: tuple[str, ...] | list[str]) -> None:
        for line in problems:
            self.stderr.write(line)
        raise CommandError(f"{len(problems)} problem(s): nothing was loaded.")

    def _load(self, options: dict[str, Any]) -> None:
        problems: list[str] = []
        instruments = []
        for name in options["files"]:
            try:
                instruments.append(load_definition_file(name))
            except DefinitionError as error:
                problems.extend(error.problems)
        packs = []
        for name in options["packs"]:
            try:
                packs.append(load_text_pack_file(name))
            except TextPackError as error:
                problems.extend(error.problems)
        if problems:
            self._fail(problems)
        from django.db import transaction

        try:
            with transaction.atomic():
                loaded = actions.load_instruments(by=None, instruments=instruments)
                for pack in packs:
                    actions.load_text_pack(by=None, pack=pack)
        except (DefinitionError, TextPackError) as error:
            self._fail(error.problems)
        for row, new in loaded:
            state = "loaded" if new else "already loaded, unchanged"
            self.stdout.write(f"{row.code} {row.version}: {state} ({row.digest[:12]})")
        for pack in packs:
            self.stdout.write(f"text pack {pack.pack} for {pack.instrument} {pack.version}: loaded")

    def _textpack(self, options: dict[str, Any]) -> None:
        self._load({"files": [], "packs": options["files"]})

    def _list(self, options: dict[str, Any]) -> None:
        for row in InstrumentVersion.objects.prefetch_related("text_packs"):
            packs = ", ".join(p.pack for p in row.text_packs.all())
            wording = "ships wording" if row.ships_text else f"text pack: {packs or 'NONE LOADED'}"
            self.stdout.write(f"{row.code}\t{row.version}\t{row.title}\t{wording}")

    def _import_response(self, options: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        rows, problems = [], []
        for name in options["files"]:
            try:
                data = json.loads(Path(name).read_text(encoding="utf-8"))
                row = fhir.parse_response(data, source=name)
            except (OSError, ValueError) as error:
                problems.extend(getattr(error, "problems", [f"{name}: {error}"]))
                continue
            except RecursionError:
                problems.append(f"{name}: the JSON is nested too deeply to be a FHIR response")
                continue
            if not has_permission(user, Permission.RECORD_MEASURES) or row[
                "service_user"
            ].pk not in _reach(user):
                problems.append(f"{name}: subject: not on {user.get_username()}'s caseload")
                continue
            rows.append(row)
        if problems:
            self._fail(problems)
        try:
            saved = actions.import_administrations(by=user, rows=rows)
        except ValidationError as error:
            # A response that parses but cannot be stored (a date in the future, answers the
            # scoring refuses): reported like the rest, and nothing is written.
            self._fail(error.messages)
        self.stdout.write(f"{len(saved)} response(s) imported.")


def _reach(user: Any) -> set[int]:
    from alongside.core.access import principal_for
    from alongside.practice.access import caseload_ids

    return set(caseload_ids(principal_for(user), Permission.RECORD_MEASURES, supervised=False))
