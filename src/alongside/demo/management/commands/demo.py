"""`alongside demo`: an embedded database with a synthetic programme, ready to sign in to."""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from alongside.core.periods import current
from alongside.demo.generator import DEFAULT_SEED, DEMO_PASSWORD, PERSONAS
from alongside.demo.loader import DemoRefused, load_programme
from alongside.demo.models import DemoLoad
from alongside.demo.qualitative import SECOND_EVALUATOR
from alongside.demo.scales import SCALES
from alongside.organisation.models import Membership


class Command(BaseCommand):
    help = (
        "Create the database, load a synthetic peer support programme (once), print a login "
        "for each role and serve the app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="seed",
            help="seed: the 26-PSW programme of the evaluation; region: ~300 PSWs; "
            "national: ~3,000 PSWs, 150,000 service users, 5 million contacts and a "
            "200,000-response survey (best on PostgreSQL).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Random seed; the same seed loads the same programme.",
        )
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="Address and port to serve on."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Load and print logins, then stop."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo accounts share a published password: never let them near real data.
        if settings.PRODUCTION:
            raise CommandError(
                "alongside demo creates accounts with a known password and is refused when "
                "ALONGSIDE_ENV=production."
            )
        scale = SCALES[options["scale"]]
        seed: int = options["seed"]
        addr: str = options["addr"]
        call_command("migrate", interactive=False, verbosity=0)

        existing = DemoLoad.objects.filter(scale=scale.name).first()
        if existing is not None:
            self.stdout.write(
                f"The {scale.name} demo programme is already loaded "
                f"(seed {existing.seed}, {timezone.localtime(existing.loaded_at):%Y-%m-%d %H:%M}); "
                "nothing added."
            )
        else:
            self.stdout.write(f"Loading the {scale.name} demo programme (seed {seed})...")
            self.stdout.write(f"  {'stage':<26} {'written':>17} {'time':>10} {'rate':>14}")
            started = time.perf_counter()
            try:
                _, counts = load_programme(
                    scale=scale, seed=seed, today=timezone.localdate(), report=self._say
                )
            except DemoRefused as refused:
                raise CommandError(str(refused)) from refused
            elapsed = time.perf_counter() - started
            self.stdout.write("Loaded:")
            for kind, count in counts.items():
                self.stdout.write(f"  {count:>10,}  {kind.replace('_', ' ')}")
            self.stdout.write(self.style.SUCCESS(f"Loaded in {elapsed:.1f} s."))

        self._print_logins(addr)
        if not options["no_serve"]:
            call_command("serve", bind=addr)

    def _say(self, line: str) -> None:
        """A line of the load's progress, shown at once."""
        self.stdout.write(line)
        self.stdout.flush()

    def _print_logins(self, addr: str) -> None:
        self.stdout.write(
            f"\nSign in at http://{addr}{reverse('login')} with password {DEMO_PASSWORD!r} as:"
        )
        # The second coder of the qualitative demo, printed beside the first.
        logins = [
            name
            for persona in PERSONAS
            for name in ((persona, SECOND_EVALUATOR) if persona == "evaluator" else (persona,))
        ]
        users = get_user_model()._default_manager.filter(username__in=logins)
        by_username = {user.get_username(): user for user in users}
        for username in logins:
            user = by_username.get(username)
            if user is None:
                continue
            roles = [
                f"{m.get_role_display()}, {m.team}" if m.team else m.get_role_display()
                for m in Membership.objects.filter(current(), person__user=user)
                .select_related("team")
                .order_by("role")
            ]
            self.stdout.write(f"  {username:<12} {'; '.join(roles)}")
