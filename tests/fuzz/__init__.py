"""Fuzz tests: generated input for every parser and form (issue 9, docs/security.md).

Each test is declared with `fuzz(...)`, which is Hypothesis's `given` with the suite's budget and
a counter. The budget follows the Hypothesis profile (tests/conftest.py): `ci`, the default, runs
a few thousand cases across this folder; `nightly` (`make fuzz`) runs fifteen times as many. A test
whose cases are slow (a request, a database) takes a `share` of the profile's examples.
"""

import functools
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings

CASES: Counter[str] = Counter()


def fuzz(*strategies: Any, share: float = 1.0, **named: Any) -> Callable[[Any], Any]:
    def decorate(test: Callable[..., None]) -> Any:
        @functools.wraps(test)
        def counted(*args: Any, **kwargs: Any) -> None:
            CASES[f"{test.__module__}.{test.__name__}"] += 1
            test(*args, **kwargs)

        examples = max(1, round(settings.default.max_examples * share))
        return settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture,
                HealthCheck.data_too_large,
                HealthCheck.filter_too_much,
            ],
        )(given(*strategies, **named)(counted))

    return decorate
