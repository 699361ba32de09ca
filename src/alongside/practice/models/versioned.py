from django.db import models


class Versioned(models.Model):
    """A record people edit in forms: its version number detects a lost update.

    An edit form carries the version it was read at; the action refuses to save if the stored
    version has moved on since (someone else saved first) and bumps it otherwise.
    """

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
