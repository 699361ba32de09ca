"""Load the instrument definitions shipped in src/alongside/measures/instruments/.

A data migration does not import app code (STYLE.md) with one deliberate exception: the pure
definition parser (`measures.definitions`, no Django, no models), because a definition is only
ever stored as the validator understood it, with its digest. Models come from the migration
state. A version already present is left alone, so this is safe to run on any database.
"""

import json

from django.db import migrations


def load(apps, schema_editor):
    from alongside.measures.definitions import canonical_json, load_shipped_catalogue

    InstrumentVersion = apps.get_model("measures", "InstrumentVersion")
    Schedule = apps.get_model("measures", "Schedule")
    for instrument in load_shipped_catalogue():
        if InstrumentVersion.objects.filter(
            code=instrument.code, version=instrument.version
        ).exists():
            continue
        InstrumentVersion.objects.create(
            code=instrument.code,
            version=instrument.version,
            title=instrument.title,
            digest=instrument.digest,
            definition=json.loads(canonical_json(instrument)),
            ships_text=instrument.licence.ships_text,
            respondent=instrument.respondent or "",
            licence_note=instrument.licence.note,
            source=f"shipped: {instrument.code}-{instrument.version}.yaml",
        )
    # The CHIME check is the programme's routine measure: at the start, every 12 weeks, at the end.
    Schedule.objects.get_or_create(
        instrument_code="chime-support",
        defaults={"at_first_contact": True, "every_n_weeks": 12, "at_ending": True},
    )


def unload(apps, schema_editor):
    apps.get_model("measures", "Schedule").objects.filter(instrument_code="chime-support").delete()


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
