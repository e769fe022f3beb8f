"""Pages of the contracts app: list, create, edit, detail with its life cycle, signatories, links,
indicators and checklist; the régions' socles. Views parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from santelocale.accounts.submissions import CreationForm
from santelocale.contracts import compliance, lifecycle, reading, services
from santelocale.contracts.enums import PROJECT_STATUSES
from santelocale.contracts.filtersets import ContractFilterSet
from santelocale.contracts.forms import (
    ContractForm,
    IndicatorForm,
    LinkForm,
    RenewForm,
    SignatoryForm,
    ThemeForm,
    TransitionForm,
)
from santelocale.contracts.models import Contract, ContractLink, RegionalTheme, Signatory, generation_label
from santelocale.contracts.perms import scope_of
from santelocale.contracts.plan_hooks import plan_hooks
from santelocale.indicators.services import IndicatorError, add_indicator
from santelocale.territories import geo
from santelocale.territories.models import Region
from santelocale.utils.versioning import VersionConflict


def _contract(request, public_id, action="view") -> Contract:
    """The contract if ``request.user`` may see it (404 otherwise) and, for ``change``/``sign``, act on it."""
    contract = reading.visible_contract(request.user, public_id)
    if contract is None:
        raise Http404(reading.NOT_VISIBLE)
    if action != "view" and not request.user.has_perm(f"contracts.{action}_contract", contract):
        raise PermissionDenied("Vous ne pouvez pas modifier ce contrat.")
    return contract


def contract_list(request):
    filterset = ContractFilterSet(
        request.GET,
        Contract.objects.restrict(request.user, "view")
        .select_related("region", "department", "perimeter")
        .prefetch_related("porteurs")
        .order_by("region__name", "name"),
    )
    contracts = filterset.qs
    editable = set()
    if request.user.is_authenticated:
        editable = set(Contract.objects.restrict(request.user, "change").values_list("pk", flat=True))
    return render(
        request,
        "contracts/contract_list.html",
        {
            "contracts": contracts,
            "warnings": filterset.warnings,
            "editable": editable,
            "can_add": request.user.has_perm("contracts.add_contract"),
        },
    )


def _initial_region(user):
    organisation = user.home_organisation()
    if organisation is None:
        return None
    if organisation.region_id:
        return organisation.region_id
    if organisation.department_id:
        return organisation.department.region_id
    if organisation.commune_id:
        return organisation.commune.region_id
    return None


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, public_id=None):
    contract = _contract(request, public_id, "change") if public_id else None
    if contract is None and not request.user.has_perm("contracts.add_contract"):
        raise PermissionDenied("Seuls les coordinateurs et les référents ARS peuvent créer un contrat.")
    if request.method == "GET":
        if contract is not None:
            initial = ContractForm.initial_for(contract)
        else:
            home = request.user.home_organisation()
            initial = {
                "kind": "CLS",
                "region": _initial_region(request.user),
                "porteurs": [home.pk] if home else [],
                "perimeter": request.GET.get("perimetre"),
            }
        form = ContractForm(initial=initial, user=request.user, contract=contract)
        return render(request, "contracts/contract_form.html", {"form": form, "contract": contract})
    form = ContractForm(request.POST, user=request.user, contract=contract)
    errors = []
    if form.is_valid():
        try:
            if contract is None:
                saved, _ = form.create_once(
                    request, lambda: services.create_contract(user=request.user, data=form.to_data())
                )
            else:
                saved = services.update_contract(contract, user=request.user, data=form.to_data())
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from exc
        except VersionConflict as conflict:
            form.show_conflict(conflict, form.to_data().as_dict())
            contract = conflict.current
        except services.ContractError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Contrat « {saved.name} » enregistré.")
            return redirect(saved)
    return render(
        request,
        "contracts/contract_form.html",
        {"form": form, "contract": contract, "errors": errors},
        status=400,
    )


def _renewal_name(contract) -> str:
    """The name proposed for the next generation: « … — 2e génération », or « … — renouvellement » when the
    contract's own generation is unknown."""
    following = services.next_generation(contract)
    return f"{contract.name} — {generation_label(following) if following else 'renouvellement'}"


def _detail_context(request, contract, **overrides):
    user = request.user
    can_change = user.has_perm("contracts.change_contract", contract)
    options = lifecycle.options_for(contract, user) if can_change else []
    signatories = list(reading.signatories(contract, user))
    context = {
        "contract": contract,
        "can_change": can_change,
        "insider": user.has_perm("contracts.view_governance_details", contract),
        "checklist": compliance.checklist(contract, user),
        "plan": plan_hooks().overview(contract, user),
        "options": [(option, TransitionForm(initial={"target": option.target})) for option in options],
        "journey": lifecycle.journey(contract, user),
        "status_changes": reading.status_changes(contract, user),
        "signatories": signatories,
        "confirmable": {
            s.pk
            for s in signatories
            if not s.confirmed_at and s.organisation_id and user.has_perm("contracts.confirm_signatory", s)
        },
        "links": reading.links(contract, user),
        "indicators": reading.indicators(contract, user),
        "themes": contract.themes.all(),
        "region_themes": contract.region.themes.all(),
        "porteurs": contract.porteurs.all(),
        "renews": reading.renews(contract, user),
        "renewals": reading.renewals(contract, user),
        "can_renew": can_change
        and contract.status not in PROJECT_STATUSES
        and not contract.renewals.exists(),
        "signatory_form": SignatoryForm(prefix="signatory"),
        "link_form": LinkForm(prefix="link", contract=contract, user=user),
        "indicator_form": IndicatorForm(prefix="indicator"),
        "renew_form": RenewForm(
            prefix="renew",
            initial={"name": _renewal_name(contract)},
        ),
        "errors": {},
        "geojson_url": reverse("contracts:perimeter_geojson", args=[contract.public_id]),
    }
    context.update(overrides)
    return context


def contract_detail(request, public_id):
    contract = _contract(request, public_id)
    return render(request, "contracts/contract_detail.html", _detail_context(request, contract))


def _refused(request, contract, section, messages_, **forms):
    """Re-render the detail page with ``section``'s errors (and its bound form): status 400."""
    context = _detail_context(request, contract, errors={section: messages_}, **forms)
    return render(request, "contracts/contract_detail.html", context, status=400)


def _form_errors(form) -> list[str]:
    return [error for errors in form.errors.values() for error in errors]


@login_required
@require_POST
def contract_transition(request, public_id):
    contract = _contract(request, public_id, "change")
    form = TransitionForm(request.POST)
    # A refusal shows the form as it was sent (the motive typed is not lost), under its alert.
    sent = {"transition_sent": request.POST}
    if not form.is_valid():
        return _refused(request, contract, "status", _form_errors(form), **sent)
    try:
        change = lifecycle.change_status(
            contract,
            user=request.user,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
            effective_on=form.cleaned_data["effective_on"],
        )
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.ContractError as exc:
        return _refused(request, contract, "status", exc.messages, **sent)
    messages.success(request, f"Statut : « {change.get_to_status_display()} ».")
    return redirect(contract.get_absolute_url() + "#statut")


def _section_submit(request, contract, form, *, section: str, save, done, anchor: str = ""):
    """Validate ``form`` (a section of the contract page), call ``save(cleaned_data)``; on success flash
    ``done(result)`` and go back to the page at ``anchor`` (or, without one, to the result itself: a
    renewal), otherwise re-render the page with the French errors (400)."""
    form_key = f"{form.prefix}_form"
    if not form.is_valid():
        return _refused(request, contract, section, _form_errors(form), **{form_key: form})
    data = {name: value for name, value in form.cleaned_data.items() if name != "submission_token"}
    try:
        if isinstance(form, CreationForm):
            result, _ = form.create_once(request, lambda: save(data))
        else:
            result = save(data)
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    except (services.ContractError, IndicatorError) as exc:
        return _refused(request, contract, section, exc.messages, **{form_key: form})
    messages.success(request, done(result))
    return redirect(contract.get_absolute_url() + anchor if anchor else result)


@login_required
@require_POST
def signatory_add(request, public_id):
    contract = _contract(request, public_id, "change")
    return _section_submit(
        request,
        contract,
        SignatoryForm(request.POST, prefix="signatory"),
        section="signatories",
        save=lambda data: services.add_signatory(contract, user=request.user, **data),
        done=lambda signatory: f"Signataire « {signatory.name} » ajouté.",
        anchor="#signataires",
    )


@login_required
@require_POST
def signatory_confirm(request, public_id, pk):
    """The contract's ARS, or an editor of the signatory organisation, confirms that it signs."""
    signatory = (
        Signatory.objects.select_related("contract").filter(contract__public_id=public_id, pk=pk).first()
    )
    if signatory is None or not request.user.has_perm("contracts.confirm_signatory", signatory):
        contract = _contract(request, public_id)  # 404 for a contract the user may not see
        get_object_or_404(Signatory, pk=pk, contract=contract)
        raise PermissionDenied(
            "Seule l’ARS du contrat, ou l’organisation signataire elle-même, confirme sa participation."
        )
    try:
        services.confirm_signatory(signatory, user=request.user)
    except services.ContractError as exc:
        return _refused(request, signatory.contract, "signatories", exc.messages)
    messages.success(request, f"Participation de « {signatory.name} » confirmée.")
    return redirect(signatory.contract.get_absolute_url() + "#signataires")


@login_required
@require_POST
def signatory_remove(request, public_id, pk):
    contract = _contract(request, public_id, "change")
    signatory = get_object_or_404(Signatory, pk=pk, contract=contract)
    try:
        services.remove_signatory(signatory)
    except services.ContractError as exc:
        return _refused(request, contract, "signatories", exc.messages)
    messages.success(request, f"Signataire « {signatory.name} » retiré.")
    return redirect(contract.get_absolute_url() + "#signataires")


@login_required
@require_POST
def link_add(request, public_id):
    contract = _contract(request, public_id, "change")
    return _section_submit(
        request,
        contract,
        LinkForm(request.POST, prefix="link", contract=contract, user=request.user),
        section="links",
        save=lambda data: services.add_link(contract, **data),
        done=lambda link: "Articulation enregistrée.",
        anchor="#articulations",
    )


@login_required
@require_POST
def link_remove(request, public_id, pk):
    contract = _contract(request, public_id, "change")
    link = get_object_or_404(ContractLink, pk=pk)
    try:
        services.remove_link(contract, link)
    except services.ContractError as exc:
        raise PermissionDenied(exc.messages[0]) from exc
    messages.success(request, "Articulation retirée.")
    return redirect(contract.get_absolute_url() + "#articulations")


@login_required
@require_POST
def indicator_add(request, public_id):
    contract = _contract(request, public_id, "change")
    return _section_submit(
        request,
        contract,
        IndicatorForm(request.POST, prefix="indicator"),
        section="indicators",
        save=lambda data: add_indicator(contract, **data),
        done=lambda indicator: f"Indicateur « {indicator.name} » ajouté.",
        anchor="#indicateurs",
    )


@login_required
@require_POST
def contract_renew(request, public_id):
    contract = _contract(request, public_id, "change")
    return _section_submit(
        request,
        contract,
        RenewForm(request.POST, prefix="renew"),
        section="renewal",
        save=lambda data: services.renew_contract(contract, user=request.user, name=data["name"]),
        done=lambda renewal: f"Contrat de {renewal.generation_label} « {renewal.name} » ouvert.",
    )


@require_GET
@gzip_page
def contract_perimeter_geojson(request, public_id):
    """The contract's perimeter contour, readable by whoever may read the contract (even the public)."""
    contract = _contract(request, public_id)
    response = geo.geojson_response(geo.perimeter_layer(contract.perimeter))
    if not contract.is_published:
        response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


# --- Regional socles ----------------------------------------------------------------------------------


def theme_list(request):
    regions = Region.objects.prefetch_related(
        Prefetch("themes", queryset=RegionalTheme.objects.order_by("position"))
    ).order_by("name")
    manageable = scope_of(request.user).ars_admin_regions if request.user.is_authenticated else frozenset()
    return render(
        request,
        "contracts/theme_list.html",
        {"regions": regions, "manageable": manageable, "is_superuser": request.user.is_superuser},
    )


def _manageable_region(request, code) -> Region:
    region = get_object_or_404(Region, pk=code)
    if not request.user.has_perm("contracts.manage_themes", region):
        raise PermissionDenied("Seul un administrateur de l’ARS de cette région gère ses socles.")
    return region


@login_required
@require_http_methods(["GET", "POST"])
def theme_manage(request, code):
    region = _manageable_region(request, code)
    form = ThemeForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            data = {name: value for name, value in form.cleaned_data.items() if name != "submission_token"}
            theme, _ = form.create_once(request, lambda: services.add_theme(region, **data))
        except services.ContractError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Socle « {theme.label} » ajouté.")
            return redirect("contracts:theme_manage", code=region.pk)
    status = 400 if request.method == "POST" else 200
    context = {"region": region, "form": form, "errors": errors, "themes": region.themes.order_by("position")}
    return render(request, "contracts/theme_manage.html", context, status=status)


@login_required
@require_POST
def theme_remove(request, code, pk):
    region = _manageable_region(request, code)
    theme = get_object_or_404(RegionalTheme, pk=pk, region=region)
    try:
        services.remove_theme(theme)
    except services.ContractError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Socle « {theme.label} » retiré.")
    return redirect("contracts:theme_manage", code=region.pk)
