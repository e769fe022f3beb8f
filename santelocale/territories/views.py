"""Pages of the territories app: search, territory pages, national map, perimeters, sources."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST

from santelocale.territories import geo
from santelocale.territories.enums import Level, Zoom
from santelocale.territories.forms import PerimeterForm
from santelocale.territories.models import DataRelease, Dataset, Perimeter
from santelocale.territories.services import (
    PERIMETER_LEVELS,
    SEARCH_LEVEL_CHOICES,
    SEARCH_LEVELS,
    PerimeterError,
    delete_perimeter,
    delete_refusal,
    describe_perimeter,
    describe_territory,
    get_territory,
    label_results,
    parse_codes,
    parse_components,
    resolve_components,
    save_perimeter,
    search_territories,
    tables_from_apps,
)

#: Results shown for a search; more are not paged: the page asks for a more precise query.
SEARCH_LIMIT = 30


def home(request):
    return render(
        request,
        "territories/home.html",
        {
            "release": DataRelease.objects.first(),
            "level_choices": SEARCH_LEVEL_CHOICES,
        },
    )


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    level = request.GET.get("niveau", "")
    levels = [level] if level in SEARCH_LEVELS else None
    results = search_territories(query, levels=levels, limit=SEARCH_LIMIT) if query else []
    label_results(results, request.user)  # « CLS en vigueur »… on the communes covered
    template = "territories/_search_results.html" if request.htmx else "territories/search.html"
    return render(
        request,
        template,
        {
            "query": query,
            "results": results,
            "level": level,
            "level_choices": SEARCH_LEVEL_CHOICES,
            "capped": len(results) == SEARCH_LIMIT,
        },
    )


def territory_detail(request, level, code):
    try:
        obj = get_territory(level, code)
    except LookupError as exc:
        raise Http404(str(exc)) from exc
    page = describe_territory(obj)
    page.tables[:0] = tables_from_apps(obj, request.user)  # the contracts covering it first
    return render(request, "territories/detail.html", {"page": page})


def _zoom(request) -> str:
    zoom = request.GET.get("zoom", Zoom.MEDIUM)
    if zoom not in Zoom.values:
        raise Http404("Niveau de zoom inconnu.")
    return zoom


def _national_etag(request, level):
    return geo.etag_for(f"national:{level}:{request.GET.get('zoom', Zoom.MEDIUM)}")


@require_GET
@gzip_page
@condition(etag_func=_national_etag)
def national_geojson(request, level):
    if level not in geo.NATIONAL_LEVELS:
        raise Http404("Niveau inconnu.")
    return geo.geojson_response(geo.national_layer(level, _zoom(request)))


def _territory_etag(request, level, code):
    return geo.etag_for(f"territory:{level}:{code}:{request.GET.get('zoom', Zoom.MEDIUM)}")


@require_GET
@gzip_page
@condition(etag_func=_territory_etag)
def territory_geojson(request, level, code):
    try:
        obj = get_territory(level, code)
    except LookupError as exc:
        raise Http404("Territoire inconnu.") from exc
    return geo.geojson_response(geo.territory_layer(obj, _zoom(request)))


def national_map(request):
    level = request.GET.get("niveau", Level.DEPARTMENT)
    if level not in geo.NATIONAL_LEVELS:
        level = Level.DEPARTMENT
    choices = [(value, Level(value).label) for value in geo.NATIONAL_LEVELS]
    return render(
        request,
        "territories/map.html",
        {"level": level, "choices": choices, "level_label": Level(level).label, "views": geo.MAP_VIEWS},
    )


def sources(request):
    return render(
        request,
        "territories/sources.html",
        {
            "datasets": Dataset.objects.all(),
            "release": DataRelease.objects.first(),
        },
    )


# Perimeters -------------------------------------------------------------------------------------------------


def _posted_components(request) -> list[dict]:
    """Return the components carried by the form (``component=kind:code``), with add/remove applied."""
    values = request.POST.getlist("component") + [request.POST.get("add", "")]
    removed = request.POST.get("remove")
    return parse_components([value for value in values if value and value != removed])


def _selection_context(components: list[dict]) -> dict:
    """Return what the selection panel shows: labelled components, totals, or the unknown codes."""
    if not components:
        return {"selection": [], "summary": None, "errors": []}
    try:
        resolved = resolve_components(components)
    except PerimeterError as exc:
        return {"selection": components, "summary": None, "errors": exc.messages}
    return {
        "selection": resolved.components,
        "errors": [],
        "summary": {"population": resolved.population, "communes": len(resolved.commune_codes)},
    }


@login_required
def perimeter_list(request):
    perimeters = Perimeter.objects.restrict(request.user, "view").select_related("organisation", "created_by")
    return render(request, "territories/perimeter_list.html", {"perimeters": perimeters})


@login_required
@require_http_methods(["GET", "POST"])
def perimeter_edit(request, public_id=None):
    perimeter = None
    if public_id is not None:
        perimeter = get_object_or_404(Perimeter, public_id=public_id)
        if not request.user.has_perm("territories.change_perimeter", perimeter):
            raise PermissionDenied("Vous ne pouvez pas modifier ce périmètre.")
    if request.method == "GET":
        initial = {"name": perimeter.name, "description": perimeter.description} if perimeter else {}
        form = PerimeterForm(initial=initial)
        if perimeter:
            components = [{"kind": c["kind"], "code": c["code"]} for c in perimeter.components]
        else:  # "Composer un périmètre à partir de ce territoire": ?ajouter=epci:248100737
            components = parse_components(request.GET.getlist("ajouter"))
        return render(
            request,
            "territories/perimeter_form.html",
            {"form": form, "perimeter": perimeter, **_selection_context(components)},
        )
    form = PerimeterForm(request.POST)
    components = _posted_components(request) + parse_codes(request.POST.get("codes", ""))
    errors = []
    if form.is_valid():
        try:
            saved = save_perimeter(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                components=components,
                user=request.user,
                perimeter=perimeter,
            )
        except PerimeterError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Périmètre « {saved.name} » enregistré.")
            return redirect(saved)
    context = {"form": form, "perimeter": perimeter, **_selection_context(components)}
    context["errors"] = errors or context["errors"]
    return render(request, "territories/perimeter_form.html", context, status=400)


@login_required
@require_POST
def perimeter_selection(request):
    """htmx: re-render the selection panel after adding or removing a territory."""
    return render(
        request, "territories/_perimeter_selection.html", _selection_context(_posted_components(request))
    )


@login_required
@require_GET
def perimeter_search(request):
    """htmx: territories that can be added to a perimeter."""
    query = request.GET.get("q", "").strip()
    results = search_territories(query, levels=PERIMETER_LEVELS, limit=12) if query else []
    return render(request, "territories/_perimeter_search.html", {"results": results, "query": query})


@login_required
def perimeter_detail(request, public_id):
    perimeter = get_object_or_404(Perimeter.objects.restrict(request.user, "view"), public_id=public_id)
    communes = perimeter.communes.select_related("department").order_by("-population", "name")
    return render(
        request,
        "territories/perimeter_detail.html",
        {
            "perimeter": perimeter,
            "communes": communes[:500],
            "commune_total": perimeter.commune_count,
            "can_change": request.user.has_perm("territories.change_perimeter", perimeter),
            "delete_refusal": delete_refusal(perimeter),
            "tables": describe_perimeter(perimeter),
        },
    )


@login_required
@require_POST
def perimeter_delete(request, public_id):
    perimeter = get_object_or_404(Perimeter, public_id=public_id)
    if not request.user.has_perm("territories.delete_perimeter", perimeter):
        raise PermissionDenied("Vous ne pouvez pas supprimer ce périmètre.")
    try:
        delete_perimeter(perimeter)
    except PerimeterError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(perimeter)
    messages.success(request, f"Périmètre « {perimeter.name} » supprimé.")
    return redirect("territories:perimeter_list")


@login_required
@require_GET
@gzip_page
def perimeter_geojson(request, public_id):
    perimeter = get_object_or_404(Perimeter.objects.restrict(request.user, "view"), public_id=public_id)
    return geo.geojson_response(geo.perimeter_layer(perimeter))
