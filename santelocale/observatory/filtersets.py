"""The declared filters of the observatory's registry: its page, its CSV and GeoJSON downloads, the
coverage page and ``/api/observatoire`` share ``RegistryFilterSet``.

A bad value is ignored with a French warning on a page, refused with 400 by a download and with 422 by the
API (``utils.filtersets``). The contracts a filter keeps are the service's rules (``services.narrow``:
a family counts a running contract past its end date with the ended ones; a period keeps the contracts
valid at some point of it).
"""

from santelocale.contracts.enums import ContractKind
from santelocale.contracts.models import Contract
from santelocale.observatory.services import STATUS_FILTER_CHOICES, YEAR_RANGE, RegistryFilters, narrow
from santelocale.territories.models import Department, Region
from santelocale.utils.filtersets import (
    CodeFilter,
    FilterSet,
    KeywordFilter,
    SearchTextFilter,
    WholeNumberFilter,
)


def _year(label: str) -> WholeNumberFilter:
    return WholeNumberFilter(
        min_value=YEAR_RANGE[0],
        max_value=YEAR_RANGE[1],
        error_messages={
            "invalid": f"{label} invalide : « %(value)s » (attendu : une année, par exemple 2024). "
            "Filtre ignoré.",
            "out_of_range": f"{label} hors limites : « %(value)s » (entre %(min)s et %(max)s). "
            "Filtre ignoré.",
        },
    )


class RegistryFilterSet(FilterSet):
    """Région, département, type, statut or family, generation, period (``du``/``au``, years) and free
    text (``q``) of the registry; ``RegistryFilters`` (``registry_filters()``) is what the services and
    the templates read."""

    region = CodeFilter(
        queryset=Region.objects.all(),
        error_messages={"invalid_choice": "Région inconnue : « %(value)s ». Filtre ignoré."},
    )
    departement = CodeFilter(
        queryset=Department.objects.select_related("region"),
        error_messages={"invalid_choice": "Département inconnu : « %(value)s ». Filtre ignoré."},
    )
    type = KeywordFilter(
        choices=ContractKind.choices,
        error_messages={
            "invalid_choice": "Type inconnu : « %(value)s » (attendu : CLS ou CLSM). Filtre ignoré."
        },
    )
    statut = KeywordFilter(
        choices=STATUS_FILTER_CHOICES,
        error_messages={"invalid_choice": "Statut inconnu : « %(value)s ». Filtre ignoré."},
    )
    generation = WholeNumberFilter(
        min_value=1,
        max_value=20,
        digits_only=True,
        error_messages={
            "invalid": "Génération invalide : « %(value)s » (attendu : 1, 2, 3…). Filtre ignoré."
        },
    )
    du = _year("Année de début")
    au = _year("Année de fin")
    q = SearchTextFilter()

    class Meta:
        model = Contract
        fields: list[str] = []

    def clean(self, form, cleaned_data: dict) -> None:
        """A département outside the chosen région is ignored; a period given backwards is put in order."""
        region, department = cleaned_data.get("region"), cleaned_data.get("departement")
        if region is not None and department is not None and department.region_id != region.pk:
            form.add_error(
                "departement",
                f"Le département {department} n’est pas dans la région {region.name}. "
                "Filtre département ignoré.",
            )
        year_from, year_to = cleaned_data.get("du"), cleaned_data.get("au")
        if year_from and year_to and year_from > year_to:
            self.notes.append(f"Période inversée ({year_from} après {year_to}) : remise dans l’ordre.")
            cleaned_data["du"], cleaned_data["au"] = year_to, year_from

    def registry_filters(self) -> RegistryFilters:
        """The accepted values, as the services read them (a refused value is left empty)."""
        values = self.values
        return RegistryFilters(
            region=values.get("region"),
            department=values.get("departement"),
            kind=values.get("type", ""),
            status=values.get("statut", ""),
            generation=values.get("generation"),
            year_from=values.get("du"),
            year_to=values.get("au"),
            text=values.get("q", ""),
        )

    def filter_queryset(self, queryset):
        return narrow(queryset, self.registry_filters())


def parse_filters(params) -> tuple[RegistryFilters, list[str]]:
    """Read the registry filters from query parameters (a ``QueryDict`` or a ``dict``).

    Returns the filters and a list of French warnings, one per value that was ignored: unknown région,
    département, type or status, a département outside the chosen région, a generation or a year that is
    not a number. A range given backwards (``du=2025&au=2020``) is put back in order, with a warning.
    """
    filterset = RegistryFilterSet(params, Contract.objects.none())
    return filterset.registry_filters(), filterset.warnings
