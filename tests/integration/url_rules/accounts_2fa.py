"""Two-step sign-in: one's own pages for everyone signed in; resetting someone's for admins.

Without an authenticator, the code, recovery-code and removal pages send the person on (302).
"""

from tests.integration.url_rules import ALL, Rule, roles

RULES: dict[str, Rule] = {
    "two_factor": Rule(allowed=ALL),
    "two_factor_setup": Rule(allowed=ALL),
    "two_factor_verify": Rule(allowed=ALL, ok_status=(302,)),
    "two_factor_recovery_codes": Rule(allowed=ALL, ok_status=(302,)),
    "two_factor_remove": Rule(allowed=ALL, ok_status=(302,)),
    "two_factor_reset": Rule(
        allowed=roles("admin"),
        kwargs=lambda p: {"pk": p.psw.pk},
        secret=lambda p: p.psw.full_name,
    ),
}
