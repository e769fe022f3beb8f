"""Governance pages of a contract (bodies, members, meetings, contacts) and the contacts directory.

Who may do what (``contracts.perms``): whoever may view a contract reads its governance page; whoever may
change it adds and removes bodies, members, meetings and contacts. A contact not published in the
directory is shown to editors only. The directory lists the published contacts of the contracts the user
may view, so the public never sees a draft's contacts.

Adding answers an htmx request with the re-rendered fragment (the body, the list of bodies, the contacts)
and a plain POST with a redirect; a refusal re-renders the form with the French messages, status 400, and
writes nothing. Removing always goes through a confirmation page (GET), then a POST.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from santelocale.contracts import reading
from santelocale.contracts.compliance import checklist
from santelocale.contracts.enums import ContactRole, ContractKind, MemberRole, Quart
from santelocale.contracts.forms_governance import (
    BodyEditForm,
    BodyForm,
    ContactEditForm,
    ContactForm,
    DirectoryFilterForm,
    MeetingEditForm,
    MeetingForm,
    MemberEditForm,
    MemberForm,
)
from santelocale.contracts.governance import (
    COMPLEX_CASES_RULE,
    add_body,
    add_meeting,
    add_member,
    update_body,
    update_meeting,
    update_member,
)
from santelocale.contracts.models import Body, BodyMember, Contact, Contract, Meeting
from santelocale.contracts.services import ContractError, add_contact, update_contact
from santelocale.territories.models import Department, Region
from santelocale.utils import fr
from santelocale.utils.spreadsheet import spreadsheet_csv
from santelocale.utils.versioning import VersionConflict

PAGE = "contracts/governance/governance.html"
ROLE_ORDER = {value: position for position, value in enumerate(MemberRole.values)}
REFUSED = "Vous ne pouvez pas modifier la gouvernance de ce contrat."
MEETING_REMOVAL = (
    "Sa date, ses présents et, le cas échéant, son ordre du jour, son compte rendu et ses décisions seront "
    "supprimés."
)


# --- Access and shared context -------------------------------------------------------------------------


def _contract(request, public_id, action: str = "view") -> Contract:
    """The contract if ``request.user`` may view it (404 otherwise); with ``action="change"``, 403 unless
    they may also change it."""
    contract = reading.visible_contract(request.user, public_id)
    if contract is None:
        raise Http404(reading.NOT_VISIBLE)
    if action == "change" and not request.user.has_perm("contracts.change_contract", contract):
        raise PermissionDenied(REFUSED)
    return contract


def _governance_url(contract: Contract, anchor: str = "") -> str:
    url = reverse("contracts:governance", args=[contract.public_id])
    return f"{url}#{anchor}" if anchor else url


def _form_errors(form) -> list[str]:
    """Every error of a bound form, as the French sentences shown in the alert."""
    return [str(error) for bound in form for error in bound.errors] + [
        str(error) for error in form.non_field_errors()
    ]


def _term_label(member, today: datetime.date) -> str:
    if member.is_current(today):
        return "En cours"
    if member.term_starts_on and member.term_starts_on > today:
        return "À venir"
    return "Terminé"


@dataclass
class BodyPanel:
    """What the page shows of one body, with its two forms (blank, or as submitted with their errors)."""

    body: Body
    members: list
    meetings: list
    member_form: MemberForm
    meeting_form: MeetingForm
    member_errors: list[str] = field(default_factory=list)
    meeting_errors: list[str] = field(default_factory=list)
    notice: str = ""
    open_form: str = ""  # "member" or "meeting": the form shown unfolded (after a refusal)


@dataclass
class QuartRow:
    label: str
    members: list
    note: str = ""

    @property
    def present(self) -> bool:
        return bool(self.members)


def _members_in_order(body: Body) -> list[BodyMember]:
    """The body's members, chair first (role order, then name)."""
    return sorted(body.members.all(), key=lambda m: (ROLE_ORDER.get(m.role, len(ROLE_ORDER)), m.person))


def _panel(body: Body, contract: Contract, today: datetime.date, **state) -> BodyPanel:
    members = _members_in_order(body)
    for member in members:
        member.current = member.is_current(today)
        member.term_label = _term_label(member, today)
    meetings = list(body.meetings.all())
    for meeting in meetings:
        meeting.attendance = len(meeting.attendees.all()) + meeting.other_attendees
    state.setdefault("member_form", MemberForm())
    state.setdefault("meeting_form", MeetingForm(contract=contract))
    return BodyPanel(body=body, members=members, meetings=meetings, **state)


def _four_quarts(contract: Contract, bodies: list[Body], today: datetime.date, user) -> dict | None:
    """For a CLSM: who seats each of the « quatre quarts » today, and the checklist's verdict on them."""
    if contract.kind != ContractKind.CLSM:
        return None
    current = [m for body in bodies for m in body.members.all() if m.is_current(today)]
    elected = [m for m in current if m.quart == Quart.ELECTED]
    chairs = [m for m in elected if m.role == MemberRole.CHAIR]
    rows = [
        QuartRow(
            "Élu·e local·e à la présidence",
            chairs,
            "" if chairs or not elected else "un·e élu·e siège, mais n’assure pas la présidence",
        )
    ]
    rows += [
        QuartRow(Quart(quart).label, [m for m in current if m.quart == quart])
        for quart in (Quart.PSYCHIATRY, Quart.USERS, Quart.CAREGIVERS)
    ]
    item = next(item for item in checklist(contract, user) if item.code == "four_quarts")
    return {"rows": rows, "item": item}


def _context(
    request,
    contract: Contract,
    *,
    panel_state: dict | None = None,
    body_form: BodyForm | None = None,
    body_errors=(),
    body_notice: str = "",
    contact_form: ContactForm | None = None,
    contact_errors=(),
    contact_notice: str = "",
) -> dict:
    """Everything the governance page and its fragments show; ``panel_state`` maps a body's pk to the
    state of its panel (submitted form, errors, notice)."""
    today = timezone.localdate()
    bodies = reading.bodies(contract, request.user)
    panel_state = panel_state or {}
    can_change = request.user.has_perm("contracts.change_contract", contract)
    return {
        "contract": contract,
        "can_change": can_change,
        "insider": request.user.has_perm("contracts.view_governance_details", contract),
        "panels": [_panel(body, contract, today, **panel_state.get(body.pk, {})) for body in bodies],
        "four_quarts": _four_quarts(contract, bodies, today, request.user),
        "body_form": body_form or BodyForm(),
        "body_kind_choices": BodyForm.kind_choices(contract),
        "body_errors": list(body_errors),
        "body_notice": body_notice,
        "contacts": reading.contacts(contract, request.user),
        "contact_form": contact_form or ContactForm(),
        "contact_errors": list(contact_errors),
        "contact_notice": contact_notice,
        "member_roles": MemberRole.choices,
        "contact_roles": ContactRole.choices,
        "complex_cases_rule": COMPLEX_CASES_RULE,
        "is_clsm": contract.kind == ContractKind.CLSM,
        "breadcrumb": [
            ("Contrats", reverse("contracts:list")),
            (contract.name, contract.get_absolute_url()),
            ("Gouvernance", None),
        ],
    }


def _fragment(request, contract, fragment: str, *, status: int, body: Body | None = None, **state):
    """The re-rendered part of the page an htmx request swaps in (with the four quarts out of band when a
    member changed)."""
    context = _context(request, contract, **state)
    if fragment == "body":
        context["panel"] = next(p for p in context["panels"] if p.body.pk == body.pk)
        html = render_to_string("contracts/governance/_body.html", context, request)
        if context["four_quarts"]:
            context["oob"] = True
            html += render_to_string("contracts/governance/_four_quarts.html", context, request)
    else:
        html = render_to_string(f"contracts/governance/_{fragment}.html", context, request)
    return HttpResponse(html, status=status)


def _refused(request, contract, fragment: str, *, body: Body | None = None, **state):
    if request.htmx:
        return _fragment(request, contract, fragment, status=400, body=body, **state)
    return render(request, PAGE, _context(request, contract, **state), status=400)


def _added(request, contract, fragment: str, notice: str, *, anchor: str, body: Body | None = None, **state):
    if request.htmx:
        return _fragment(request, contract, fragment, status=200, body=body, **state)
    messages.success(request, notice)
    return redirect(_governance_url(contract, anchor))


def _added_to_body(request, contract, body: Body, notice: str):
    """htmx: the body's panel with ``notice`` (and the four quarts out of band); plain POST: back to the
    governance page, at the body."""
    state = {"panel_state": {body.pk: {"notice": notice}}}
    return _added(request, contract, "body", notice, anchor=f"body-{body.pk}", body=body, **state)


# --- Governance page ---------------------------------------------------------------------------------


@require_GET
def governance(request, public_id):
    contract = _contract(request, public_id)
    return render(request, PAGE, _context(request, contract))


@login_required
@require_POST
def governance_body_add(request, public_id):
    contract = _contract(request, public_id, "change")
    form = BodyForm(request.POST)
    if not form.is_valid():
        return _refused(request, contract, "bodies", body_form=form, body_errors=_form_errors(form))
    try:
        body, _ = form.create_once(request, lambda: add_body(contract, **form.values()))
    except ContractError as exc:
        return _refused(request, contract, "bodies", body_form=form, body_errors=exc.messages)
    notice = f"Instance « {body.name} » ajoutée."
    return _added(request, contract, "bodies", notice, anchor=f"body-{body.pk}", body_notice=notice)


@login_required
@require_POST
def governance_member_add(request, public_id, body_id):
    contract = _contract(request, public_id, "change")
    body = get_object_or_404(contract.bodies, pk=body_id)
    form = MemberForm(request.POST)
    errors = _form_errors(form) if not form.is_valid() else []
    if not errors:
        try:
            member, _ = form.create_once(request, lambda: add_member(body, **form.values()))
        except ContractError as exc:
            errors = exc.messages
    if errors:
        state = {"member_form": form, "member_errors": errors, "open_form": "member"}
        return _refused(request, contract, "body", body=body, panel_state={body.pk: state})
    notice = f"« {member.person} » siège désormais à « {body.name} »."
    return _added_to_body(request, contract, body, notice)


@login_required
@require_POST
def governance_meeting_add(request, public_id, body_id):
    contract = _contract(request, public_id, "change")
    body = get_object_or_404(contract.bodies, pk=body_id)
    form = MeetingForm(request.POST, contract=contract)
    errors = _form_errors(form) if not form.is_valid() else []
    if not errors:
        try:
            meeting, _ = form.create_once(request, lambda: add_meeting(body, **form.values()))
        except ContractError as exc:
            errors = exc.messages
    if errors:
        state = {"meeting_form": form, "meeting_errors": errors, "open_form": "meeting"}
        return _refused(request, contract, "body", body=body, panel_state={body.pk: state})
    notice = f"Réunion du {fr.short_date(meeting.held_on)} enregistrée pour « {body.name} »."
    return _added_to_body(request, contract, body, notice)


# --- Editing (a page per object; the version read is checked at save) -------------------------------


def _edit_page(
    request,
    contract,
    obj,
    *,
    form_class,
    save,
    fields: str,
    title,
    anchor: str,
    done,
    form_kwargs: dict | None = None,
    **context,
):
    """GET: ``form_class`` filled with ``obj``; POST: ``save(obj, **values, expected_version=…)``, then back
    to the governance page with ``done`` (a callable of the saved object). A refusal re-renders the form
    with its French messages (400); an object changed by someone else since the form was opened is not
    overwritten: both versions are shown (``_version_conflict.html``), the user's input kept. ``fields``
    is the template of the form's fields; ``title`` a callable of the object (as stored)."""
    form_kwargs = form_kwargs or {}
    errors = []
    if request.method == "GET":
        form = form_class.of(obj, **form_kwargs)
    else:
        form = form_class(request.POST, **form_kwargs)
        errors = _form_errors(form) if not form.is_valid() else []
        if not errors:
            values = form.values()
            try:
                save(obj, **values, expected_version=form.cleaned_data["version"])
            except VersionConflict as conflict:
                form.show_conflict(conflict, values)
                obj = conflict.current  # the page names the object as it is, not as submitted
            except ContractError as exc:
                errors = exc.messages
            else:
                messages.success(request, done(obj))
                return redirect(_governance_url(contract, anchor))
    return render(
        request,
        "contracts/governance/edit_form.html",
        {
            "contract": contract,
            "form": form,
            "errors": errors,
            "fields_template": fields,
            "title": title(obj),
            "cancel_url": _governance_url(contract, anchor),
            "breadcrumb": [
                ("Contrats", reverse("contracts:list")),
                (contract.name, contract.get_absolute_url()),
                ("Gouvernance", _governance_url(contract)),
                (title(obj), None),
            ],
            **context,
        },
        status=200 if request.method == "GET" else 400,  # a POST that saved has redirected
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance_body_edit(request, public_id, body_id):
    """Rename a body, rewrite its role and theme, or (while it has no meeting) change its kind."""
    contract = _contract(request, public_id, "change")
    body = get_object_or_404(contract.bodies, pk=body_id)
    return _edit_page(
        request,
        contract,
        body,
        form_class=BodyEditForm,
        save=update_body,
        fields="contracts/governance/_body_fields.html",
        title=lambda b: f"Instance « {b.name} »",
        anchor=f"body-{body.pk}",
        done=lambda b: f"Instance « {b.name} » enregistrée.",
        body_kind_choices=BodyEditForm.kind_choices(contract),
        intro="Renommez l’instance ou précisez son rôle. Son type ne change plus une fois des réunions "
        "enregistrées.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance_member_edit(request, public_id, member_id):
    """Change a seat: person, organisation, role, quart, term, and the person's account."""
    contract = _contract(request, public_id, "change")
    member = get_object_or_404(
        BodyMember.objects.select_related("body", "user"), pk=member_id, body__contract=contract
    )
    return _edit_page(
        request,
        contract,
        member,
        form_class=MemberEditForm,
        save=update_member,
        fields="contracts/governance/_member_fields.html",
        title=lambda m: f"« {m.person} » à « {member.body.name} »",
        anchor=f"body-{member.body_id}",
        done=lambda m: f"Siège de « {m.person} » à « {member.body.name} » enregistré.",
        member_roles=MemberRole.choices,
        is_clsm=contract.kind == ContractKind.CLSM,
        intro="Corrigez le siège, renouvelez son mandat, ou liez-le au compte de la personne.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance_meeting_edit(request, public_id, meeting_id):
    """The form of one meeting, to write its minutes and decisions once it was held, or correct it."""
    contract = _contract(request, public_id, "change")
    meeting = get_object_or_404(
        Meeting.objects.select_related("body"), pk=meeting_id, body__contract=contract
    )
    body = meeting.body
    return _edit_page(
        request,
        contract,
        meeting,
        form_class=MeetingEditForm,
        save=update_meeting,
        fields="contracts/governance/_meeting_fields.html",
        title=lambda m: f"Réunion du {fr.short_date(m.held_on)} — {body.name}",
        anchor=f"body-{body.pk}",
        done=lambda m: f"Réunion du {fr.short_date(m.held_on)} de « {body.name} » enregistrée.",
        form_kwargs={"contract": contract},
        body=body,
        members=_members_in_order(body),
        intro="Complétez le compte rendu et les décisions après la réunion, ou corrigez-la.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance_contact_edit(request, public_id, contact_id):
    """Change a contact's details, or publish it in the directory (or withdraw it)."""
    contract = _contract(request, public_id, "change")
    contact = get_object_or_404(contract.contacts, pk=contact_id)
    return _edit_page(
        request,
        contract,
        contact,
        form_class=ContactEditForm,
        save=update_contact,
        fields="contracts/governance/_contact_fields.html",
        title=lambda c: f"Contact « {c.name} »",
        anchor="contacts",
        done=lambda c: f"Contact « {c.name} » enregistré.",
        contact_roles=ContactRole.choices,
        intro="Coordonnées professionnelles seulement.",
    )


@login_required
@require_POST
def governance_contact_add(request, public_id):
    contract = _contract(request, public_id, "change")
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _refused(request, contract, "contacts", contact_form=form, contact_errors=_form_errors(form))
    try:
        contact, _ = form.create_once(request, lambda: add_contact(contract, **form.values()))
    except ContractError as exc:
        return _refused(request, contract, "contacts", contact_form=form, contact_errors=exc.messages)
    where = "publié dans l’annuaire" if contact.is_public else "non publié dans l’annuaire"
    notice = f"Contact « {contact.name} » ajouté ({where})."
    return _added(request, contract, "contacts", notice, anchor="contacts", contact_notice=notice)


# --- Removals (confirmation page, then POST) ---------------------------------------------------------


def _confirm_or_delete(
    request, contract, obj, *, title: str, consequences: list[str], done: str, anchor: str
):
    """GET: the confirmation page; POST: delete ``obj`` and go back to the governance page."""
    if request.method == "POST":
        obj.delete()
        messages.success(request, done)
        return redirect(_governance_url(contract, anchor))
    return render(
        request,
        "contracts/governance/confirm_delete.html",
        {
            "contract": contract,
            "title": title,
            "consequences": consequences,
            "cancel_url": _governance_url(contract, anchor),
            "breadcrumb": [
                ("Contrats", reverse("contracts:list")),
                (contract.name, contract.get_absolute_url()),
                ("Gouvernance", _governance_url(contract)),
                ("Confirmer la suppression", None),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance_body_delete(request, public_id, body_id):
    contract = _contract(request, public_id, "change")
    body = get_object_or_404(contract.bodies, pk=body_id)
    members, meetings = body.members.count(), body.meetings.count()
    return _confirm_or_delete(
        request,
        contract,
        body,
        title=f"Supprimer l’instance « {body.name} » ?",
        consequences=[
            f"Ses {members} membre(s) et ses {meetings} réunion(s) seront supprimés avec elle.",
            "L’historique des modifications en garde la trace.",
        ],
        done=f"Instance « {body.name} » supprimée, avec ses membres et ses réunions.",
        anchor="instances",
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance_member_delete(request, public_id, member_id):
    contract = _contract(request, public_id, "change")
    member = get_object_or_404(
        BodyMember.objects.select_related("body"),
        pk=member_id,
        body__contract=contract,
    )
    attended = member.meetings.count()
    consequences = [f"« {member.person} » ne siégera plus à « {member.body.name} »."]
    if attended:
        consequences.append(
            f"Il ou elle figure parmi les présents de {attended} réunion(s) : "
            "ces réunions compteront un présent de moins."
        )
    if contract.kind == ContractKind.CLSM and member.quart:
        consequences.append(f"Le quart « {member.get_quart_display()} » perd un membre.")
    return _confirm_or_delete(
        request,
        contract,
        member,
        title=f"Retirer « {member.person} » de « {member.body.name} » ?",
        consequences=consequences,
        done=f"« {member.person} » ne siège plus à « {member.body.name} ».",
        anchor=f"body-{member.body_id}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance_meeting_delete(request, public_id, meeting_id):
    contract = _contract(request, public_id, "change")
    meeting = get_object_or_404(
        Meeting.objects.select_related("body"), pk=meeting_id, body__contract=contract
    )
    day = fr.short_date(meeting.held_on)
    return _confirm_or_delete(
        request,
        contract,
        meeting,
        title=f"Supprimer la réunion du {day} de « {meeting.body.name} » ?",
        consequences=[MEETING_REMOVAL],
        done=f"Réunion du {day} de « {meeting.body.name} » supprimée.",
        anchor=f"body-{meeting.body_id}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance_contact_delete(request, public_id, contact_id):
    contract = _contract(request, public_id, "change")
    contact = get_object_or_404(contract.contacts, pk=contact_id)
    consequences = ["Il ne figurera plus sur la page de gouvernance."]
    if contact.is_public:
        consequences.append("Il disparaîtra de l’annuaire des contacts.")
    return _confirm_or_delete(
        request,
        contract,
        contact,
        title=f"Retirer le contact « {contact.name} » ({contact.get_role_display()}) ?",
        consequences=consequences,
        done=f"Contact « {contact.name} » retiré.",
        anchor="contacts",
    )


# --- Directory -----------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "Région",
    "Département",
    "Contrat",
    "Type",
    "Contrat publié",
    "Rôle",
    "Nom ou fonction",
    "Organisation",
    "Adresse électronique",
    "Téléphone",
    "Page du contrat",
]
_ROLE_POSITION = Case(
    *(When(role=value, then=Value(position)) for position, value in enumerate(ContactRole.values)),
    output_field=IntegerField(),
)


def _directory(request):
    """The filter form and the published contacts of the contracts ``request.user`` may view, filtered,
    ordered by région, département, contract, role and name."""
    contacts = Contact.objects.filter(
        is_public=True, contract__in=Contract.objects.restrict(request.user, "view")
    ).select_related("contract__region", "contract__department")
    region_codes = set(contacts.values_list("contract__region_id", flat=True))
    department_codes = set(contacts.values_list("contract__department_id", flat=True)) - {None}
    form = DirectoryFilterForm(
        request.GET or None,
        regions=Region.objects.filter(code__in=region_codes),
        departments=Department.objects.filter(code__in=department_codes),
    )
    if form.is_bound:
        form.is_valid()  # a value not offered is reported and ignored; the valid filters still apply
        filters = {
            "region": "contract__region_id",
            "department": "contract__department_id",
            "kind": "contract__kind",
            "role": "role",
        }
        for name, lookup in filters.items():
            if form.cleaned_data.get(name):
                contacts = contacts.filter(**{lookup: form.cleaned_data[name]})
    contacts = contacts.order_by(
        "contract__region__name",
        F("contract__department_id").asc(nulls_last=True),
        "contract__name",
        _ROLE_POSITION,
        "name",
    )
    return form, contacts


@require_GET
def directory(request):
    form, contacts = _directory(request)
    return render(
        request,
        "contracts/directory.html",
        {
            "form": form,
            "contacts": list(contacts),
            "filter_errors": _form_errors(form) if form.is_bound else [],
            "query": request.GET.urlencode(),
            "breadcrumb": [("Annuaire des contacts", None)],
        },
    )


@require_GET
def directory_csv(request):
    """The filtered directory as CSV for spreadsheets: UTF-8 with a BOM, « ; » separators."""
    _form, contacts = _directory(request)
    rows = (
        [
            contact.contract.region.name,
            str(contact.contract.department) if contact.contract.department else "",
            contact.contract.name,
            contact.contract.kind,
            "oui" if contact.contract.is_published else "non",
            contact.get_role_display(),
            contact.name,
            contact.organisation,
            contact.email,
            contact.phone,
            request.build_absolute_uri(contact.contract.get_absolute_url()),
        ]
        for contact in contacts
    )
    response = HttpResponse(spreadsheet_csv(CSV_COLUMNS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="annuaire-contacts-cls-clsm.csv"'
    return response
