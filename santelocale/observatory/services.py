"""The registry of the observatory: the filters' values (read from a query string by
``observatory.filtersets``), and the contracts they select.

Everything is computed live from the contracts the requesting user may see
(``Contract.objects.restrict(user, "view")``: the public sees published contracts only). The exports of
the registry live in ``observatory.exports``, the coverage figures in ``observatory.coverage``.
"""

import datetime
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone

from santelocale.contracts.enums import (
    ACTIVE_STATUSES,
    ENDED_STATUSES,
    PROJECT_STATUSES,
    ContractKind,
    Status,
    StatusGroup,
)
from santelocale.contracts.models import Contract
from santelocale.territories.models import Department, Region
from santelocale.utils.text import fold, search_words

#: Years accepted in the period filter (the first CLS date from 2009; a margin either side).
YEAR_RANGE = (1990, 2100)
#: The ``statut`` filter accepts a status or one of the three map families.
STATUS_FILTER_CHOICES = [
    ("Familles", [(group.value, group.label) for group in StatusGroup]),
    ("Statuts", list(Status.choices)),
]
#: The three families of the maps, in legend order (value, label).
FAMILY_LEGEND = [(group.value, group.label) for group in StatusGroup]


@dataclass(frozen=True)
class RegistryFilters:
    """What the registry is narrowed to; every field empty means the whole visible registry.

    ``status`` is a ``Status`` value or a ``StatusGroup`` value (a family); ``year_from``/``year_to`` keep
    the contracts valid at some point of that range of years.
    """

    region: Region | None = None
    department: Department | None = None
    kind: str = ""
    status: str = ""
    generation: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    text: str = ""

    #: query-string name of each field (the page, the exports and the API share them)
    PARAMS = {
        "region": "region",
        "department": "departement",
        "kind": "type",
        "status": "statut",
        "generation": "generation",
        "year_from": "du",
        "year_to": "au",
        "text": "q",
    }

    def as_params(self) -> dict[str, str]:
        """Return the non-empty filters as query-string parameters."""
        params = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value in (None, ""):
                continue
            params[self.PARAMS[field.name]] = str(value.pk if hasattr(value, "pk") else value)
        return params

    def as_query(self) -> str:
        """Return the filters as a query string (``region=76&type=CLS``), empty when none is set."""
        return urlencode(self.as_params())

    @property
    def is_empty(self) -> bool:
        return not self.as_params()


def family_condition(group: str, today: datetime.date) -> Q:
    """Return the condition selecting a map family, as ``Contract.group`` defines it: a running contract
    past its end date counts with the ended ones."""
    running = Q(status__in=ACTIVE_STATUSES)
    overdue = running & Q(ends_on__lt=today)
    if group == StatusGroup.PROJECT:
        return Q(status__in=PROJECT_STATUSES)
    if group == StatusGroup.ACTIVE:
        return running & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return Q(status__in=ENDED_STATUSES) | overdue


def period_condition(year_from: int | None, year_to: int | None) -> Q:
    """Return the condition « valid at some point between 1 January ``year_from`` and 31 December
    ``year_to`` »: started by the end of the range and not ended before its start. A contract with no
    start date (not signed yet) is never valid."""
    condition = Q(starts_on__isnull=False)
    if year_to:
        condition &= Q(starts_on__lte=datetime.date(year_to, 12, 31))
    if year_from:
        condition &= Q(ends_on__isnull=True) | Q(ends_on__gte=datetime.date(year_from, 1, 1))
    return condition


def visible_contracts(user) -> QuerySet:
    """Return the contracts ``user`` may view (the public: published ones)."""
    return Contract.objects.restrict(user, "view")


def narrow(contracts: QuerySet, filters: RegistryFilters, today: datetime.date | None = None) -> QuerySet:
    """Return ``contracts`` narrowed to ``filters``. The free text matches the contract's name ignoring
    case, accents and punctuation; a family counts as ``Contract.group`` does (``family_condition``)."""
    today = today or timezone.localdate()
    if filters.region is not None:
        contracts = contracts.filter(region=filters.region)
    if filters.department is not None:
        contracts = contracts.filter(department=filters.department)
    if filters.kind:
        contracts = contracts.filter(kind=filters.kind)
    if filters.status in Status.values:
        contracts = contracts.filter(status=filters.status)
    elif filters.status in StatusGroup.values:
        contracts = contracts.filter(family_condition(filters.status, today))
    if filters.generation:
        contracts = contracts.filter(generation=filters.generation)
    if filters.year_from or filters.year_to:
        contracts = contracts.filter(period_condition(filters.year_from, filters.year_to))
    if folded := " ".join(search_words(filters.text)):
        # Names are folded in Python (as territory search does): the registry holds a few thousand rows.
        matching = [pk for pk, name in contracts.values_list("pk", "name") if folded in fold(name)]
        contracts = contracts.filter(pk__in=matching)
    return contracts


def registry(*, user, filters: RegistryFilters, today: datetime.date | None = None) -> QuerySet:
    """Return the contracts ``user`` may view that match ``filters`` (``narrow``), ordered by région,
    département and name, with région, département, perimeter (without its contour) and porteurs loaded.
    """
    return (
        narrow(visible_contracts(user), filters, today)
        .select_related("region", "department", "perimeter", "renews")
        .defer("perimeter__geometry", "perimeter__components", "perimeter__description")
        .prefetch_related("porteurs")
        .order_by("region__name", "department__code", "name", "pk")
    )


def filter_choices(region: Region | None = None) -> dict:
    """Return the options of the filter forms: régions, départements grouped by région (only those of
    ``region`` when one is chosen), types, statuses (families first), generations."""
    regions = list(Region.objects.order_by("name"))
    by_region: dict[str, list[Department]] = {}
    for department in Department.objects.order_by("code"):
        by_region.setdefault(department.region_id, []).append(department)
    shown = [region] if region is not None else regions
    return {
        "regions": regions,
        "departments": [(r, by_region.get(r.pk, [])) for r in shown],
        "kinds": ContractKind.choices,
        "statuses": STATUS_FILTER_CHOICES,
        "generations": [(n, "1re génération" if n == 1 else f"{n}e génération") for n in range(1, 5)],
    }
