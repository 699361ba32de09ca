"""Schema, step 1 of 3: room for the keyed digest and the sealed code beside the plain code.

0006 fills them from the plain codes; 0007 drops the plain codes and makes the digest unique per
study. The plain code's uniqueness constraint goes here, so that going back (0007 then 0006 in
reverse) can restore every code before the constraint returns.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0004_study_disclosure_threshold"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="participant",
            name="evaluation_participant_code",
        ),
        migrations.AddField(
            model_name="participant",
            name="code_digest",
            field=models.CharField(
                max_length=64,
                null=True,
                help_text="Keyed digest (HMAC-SHA256) of the code given in the study's files.",
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="code_sealed",
            field=models.TextField(
                default="",
                help_text="The code given in the study's files, sealed with the pseudonym key.",
            ),
        ),
        migrations.AddField(
            model_name="paperform",
            name="participant_digest",
            field=models.CharField(
                max_length=64,
                null=True,
                help_text="Keyed digest of the participant code keyed from the paper.",
            ),
        ),
        migrations.AlterField(
            model_name="studymember",
            name="may_see_identifiers",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Exports may carry participant codes, for a member who is also an "
                    "administrator."
                ),
            ),
        ),
    ]
