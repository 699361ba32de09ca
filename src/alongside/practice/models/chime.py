from django.db import models


class Chime(models.TextChoices):
    """The five recovery processes (Leamy et al., 2011) that goals and contacts are tagged with."""

    CONNECTEDNESS = "connectedness", "Connectedness"
    HOPE = "hope", "Hope"
    IDENTITY = "identity", "Identity"
    MEANING = "meaning", "Meaning"
    EMPOWERMENT = "empowerment", "Empowerment"
