"""Operations on indicators: define one (on a contract, an axis or a fiche) and record its values."""

import re
from decimal import Decimal

from django.db import IntegrityError, transaction

from santelocale.indicators.enums import Direction, IndicatorKind
from santelocale.indicators.models import Indicator, IndicatorValue
from santelocale.utils.bounds import column_problems
from santelocale.utils.versioning import VersionConflict


class IndicatorError(ValueError):
    """An indicator was refused; ``messages`` lists every problem in French."""

    def __init__(self, messages: list[str]):
        super().__init__(" ; ".join(messages))
        self.messages = messages


def add_indicator(
    contract,
    *,
    name: str,
    kind: str,
    unit: str = "",
    direction: str = "",
    source: str = "",
    section=None,
    action=None,
    numerator: str = "",
    denominator: str = "",
    baseline: Decimal | None = None,
    baseline_period: str = "",
) -> Indicator:
    """Define an indicator of ``contract`` (or of one of its axes or fiches); refuses an empty name, an
    unknown kind or direction, a name already used at the same place, and an axis or fiche of another
    contract."""
    problems = []
    name = name.strip()
    if not name:
        problems.append("L’intitulé de l’indicateur est obligatoire.")
    if kind not in IndicatorKind.values:
        problems.append("Choisissez le type d’indicateur : processus, résultat ou impact.")
    if direction and direction not in Direction.values:
        problems.append(f"Sens d’amélioration inconnu : « {direction} ».")
    for owner, label in ((section, "L’axe"), (action, "La fiche")):
        if owner is not None and owner.contract_id != contract.pk:
            problems.append(f"{label} choisi(e) appartient à un autre contrat.")
    if baseline_period:
        problems += period_problems(baseline_period)
    problems += column_problems(
        Indicator,
        {"name": name, "unit": unit, "source": source, "numerator": numerator, "denominator": denominator}
        | {"baseline": baseline},
    )
    same_place = contract.indicators.filter(section=section, action=action)
    if name and same_place.filter(name__iexact=name).exists():
        problems.append(f"L’indicateur « {name} » existe déjà à cet endroit du contrat.")
    if problems:
        raise IndicatorError(problems)
    return Indicator.objects.create(
        contract=contract,
        section=section,
        action=action,
        name=name,
        kind=kind,
        unit=unit.strip(),
        direction=direction,
        source=source.strip(),
        numerator=numerator.strip(),
        denominator=denominator.strip(),
        baseline=baseline,
        baseline_period=baseline_period.strip(),
    )


_PERIOD = re.compile(r"^(?P<year>\d{4})(-(S[12]|T[1-4]|0[1-9]|1[0-2]))?$")


def period_problems(period: str) -> list[str]:
    """The French problem with ``period`` (empty when it is valid): a year « 2026 », a semester
    « 2026-S1 », a quarter « 2026-T3 » or a month « 2026-05 », of a year between 1990 and 2100."""
    match = _PERIOD.match(period.strip())
    if not match or not 1990 <= int(match["year"]) <= 2100:
        return [
            f"Période invalide : « {period} » (attendu : une année « 2026 », un semestre « 2026-S1 », "
            "un trimestre « 2026-T3 » ou un mois « 2026-05 »)."
        ]
    return []


@transaction.atomic
def record_value(
    indicator: Indicator,
    *,
    period: str,
    target: Decimal | None = None,
    actual: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    comment: str = "",
    source: str = "",
    version: int | None = None,
) -> IndicatorValue:
    """Record (or replace) the target and actual value of ``indicator`` for ``period``. With a numerator
    and a denominator and no actual value, the actual value is their ratio (in % when the unit is « % »).

    Replacing is optimistic-locked: a period already recorded is replaced only when ``version`` is the
    version of its value (the one the user saw); otherwise ``VersionConflict`` (with the current value) and
    nothing is written — two people entering the same period do not silently overwrite each other."""
    period = period.strip()
    problems = period_problems(period) + column_problems(
        IndicatorValue,
        {"target": target, "actual": actual, "numerator": numerator, "denominator": denominator}
        | {"comment": comment, "source": source},
    )
    if target is None and actual is None and numerator is None:
        problems.append("Saisissez au moins une cible ou une valeur constatée.")
    if denominator is not None and denominator == 0:
        problems.append("Le dénominateur ne peut pas être nul.")
    if (numerator is None) != (denominator is None):
        problems.append("Saisissez le numérateur et le dénominateur ensemble.")
    if problems:
        raise IndicatorError(problems)
    if actual is None and numerator is not None:
        ratio = numerator / denominator
        actual = (ratio * 100 if indicator.unit.strip() == "%" else ratio).quantize(Decimal("0.0001"))
    values = {
        "target": target,
        "actual": actual,
        "numerator": numerator,
        "denominator": denominator,
        "comment": comment.strip(),
        "source": source.strip(),
    }
    value = IndicatorValue.objects.select_for_update().filter(indicator=indicator, period=period).first()
    if value is None:
        try:
            with transaction.atomic():
                return IndicatorValue.objects.create(indicator=indicator, period=period, **values)
        except IntegrityError:  # the same period recorded at the same moment by someone else
            value = IndicatorValue.objects.get(indicator=indicator, period=period)
            raise VersionConflict(value, submitted_version=version, noun="la valeur") from None
    if version is None:
        raise VersionConflict(value, submitted_version=None, noun="la valeur")
    for name, new in values.items():
        setattr(value, name, new)
    value.save(expected_version=version)
    return value


def latest_value(indicator: Indicator):
    """The most recent period with an actual value, or None."""
    values = [v for v in indicator.values.all() if v.actual is not None]
    return max(values, key=lambda v: v.period) if values else None


def on_track(indicator: Indicator, value) -> bool | None:
    """Whether ``value`` meets its target in the direction of improvement (None when not comparable)."""
    if value is None or value.actual is None or value.target is None or not indicator.direction:
        return None
    if indicator.direction == Direction.UP:
        return value.actual >= value.target
    if indicator.direction == Direction.DOWN:
        return value.actual <= value.target
    return value.actual == value.target
