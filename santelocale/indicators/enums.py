from django.db import models


class IndicatorKind(models.TextChoices):
    PROCESS = "PROCESS", "Processus (mise en œuvre)"
    RESULT = "RESULT", "Résultat"
    IMPACT = "IMPACT", "Impact"


class Direction(models.TextChoices):
    UP = "UP", "À la hausse"
    DOWN = "DOWN", "À la baisse"
    STABLE = "STABLE", "Stabilité"
