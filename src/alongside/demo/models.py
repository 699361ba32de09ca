from typing import ClassVar

from django.db import models


class DemoLoad(models.Model):
    """Marks that the synthetic programme was loaded, so a second `alongside demo` adds nothing."""

    seed = models.IntegerField()
    scale = models.CharField(max_length=16)
    loaded_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scale"], name="demo_load_once_per_scale")]

    def __str__(self) -> str:
        return f"demo {self.scale} (seed {self.seed})"
