"""Pages that show and organise a whole action plan: the tree of axes and objectives, the filterable
table (and its CSV), the timeline, the funding, the indicators (with their values), the bin, and the forms
of the axes and objectives. Views parse, call ``plans.services`` / ``plans.progress`` /
``indicators.services``, render.

Every list of fiches comes from ``read.plan_actions(contract, user)`` (live fiches the user may see:
``Action.objects.alive().restrict(user, "view")``), so confidential fiches never reach the public nor the
members of other contracts; a sub-action is only shown with its fiche."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from santelocale.indicators.models import Indicator
from santelocale.indicators.services import (
    IndicatorError,
    add_indicator,
    latest_value,
    on_track,
    record_value,
)
from santelocale.plans import progress, read
from santelocale.plans.enums import ActionStatus, FundingUnit
from santelocale.plans.filtersets import PlanTableFilterSet
from santelocale.plans.forms_plan import (
    SORTS,
    IndicatorAddForm,
    IndicatorValueForm,
    SectionForm,
)
from santelocale.plans.models import Action, FundingLine, Section
from santelocale.plans.services import PlanError, delete_section, save_section, section_tree
from santelocale.plans.views_common import get_contract, plan_context
from santelocale.utils import fr
from santelocale.utils.spreadsheet import spreadsheet_csv
from santelocale.utils.text import fold
from santelocale.utils.versioning import VersionConflict

VALUE_REFUSAL = (
    "Seul·e le ou la coordinateur·rice du contrat ou le ou la pilote de la fiche saisit les valeurs "
    "de cet indicateur."
)


def _form_errors(form) -> list[str]:
    return [error for errors in form.errors.values() for error in errors]


def _actions_in_order(contract, user) -> list[Action]:
    """The live fiches and sub-actions of ``contract`` that ``user`` may see (``read.plan_actions``), with
    what the pages show of them, in position order."""
    actions = read.plan_actions(contract, user).select_related("section", "pilot_user", "parent")
    return list(actions.prefetch_related("steps").order_by("position", "pk"))


def _annotate(contract, actions, progress_by_action: dict, today) -> None:
    """Give each fiche what the templates show: progress, late, sub-actions (and its contract, already
    at hand, for its URL)."""
    subs: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        action.contract = contract
        if action.parent_id:
            subs[action.parent_id].append(action)
    for action in actions:
        if action.pk in progress_by_action:
            action.progress_value = progress_by_action[action.pk]
        else:
            action.progress_value = progress.action_progress(action, list(action.steps.all()))
        action.late = action.is_late(today)
        action.subs = subs.get(action.pk, [])


def _plan_order(tree):
    """A sort key putting fiches in the order of the plan: by section (reading order), then position."""
    rank = {section.pk: i for i, (section, _depth) in enumerate(tree)}
    return lambda a: (rank.get(a.section_id, len(rank)), a.position, a.pk)


# --- Tree ---------------------------------------------------------------------------------------------


@dataclass
class Node:
    """A section of the tree page with its fiches and the sections under it."""

    section: Section
    depth: int
    progress: int | None
    action_count: int
    themes: list = field(default_factory=list)
    fiches: list = field(default_factory=list)
    children: list = field(default_factory=list)

    @property
    def level(self) -> int:
        return min(self.depth + 2, 6)


def _tree_nodes(contract, summary, fiches) -> list[Node]:
    themes: dict[int, list] = defaultdict(list)
    links = Section.themes.through.objects.filter(section__contract=contract).select_related("regionaltheme")
    for link in links.order_by("regionaltheme__position", "regionaltheme__pk"):
        themes[link.section_id].append(link.regionaltheme)
    by_section: dict[int | None, list[Action]] = defaultdict(list)
    for action in fiches:
        by_section[action.section_id].append(action)
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for row in summary.sections:
        node = Node(
            row.section,
            row.depth,
            row.progress,
            row.action_count,
            themes=themes[row.section.pk],
            fiches=by_section[row.section.pk],
        )
        nodes[row.section.pk] = node
        parent = nodes.get(row.section.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def _tree_context(request, contract, **extra) -> dict:
    today = timezone.localdate()
    summary = progress.summarize(contract, request.user, today=today)
    actions = _actions_in_order(contract, request.user)
    _annotate(contract, actions, summary.progress_by_action, today)
    fiches = [a for a in actions if a.parent_id is None]
    table_url = reverse("plans:table", args=[contract.public_id])
    return {
        **plan_context(request, contract, "tree"),
        "page_heading": "Arborescence",
        "summary": summary,
        "nodes": _tree_nodes(contract, summary, fiches),
        "orphans": [a for a in fiches if a.section_id is None],
        "table_url": table_url,
        "errors": [],
        **extra,
    }


@require_GET
def plan_tree(request, public_id):
    contract = get_contract(request, public_id)
    return render(request, "plans/tree.html", _tree_context(request, contract))


# --- Table --------------------------------------------------------------------------------------------


def _natural(number: str) -> list:
    """« 1.10 » after « 1.2 »: numbers compared as numbers, part by part."""
    parts = []
    for chunk in number.replace("-", ".").split("."):
        chunk = chunk.strip()
        parts.append((0, int(chunk), "") if chunk.isdigit() else (1, 0, fold(chunk)))
    return parts


_STATUS_RANK = {code: i for i, code in enumerate(ActionStatus.values)}

#: Sort key → (is the value missing?, value); missing values stay last in both directions.
SORT_KEYS = {
    "numero": lambda a: (not a.number, _natural(a.number)),
    "titre": lambda a: (False, fold(a.title)),
    "statut": lambda a: (not a.status, _STATUS_RANK.get(a.status, 99)),
    "fin": lambda a: (a.ends_on is None, a.ends_on or datetime.date.min),
    "avancement": lambda a: (a.progress_value is None, a.progress_value or 0),
}


def _sort(rows: list, sort: str) -> None:
    key = SORT_KEYS.get(sort.lstrip("-"))
    if key is None:
        return
    rows.sort(key=lambda a: key(a)[1], reverse=sort.startswith("-"))
    rows.sort(key=lambda a: key(a)[0])


def _filter(filterset: PlanTableFilterSet, today) -> list[Action]:
    """The fiches of the filter set's queryset that match its filters, in the order asked: what the
    queryset cannot say (late, without pilot, the pilot's name) is read on the loaded fiches."""
    filters = filterset.chosen
    rows = list(filterset.qs)
    if filters.get("retard"):
        rows = [a for a in rows if a.is_late(today)]
    if filters.get("sans_pilote"):
        rows = [a for a in rows if not a.has_pilot]
    if filters.get("pilote"):
        wanted = fold(filters["pilote"])
        rows = [a for a in rows if wanted in fold(f"{a.pilot_label} {a.pilot_service}")]
    return rows


def _sort_columns(request, current: str) -> dict:
    """For each sortable column: the URL sorting by it (toggling the direction) and its aria-sort."""
    columns = {}
    for key, label in SORTS.items():
        query = request.GET.copy()
        query.pop("format", None)
        query["tri"] = f"-{key}" if current == key else key
        aria = {key: "ascending", f"-{key}": "descending"}.get(current, "")
        columns[key] = {"label": label, "url": "?" + query.urlencode(), "aria_sort": aria}
    return columns


CSV_HEADER = [
    "Numéro",
    "Titre",
    "Axe ou objectif",
    "Statut",
    "Priorité",
    "Pilote",
    "Début",
    "Fin",
    "Amélioration continue",
    "Avancement (%)",
    "En retard",
    "Confidentielle",
]


def _csv_rows(rows):
    for a in rows:
        yield [
            a.number,
            a.title,
            a.section.label if a.section_id else "",
            a.get_status_display(),
            a.get_priority_display(),
            a.pilot_label,
            fr.short_date(a.starts_on),
            fr.short_date(a.ends_on),
            "oui" if a.is_continuous else "non",
            "" if a.progress_value is None else a.progress_value,
            "oui" if a.late else "non",
            "oui" if a.is_confidential else "non",
        ]


@require_GET
def plan_table(request, public_id):
    contract = get_contract(request, public_id)
    context = plan_context(request, contract, "table")
    tree = section_tree(contract)
    filterset = PlanTableFilterSet(
        request.GET,
        read.plan_actions(contract, request.user).filter(parent__isnull=True),
        tree=tree,
        insider=context["insider"],
    )
    today = timezone.localdate()
    rows = _filter(filterset, today)
    _annotate(contract, rows, {}, today)
    rows.sort(key=_plan_order(tree))
    _sort(rows, filterset.chosen.get("tri", ""))
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            spreadsheet_csv(CSV_HEADER, _csv_rows(rows)), content_type="text/csv; charset=utf-8"
        )
        name = slugify(contract.name) or "plan"
        response["Content-Disposition"] = f'attachment; filename="plan-{name}.csv"'
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "plans/table.html",
        {
            **context,
            "page_heading": "Tableau",
            "form": filterset.display(),
            "warnings": filterset.warnings,
            "filtered": bool(filterset.chosen.keys() - {"tri"}),
            "rows": rows,
            "columns": _sort_columns(request, filterset.chosen.get("tri", "")),
            "csv_url": "?" + query.urlencode(),
        },
    )


# --- Timeline -----------------------------------------------------------------------------------------


@dataclass
class Bar:
    action: Action
    is_sub: bool
    left: str = ""
    width: str = ""
    text: str = ""
    notes: list = field(default_factory=list)
    #: the fiche runs (in part) outside the contract's period
    outside: bool = False


def _pct(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.2f}"


def _is_dated(action: Action) -> bool:
    return bool(action.starts_on and (action.ends_on or action.is_continuous))


#: How many years before or after the contract's period the calendar stretches to show a fiche there; a
#: fiche further out (a date typed wrong, most often) is cut at the edge with a note.
TIMELINE_MARGIN_YEARS = 5


def _timeline(contract, actions, tree, today) -> dict:
    """Rows of the timeline grouped by axis, bars placed in percent of the period shown: the contract's
    years, widened to the fiches dated outside them (up to ``TIMELINE_MARGIN_YEARS`` on each side), with
    the contract's period drawn as a band and each fiche outside it flagged."""
    dated = [a for a in actions if _is_dated(a)]
    days = [d for a in dated for d in (a.starts_on, None if a.is_continuous else a.ends_on) if d]
    period = contract.starts_on, contract.ends_on
    if all(period):
        first, last = period[0].year, period[1].year
        if days:
            first = max(min(first, min(days).year), first - TIMELINE_MARGIN_YEARS)
            last = min(max(last, max(days).year), last + TIMELINE_MARGIN_YEARS)
    else:
        if not days:
            return {"groups": [], "years": [], "undated": actions}
        first, last = min(days).year, max(days).year
    start, end = datetime.date(first, 1, 1), datetime.date(last + 1, 1, 1)
    total = (end - start).days

    def position(day) -> float:
        return 100 * (day - start).days / total

    by_pk = {s.pk: s for s, _depth in tree}
    groups: dict[int | None, list[Bar]] = defaultdict(list)
    undated = []
    for action in actions:
        if not _is_dated(action):
            undated.append(action)
            continue
        bar = Bar(action, action.parent_id is not None)
        left = position(action.starts_on)
        right = 100.0 if action.is_continuous else position(action.ends_on + datetime.timedelta(days=1))
        if action.is_continuous:
            bar.text = f"à partir du {fr.short_date(action.starts_on)}, en amélioration continue"
        else:
            bar.text = f"du {fr.short_date(action.starts_on)} au {fr.short_date(action.ends_on)}"
        if all(period):
            finish = period[1] if action.is_continuous else action.ends_on
            bar.outside = action.starts_on < period[0] or finish > period[1]
            if bar.outside:
                bar.notes.append(f"en dehors de la période du contrat, {contract.period_label}")
        if left < 0:
            bar.notes.append("commence avant la période affichée")
        if right > 100:
            bar.notes.append("se poursuit après la période affichée")
        left, right = max(left, 0.0), min(right, 100.0)
        bar.left, bar.width = _pct(left), _pct(max(right - left, 0.5))
        section = by_pk.get(action.section_id)
        axis = section
        while axis is not None and axis.parent_id is not None:
            axis = by_pk.get(axis.parent_id)
        groups[axis.pk if axis else None].append(bar)
    ordered = [(s, groups[s.pk]) for s, depth in tree if depth == 0 and groups.get(s.pk)]
    if groups.get(None):
        ordered.append((None, groups[None]))
    years = [
        {
            "year": year,
            "left": _pct(position(datetime.date(year, 1, 1))),
            "width": _pct(100 * (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days / total),
        }
        for year in range(first, last + 1)
    ]
    return {
        "groups": ordered,
        "years": years,
        "undated": undated,
        "first_year": first,
        "last_year": last,
        "today_left": _pct(position(today)) if start <= today < end else None,
        "contract_period": (
            {
                "left": _pct(position(period[0])),
                "width": _pct(position(period[1] + datetime.timedelta(days=1)) - position(period[0])),
                "text": f"du {fr.short_date(period[0])} au {fr.short_date(period[1])}",
            }
            if all(period)
            else None
        ),
    }


def _with_subs(fiches) -> list[Action]:
    """Fiches each followed by its sub-actions."""
    ordered = []
    for fiche in fiches:
        ordered.append(fiche)
        ordered.extend(fiche.subs)
    return ordered


@require_GET
def plan_timeline(request, public_id):
    contract = get_contract(request, public_id)
    today = timezone.localdate()
    tree = section_tree(contract)
    actions = _actions_in_order(contract, request.user)
    _annotate(contract, actions, {}, today)
    fiches = sorted((a for a in actions if a.parent_id is None), key=_plan_order(tree))
    return render(
        request,
        "plans/timeline.html",
        {
            **plan_context(request, contract, "timeline"),
            "page_heading": "Calendrier",
            "today": today,
            **_timeline(contract, _with_subs(fiches), tree, today),
        },
    )


# --- Funding ------------------------------------------------------------------------------------------


def _share(spent: Decimal, planned: Decimal) -> int | None:
    return round(100 * spent / planned) if planned else None


def _with_shares(bucket: dict) -> dict:
    return {
        **bucket,
        "share": _share(bucket["spent"], bucket["planned"]),
        "share_fte": _share(bucket["spent_fte"], bucket["planned_fte"]),
    }


@require_GET
def plan_funding(request, public_id):
    contract = get_contract(request, public_id)
    tree = section_tree(contract)
    summary = progress.funding_summary(contract, request.user)
    actions = _actions_in_order(contract, request.user)
    order = {a.pk: i for i, a in enumerate(sorted(actions, key=_plan_order(tree)))}
    lines = sorted(
        FundingLine.objects.filter(action__in=[a.pk for a in actions]).select_related("action"),
        key=lambda line: (order[line.action_id], line.year or 0, line.funder_kind, line.pk),
    )
    totals = {"planned": Decimal(0), "spent": Decimal(0), "planned_fte": Decimal(0), "spent_fte": Decimal(0)}
    for line in lines:
        suffix = "_fte" if line.unit == FundingUnit.FTE else ""
        totals["planned" + suffix] += line.planned
        totals["spent" + suffix] += line.spent or Decimal(0)
    return render(
        request,
        "plans/funding.html",
        {
            **plan_context(request, contract, "funding"),
            "page_heading": "Financements",
            "by_funder": [_with_shares(row) for row in summary.by_funder],
            "by_year": [_with_shares(row) for row in summary.by_year],
            "total": _with_shares(summary.total),
            "lines": lines,
            "line_totals": totals,
        },
    )


# --- Indicators ---------------------------------------------------------------------------------------

VERDICTS = {True: "Cible atteinte", False: "Cible non atteinte", None: "Non comparable"}


@dataclass
class IndicatorEntry:
    indicator: Indicator
    values: list
    latest: object
    verdict: str
    can_record: bool
    form: IndicatorValueForm
    errors: list = field(default_factory=list)


def _value_prefix(indicator) -> str:
    return f"valeur-{indicator.pk}"


def _contract_indicators(contract, user):
    return (
        read.plan_indicators(contract, user)
        .select_related("section", "action", "action__parent", "action__pilot_user")
        .prefetch_related("values")
    )


def _indicators_context(request, contract, *, bound: tuple | None = None, add_form=None, add_errors=()):
    """The indicators page; ``bound`` = (indicator pk, form, errors) of a refused value."""
    user = request.user
    tree = section_tree(contract)
    actions = _actions_in_order(contract, user)
    groups: dict[tuple, list[IndicatorEntry]] = defaultdict(list)
    section_rank = {s.pk: i for i, (s, _depth) in enumerate(tree)}
    action_rank = {a.pk: i for i, a in enumerate(sorted(actions, key=_plan_order(tree)))}
    for indicator in _contract_indicators(contract, user):
        indicator.contract = contract
        values = sorted(indicator.values.all(), key=lambda v: v.period)
        latest = latest_value(indicator)
        form, errors = IndicatorValueForm(prefix=_value_prefix(indicator)), []
        if bound and bound[0] == indicator.pk:
            form, errors = bound[1], bound[2]
        if indicator.action_id:
            key = (2, action_rank.get(indicator.action_id, 0))
        elif indicator.section_id:
            key = (1, section_rank.get(indicator.section_id, 0))
        else:
            key = (0, 0)
        groups[key].append(
            IndicatorEntry(
                indicator=indicator,
                values=[(value, VERDICTS[on_track(indicator, value)]) for value in values],
                latest=latest,
                verdict=VERDICTS[on_track(indicator, latest)],
                can_record=user.has_perm("plans.change_indicator_values", indicator),
                form=form,
                errors=errors,
            )
        )
    ordered = [(entries[0].indicator.attached_to, entries) for _key, entries in sorted(groups.items())]
    context = plan_context(request, contract, "indicators")
    if context["can_change_plan"] and add_form is None:
        add_form = IndicatorAddForm(prefix="indicateur", tree=tree)
    return {
        **context,
        "page_heading": "Indicateurs",
        "groups": ordered,
        "indicator_count": sum(len(entries) for _label, entries in ordered),
        "add_form": add_form,
        "add_errors": list(add_errors),
    }


@require_http_methods(["GET", "POST"])
def plan_indicators(request, public_id):
    if request.method == "GET":
        contract = get_contract(request, public_id)
        return render(request, "plans/indicators.html", _indicators_context(request, contract))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    contract = get_contract(request, public_id, "plans.change_plan")
    form = IndicatorAddForm(request.POST, prefix="indicateur", tree=section_tree(contract))
    errors = []
    if form.is_valid():
        try:
            data = {name: value for name, value in form.cleaned_data.items() if name != "submission_token"}
            indicator, _ = form.create_once(request, lambda: add_indicator(contract, **data))
        except IndicatorError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Indicateur « {indicator.name} » ajouté.")
            return redirect(reverse("plans:indicators", args=[public_id]) + f"#indicateur-{indicator.pk}")
    else:
        errors = _form_errors(form)
    context = _indicators_context(request, contract, add_form=form, add_errors=errors)
    return render(request, "plans/indicators.html", context, status=400)


@login_required
@require_POST
def indicator_value_add(request, public_id, indicator_pk):
    contract = get_contract(request, public_id)
    indicators = _contract_indicators(contract, request.user)
    indicator = get_object_or_404(indicators, pk=indicator_pk)
    indicator.contract = contract
    if not request.user.has_perm("plans.change_indicator_values", indicator):
        raise PermissionDenied(VALUE_REFUSAL)
    form = IndicatorValueForm(request.POST, prefix=_value_prefix(indicator))
    errors = []
    if form.is_valid():
        try:
            value = record_value(indicator, **form.cleaned_data)
        except VersionConflict as conflict:
            form.show_conflict(conflict, form.cleaned_data)
            errors = conflict.messages
        except IndicatorError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Valeur {value.period} de « {indicator.name} » enregistrée.")
            return redirect(reverse("plans:indicators", args=[public_id]) + f"#indicateur-{indicator.pk}")
    else:
        errors = _form_errors(form)
    context = _indicators_context(request, contract, bound=(indicator.pk, form, errors))
    return render(request, "plans/indicators.html", context, status=400)


# --- Bin ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_bin(request, public_id):
    contract = get_contract(request, public_id, "plans.change_plan")
    binned = (
        read.binned_actions(contract, request.user)
        .select_related("section", "parent")
        .order_by("-deleted_at", "pk")
    )
    return render(
        request,
        "plans/bin.html",
        {**plan_context(request, contract, "bin"), "page_heading": "Corbeille", "binned": binned},
    )


# --- Axes and objectives ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request, public_id, pk=None):
    contract = get_contract(request, public_id, "plans.change_plan")
    section = get_object_or_404(Section, contract=contract, pk=pk) if pk else None
    tree = section_tree(contract)
    errors = []
    if request.method == "GET":
        if section is not None:
            initial = SectionForm.initial_for(section)
        else:
            parent_pk = request.GET.get("parent", "")
            parent = contract.sections.filter(pk=parent_pk).first() if parent_pk.isdigit() else None
            initial = SectionForm.initial_under(parent)
        form = SectionForm(initial=initial, contract=contract, tree=tree, section=section)
        status = 200
    else:
        form = SectionForm(request.POST, contract=contract, tree=tree, section=section)
        if form.is_valid():
            try:
                if section is None:
                    saved, _ = form.create_once(request, lambda: save_section(contract, form.to_data()))
                else:
                    saved = save_section(contract, form.to_data(), section=section)
            except VersionConflict as conflict:
                form.show_conflict(conflict, form.to_data().__dict__)
                errors = conflict.messages
                section = conflict.current
            except PlanError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"{saved.get_kind_display()} « {saved.label} » enregistré.")
                return redirect(reverse("plans:tree", args=[public_id]) + f"#section-{saved.pk}")
        else:
            errors = _form_errors(form)
        status = 400
    heading = f"Modifier « {section.label} »" if section else "Nouvel axe ou objectif"
    return render(
        request,
        "plans/section_form.html",
        {
            **plan_context(request, contract, "tree"),
            "page_heading": heading,
            "form": form,
            "section": section,
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_POST
def section_delete(request, public_id, pk):
    contract = get_contract(request, public_id, "plans.change_plan")
    section = get_object_or_404(Section, contract=contract, pk=pk)
    label = f"{section.get_kind_display()} « {section.label} »"
    try:
        delete_section(section)
    except PlanError as exc:
        context = _tree_context(request, contract, errors=exc.messages)
        return render(request, "plans/tree.html", context, status=400)
    messages.success(request, f"{label} supprimé.")
    return redirect("plans:tree", public_id=public_id)
