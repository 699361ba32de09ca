"""Places where higher apps add to practice pages without practice importing them.

Data flows one way (DESIGN.md): measures know about service users, never the reverse. So the
caseload asks whoever registered for "what is due for these people", and the measures app
answers when it is installed.
"""

from collections.abc import Callable, Iterable

# Given service user ids, return for some of them the short labels of what is due
# (for example "CHIME check (overdue)"). One call per page: a provider must answer in a fixed
# number of queries whatever the number of ids.
DueProvider = Callable[[list[int]], dict[int, list[str]]]
_due_providers: list[DueProvider] = []


def register_due_provider(provider: DueProvider) -> None:
    if provider not in _due_providers:
        _due_providers.append(provider)


def due_for(service_user_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(service_user_ids)
    due: dict[int, list[str]] = {}
    for provider in _due_providers:
        for service_user_id, labels in provider(ids).items():
            due.setdefault(service_user_id, []).extend(labels)
    return due
