"""What the API shows of an indicator and of its values, declared once for the contracts and plans APIs."""

from ninja import Field, Schema

from santelocale.api.schemas import Choice
from santelocale.indicators.enums import Direction, IndicatorKind


# An indicator as the contract lists it.
class IndicatorOut(Schema):
    id: int = Field(description="identifiant de l’indicateur")
    name: str = Field(description="intitulé")
    kind: Choice(IndicatorKind) = Field(description="type : processus, résultat ou impact")
    kind_label: str = Field(description="type, en clair")
    unit: str = Field(description="unité")
    direction: Choice(Direction, blank=True) = Field(description="sens de l’amélioration, ou vide")
    source: str = Field(description="source des données")

    @staticmethod
    def resolve_kind_label(indicator) -> str:
        return indicator.get_kind_display()


# The target and the actual value of an indicator for one period.
class IndicatorValueOut(Schema):
    period: str = Field(description="période : 2026, 2026-S1, 2026-T3 ou 2026-05")
    target: float | None = Field(description="cible")
    actual: float | None = Field(description="valeur constatée")
    numerator: float | None = Field(description="numérateur")
    denominator: float | None = Field(description="dénominateur")
    comment: str = Field(description="commentaire")
    source: str = Field(description="source")
    version: int = Field(description="version (verrouillage optimiste : change à chaque modification)")


# An indicator with its definition and its values (a fiche's indicators).
class IndicatorDetailOut(IndicatorOut):
    numerator: str = Field(description="numérateur (définition)")
    denominator: str = Field(description="dénominateur (définition)")
    baseline: float | None = Field(description="valeur de référence")
    baseline_period: str = Field(description="période de référence")
    values: list[IndicatorValueOut] = Field(description="cibles et valeurs par période")
