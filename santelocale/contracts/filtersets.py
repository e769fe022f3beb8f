"""The declared filters of the contracts list: the page /contrats/ and ``GET /api/contrats`` share them.

A value that names nothing is refused with the parameter's name and what it accepts: the page shows it
above the list and ignores it, the API answers 422 (it used to answer ``[]``, as if no contract matched).
"""

from santelocale.contracts.enums import ContractKind, Status
from santelocale.contracts.models import Contract
from santelocale.territories.models import Department, Region
from santelocale.utils.filtersets import CodeFilter, FilterSet, KeywordFilter


def _expected(choices) -> str:
    values = [str(value) for value, _label in choices]
    return ", ".join(values[:-1]) + " ou " + values[-1]


class ContractFilterSet(FilterSet):
    """Type, statut, région (code INSEE) and département (code) of the contracts a user may see."""

    kind = KeywordFilter(
        choices=ContractKind.choices,
        error_messages={
            "invalid_choice": "Paramètre « kind » : type inconnu « %(value)s » "
            f"(attendu : {_expected(ContractKind.choices)})."
        },
    )
    status = KeywordFilter(
        choices=Status.choices,
        error_messages={
            "invalid_choice": "Paramètre « status » : statut inconnu « %(value)s » "
            f"(attendu : {_expected(Status.choices)})."
        },
    )
    region = CodeFilter(
        queryset=Region.objects.all(),
        error_messages={
            "invalid_choice": "Paramètre « region » : région inconnue « %(value)s » "
            "(attendu : le code INSEE d’une région, par exemple 76)."
        },
    )
    department = CodeFilter(
        queryset=Department.objects.all(),
        error_messages={
            "invalid_choice": "Paramètre « department » : département inconnu « %(value)s » "
            "(attendu : le code d’un département, par exemple 81 ou 2A)."
        },
    )

    class Meta:
        model = Contract
        fields: list[str] = []
