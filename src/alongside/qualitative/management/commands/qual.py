"""`alongside qual sources SLUG FILE... [--method M]`, `import FILE.qdpx --study SLUG`,
`export SLUG --out FILE.qdpx` and `suggest SLUG --out FILE.json`.

Each file is checked before anything is written; a malformed one is named with its line and
nothing from it is added.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.evaluation.models import Method, Study
from alongside.qualitative import actions, assist, refi
from alongside.qualitative.interchange import assist_inputs, exchange_project
from alongside.qualitative.models import Project

METHODS = (Method.INTERVIEW, Method.FOCUS_GROUP, Method.ONLINE_SURVEY)


class Command(BaseCommand):
    help = "Qualitative analysis: load transcripts, exchange REFI-QDA projects, suggest codes."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sources = sub.add_parser("sources", help="Add transcripts (.txt, .docx, .vtt, .srt).")
        sources.add_argument("slug")
        sources.add_argument("files", nargs="+", metavar="FILE")
        sources.add_argument("--method", choices=[m.value for m in METHODS], default="interview")
        sources.add_argument("--as", dest="username", help="Who adds them, for the audit.")
        imp = sub.add_parser("import", help="Import a REFI-QDA project (.qdpx) into a study.")
        imp.add_argument("file")
        imp.add_argument("--study", required=True)
        imp.add_argument("--as", dest="username", help="Who imports it, for the audit.")
        export = sub.add_parser("export", help="Export a study's project as REFI-QDA .qdpx.")
        export.add_argument("slug")
        export.add_argument("--out", required=True)
        export.add_argument("--codebook", help="Also write the codebook alone (.qdc) here.")
        suggest = sub.add_parser("suggest", help="Suggest codes for every uncoded segment.")
        suggest.add_argument("slug")
        suggest.add_argument("--out", required=True)
        suggest.add_argument("--method", choices=["auto", "embedding", "tfidf"], default="auto")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        return user

    def _study(self, slug: str) -> Study:
        study = Study.objects.filter(slug=slug).first()
        if study is None:
            raise CommandError(f"No study {slug!r}; `alongside study load` creates it.")
        return study

    def _project(self, slug: str) -> Project:
        project = Project.objects.filter(study=self._study(slug)).first()
        if project is None:
            raise CommandError(f"Study {slug!r} has no qualitative project yet.")
        return project

    def _sources(self, options: dict[str, Any]) -> None:
        by = self._user(options["username"])
        study = self._study(options["slug"])
        paths = [Path(name) for name in options["files"]]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        try:
            with transaction.atomic():
                project = actions.start_project(by=by, study=study)
                for path in paths:
                    source = actions.add_transcript(
                        by=by,
                        project=project,
                        data=path.read_bytes(),
                        filename=path.name,
                        method=options["method"],
                    )
                    self.stdout.write(
                        f"{path.name}: {source.segments.count()} segments, "
                        f"{source.speakers.count()} speakers"
                    )
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError("Nothing was added.") from error
        self.stdout.write(self.style.SUCCESS(f"Added {len(paths)} source(s) to {study.slug}."))

    def _import(self, options: dict[str, Any]) -> None:
        by = self._user(options["username"])
        study = self._study(options["study"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            read = refi.read_qdpx(path.read_bytes())
        except refi.RefiError as error:
            for problem in error.problems:
                self.stderr.write(f"{path}: {problem}")
            raise CommandError("Nothing was imported.") from error
        try:
            project, notes = actions.import_exchange(by=by, study=study, project_data=read.project)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for note in (*read.notes, *notes):
            self.stdout.write(f"note: {note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {project.sources.count()} source(s) and "
                f"{project.codes.count()} code(s) into {study.slug}."
            )
        )

    def _export(self, options: dict[str, Any]) -> None:
        project = self._project(options["slug"])
        data = exchange_project(project)
        out = Path(options["out"])
        with transaction.atomic():
            out.write_bytes(refi.qdpx_bytes(data))
            if options["codebook"]:
                Path(options["codebook"]).write_bytes(refi.codebook_xml(data.codes))
            audit.record(
                actor=None,
                action=AuditAction.EXPORT,
                obj=project,
                detail={"format": "qdpx", "sources": len(data.sources)},
            )
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({len(data.sources)} sources)."))

    def _suggest(self, options: dict[str, Any]) -> None:
        project = self._project(options["slug"])
        codes, segments = assist_inputs(project)

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done}/{total} segments")
            if done >= total:
                sys.stderr.write("\n")

        run = assist.suggest(codes, segments, method=options["method"], progress=progress)
        out = Path(options["out"])
        out.write_text(
            json.dumps([r.as_json() for r in run.results], ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(run.results)} suggestion list(s) to {out} "
                f"({run.method}, {run.model}; learned from {run.trained_on} coded segments)."
            )
        )
