"""API router of the observatory: the registry and the coverage figures, as the pages compute them.

Both read only the contracts the caller may view (the public: published ones). A bad filter value is
refused with a French 422 rather than ignored, so that a program never reads figures broader than asked.
"""

from ninja import Field, Router, Schema

from santelocale.api.schemas import Choice, ErrorOut, refused
from santelocale.contracts.enums import ContractKind, StatusGroup
from santelocale.contracts.enums import Status as ContractStatus
from santelocale.observatory import coverage as coverage_service
from santelocale.observatory.exports import registry_records
from santelocale.observatory.filtersets import parse_filters
from santelocale.observatory.services import registry
from santelocale.utils.bounds import FILTER_LENGTH, Text
from santelocale.utils.text import MAX_QUERY_LENGTH

observatory_router = Router(tags=["observatoire"])


# One contract, with the columns of the CSV export (``exports.registry_records``; the same columns are
# described by the Table Schema served at /observatoire/registre.schema.json).
class RecordOut(Schema):
    public_id: str
    kind: Choice(ContractKind)
    name: str
    status: Choice(ContractStatus)
    status_label: str
    family: Choice(StatusGroup) = Field(description="famille : en projet, en vigueur, achevé ou à réactiver")
    region_code: str
    region_name: str
    department_code: str | None
    department_name: str | None
    generation: int | None
    renews_public_id: str | None
    launched_on: str | None
    signed_on: str | None
    starts_on: str | None
    ends_on: str | None
    population: int
    commune_count: int
    commune_codes: str | None = Field(description="codes INSEE séparés par une espace")
    porteurs: str | None = Field(description="noms séparés par « | »")
    published: bool
    url: str


class RegistryOut(Schema):
    count: int
    results: list[RecordOut]


class ShareOut(Schema):
    count: int = Field(description="habitants ou contrats de ville")
    total: int
    share: float | None = Field(description="count / total, entre 0 et 1 ; null si total nul")


class PopulationRowOut(Schema):
    code: str
    name: str
    population: int
    cls: ShareOut = Field(description="CLS en vigueur")
    cls_with_projects: ShareOut = Field(description="CLS en vigueur ou en projet")
    clsm: ShareOut = Field(description="CLSM en vigueur")
    clsm_with_projects: ShareOut = Field(description="CLSM en vigueur ou en projet")


class CityContractRowOut(Schema):
    code: str
    name: str
    total: int
    on_cls: ShareOut = Field(description="sur un territoire CLS (en vigueur ou en projet)")
    with_clsm: ShareOut = Field(description="intersectant un CLSM actif")
    without_qpv: int = Field(description="contrats jugés sur leurs communes, faute de QPV dans le lot")


class ContractCountOut(Schema):
    kind: Choice(ContractKind)
    family: Choice(StatusGroup)
    count: int


class TimelineYearOut(Schema):
    year: int
    day: str
    by_status: dict[str, int]
    by_family: dict[str, int]


class CoverageOut(Schema):
    scope: str
    region: str | None
    department: str | None
    date: str
    definitions: dict[str, str]
    breakdown: str = Field(description="région (France entière) ou département (une région)")
    population: list[PopulationRowOut]
    population_total: PopulationRowOut
    population_scope: PopulationRowOut
    city_contracts: list[CityContractRowOut]
    city_contracts_total: CityContractRowOut
    city_contracts_scope: CityContractRowOut
    contracts: list[ContractCountOut]
    timeline: list[TimelineYearOut]


@observatory_router.get(
    "/registre", response={200: RegistryOut, 422: ErrorOut}, summary="Registre des CLS et CLSM"
)
def registry_api(
    request,
    region: Text(FILTER_LENGTH) = "",
    departement: Text(FILTER_LENGTH) = "",
    type: Text(FILTER_LENGTH) = "",  # the query parameter the page uses
    statut: Text(FILTER_LENGTH) = "",
    generation: Text(FILTER_LENGTH) = "",
    du: Text(FILTER_LENGTH) = "",
    au: Text(FILTER_LENGTH) = "",
    q: Text(MAX_QUERY_LENGTH) = "",
):
    """Les contrats visibles (le public : contrats publiés) répondant aux filtres, une entrée par contrat,
    avec les colonnes de l’export CSV. ``statut`` : un statut (SIGNED…) ou une famille (PROJECT, ACTIVE,
    ENDED) ; ``du``/``au`` : contrats en vigueur à un moment de ces années."""
    filters, warnings = parse_filters(
        {"region": region, "departement": departement, "type": type, "statut": statut}
        | {"generation": generation, "du": du, "au": au, "q": q}
    )
    if warnings:
        return refused(warnings)
    records = registry_records(
        registry(user=request.user, filters=filters), base_url=request.build_absolute_uri("/").rstrip("/")
    )
    return {"count": len(records), "results": records}


DEFINITIONS = {
    "en_vigueur": "Signé, en mise en œuvre ou en évaluation, date de fin non dépassée.",
    "en_projet": "En réflexion, en préfiguration, en diagnostic ou en élaboration.",
    "population_couverte": "Somme des populations (COG 2026) des communes distinctes situées dans le "
    "périmètre d’au moins un contrat.",
    "territoire_cls": "Le contrat de ville partage au moins une commune avec le périmètre d’un CLS en "
    "vigueur ou en projet.",
    "intersection_clsm": "Le périmètre d’un CLSM en vigueur couvre au moins une commune comportant un QPV du "
    "contrat de ville ; sans QPV du département dans le lot (hors Occitanie), les communes du contrat.",
    "statut_au_31_decembre": "Statut de chaque contrat au 31 décembre (aujourd’hui pour l’année en cours), "
    "d’après l’historique des changements de statut.",
}


@observatory_router.get(
    "/couverture", response={200: CoverageOut, 422: ErrorOut}, summary="Couverture des territoires"
)
def coverage_api(
    request,
    region: Text(FILTER_LENGTH) = "",
    departement: Text(FILTER_LENGTH) = "",
    type: Text(FILTER_LENGTH) = "",
):
    """Population couverte par les CLS et CLSM, contrats de ville sur un territoire CLS ou intersectant un
    CLSM actif, contrats par famille et par statut au 31 décembre : pour la France entière (une ligne par
    région), une région ou un département (une ligne par département de la région)."""
    filters, warnings = parse_filters({"region": region, "departement": departement, "type": type})
    if warnings:
        return refused(warnings)
    figures = coverage_service.coverage(
        user=request.user, region=filters.region, department=filters.department
    )
    timeline = coverage_service.status_timeline(
        user=request.user, region=figures.region, department=figures.department, kind=filters.kind
    )
    return {
        "scope": figures.scope_label,
        "region": figures.region.pk if figures.region else None,
        "department": figures.department.pk if figures.department else None,
        "date": figures.today.isoformat(),
        "definitions": DEFINITIONS,
        "breakdown": figures.breakdown_label,
        "population": figures.population_rows,
        "population_total": figures.population_total,
        "population_scope": figures.population_key,
        "city_contracts": figures.city_rows,
        "city_contracts_total": figures.city_total,
        "city_contracts_scope": figures.city_key,
        "contracts": [
            {"kind": kind, "family": family, "count": count}
            for (kind, family), count in sorted(figures.contract_counts.items())
        ],
        "timeline": [
            {"year": y.year, "day": y.day.isoformat(), "by_status": y.by_status, "by_family": y.by_family}
            for y in timeline
        ],
    }
