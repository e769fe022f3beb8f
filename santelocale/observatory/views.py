"""Pages and downloads of the observatory: the registry (table, map, CSV, GeoJSON, schema) and coverage.

Bad filter values never fail a page: they are listed above the results and ignored. The downloads answer
400 with a French explanation instead, so that a file is never silently broader than asked.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from santelocale.observatory import coverage as coverage_service
from santelocale.observatory import exports
from santelocale.observatory.filtersets import parse_filters
from santelocale.observatory.services import FAMILY_LEGEND, filter_choices, registry
from santelocale.territories.enums import Zoom
from santelocale.territories.models import DataRelease, Dataset, Region

GEOJSON = "application/geo+json"
COVERAGE_DATASETS = ["cog-2026", "qpv-2015-occitanie", "contrats-de-ville-2015"]


def _refused(warnings: list[str]) -> HttpResponse:
    text = "Téléchargement refusé, filtres invalides :\n" + "\n".join(f"- {w}" for w in warnings) + "\n"
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def registry_page(request):
    filters, warnings = parse_filters(request.GET)
    contracts = list(registry(user=request.user, filters=filters))
    context = {
        "filters": filters,
        "query": filters.as_query(),
        "warnings": warnings,
        "contracts": contracts,
        "choices": filter_choices(filters.region),
        "families": FAMILY_LEGEND,
    }
    template = "observatory/_registry_results.html" if request.htmx else "observatory/registry.html"
    return render(request, template, context)


@require_GET
def registry_csv(request):
    filters, warnings = parse_filters(request.GET)
    if warnings:
        return _refused(warnings)
    records = exports.registry_records(
        registry(user=request.user, filters=filters), base_url=_base_url(request)
    )
    response = HttpResponse(exports.registry_csv(records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registre-cls-clsm-{timezone.localdate()}.csv"'
    response["Link"] = f'<{reverse("observatory:registry_schema")}>; rel="describedby"'
    return response


@require_GET
@gzip_page
def registry_geojson(request):
    filters, warnings = parse_filters(request.GET)
    zoom = request.GET.get("zoom") or Zoom.MEDIUM
    if zoom not in Zoom.values:
        warnings.append(f"Niveau de détail inconnu : « {zoom} » (attendu : low, medium ou high).")
    if warnings:
        return _refused(warnings)
    contracts = list(registry(user=request.user, filters=filters))
    records = exports.registry_records(contracts, base_url=_base_url(request))
    payload = exports.registry_geojson(contracts, records, zoom=zoom)
    return HttpResponse(payload, content_type=GEOJSON)


@require_GET
def registry_schema(request):
    return JsonResponse(exports.table_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_GET
@gzip_page
def city_contracts_geojson(request):
    code = (request.GET.get("region") or "").strip().upper()
    zoom = request.GET.get("zoom") or Zoom.MEDIUM
    problems = []
    if code and not Region.objects.filter(pk=code).exists():
        problems.append(f"Région inconnue : « {code} ».")
    if zoom not in Zoom.values:
        problems.append(f"Niveau de détail inconnu : « {zoom} » (attendu : low, medium ou high).")
    if problems:
        return _refused(problems)
    response = HttpResponse(exports.city_contract_layer(code, zoom), content_type=GEOJSON)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def coverage_page(request):
    filters, warnings = parse_filters(request.GET)
    figures = coverage_service.coverage(
        user=request.user, region=filters.region, department=filters.department
    )
    timeline = coverage_service.status_timeline(
        user=request.user, region=figures.region, department=figures.department, kind=filters.kind
    )
    datasets = {d.slug: d for d in Dataset.objects.filter(slug__in=COVERAGE_DATASETS)}
    return render(
        request,
        "observatory/coverage.html",
        {
            "filters": filters,
            "warnings": warnings,
            "choices": filter_choices(figures.region),
            "figures": figures,
            "counts": coverage_service.count_table(figures),
            "timeline": timeline,
            "chart": coverage_service.timeline_chart(timeline),
            "statuses": coverage_service.STATUS_COLUMNS,
            "families": FAMILY_LEGEND,
            "datasets": [datasets[slug] for slug in COVERAGE_DATASETS if slug in datasets],
            "release": DataRelease.objects.first(),
        },
    )
