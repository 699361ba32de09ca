"""Moving the dashboard's change note on when measures data changes.

The dashboard caches its measures tables under the practice rollups' change note for the teams
it shows (`alongside.practice.rollups.version`). Practice records move that note on themselves;
these receivers move it on when an administration is saved or deleted (for the service user's
team), and when a schedule or an instrument version changes (for every team, since measures due
and scores depend on them). Administrations are only ever created and deleted through `save()`
and `delete()`, so the signals see every change the app makes; after bulk SQL, run
`alongside rollups rebuild`, which moves every note on.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from alongside.measures.models import Administration, InstrumentVersion, Schedule
from alongside.practice import rollups
from alongside.practice.models import ServiceUser


def _administration_changed(sender: type[Any], instance: Administration, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    team = (
        ServiceUser.objects.filter(pk=instance.service_user_id)
        .values_list("team_id", flat=True)
        .first()
    )
    rollups.note_changed(None if team is None else [team])


def _definitions_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    rollups.note_changed(None)


def connect() -> None:
    uid = "reports-changes"
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            _administration_changed, sender=Administration, dispatch_uid=f"{uid}-adm-{name}"
        )
        for model in (Schedule, InstrumentVersion):
            signal.connect(
                _definitions_changed, sender=model, dispatch_uid=f"{uid}-{model.__name__}-{name}"
            )
