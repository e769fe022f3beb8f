"""The declared filters of the plans app's lists, shared by each list's page and API (``utils.filtersets``).

- ``FicheSearchFilterSet``: the search of published fiches, the page /fiches/ and ``GET /api/plans/fiches``
  (the page ignores an unknown value with a French warning, the API refuses it with 422);
- ``PlanTableFilterSet``: the filters of a plan's table (page and CSV), warned about and ignored.
"""

from santelocale.contracts.enums import ContractKind
from santelocale.contracts.models import RegionalTheme
from santelocale.plans.enums import ActionStatus, Vocabulary
from santelocale.plans.models import Action, Term
from santelocale.plans.search import SearchFilters, narrow
from santelocale.territories.models import Region
from santelocale.utils.filtersets import CodeFilter, FilterSet, KeywordFilter, SearchTextFilter


def _unknown(label: str) -> dict:
    return {"invalid_choice": f"{label} : « %(value)s ». Filtre ignoré."}


class FicheSearchFilterSet(FilterSet):
    """Free text (``q``), socle (``theme``, its id), public cible and type d’intervention (``public``,
    ``intervention``: a term's id), région (code INSEE), contract type (``type``) and fiche status
    (``statut``); ``search_filters()`` is what ``plans.search`` reads."""

    q = SearchTextFilter()
    theme = CodeFilter(
        queryset=RegionalTheme.objects.select_related("region"),
        numeric=True,
        error_messages=_unknown("Socle thématique inconnu"),
    )
    public = CodeFilter(
        queryset=Term.objects.filter(vocabulary=Vocabulary.PUBLIC),
        numeric=True,
        error_messages=_unknown("Public cible inconnu"),
    )
    intervention = CodeFilter(
        queryset=Term.objects.filter(vocabulary=Vocabulary.INTERVENTION),
        numeric=True,
        error_messages=_unknown("Type d’intervention inconnu"),
    )
    region = CodeFilter(queryset=Region.objects.all(), error_messages=_unknown("Région inconnue"))
    type = KeywordFilter(
        choices=ContractKind.choices,
        error_messages={
            "invalid_choice": "Type de contrat inconnu : « %(value)s » (attendu : CLS ou CLSM). "
            "Filtre ignoré."
        },
    )
    statut = KeywordFilter(choices=ActionStatus.choices, error_messages=_unknown("Statut de fiche inconnu"))

    class Meta:
        model = Action
        fields: list[str] = []

    def search_filters(self) -> SearchFilters:
        """The accepted values, as ``plans.search`` reads them (a refused value is left empty)."""
        values = self.values
        return SearchFilters(
            text=values.get("q", ""),
            theme=values.get("theme"),
            public=values.get("public"),
            intervention=values.get("intervention"),
            region=values.get("region"),
            kind=values.get("type", ""),
            status=values.get("statut", ""),
        )

    def filter_queryset(self, queryset):
        return narrow(queryset, self.search_filters())


def parse_search_filters(params) -> tuple[SearchFilters, list[str]]:
    """Read the search filters from query parameters (a ``QueryDict`` or a ``dict``): the filters, and a
    French warning for every unknown value (left out of the filters)."""
    filterset = FicheSearchFilterSet(params, Action.objects.none())
    return filterset.search_filters(), filterset.warnings
