"""The declared filters of the plans app's lists, shared by each list's page and API (``utils.filtersets``).

- ``FicheSearchFilterSet``: the search of published fiches, the page /fiches/ and ``GET /api/plans/fiches``
  (the page ignores an unknown value with a French warning, the API refuses it with 422);
- ``PlanTableFilterSet``: the filters of a plan's table (page and CSV), warned about and ignored.
"""

import django_filters
from django import forms

from santelocale.contracts.enums import ContractKind
from santelocale.contracts.models import RegionalTheme
from santelocale.plans.enums import ActionStatus, Priority, Vocabulary
from santelocale.plans.forms_plan import SORTS, descendants_and_self, section_choices
from santelocale.plans.models import Action, Term
from santelocale.plans.search import SearchFilters, narrow
from santelocale.territories.models import Region
from santelocale.utils.filtersets import CodeFilter, FilterSet, KeywordFilter, SearchTextFilter
from santelocale.utils.forms import Form
from santelocale.utils.text import search_words


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


# --- The plan's table -------------------------------------------------------------------------------------


class FormFieldFilter(django_filters.Filter):
    """A filter whose field is the one the table's form has always shown (a checkbox, a select whose
    choices hold their own empty option)."""

    def __init__(self, *args, field_class=forms.CharField, **kwargs):
        self.field_class = field_class
        super().__init__(*args, **kwargs)


def _unchanged(queryset, _name, _value):
    """Filters the table applies to the fiches once read (late, pilot) or to their order (sort)."""
    return queryset


class PlanTableFilterSet(FilterSet):
    """The filters of a plan's table (page and CSV): text, axis or objective (with what is under it),
    status, priority, pilot, late, blocked, without pilot, confidential (for the contract's insiders), and
    the sort. A refused value is reported (``warnings``) and ignored.

    The queryset is narrowed here; « late », « without pilot » and the pilot's name are read once the
    fiches are loaded (``rows``), and the sort follows their progress (``plans.views_plan``)."""

    q = FormFieldFilter(
        label="Rechercher",
        max_length=200,
        help_text="Dans le numéro, le titre, le descriptif, les objectifs, l’opérateur, les partenaires.",
        method="filter_text",
    )
    axe = FormFieldFilter(label="Axe ou objectif", field_class=forms.ChoiceField, method="filter_section")
    statut = FormFieldFilter(
        field_name="status",
        label="Statut",
        field_class=forms.ChoiceField,
        choices=[("", "Tous les statuts"), *ActionStatus.choices],
    )
    priorite = FormFieldFilter(
        field_name="priority",
        label="Niveau de priorité",
        field_class=forms.ChoiceField,
        choices=[("", "Toutes les priorités"), *Priority.choices],
    )
    pilote = FormFieldFilter(label="Pilote", max_length=200, method=_unchanged)
    retard = FormFieldFilter(label="En retard", field_class=forms.BooleanField, method=_unchanged)
    bloquee = FormFieldFilter(label="Bloquées", field_class=forms.BooleanField, method="filter_blocked")
    sans_pilote = FormFieldFilter(label="Sans pilote", field_class=forms.BooleanField, method=_unchanged)
    confidentielle = FormFieldFilter(
        label="Confidentielles", field_class=forms.BooleanField, method="filter_confidential"
    )
    tri = FormFieldFilter(
        label="Trier par",
        field_class=forms.ChoiceField,
        choices=[
            ("", "Ordre du plan"),
            *SORTS.items(),
            *[(f"-{key}", f"{label} (décroissant)") for key, label in SORTS.items()],
        ],
        method=_unchanged,
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = Form

    def __init__(self, data=None, queryset=None, *, tree, insider: bool, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.tree = tree
        self.filters["axe"].extra["choices"] = section_choices(tree, empty="Tout le plan")
        if not insider:
            del self.filters["confidentielle"]

    @property
    def warnings(self) -> list[str]:
        form = self.form
        return [
            f"Filtre « {form.fields[name].label if name in form.fields else name} » ignoré : "
            f"valeur inconnue « {self.data.get(name, '')} »."
            for name in form.errors
        ]

    @property
    def chosen(self) -> dict:
        """The accepted filters and sort, by parameter name (a flag only when ticked)."""
        return {name: value for name, value in self.values.items() if value is not False}

    def display(self):
        """The form to show again: the filters kept, without the ignored values."""
        initial = {name: (str(value) if name == "axe" else value) for name, value in self.chosen.items()}
        return self.get_form_class()(initial=initial)

    def filter_text(self, queryset, _name, value):
        for word in search_words(value):
            queryset = queryset.filter(search_text__contains=" " + word)
        return queryset

    def filter_section(self, queryset, _name, value):
        return queryset.filter(section_id__in=descendants_and_self(int(value), self.tree))

    def filter_blocked(self, queryset, _name, value):
        return queryset.filter(status=ActionStatus.BLOCKED) if value else queryset

    def filter_confidential(self, queryset, _name, value):
        return queryset.filter(is_confidential=True) if value else queryset
