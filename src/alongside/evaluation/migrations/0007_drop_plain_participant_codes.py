"""Schema, step 3 of 3: the plain participant codes leave the database.

Each plain column is first given an empty default, so that going back can add it again to a
table that has rows (0006 in reverse then fills it from the sealed codes).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0006_seal_participant_codes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="participant",
            name="code",
            field=models.CharField(max_length=64, blank=True, default=""),
        ),
        migrations.RemoveField(
            model_name="participant",
            name="code",
        ),
        migrations.AlterField(
            model_name="participant",
            name="code_digest",
            field=models.CharField(
                max_length=64,
                help_text="Keyed digest (HMAC-SHA256) of the code given in the study's files.",
            ),
        ),
        migrations.AlterField(
            model_name="participant",
            name="code_sealed",
            field=models.TextField(
                help_text="The code given in the study's files, sealed with the pseudonym key."
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                fields=("study", "code_digest"), name="evaluation_participant_code_digest"
            ),
        ),
        migrations.AlterField(
            model_name="paperform",
            name="participant_code",
            field=models.CharField(max_length=64, blank=True, default=""),
        ),
        migrations.RemoveField(
            model_name="paperform",
            name="participant_code",
        ),
        migrations.AlterField(
            model_name="paperform",
            name="participant_digest",
            field=models.CharField(
                max_length=64,
                help_text="Keyed digest of the participant code keyed from the paper.",
            ),
        ),
    ]
