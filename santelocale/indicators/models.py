"""Evaluation indicators. A contract's indicators are defined with its signatories before it is signed;
an indicator may also be attached to an axis (or objective) or to a fiche action of the plan, and records
its baseline, then a target and an actual value per period, each with a comment and its source."""

from django.db import models
from simple_history.models import HistoricalRecords

from santelocale.indicators.enums import Direction, IndicatorKind
from santelocale.utils.versioning import Versioned


class Indicator(models.Model):
    """A measure agreed to follow and evaluate a contract (process, result or impact), with its unit,
    the direction that means improvement, and where its figures come from."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="contrat", related_name="indicators", on_delete=models.CASCADE
    )
    section = models.ForeignKey(
        "plans.Section",
        verbose_name="axe ou objectif",
        related_name="indicators",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    action = models.ForeignKey(
        "plans.Action",
        verbose_name="fiche action",
        related_name="indicators",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    name = models.CharField("intitulé", max_length=255)
    kind = models.CharField("type", max_length=8, choices=IndicatorKind.choices)
    unit = models.CharField("unité", max_length=64, blank=True)
    direction = models.CharField(
        "sens de l’amélioration", max_length=8, choices=Direction.choices, blank=True
    )
    numerator = models.CharField("numérateur", max_length=255, blank=True)
    denominator = models.CharField("dénominateur", max_length=255, blank=True)
    baseline = models.DecimalField(
        "valeur de référence", max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_period = models.CharField("période de référence", max_length=16, blank=True)
    source = models.CharField("source des données", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["contract", "kind", "name"]

    def __str__(self):
        return self.name

    @property
    def attached_to(self) -> str:
        if self.action_id:
            return f"Fiche « {self.action.label} »"
        if self.section_id:
            return f"{self.section.get_kind_display()} « {self.section.label} »"
        return "Contrat"


class IndicatorValue(Versioned):
    """The target and the actual value of an indicator for one period (a year « 2026 », a half « 2026-S1 »,
    a quarter « 2026-T3 » or a month « 2026-05 »)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="indicateur", related_name="values", on_delete=models.CASCADE
    )
    period = models.CharField("période", max_length=16)
    target = models.DecimalField("cible", max_digits=16, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField("valeur constatée", max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField("numérateur", max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField("dénominateur", max_digits=16, decimal_places=4, null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)
    source = models.CharField("source", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "valeur d’indicateur"
        verbose_name_plural = "valeurs d’indicateurs"
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_value_per_indicator_period")
        ]

    def __str__(self):
        return f"{self.indicator} — {self.period}"
