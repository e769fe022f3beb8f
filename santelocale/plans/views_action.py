"""Pages of one fiche action: its detail (grouped like a Word fiche), creation and edition, the bin, its
history, and what is added on it (steps, follow-up notes, links, funding lines, indicators).

Who may do what (``plans.perms``): whoever sees the fiche reads it and its history; the coordinator or the
fiche's pilot edits it, its steps, notes, links and indicators (``plans.change_action``); only the
coordinator creates fiches, names the pilot, moves a fiche, makes it confidential or bins it; a funding
line is changed by the coordinator, by the ARS on its own lines, by the pilot on the others.

Refusals re-render the page with the French messages (status 400) and write nothing. The step checkboxes
answer an htmx request with the re-rendered steps, a plain POST with a redirect.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from santelocale.accounts.submissions import CreationForm
from santelocale.indicators.models import IndicatorValue
from santelocale.indicators.services import IndicatorError, add_indicator
from santelocale.plans import services
from santelocale.plans.enums import FundingUnit
from santelocale.plans.forms_action import (
    ActionForm,
    FollowUpForm,
    FundingForm,
    IndicatorForm,
    LinkForm,
    QuickUpdateForm,
    StepForm,
    errors_of,
    funder_kinds_for,
)
from santelocale.plans.models import Action, FundingLine
from santelocale.plans.progress import action_progress
from santelocale.plans.read import copy_source, plan_actions
from santelocale.plans.services import PlanError
from santelocale.plans.views_common import REFUSALS, get_action, get_contract
from santelocale.utils import fr
from santelocale.utils.versioning import VersionConflict

DETAIL = "plans/action_detail.html"
FORM = "plans/action_form.html"
ANONYMOUS_AUTHOR = "un·e contributeur·rice"


# --- Shared --------------------------------------------------------------------------------------------


def _breadcrumb(contract, action: Action | None = None, last: str | None = None) -> list:
    crumbs = [
        ("Contrats", reverse("contracts:list")),
        (contract.name, contract.get_absolute_url()),
        ("Plan d’action", reverse("plans:tree", args=[contract.public_id])),
    ]
    if action is not None:
        if action.parent_id:
            crumbs.append((action.parent.label, action.parent.get_absolute_url()))
        crumbs.append((action.label, action.get_absolute_url() if last else None))
    if last:
        crumbs.append((last, None))
    return crumbs


def _fiche_url(action: Action, anchor: str = "") -> str:
    return action.get_absolute_url() + (f"#{anchor}" if anchor else "")


def _shows_names(user, action: Action) -> bool:
    """Authors (of notes, of changes) are named to the contract's parties and the fiche's editors."""
    return user.has_perm("plans.change_action", action) or user.has_perm(
        "contracts.view_governance_details", action.contract
    )


def _person(user, show_names: bool) -> str:
    if user is None:
        return "—"
    if not show_names:
        return ANONYMOUS_AUTHOR
    return user.get_full_name() or user.email


def _funding_lines(request, action: Action) -> list[FundingLine]:
    lines = list(action.funding.all())
    for line in lines:
        line.action = action  # plans.perms reaches the contract through the line's fiche
        line.can_change = request.user.has_perm("plans.change_funding_line", line)
    return lines


def _totals(lines) -> list[dict]:
    totals = {unit: {"planned": Decimal(0), "spent": Decimal(0), "count": 0} for unit in FundingUnit.values}
    for line in lines:
        totals[line.unit]["planned"] += line.planned
        totals[line.unit]["spent"] += line.spent or Decimal(0)
        totals[line.unit]["count"] += 1
    return [
        {"unit": unit, "label": FundingUnit(unit).label, **values}
        for unit, values in totals.items()
        if values["count"] or unit == FundingUnit.EUR
    ]


def _steps_context(request, action: Action, **state) -> dict:
    steps = list(action.steps.all())
    context = {
        "contract": action.contract,
        "action": action,
        "steps": steps,
        "progress": action_progress(action, steps),
        "can_change": request.user.has_perm("plans.change_action", action),
        "step_form": StepForm(prefix="step"),
        "step_errors": [],
        "step_notice": "",
    }
    context.update(state)
    return context


def _detail_context(request, action: Action, *, errors: dict | None = None, **overrides) -> dict:
    user = request.user
    contract = action.contract
    can_change = user.has_perm("plans.change_action", action)
    kinds = funder_kinds_for(user, action) if user.is_authenticated else []
    lines = _funding_lines(request, action)
    line_forms = overrides.pop("line_forms", {})
    for line in lines:
        line.errors = (errors or {}).get(f"line-{line.pk}", [])
        if line.can_change:
            line.form = line_forms.get(line.pk) or FundingForm(
                prefix=f"line-{line.pk}", initial=FundingForm.initial_for(line), kinds=kinds
            )
    visible = plan_actions(contract, user)
    show_names = _shows_names(user, action)
    follow_ups = list(action.follow_ups.select_related("author"))
    for note in follow_ups:
        note.author_label = _person(note.author, show_names) if note.author_id else ""
    context = _steps_context(request, action, **overrides.pop("steps_state", {}))
    context.update(
        {
            "tab": "action",
            "can_change_plan": user.has_perm("plans.change_plan", contract),
            "can_delete": user.has_perm("plans.delete_action", action),
            "is_late": action.is_late(),
            "communes": action.communes.order_by("name"),
            "neighbourhoods": action.neighbourhoods.order_by("name"),
            "publics": action.publics.all(),
            "intervention_types": action.intervention_types.all(),
            "determinants": action.determinants.all(),
            "follow_ups": follow_ups,
            "links": action.links.all(),
            "lines": lines,
            "totals": _totals(lines),
            "budget_mismatch": services.budget_mismatch(action.budget, lines),
            "funder_kinds": kinds,
            "indicators": action.indicators.prefetch_related("values"),
            "sub_actions": visible.filter(parent=action).select_related("pilot_user"),
            "linked": visible.filter(pk__in=action.linked.values("pk")),
            "copied_from": copy_source(action, user),
            "follow_up_form": FollowUpForm(prefix="note"),
            "quick_form": QuickUpdateForm.of(action, prefix="quick", action=action) if can_change else None,
            "link_form": LinkForm(prefix="link"),
            "funding_form": FundingForm(prefix="funding", kinds=kinds),
            "indicator_form": IndicatorForm(prefix="indicator"),
            "errors": errors or {},
            "breadcrumb": _breadcrumb(contract, action),
        }
    )
    context["can_change"] = can_change
    context.update(overrides)
    return context


def _refused(request, action: Action, section: str, problems: list[str], **forms):
    """The fiche's page again, with ``section``'s French messages and its submitted form (status 400)."""
    context = _detail_context(request, action, errors={section: problems}, **forms)
    return render(request, DETAIL, context, status=400)


def _submit(request, action: Action, form, *, section: str, forms: dict, save, done, anchor: str):
    """The one path of the fiche's small forms: validate ``form``, call ``save(cleaned_data)`` (a service
    that refuses with ``PlanError`` or ``IndicatorError``), then flash ``done(saved)`` and go back to
    ``anchor``; on any problem, the page again with the French messages and the user's input (400)."""
    if not form.is_valid():
        return _refused(request, action, section, errors_of(form), **forms)
    data = {name: value for name, value in form.cleaned_data.items() if name != "submission_token"}
    try:
        if isinstance(form, CreationForm) and not form.cleaned_data.get("version"):
            saved, _ = form.create_once(request, lambda: save(data))
        else:
            saved = save(data)
    except VersionConflict as conflict:
        form.show_conflict(conflict, data)
        return _refused(request, action, section, conflict.messages, **forms)
    except (PlanError, IndicatorError) as exc:
        return _refused(request, action, section, exc.messages, **forms)
    messages.success(request, done(saved))
    return redirect(_fiche_url(action, anchor))


# --- The fiche -----------------------------------------------------------------------------------------


@require_GET
def action_detail(request, public_id, pk):
    action = get_action(request, public_id, pk)
    return render(request, DETAIL, _detail_context(request, action))


def _initial_for_new(request, contract) -> dict:
    initial = {"progress_mode": "ENTERED", "weight": "1"}
    section = request.GET.get("section", "")
    if section.isdigit() and contract.sections.filter(pk=section).exists():
        initial["section"] = section
    parent = request.GET.get("parent", "")
    if parent.isdigit():
        found = Action.objects.alive().filter(contract=contract, parent__isnull=True, pk=parent).first()
        if found is not None:
            initial["parent"] = str(found.pk)
            initial["section"] = str(found.section_id or "")
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, public_id, pk=None):
    """Create a fiche (the coordinator; ``?section=`` or ``?parent=`` preselect where) or edit one (the
    coordinator, or its pilot, who cannot change its pilot, confidentiality, axis or parent)."""
    if pk is None:
        contract = get_contract(request, public_id, "plans.change_plan")
        action = None
    else:
        action = get_action(request, public_id, pk, "plans.change_action")
        contract = action.contract
    restricted = action is not None and not request.user.has_perm("plans.change_plan", contract)
    initial = ActionForm.initial_for(action) if action is not None else _initial_for_new(request, contract)
    context = {
        "contract": contract,
        "action": action,
        "restricted": restricted,
        "breadcrumb": _breadcrumb(contract, action, "Modifier") if action else None,
    }
    if context["breadcrumb"] is None:
        context["breadcrumb"] = _breadcrumb(contract) + [("Nouvelle fiche", None)]
    if request.method == "GET":
        form = ActionForm(
            initial=initial, contract=contract, user=request.user, action=action, restricted=restricted
        )
        return render(request, FORM, {**context, "form": form})
    form = ActionForm(
        request.POST,
        initial=initial,
        contract=contract,
        user=request.user,
        action=action,
        restricted=restricted,
    )
    form.is_valid()
    problems = errors_of(form)
    data = form.to_data()
    problems += [p for p in services.action_problems(contract, data, action=action) if p not in problems]
    if not problems:
        linked = list(form.cleaned_data.get("linked") or [])

        def create():
            saved = services.create_action(contract, data)
            services.set_links(saved, linked)
            return saved

        try:
            with transaction.atomic():
                if action is None:
                    saved, _ = form.create_once(request, create)
                else:
                    saved = services.update_action(action, data)
                    # Links to fiches the user may not read are not offered, and so are kept as they are.
                    offered = form.fields["linked"].queryset.values("pk")
                    kept = list(action.linked.exclude(pk__in=offered))
                    services.set_links(saved, linked + kept)
        except VersionConflict as conflict:
            form.show_conflict(conflict, {**data.as_dict(), "linked": linked})
            problems = conflict.messages
        except PlanError as exc:
            problems = exc.messages
        else:
            messages.success(request, f"Fiche « {saved.label} » enregistrée.")
            return redirect(saved)
    return render(request, FORM, {**context, "form": form, "errors": problems}, status=400)


@login_required
@require_POST
def action_trash(request, public_id, pk):
    action = get_action(request, public_id, pk, "plans.delete_action")
    services.trash_action(action)
    messages.success(
        request,
        f"Fiche « {action.label} » mise à la corbeille, avec ses sous-actions. Pour l’annuler, ouvrez la "
        "corbeille du plan et choisissez « Restaurer ».",
    )
    return redirect("plans:tree", public_id=action.contract.public_id)


@login_required
@require_POST
def action_restore(request, public_id, pk):
    action = get_action(request, public_id, pk, "plans.change_plan", binned=True)
    try:
        services.restore_action(action)
    except PlanError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:bin", public_id=action.contract.public_id)
    messages.success(request, f"Fiche « {action.label} » restaurée.")
    return redirect(action)


# --- History -------------------------------------------------------------------------------------------

#: What the history does not list as changes (technical, or told by the kind of the entry).
SKIPPED = {"id", "contract", "position", "deleted_at", "search_text", "updated_at", "created_at", "action"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime.datetime
    author: str
    subject: str
    kind: str
    changes: list[Change] = field(default_factory=list)
    summary: str = ""
    order: int = 0


def _related_label(obj) -> str:
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.email
    return str(getattr(obj, "label", obj))


def _display(model, name: str, value, cache: dict) -> str:
    """A stored value as the user reads it: labels of choices, « oui »/« non », French dates and
    numbers, the label of a related object."""
    model_field = model._meta.get_field(name)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "oui" if value else "non"
    if model_field.is_relation:
        return _display_related(model_field.related_model, value, cache)
    if isinstance(value, datetime.datetime):
        return fr.short_datetime(value)
    if isinstance(value, datetime.date):
        return fr.short_date(value)
    if isinstance(value, Decimal):
        return floatformat(value, "-2g")
    return Truncator(str(value)).chars(300)


def _list_display(model_field, rows, cache: dict) -> str:
    """The labels of a list field's rows (as simple-history stores them: the through table's rows)."""
    target = model_field.m2m_reverse_field_name()
    labels = [_display_related(model_field.related_model, row[target], cache) for row in rows or []]
    return ", ".join(sorted(labels)) or "—"


def _display_related(related_model, pk, cache: dict) -> str:
    key = (related_model, pk)
    if key not in cache:
        obj = related_model._default_manager.filter(pk=pk).first()
        cache[key] = _related_label(obj) if obj is not None else "(supprimé)"
    return cache[key]


def _changes(model, record, previous, cache) -> list[Change]:
    if previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=SKIPPED)
    changes = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        if model_field.many_to_many:
            old, new = (_list_display(model_field, rows, cache) for rows in (change.old, change.new))
            if old == new:
                continue
        else:
            old, new = (_display(model, change.field, value, cache) for value in (change.old, change.new))
        changes.append(Change(str(model_field.verbose_name).capitalize(), old, new))
    return changes


def _in_order(records):
    """(record, the previous record of the same object) in chronological order."""
    previous: dict = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        yield record, previous.get(record.id)
        previous[record.id] = record


def _amount(value, unit: str) -> str:
    if value is None:
        return "—"
    return fr.fte(value) if unit == FundingUnit.FTE else fr.euros(value)


#: A fiche's fields that name people: their old and new values are read by whoever reads names.
PERSONAL_FIELDS = {"pilot_user", "pilot_name"}


def _action_entries(action, author, cache, show_names: bool = True) -> list[Entry]:
    entries = []
    for record, previous in _in_order(action.history.select_related("history_user")):
        kind = {"+": "Création", "-": "Suppression"}.get(record.history_type, "Modification")
        if record.history_type == "~" and previous is not None:
            if previous.deleted_at is None and record.deleted_at is not None:
                kind = "Mise à la corbeille"
            elif previous.deleted_at is not None and record.deleted_at is None:
                kind = "Restauration"
        changes = _changes(Action, record, previous, cache)
        if not show_names:
            hidden = {str(Action._meta.get_field(name).verbose_name).capitalize() for name in PERSONAL_FIELDS}
            changes = [
                Change(c.label, "(réservé aux parties)", "(réservé aux parties)") if c.label in hidden else c
                for c in changes
            ]
        summary = ""
        if record.history_type == "+":
            summary = f"Fiche « {record.title} » créée."
        elif kind == "Modification" and not changes:
            summary = "Enregistrée sans changement des champs suivis."
        entries.append(
            Entry(record.history_date, author(record), "Fiche", kind, changes, summary, record.history_id)
        )
    return entries


def _funding_entries(action, author, cache) -> list[Entry]:
    entries = []
    records = FundingLine.history.filter(action_id=action.pk).select_related("history_user")
    for record, previous in _in_order(records):
        label = record.funder_name or record.get_funder_kind_display()
        subject = f"Financement {label}{f' {record.year}' if record.year else ''}"
        kind = {"+": "Ajout", "-": "Suppression"}.get(record.history_type, "Modification")
        summary = ""
        if record.history_type in "+-":
            planned, spent = _amount(record.planned, record.unit), _amount(record.spent, record.unit)
            summary = f"Prévu : {planned} ; réalisé : {spent}."
        entries.append(
            Entry(
                record.history_date,
                author(record),
                subject,
                kind,
                _changes(FundingLine, record, previous, cache) if record.history_type == "~" else [],
                summary,
                record.history_id,
            )
        )
    return entries


def _indicator_entries(action, author, cache) -> list[Entry]:
    entries = []
    records = IndicatorValue.history.filter(indicator__action=action).select_related(
        "history_user", "indicator"
    )
    for record, previous in _in_order(records):
        subject = f"Indicateur « {record.indicator.name} », période {record.period}"
        kind = {"+": "Saisie", "-": "Suppression"}.get(record.history_type, "Modification")
        summary = ""
        if record.history_type in "+-":
            target = _display(IndicatorValue, "target", record.target, cache)
            actual = _display(IndicatorValue, "actual", record.actual, cache)
            summary = f"Cible : {target} ; valeur constatée : {actual}."
        changes = _changes(IndicatorValue, record, previous, cache) if record.history_type == "~" else []
        changes = [c for c in changes if c.label != "Indicateur"]
        entries.append(
            Entry(record.history_date, author(record), subject, kind, changes, summary, record.history_id)
        )
    return entries


def history_entries(action: Action, *, show_names: bool) -> list[Entry]:
    """The fiche's changes, its funding lines' and its indicator values', newest first."""
    cache: dict = {}

    def author(record):
        return _person(record.history_user, show_names)

    entries = (
        _action_entries(action, author, cache, show_names)
        + _funding_entries(action, author, cache)
        + _indicator_entries(action, author, cache)
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)


@require_GET
def action_history(request, public_id, pk):
    action = get_action(request, public_id, pk)
    show_names = _shows_names(request.user, action)
    return render(
        request,
        "plans/action_history.html",
        {
            "contract": action.contract,
            "action": action,
            "entries": history_entries(action, show_names=show_names),
            "show_names": show_names,
            "breadcrumb": _breadcrumb(action.contract, action, "Historique"),
        },
    )


# --- Steps ---------------------------------------------------------------------------------------------


def _steps_response(request, action: Action, *, status: int = 200, **state) -> HttpResponse:
    """htmx: the steps section, and the fiche's progress out of band."""
    context = _steps_context(request, action, **state)
    html = render_to_string("plans/_action_steps.html", context, request)
    html += render_to_string("plans/_action_progress.html", {**context, "oob": True}, request)
    return HttpResponse(html, status=status)


@login_required
@require_POST
def step_add(request, public_id, pk):
    action = get_action(request, public_id, pk, "plans.change_action")
    form = StepForm(request.POST, prefix="step")
    problems = [] if form.is_valid() else errors_of(form)
    if not problems:
        try:
            fields = {name: value for name, value in form.cleaned_data.items() if name != "submission_token"}
            step, _ = form.create_once(request, lambda: services.add_step(action, **fields))
        except PlanError as exc:
            problems = exc.messages
    if problems:
        state = {"step_form": form, "step_errors": problems}
        if request.htmx:
            return _steps_response(request, action, status=400, **state)
        return _refused(request, action, "steps", problems, steps_state=state)
    notice = f"Étape « {step.title} » ajoutée."
    if request.htmx:
        return _steps_response(request, action, step_notice=notice)
    messages.success(request, notice)
    return redirect(_fiche_url(action, "etapes"))


@login_required
@require_POST
def step_update(request, public_id, pk, step_pk):
    """Tick or untick a step (``done`` posted when ticked)."""
    action = get_action(request, public_id, pk, "plans.change_action")
    step = get_object_or_404(action.steps, pk=step_pk)
    done = request.POST.get("done") in {"on", "1", "true"}
    services.set_step_done(step, done)
    notice = f"Étape « {step.title} » {'réalisée' if done else 'à faire'}."
    if request.htmx:
        return _steps_response(request, action, step_notice=notice)
    messages.success(request, notice)
    return redirect(_fiche_url(action, "etapes"))


# --- Quick update (status, progress, next step) ----------------------------------------------------------


@login_required
@require_POST
def action_quick_update(request, public_id, pk):
    """« Mise à jour rapide »: a pilot moves the status, the progress or adds the next step without the
    whole fiche form; the version read is checked (nothing overwritten)."""
    action = get_action(request, public_id, pk, "plans.change_action")
    form = QuickUpdateForm(request.POST, prefix="quick", action=action)
    return _submit(
        request,
        action,
        form,
        section="quick",
        forms={"quick_form": form},
        save=lambda data: services.quick_update(action, **data),
        done=lambda saved: f"Fiche « {saved.label} » mise à jour.",
        anchor="mise-a-jour",
    )


# --- Notes and links -----------------------------------------------------------------------------------


@login_required
@require_POST
def follow_up_add(request, public_id, pk):
    action = get_action(request, public_id, pk, "plans.change_action")
    form = FollowUpForm(request.POST, prefix="note")
    return _submit(
        request,
        action,
        form,
        section="follow_ups",
        forms={"follow_up_form": form},
        save=lambda data: services.add_follow_up(action, author=request.user, **data),
        done=lambda note: f"Note de suivi du {fr.short_date(note.noted_on)} ajoutée.",
        anchor="notes",
    )


@login_required
@require_POST
def link_add(request, public_id, pk):
    action = get_action(request, public_id, pk, "plans.change_action")
    form = LinkForm(request.POST, prefix="link")
    return _submit(
        request,
        action,
        form,
        section="links",
        forms={"link_form": form},
        save=lambda data: services.add_link(action, **data),
        done=lambda link: f"Document « {link.title} » ajouté.",
        anchor="documents",
    )


# --- Funding -------------------------------------------------------------------------------------------


def _line_of(request, action: Action, line_pk) -> FundingLine:
    line = get_object_or_404(action.funding, pk=line_pk)
    line.action = action
    if not request.user.has_perm("plans.change_funding_line", line):
        raise PermissionDenied(
            "Seul·e le ou la coordinateur·rice modifie cette ligne ; l’ARS modifie ses propres "
            "financements, le ou la pilote de la fiche les autres."
        )
    return line


@login_required
@require_POST
def funding_add(request, public_id, pk):
    action = get_action(request, public_id, pk)
    kinds = funder_kinds_for(request.user, action)
    if not kinds:
        raise PermissionDenied(REFUSALS["plans.add_ars_funding"])
    form = FundingForm(request.POST, prefix="funding", kinds=kinds)
    return _submit(
        request,
        action,
        form,
        section="funding",
        forms={"funding_form": form},
        save=lambda data: services.save_funding_line(action, form.to_data()),
        done=lambda line: f"Financement « {line} » ajouté.",
        anchor="financements",
    )


@login_required
@require_POST
def funding_update(request, public_id, pk, line_pk):
    action = get_action(request, public_id, pk)
    line = _line_of(request, action, line_pk)
    kinds = funder_kinds_for(request.user, action)
    form = FundingForm(request.POST, prefix=f"line-{line.pk}", kinds=kinds)
    return _submit(
        request,
        action,
        form,
        section=f"line-{line.pk}",
        forms={"line_forms": {line.pk: form}},
        save=lambda data: services.save_funding_line(action, form.to_data(), line=line),
        done=lambda saved: f"Financement « {saved} » enregistré.",
        anchor="financements",
    )


@login_required
@require_POST
def funding_delete(request, public_id, pk, line_pk):
    action = get_action(request, public_id, pk)
    line = _line_of(request, action, line_pk)
    label = str(line)
    line.delete()
    messages.success(
        request, f"Financement « {label} » supprimé (l’historique de la fiche en garde la trace)."
    )
    return redirect(_fiche_url(action, "financements"))


# --- Indicators ----------------------------------------------------------------------------------------


@login_required
@require_POST
def indicator_add(request, public_id, pk):
    action = get_action(request, public_id, pk, "plans.change_action")
    form = IndicatorForm(request.POST, prefix="indicator")
    return _submit(
        request,
        action,
        form,
        section="indicators",
        forms={"indicator_form": form},
        save=lambda data: add_indicator(action.contract, action=action, **data),
        done=lambda indicator: f"Indicateur « {indicator.name} » ajouté.",
        anchor="indicateurs",
    )
