"""`alongside study load STUDY.yaml`, `participants SLUG FILE`, `import SLUG FILE`,
`export SLUG --format F --out FILE` and `members SLUG [--add USER] [--remove USER]`.

Each is all or nothing: every problem is printed (file, row, column, value) and nothing is
written unless the whole input is sound.
"""

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.evaluation import actions, queries
from alongside.evaluation.access import may_see_identifiers, open_codes_for_user
from alongside.evaluation.downloads import EXPORT_FORMATS
from alongside.evaluation.example import ExampleError, load_example_manifest
from alongside.evaluation.imports import ImportRejected
from alongside.evaluation.models import Study
from alongside.evaluation.pseudonym_key import PseudonymKeyError
from alongside.evaluation.report_text import report_text
from alongside.evaluation.study_data import report_for, study_data
from alongside.evaluation.studyfile import StudyFileError, load_study_file
from alongside.measures import actions as measures_actions
from alongside.measures.definitions import DefinitionError, load_definition_file, version_key
from alongside.measures.models import InstrumentVersion

PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = "Load evaluation studies and import their participants and responses."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("load", help="Create or update a study from its YAML file.")
        load.add_argument("file")
        load.add_argument(
            "--instrument", action="append", default=[], dest="instruments", metavar="FILE"
        )
        people = sub.add_parser("participants", help="Register participants from a CSV or XLSX.")
        people.add_argument("slug")
        people.add_argument("file")
        imp = sub.add_parser("import", help="Import one cohort's answers to one instrument.")
        imp.add_argument("slug")
        imp.add_argument("file")
        imp.add_argument("--cohort", required=True)
        imp.add_argument("--instrument", required=True, dest="instrument")
        export = sub.add_parser(
            "export", help="Export a study's data, de-identified (pseudonyms only)."
        )
        export.add_argument("slug")
        export.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
        export.add_argument("--out", required=True)
        export.add_argument("--as", dest="username", help="Whose export this is, for the audit.")
        export.add_argument(
            "--identifiers",
            action="store_true",
            help=(
                "Add participant codes (wide-csv, xlsx, sav): --as an administrator who is a "
                "member allowed them."
            ),
        )
        example = sub.add_parser(
            "example",
            help="Load a complete example study (its example.yaml) and print its report.",
        )
        example.add_argument("folder", nargs="?", default="examples/psw-impact")
        members = sub.add_parser("members", help="List, add or remove a study's evaluators.")
        members.add_argument("slug")
        members.add_argument("--add", action="append", default=[], metavar="USERNAME")
        members.add_argument("--remove", action="append", default=[], metavar="USERNAME")
        members.add_argument(
            "--identifiers",
            action="store_true",
            help=(
                "Those added may export participant codes instead of pseudonyms (administrators "
                "only)."
            ),
        )

    def _export(self, options: dict[str, Any]) -> None:
        study = self._study(options["slug"])
        user = None
        if options["username"]:
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user {options['username']!r}.")
        chosen = EXPORT_FORMATS[options["format"]]
        identified = options["identifiers"]
        if identified and not chosen.carries_identifiers:
            raise CommandError(f"{options['format']} never carries participant codes.")
        if identified and (user is None or not may_see_identifiers(user, study)):
            raise CommandError(
                "--identifiers adds participant codes: give --as USERNAME of an administrator "
                "who is a member of the study allowed to see them (`alongside study members "
                "SLUG --add USER --identifiers`)."
            )
        data = study_data(study)
        identifiers = None
        if identified:
            try:
                identifiers = open_codes_for_user(user, queries.sealed_codes(study))
            except PseudonymKeyError as error:
                raise CommandError(str(error)) from error
        out = Path(options["out"])
        # Written beside, then moved into place: a failure part way leaves no half file.
        partial = out.with_name(out.name + ".part")
        try:
            with partial.open("wb") as file:
                for part in chosen.parts(data, identifiers):
                    file.write(part)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
        with transaction.atomic():
            audit.record(
                actor=user,
                action=AuditAction.EXPORT,
                obj=study,
                detail={
                    "format": options["format"],
                    "participants": data.participant_total,
                    "identifiers": identified,
                },
            )
        kind = "with participant codes" if identified else "pseudonyms only"
        self.stdout.write(
            f"{study.slug}: {len(data.participants)} participant(s) exported to {out} "
            f"({options['format']}, {kind})."
        )

    def _example(self, options: dict[str, Any]) -> None:
        folder = Path(options["folder"])
        try:
            manifest = load_example_manifest(folder / "example.yaml")
        except ExampleError as error:
            self._fail(error.problems)
        with transaction.atomic():
            loaded = self._load({"file": str(manifest.study), "instruments": manifest.instruments})
            slug = loaded.slug
            for name in manifest.participants:
                self._participants({"slug": slug, "file": str(name)})
            for response in manifest.responses:
                self._import(
                    {
                        "slug": slug,
                        "file": str(response.file),
                        "cohort": response.cohort,
                        "instrument": response.instrument,
                    }
                )
        study = self._study(slug)
        self.stdout.write("")
        self.stdout.write(report_text(report_for(study_data(study), suppress=True)))

    def _members(self, options: dict[str, Any]) -> None:
        study = self._study(options["slug"])
        users = get_user_model().objects
        names = options["add"] + options["remove"]
        found = {u.get_username(): u for u in users.filter(username__in=names)}
        missing = [name for name in names if name not in found]
        if missing:
            self._fail([f"no user {name!r}" for name in missing], "changed")
        try:
            with transaction.atomic():
                for name in options["add"]:
                    actions.add_study_member(
                        by=None,
                        study=study,
                        user=found[name],
                        may_see_identifiers=options["identifiers"],
                    )
                for name in options["remove"]:
                    actions.remove_study_member(by=None, study=study, user=found[name])
        except ValidationError as error:
            self._fail(error.messages, "changed")
        for member in study.members.select_related("user").order_by("user__username"):
            identifiers = " (may see identifiers)" if member.may_see_identifiers else ""
            self.stdout.write(f"{member.user.get_username()}{identifiers}")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"])(options)

    def _fail(self, problems: tuple[str, ...] | list[str], what: str = "loaded") -> NoReturn:
        for line in problems:
            self.stderr.write(line)
        raise CommandError(f"{len(problems)} problem(s): nothing was {what}.")

    def _load(self, options: dict[str, Any]) -> Study:
        instruments, problems = [], []
        for name in options["instruments"]:
            try:
                instruments.append(load_definition_file(name))
            except DefinitionError as error:
                problems.extend(error.problems)
        if problems:
            self._fail(problems)
        available: dict[str, list[str]] = {}
        for code, version in InstrumentVersion.objects.values_list("code", "version"):
            available.setdefault(code, []).append(version)
        for instrument in instruments:
            available.setdefault(instrument.code, []).append(instrument.version)
        for versions in available.values():
            versions.sort(key=version_key)
        try:
            definition = load_study_file(options["file"], available=available)
        except StudyFileError as error:
            self._fail(error.problems)
        try:
            with transaction.atomic():
                measures_actions.load_instruments(by=None, instruments=instruments)
                study, created = actions.load_study(by=None, definition=definition)
        except DefinitionError as error:
            self._fail(error.problems)
        except ValidationError as error:
            self._fail([f"{options['file']}: {message}" for message in error.messages])
        state = "created" if created else "updated"
        self.stdout.write(
            f"study {study.slug}: {state} ({study.sites.count()} sites, "
            f"{study.cohorts.count()} cohorts, {study.approvals.count()} approvals)"
        )
        return study

    def _study(self, slug: str) -> Study:
        study = Study.objects.filter(slug=slug).first()
        if study is None:
            raise CommandError(f"No study {slug!r}: load its YAML file with `study load` first.")
        return study

    def _read(self, name: str) -> bytes:
        try:
            return Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"{name}: cannot read the file: {error.strerror}") from error

    def _progress(self, done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or (done == total and total >= PROGRESS_EVERY):
            width = 30
            filled = width * done // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    def _participants(self, options: dict[str, Any]) -> None:
        study = self._study(options["slug"])
        name = options["file"]
        try:
            result = actions.import_participants(
                by=None,
                study=study,
                data=self._read(name),
                filename=name,
                progress=self._progress,
            )
        except ImportRejected as error:
            self._fail([f"{name}: {p}" for p in error.problems], "imported")
        except ValidationError as error:
            self._fail([f"{name}: {m}" for m in error.messages], "imported")
        self.stdout.write(
            f"{name}: {result.rows} row(s); {result.participants_created} participant(s) "
            f"registered, {result.rows - result.participants_created} already known"
        )

    def _import(self, options: dict[str, Any]) -> None:
        study = self._study(options["slug"])
        name = options["file"]
        try:
            result = actions.import_responses(
                by=None,
                study=study,
                cohort_code=options["cohort"],
                instrument_code=options["instrument"],
                data=self._read(name),
                filename=name,
                progress=self._progress,
            )
        except ImportRejected as error:
            self._fail([f"{name}: {p}" for p in error.problems], "imported")
        except ValidationError as error:
            self._fail([f"{name}: {m}" for m in error.messages], "imported")
        self.stdout.write(
            f"{name}: {result.rows} row(s); {result.participants_created} new participant(s); "
            f"responses: {result.responses_created} added, {result.responses_replaced} "
            f"replaced, {result.responses_unchanged} unchanged"
        )
