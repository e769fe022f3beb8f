"""Evaluation indicators. A contract's indicators are defined with its signatories before it is signed;
the action-plan issue attaches indicators to axes and fiches actions and records their values."""

from django.db import models
from simple_history.models import HistoricalRecords

from santelocale.indicators.enums import Direction, IndicatorKind


class Indicator(models.Model):
    """A measure agreed to follow and evaluate a contract (process, result or impact), with its unit,
    the direction that means improvement, and where its figures come from."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="contrat", related_name="indicators", on_delete=models.CASCADE
    )
    name = models.CharField("intitulé", max_length=255)
    kind = models.CharField("type", max_length=8, choices=IndicatorKind.choices)
    unit = models.CharField("unité", max_length=64, blank=True)
    direction = models.CharField(
        "sens de l’amélioration", max_length=8, choices=Direction.choices, blank=True
    )
    source = models.CharField("source des données", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["contract", "kind", "name"]

    def __str__(self):
        return self.name
