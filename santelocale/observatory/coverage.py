"""Coverage figures: who lives on a CLS or CLSM territory, which contrats de ville lie on one, and how many
contracts stood in each status at the end of each year.

Definitions (stated on the page too):

- a contract is **active** when it is signé, en mise en œuvre or en évaluation and not past its end date;
  **en projet** when en réflexion, préfiguration, diagnostic or élaboration;
- the **covered population** is the sum of the populations (COG 2026) of the distinct communes lying in
  the perimeter of at least one contract: a commune in two contracts counts once;
- a contrat de ville **lies on a CLS territory** when it shares at least one commune with the perimeter of
  an active or en projet CLS (the ARS Occitanie figure « 62 % des contrats de ville »);
- a contrat de ville **intersects an active CLSM** when the CLSM's perimeter covers at least one commune
  holding one of its QPV (the definition of the national CLSM resource centre). A QPV belongs to the
  contract when its communes are among the contract's communes. Where the bundle has no QPV for the
  contract's département (everywhere but Occitanie), the contract's own communes stand in for its QPV.

Only contracts the user may view count (the public: published ones).
"""

import bisect
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

from santelocale.contracts.enums import ACTIVE_STATUSES, ContractKind, Status, StatusGroup, status_group
from santelocale.contracts.models import StatusChange
from santelocale.observatory.services import visible_contracts
from santelocale.territories import geo
from santelocale.territories.models import (
    CityContract,
    Commune,
    Department,
    Perimeter,
    PriorityNeighbourhood,
    Region,
)
from santelocale.utils.iterables import chunked

KINDS = (ContractKind.CLS, ContractKind.CLSM)
#: Columns of the per-status timeline table (value, label).
STATUS_COLUMNS = list(Status.choices)


def family_of(status: str, ends_on: datetime.date | None, day: datetime.date) -> StatusGroup:
    """Return the map family of a contract in ``status`` on ``day`` (as ``Contract.group``: a running
    contract past its end date counts with the ended ones)."""
    if status in ACTIVE_STATUSES and ends_on is not None and ends_on < day:
        return StatusGroup.ENDED
    return status_group(status)


@dataclass(frozen=True)
class Share:
    """A part of a whole: ``count`` out of ``total``; ``share`` is ``None`` when the total is zero."""

    count: int
    total: int

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None


@dataclass
class PopulationRow:
    """Population of a territory covered by CLS and CLSM, active and including those en projet."""

    code: str
    name: str
    url: str
    population: int
    cls: Share
    cls_with_projects: Share
    clsm: Share
    clsm_with_projects: Share
    is_total: bool = False

    @property
    def figures(self) -> list[Share]:
        """The four figures in table order: CLS active, CLS with projects, CLSM active, CLSM with projects."""
        return [self.cls, self.cls_with_projects, self.clsm, self.clsm_with_projects]


@dataclass
class CityContractRow:
    """Contrats de ville of a territory: how many lie on a CLS territory, how many intersect an active
    CLSM, and how many of these were judged on their communes for want of QPV in the bundle."""

    code: str
    name: str
    total: int
    on_cls: Share
    with_clsm: Share
    without_qpv: int
    is_total: bool = False


@dataclass
class Coverage:
    """Everything the coverage page shows for a scope (France, a région or a département)."""

    scope_label: str
    region: Region | None
    department: Department | None
    today: datetime.date
    breakdown_label: str  # "région" or "département"
    population_rows: list[PopulationRow]
    population_total: PopulationRow  # France or the région
    city_rows: list[CityContractRow]
    city_total: CityContractRow
    #: the figures of the scope itself: the totals, or the chosen département's rows
    population_key: PopulationRow
    city_key: CityContractRow
    #: (kind, family) → number of contracts of the scope (by the contract's région / département)
    contract_counts: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class CityContractGeo:
    """A contrat de ville reduced to what the figures need. ``qpv_communes`` is ``None`` when the bundle
    has no QPV in the contract's département (its communes then stand in for its QPV)."""

    slug: str
    code: str
    name: str
    region: str
    department: str
    communes: frozenset[str]
    qpv_communes: frozenset[str] | None

    @property
    def intersection_communes(self) -> frozenset[str]:
        return self.communes if self.qpv_communes is None else self.qpv_communes


def city_contracts_geography() -> list[CityContractGeo]:
    """Return every contrat de ville with its région, communes and QPV communes (cached per bundle)."""
    key = f"observatory:city-contracts-geo:{geo.bundle_version()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    commune_region = dict(Commune.objects.values_list("code", "region_id"))
    communes: dict[int, set[str]] = defaultdict(set)
    for contract_id, code in CityContract.communes.through.objects.values_list(
        "citycontract_id", "commune_id"
    ):
        communes[contract_id].add(code)
    qpv_communes: dict[str, set[str]] = defaultdict(set)
    for qpv, code in PriorityNeighbourhood.communes.through.objects.values_list(
        "priorityneighbourhood_id", "commune_id"
    ):
        qpv_communes[qpv].add(code)
    qpv_departments = dict(PriorityNeighbourhood.objects.values_list("code", "department_id"))
    departments_with_qpv = set(qpv_departments.values())
    department_region = dict(Department.objects.values_list("code", "region_id"))
    result = []
    for contract in CityContract.objects.order_by("generation", "code"):
        own = frozenset(communes.get(contract.pk, ()))
        if contract.department_id:
            region = department_region[contract.department_id]
        else:
            regions = Counter(commune_region[code] for code in own)
            region = regions.most_common(1)[0][0] if regions else ""
        held = None
        if contract.department_id in departments_with_qpv:
            held = frozenset(
                code
                for qpv_codes in qpv_communes.values()
                if qpv_codes and qpv_codes <= own
                for code in qpv_codes
            )
        result.append(
            CityContractGeo(
                slug=contract.slug,
                code=contract.code,
                name=contract.name,
                region=region,
                department=contract.department_id or "",
                communes=own,
                qpv_communes=held,
            )
        )
    cache.set(key, result)
    return result


def _covered_communes(contracts: list[tuple], today: datetime.date) -> dict[tuple[str, str], set[str]]:
    """Return, for each (kind, "active" | "with_projects"), the communes covered by those contracts.

    ``contracts`` are tuples (kind, status, ends_on, perimeter_id)."""
    perimeters: dict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, status, ends_on, perimeter_id in contracts:
        family = family_of(status, ends_on, today)
        if family == StatusGroup.ACTIVE:
            perimeters[(kind, "active")].add(perimeter_id)
        if family in (StatusGroup.ACTIVE, StatusGroup.PROJECT):
            perimeters[(kind, "with_projects")].add(perimeter_id)
    wanted = sorted(set().union(*perimeters.values())) if perimeters else []
    communes_of: dict[int, list[str]] = defaultdict(list)
    through = Perimeter.communes.through
    for chunk in chunked(wanted):
        for perimeter_id, code in through.objects.filter(perimeter_id__in=chunk).values_list(
            "perimeter_id", "commune_id"
        ):
            communes_of[perimeter_id].append(code)
    return {
        (kind, scope): {code for pk in perimeters.get((kind, scope), ()) for code in communes_of[pk]}
        for kind in KINDS
        for scope in ("active", "with_projects")
    }


def commune_facts() -> dict[str, tuple[str, str, int]]:
    """Return code → (région, département, population) for every commune (cached per bundle version: one
    read of 35,000 rows is faster than looking up the covered communes by code)."""
    key = f"observatory:commune-facts:{geo.bundle_version()}"
    facts = cache.get(key)
    if facts is None:
        facts = {
            code: (region, department, population or 0)
            for code, region, department, population in Commune.objects.values_list(
                "code", "region_id", "department_id", "population"
            )
        }
        cache.set(key, facts)
    return facts


def _population_rows(covered, facts, territories, key_index: int) -> list[PopulationRow]:
    """Return one row per territory (``territories``: Region or Department objects)."""
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for (kind, scope), codes in covered.items():
        for code in codes:
            sums[(facts[code][key_index], kind, scope)] += facts[code][2]
    rows = []
    for territory in territories:
        total = territory.population or 0

        def share(kind, scope, code=territory.pk, total=total):
            return Share(sums[(code, kind, scope)], total)

        rows.append(
            PopulationRow(
                code=territory.pk,
                name=str(territory),
                url=territory.get_absolute_url(),
                population=total,
                cls=share("CLS", "active"),
                cls_with_projects=share("CLS", "with_projects"),
                clsm=share("CLSM", "active"),
                clsm_with_projects=share("CLSM", "with_projects"),
            )
        )
    return rows


def _total_row(rows: list[PopulationRow], label: str, code: str = "", url: str = "") -> PopulationRow:
    def summed(attribute):
        return Share(sum(getattr(r, attribute).count for r in rows), sum(r.population for r in rows))

    return PopulationRow(
        code=code,
        name=label,
        url=url,
        population=sum(r.population for r in rows),
        cls=summed("cls"),
        cls_with_projects=summed("cls_with_projects"),
        clsm=summed("clsm"),
        clsm_with_projects=summed("clsm_with_projects"),
        is_total=True,
    )


def _city_row(
    code: str, name: str, contracts: list[CityContractGeo], cls_communes, clsm_communes
) -> CityContractRow:
    on_cls = sum(1 for c in contracts if c.communes & cls_communes)
    with_clsm = sum(1 for c in contracts if c.intersection_communes & clsm_communes)
    return CityContractRow(
        code=code,
        name=name,
        total=len(contracts),
        on_cls=Share(on_cls, len(contracts)),
        with_clsm=Share(with_clsm, len(contracts)),
        without_qpv=sum(1 for c in contracts if c.qpv_communes is None),
    )


def coverage(
    *,
    user,
    region: Region | None = None,
    department: Department | None = None,
    today: datetime.date | None = None,
) -> Coverage:
    """Return the coverage figures for France, a région or one of its départements, counting the contracts
    ``user`` may view.

    The population table has one row per région (France) or per département of the région (région or
    département), then a total row; so does the contrats de ville table. ``contract_counts`` counts the
    contracts of the scope by kind and family.
    """
    today = today or timezone.localdate()
    if department is not None:
        region = department.region
    contracts = list(
        visible_contracts(user).values_list(
            "kind", "status", "ends_on", "perimeter_id", "region_id", "department_id"
        )
    )
    covered = _covered_communes([c[:4] for c in contracts], today)
    facts = commune_facts()
    cities = city_contracts_geography()
    cls_communes = covered[("CLS", "with_projects")]
    clsm_communes = covered[("CLSM", "active")]

    if region is None:
        territories = list(Region.objects.order_by("name"))
        rows = _population_rows(covered, facts, territories, key_index=0)
        total = _total_row(rows, "France entière")
        city_rows = [
            _city_row(r.pk, r.name, [c for c in cities if c.region == r.pk], cls_communes, clsm_communes)
            for r in territories
        ]
        city_total = _city_row("", "France entière", cities, cls_communes, clsm_communes)
        scope_label, breakdown = "France entière", "région"
    else:
        territories = list(region.departments.order_by("code"))
        rows = _population_rows(covered, facts, territories, key_index=1)
        total = _total_row(rows, f"Total {region.name}", region.pk, region.get_absolute_url())
        in_region = [c for c in cities if c.region == region.pk]
        city_rows = [
            _city_row(
                d.pk, str(d), [c for c in in_region if c.department == d.pk], cls_communes, clsm_communes
            )
            for d in territories
        ]
        unplaced = [c for c in in_region if c.department not in {d.pk for d in territories}]
        if unplaced:
            city_rows.append(
                _city_row("", "Département non renseigné", unplaced, cls_communes, clsm_communes)
            )
        city_total = _city_row(region.pk, f"Total {region.name}", in_region, cls_communes, clsm_communes)
        scope_label, breakdown = region.name, "département"
    city_total.is_total = total.is_total = True
    population_key, city_key = total, city_total
    if department is not None:
        scope_label = str(department)
        population_key = next(r for r in rows if r.code == department.pk)
        city_key = next(r for r in city_rows if r.code == department.pk)

    counts: Counter = Counter()
    for kind, status, ends_on, _perimeter, region_id, department_id in contracts:
        if region is not None and region_id != region.pk:
            continue
        if department is not None and department_id != department.pk:
            continue
        counts[(kind, str(family_of(status, ends_on, today).value))] += 1
    return Coverage(
        scope_label=scope_label,
        region=region,
        department=department,
        today=today,
        breakdown_label=breakdown,
        population_rows=rows,
        population_total=total,
        city_rows=city_rows,
        city_total=city_total,
        population_key=population_key,
        city_key=city_key,
        contract_counts=dict(counts),
    )


def count_table(figures: Coverage) -> list[dict]:
    """Return one row per kind: its label, its number of contracts in each family (legend order), total."""
    rows = []
    for kind in KINDS:
        counts = [figures.contract_counts.get((kind.value, group.value), 0) for group in StatusGroup]
        rows.append({"kind": kind.value, "label": kind.label, "counts": counts, "total": sum(counts)})
    return rows


# --- Statuses over time ---------------------------------------------------------------------------------


@dataclass
class TimelineYear:
    """How many contracts stood in each status (and family) on ``day``: 31 December, or today for the
    current year."""

    year: int
    day: datetime.date
    by_status: dict[str, int]
    by_family: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def family_counts(self) -> list[int]:
        """Counts per family, in legend order."""
        return [self.by_family[group.value] for group in StatusGroup]

    @property
    def status_counts(self) -> list[int]:
        """Counts per status, in ``STATUS_COLUMNS`` order."""
        return [self.by_status[value] for value, _label in STATUS_COLUMNS]

    @property
    def is_current(self) -> bool:
        return self.day.month != 12 or self.day.day != 31


def status_timeline(
    *,
    user,
    region: Region | None = None,
    department: Department | None = None,
    kind: str = "",
    today: datetime.date | None = None,
) -> list[TimelineYear]:
    """Return, for each year from the first logged status change to today's, the number of contracts in
    each status on 31 December (today for the current year), read from the ``StatusChange`` log.

    A contract counts from its first change (its creation); its status on a day is the one set by the last
    change effective on or before that day. Families follow ``family_of`` with the contract's current end
    date. Only contracts ``user`` may view, of the région / département / kind given, count. No change at
    all gives an empty list.
    """
    today = today or timezone.localdate()
    contracts = visible_contracts(user)
    if region is not None:
        contracts = contracts.filter(region=region)
    if department is not None:
        contracts = contracts.filter(department=department)
    if kind:
        contracts = contracts.filter(kind=kind)
    ends = dict(contracts.values_list("pk", "ends_on"))
    history: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    changes = (
        StatusChange.objects.filter(contract__in=contracts.values("pk"))
        .order_by("contract_id", "effective_on", "changed_at", "pk")
        .values_list("contract_id", "effective_on", "to_status")
    )
    for contract_id, effective_on, to_status in changes:
        history[contract_id].append((effective_on, to_status))
    if not history:
        return []
    first_year = min(steps[0][0].year for steps in history.values())
    years = []
    for year in range(first_year, today.year + 1):
        day = min(datetime.date(year, 12, 31), today)
        by_status = dict.fromkeys(Status.values, 0)
        by_family = dict.fromkeys(StatusGroup.values, 0)
        for contract_id, steps in history.items():
            position = bisect.bisect_right([effective_on for effective_on, _ in steps], day)
            if position == 0:
                continue  # not created yet
            status = steps[position - 1][1]
            by_status[status] += 1
            by_family[family_of(status, ends[contract_id], day)] += 1
        years.append(TimelineYear(year=year, day=day, by_status=by_status, by_family=by_family))
    return years


def timeline_chart(years: list[TimelineYear]) -> dict:
    """Return the data of the timeline chart: years as labels, one series per family."""
    return {
        "labels": [str(y.year) if not y.is_current else f"{y.year} (au {y.day:%d/%m})" for y in years],
        "series": [
            {"family": group.value, "label": group.label, "data": [y.by_family[group.value] for y in years]}
            for group in StatusGroup
        ],
    }
