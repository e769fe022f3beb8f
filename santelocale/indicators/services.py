"""Operations on indicators."""

from santelocale.indicators.enums import Direction, IndicatorKind
from santelocale.indicators.models import Indicator


class IndicatorError(ValueError):
    """An indicator was refused; ``messages`` lists every problem in French."""

    def __init__(self, messages: list[str]):
        super().__init__(" ; ".join(messages))
        self.messages = messages


def add_indicator(
    contract, *, name: str, kind: str, unit: str = "", direction: str = "", source: str = ""
) -> Indicator:
    """Define an evaluation indicator of ``contract``; refuses an empty name, an unknown kind or direction,
    and a name the contract already uses."""
    problems = []
    name = name.strip()
    if not name:
        problems.append("L’intitulé de l’indicateur est obligatoire.")
    if kind not in IndicatorKind.values:
        problems.append("Choisissez le type d’indicateur : processus, résultat ou impact.")
    if direction and direction not in Direction.values:
        problems.append(f"Sens d’amélioration inconnu : « {direction} ».")
    if name and contract.indicators.filter(name__iexact=name).exists():
        problems.append(f"L’indicateur « {name} » existe déjà pour ce contrat.")
    if problems:
        raise IndicatorError(problems)
    return Indicator.objects.create(
        contract=contract, name=name, kind=kind, unit=unit.strip(), direction=direction, source=source.strip()
    )
