"""The load test's simulated people (`make load`, docs/performance.md).

Each simulated user signs in as one of the demo personas (`alongside demo`, password
`alongside-demo`) and repeats that role's journey with a few seconds' thought between pages:

* a peer support worker opens the caseload, a person's record, their contacts and goals, and
  logs a contact (the form as the page pre-fills it, with a note);
* a supervisor opens the supervisees and each one's caseload;
* an evaluator opens the studies, a study, its item summaries, and downloads an export;
* a programme lead opens the dashboard and the programme and organisation pages.

Addresses are found by following the links on the pages, as a person would, so the journeys do
not depend on record numbers. Requests are named by page (numbers replaced by `[id]`), which is
how locust's statistics group them. At the end the p50/p95 of each page is written as JSON to
$LOAD_SUMMARY (if set); locust exits non-zero if any request failed.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

PASSWORD = "alongside-demo"  # noqa: S105 (the demo personas' published password)
NUMBER = re.compile(r"/\d+(?=/)")


def page_name(path: str) -> str:
    return NUMBER.sub("/[id]", path.split("?", 1)[0])


class _Page(HTMLParser):
    """Links and POST forms of a page (action -> the values the page fills in)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: dict[str, dict[str, list[str]]] = {}
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None

    def form(self, path: str) -> dict[str, list[str]] | None:
        """The form that posts to PATH (or to its own page, with no action)."""
        return self.forms.get(path, self.forms.get(""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "").lower() == "post":
            self._form = self.forms.setdefault(a.get("action", ""), {})
        elif self._form is not None:
            name = a.get("name")
            if tag == "input" and name:
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                if kind not in ("submit", "button"):
                    self._form.setdefault(name, []).append(a.get("value", ""))
            elif tag == "select" and name:
                self._select = name
            elif tag == "option" and self._select and "selected" in a:
                self._form.setdefault(self._select, []).append(a.get("value", ""))
            elif tag == "textarea" and name:
                self._form.setdefault(name, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


class Person(HttpUser):
    abstract = True
    wait_time = between(2, 6)
    username = ""

    def on_start(self) -> None:
        form = parse(self.get("/accounts/login/")).form("/accounts/login/") or {}
        token = form.get("csrfmiddlewaretoken", [""])[0]
        with self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="/accounts/login/ (sign in)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} could not sign in ({response.status_code})")

    def get(self, path: str) -> str:
        """GET a page (following redirects), counted under its page name; its HTML."""
        with self.client.get(path, name=page_name(path), catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path}: {response.status_code}")
                return ""
            if "/accounts/login/" in response.url and not path.startswith("/accounts/"):
                response.failure(f"{path}: signed out")
                return ""
            return response.text

    def links(self, html: str, pattern: str) -> list[str]:
        found = re.compile(pattern)
        return sorted({link for link in parse(html).links if found.fullmatch(link.split("?")[0])})


class PeerSupportWorker(Person):
    weight = 4
    username = "psw"

    @task
    def caseload_contact_goals(self) -> None:
        caseload = self.get("/practice/caseload/")
        people = self.links(caseload, r"/practice/service-users/\d+/")
        if not people:
            return
        person = random.choice(people)
        record = self.get(person)
        self.get(f"{person}contacts/")
        for goal in self.links(record, r"/practice/goals/\d+/")[:2]:
            self.get(goal)
        self.log_contact(f"{person}contacts/new/")

    def log_contact(self, path: str) -> None:
        form = parse(self.get(path)).form(path)
        if form is None:
            return
        data = {**form, "note": ["Met for coffee; talked through the week ahead."]}
        with self.client.post(
            path, data, name=f"{page_name(path)} (save)", catch_response=True
        ) as response:
            if response.status_code != 200 or "field-error" in response.text:
                errors = re.findall(r'class="field-error"[^>]*>(.*?)</p>', response.text, re.S)
                response.failure(f"contact not saved ({response.status_code}): {errors[:3]}")


class Supervisor(Person):
    weight = 2
    username = "supervisor"

    @task
    def supervisees(self) -> None:
        listed = self.get("/practice/supervisees/")
        for caseload in self.links(listed, r"/practice/supervisees/\d+/caseload/")[:3]:
            self.get(caseload)


class Evaluator(Person):
    weight = 2
    username = "evaluator"

    @task
    def study_items_export(self) -> None:
        studies = self.get("/evaluation/")
        found = self.links(studies, r"/evaluation/[a-z0-9-]+/")
        if not found:
            return
        study = random.choice(found)
        page = self.get(study)
        self.get(f"{study}items/")
        exports = self.links(page, rf"{re.escape(study)}export/[a-z0-9-]+/")
        if exports:
            self.get(random.choice(exports))


class ProgrammeLead(Person):
    weight = 2
    username = "lead"

    @task
    def dashboard_and_programme(self) -> None:
        self.get("/reports/dashboard/")
        self.get("/practice/programme/")
        teams = self.get("/organisation/teams/")
        for team in self.links(teams, r"/organisation/teams/\d+/")[:1]:
            self.get(team)


@events.quitting.add_listener
def write_summary(environment, **kwargs) -> None:
    target = os.environ.get("LOAD_SUMMARY")
    if not target:
        return
    stats = environment.stats
    pages = {}
    for entry in sorted(stats.entries.values(), key=lambda e: (e.name, e.method)):
        pages[f"{entry.method} {entry.name}"] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": round(entry.max_response_time or 0),
        }
    total = stats.total
    summary = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "users": getattr(environment.parsed_options, "num_users", None),
        "run_time": getattr(environment.parsed_options, "run_time", None),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "requests_per_second": round(total.total_rps, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "pages": pages,
    }
    Path(target).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
