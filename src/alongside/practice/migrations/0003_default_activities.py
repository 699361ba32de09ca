from django.db import migrations

ACTIVITIES = [
    ("emotional-support", "Emotional support"),
    ("practical-support", "Practical support"),
    ("community-connection", "Community connection"),
    ("navigating-services", "Navigating services"),
    ("rights-information", "Information on rights"),
    ("advocacy-to-team", "Advocacy to the team"),
    ("goal-work", "Goal work"),
    ("support-in-distress", "Support in distress"),
    ("sharing-lived-experience", "Sharing lived experience"),
    ("work-or-education", "Work or education"),
    ("other", "Other"),
]


def add_activities(apps, schema_editor):
    activity = apps.get_model("practice", "Activity")
    for order, (code, label) in enumerate(ACTIVITIES):
        activity.objects.get_or_create(code=code, defaults={"label": label, "order": order})


def remove_activities(apps, schema_editor):
    apps.get_model("practice", "Activity").objects.filter(
        code__in=[code for code, _ in ACTIVITIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("practice", "0002_practice_records")]

    operations = [migrations.RunPython(add_activities, remove_activities)]
