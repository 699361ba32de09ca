"""Episodes: only the PSW working with the person changes or ends the open episode."""

from tests.integration.url_rules import Rule, roles


def _episode(p):
    return {"pk": p.su_a.caseload_entries.get().pk}


RULES: dict[str, Rule] = {
    "practice:episode-status": Rule(
        allowed=roles("psw"), kwargs=_episode, secret=lambda p: p.su_a.preferred_name
    ),
    "practice:episode-end": Rule(
        allowed=roles("psw"), kwargs=_episode, secret=lambda p: p.su_a.preferred_name
    ),
}
