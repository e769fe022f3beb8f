"""Forms of the governance pages (bodies, members, meetings, contacts) and of the contacts directory.

They only parse what the user typed (types, lengths, dates in French); the governance rules (CLSM-only
bodies, one chair, quarts, terms in order, no free text for a « cellule cas complexes ») are checked by
``contracts.governance`` and ``contracts.services``, whose French messages the pages show as they are.
"""

from django import forms
from django.core.validators import RegexValidator

from santelocale.accounts.services import UnknownAccount, account_of
from santelocale.accounts.submissions import CreationForm
from santelocale.contracts.enums import BodyKind, ContactRole, ContractKind, MemberRole, Quart
from santelocale.contracts.governance import CLSM_ONLY_BODIES, NO_HEALTH_DATA
from santelocale.contracts.models import BodyMember
from santelocale.utils.forms import BoundedFieldsMixin, VersionedForm

#: The browser's date picker sends ISO dates; a typed date may be in the French form.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
INVALID_DATE = "Date invalide : saisissez une date au format JJ/MM/AAAA (par exemple 15/03/2025)."
#: Upper bound of the counts (PositiveSmallIntegerField columns; no body seats thousands of people).
MAX_COUNT = 9999
MAX_TEXT = 20_000
ACCOUNT_HELP = (
    "Adresse électronique du compte de la personne sur la plateforme, si elle en a un : elle pourra lire "
    "les comptes rendus de cette instance."
)


def _date_field(label: str, *, required: bool = False, required_message: str = "") -> forms.DateField:
    messages = {"invalid": INVALID_DATE}
    if required_message:
        messages["required"] = required_message
    return forms.DateField(
        label=label, required=required, input_formats=DATE_INPUT_FORMATS, error_messages=messages
    )


def _count_field(label: str) -> forms.IntegerField:
    # No lower bound here: a negative count reaches the service, which refuses it with its own message.
    return forms.IntegerField(
        label=label,
        required=False,
        max_value=MAX_COUNT,
        error_messages={
            "invalid": f"« {label} » : saisissez un nombre entier.",
            "max_value": f"« {label} » : au plus {MAX_COUNT}.",
        },
    )


class BodyFields(BoundedFieldsMixin, forms.Form):
    """A governance body. Every kind is accepted here; the service refuses CLSM-only ones on a CLS, and a
    change of kind once the body has meetings."""

    kind = forms.ChoiceField(
        label="Type d’instance",
        choices=BodyKind.choices,
        error_messages={
            "required": "Choisissez le type d’instance.",
            "invalid_choice": "Type d’instance inconnu : « %(value)s ».",
        },
    )
    name = forms.CharField(
        label="Nom de l’instance",
        max_length=255,
        error_messages={"required": "Le nom de l’instance est obligatoire."},
    )
    mandate = forms.CharField(
        label="Rôle et thème (facultatif)", required=False, max_length=MAX_TEXT, help_text=NO_HEALTH_DATA
    )

    @staticmethod
    def kind_choices(contract) -> list[tuple[str, str]]:
        """The kinds offered for ``contract``: the CLSM-only bodies only on a CLSM."""
        if contract.kind == ContractKind.CLSM:
            return list(BodyKind.choices)
        return [(value, label) for value, label in BodyKind.choices if value not in CLSM_ONLY_BODIES]

    @staticmethod
    def initial_of(body) -> dict:
        return {"kind": body.kind, "name": body.name, "mandate": body.mandate}

    def values(self) -> dict:
        """The service's arguments (``governance.add_body`` / ``update_body``)."""
        return {name: self.cleaned_data[name] for name in ("kind", "name", "mandate")}


class BodyForm(BodyFields, CreationForm):
    """A new governance body (sent twice, it creates one)."""


class BodyEditForm(BodyFields, VersionedForm):
    """Changing a body: the version read is sent back, so that a change made meanwhile is not lost."""


class MemberFields(BoundedFieldsMixin, forms.Form):
    """A seat in a body: person or function, organisation, role, quart (CLSM), term, and the person's
    account when they have one (they then read the body's minutes)."""

    person = forms.CharField(
        label="Personne ou fonction",
        max_length=255,
        help_text=NO_HEALTH_DATA,
        error_messages={"required": "Indiquez la personne ou la fonction du membre."},
    )
    organisation = forms.CharField(
        label="Organisation (facultatif)", required=False, max_length=255, help_text=NO_HEALTH_DATA
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        error_messages={
            "required": "Choisissez le rôle du membre.",
            "invalid_choice": "Rôle inconnu : « %(value)s ».",
        },
    )
    quart = forms.ChoiceField(
        label="Quart (CLSM)",
        choices=[("", "— Aucun —"), *Quart.choices],
        required=False,
        error_messages={"invalid_choice": "Quart inconnu : « %(value)s »."},
    )
    term_starts_on = _date_field("Début du mandat (facultatif)")
    term_ends_on = _date_field("Fin du mandat (facultatif)")
    account = forms.EmailField(
        label="Compte sur la plateforme (facultatif)",
        required=False,
        max_length=254,
        help_text=ACCOUNT_HELP,
        error_messages={"invalid": "Adresse électronique invalide (exemple : prenom.nom@mairie.fr)."},
    )

    def clean_account(self):
        """The active account with this address, or ``None`` when the field is empty."""
        try:
            return account_of(self.cleaned_data["account"])
        except UnknownAccount as exc:
            raise forms.ValidationError(str(exc)) from exc

    @staticmethod
    def initial_of(member) -> dict:
        return {
            "person": member.person,
            "organisation": member.organisation,
            "role": member.role,
            "quart": member.quart,
            "term_starts_on": member.term_starts_on and member.term_starts_on.isoformat(),
            "term_ends_on": member.term_ends_on and member.term_ends_on.isoformat(),
            "account": member.user.email if member.user_id else "",
        }

    def values(self) -> dict:
        """The service's arguments (``governance.add_member`` / ``update_member``)."""
        data = self.cleaned_data
        fields = ("person", "organisation", "role", "quart", "term_starts_on", "term_ends_on")
        return {name: data[name] for name in fields} | {"user": data["account"]}


class MemberForm(MemberFields, CreationForm):
    """Seating a member (sent twice, it seats one)."""


class MemberEditForm(MemberFields, VersionedForm):
    """Changing a seat: the version read is sent back, so that a change made meanwhile is not lost."""


class MeetingFields(BoundedFieldsMixin, forms.Form):
    """A meeting of a body. For a « cellule cas complexes » the page offers only the date, attendance and
    the number of situations examined; any text sent anyway is refused by the service."""

    held_on = _date_field(
        "Date de la réunion", required=True, required_message="Indiquez la date de la réunion."
    )
    agenda = forms.CharField(
        label="Ordre du jour", required=False, max_length=MAX_TEXT, help_text=NO_HEALTH_DATA
    )
    minutes = forms.CharField(
        label="Compte rendu", required=False, max_length=MAX_TEXT, help_text=NO_HEALTH_DATA
    )
    decisions = forms.CharField(
        label="Décisions", required=False, max_length=MAX_TEXT, help_text=NO_HEALTH_DATA
    )
    attendees = forms.ModelMultipleChoiceField(
        label="Présents",
        queryset=BodyMember.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": "Présent inconnu : « %(value)s ».",
            "invalid_pk_value": "Présent inconnu : « %(pk)s ».",
        },
    )
    other_attendees = _count_field("Autres participants")
    cases_reviewed = _count_field("Situations examinées")

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Any seat of the same contract is accepted here, so that a member of another body reaches the
        # service and gets its message (« Ne sont pas membres de cette instance… »).
        if contract is not None:
            self.fields["attendees"].queryset = BodyMember.objects.filter(body__contract=contract)

    @property
    def selected_attendees(self) -> set[str]:
        """The members ticked (as sent, or as recorded), as text: the checkboxes compare with them."""
        return {str(value) for value in (self["attendees"].value() or [])}

    @staticmethod
    def initial_of(meeting) -> dict:
        return {
            "held_on": meeting.held_on.isoformat(),  # as the browser's date picker reads and sends it
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "decisions": meeting.decisions,
            "attendees": [m.pk for m in meeting.attendees.all()],
            "other_attendees": meeting.other_attendees,
            "cases_reviewed": meeting.cases_reviewed,
        }

    def values(self) -> dict:
        """The service's arguments (``governance.add_meeting`` / ``update_meeting``)."""
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "agenda": data["agenda"],
            "minutes": data["minutes"],
            "decisions": data["decisions"],
            "attendees": list(data["attendees"]),
            "other_attendees": data["other_attendees"] or 0,
            "cases_reviewed": data["cases_reviewed"],
        }


class MeetingForm(MeetingFields, CreationForm):
    """Recording a meeting (sent twice, it records one)."""


class MeetingEditForm(MeetingFields, VersionedForm):
    """Changing a meeting: the version read is sent back, so that a change made meanwhile is not lost."""


class ContactFields(BoundedFieldsMixin, forms.Form):
    """A professional contact of a contract, published in the directory or not."""

    role = forms.ChoiceField(
        label="Rôle",
        choices=ContactRole.choices,
        error_messages={
            "required": "Choisissez le rôle du contact.",
            "invalid_choice": "Rôle inconnu : « %(value)s ».",
        },
    )
    name = forms.CharField(
        label="Nom ou fonction",
        max_length=255,
        error_messages={"required": "Le nom ou la fonction du contact est obligatoire."},
    )
    organisation = forms.CharField(
        label="Organisation",
        max_length=255,
        error_messages={"required": "L’organisation du contact est obligatoire."},
    )
    email = forms.EmailField(
        label="Adresse électronique professionnelle (facultatif)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Adresse électronique invalide (exemple : prenom.nom@mairie.fr)."},
    )
    phone = forms.CharField(
        label="Téléphone professionnel (facultatif)",
        required=False,
        max_length=32,
        validators=[
            RegexValidator(
                r"^\+?[0-9 .()\-]{4,}$",
                "Numéro de téléphone invalide : chiffres, espaces, points ou tirets (ex. : 05 63 49 10 10).",
            )
        ],
    )
    is_public = forms.TypedChoiceField(
        label="Publier dans l’annuaire",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        initial="oui",
        error_messages={"required": "Indiquez si le contact est publié dans l’annuaire."},
    )

    @staticmethod
    def initial_of(contact) -> dict:
        return {
            "role": contact.role,
            "name": contact.name,
            "organisation": contact.organisation,
            "email": contact.email,
            "phone": contact.phone,
            "is_public": "oui" if contact.is_public else "non",
        }

    def values(self) -> dict:
        """The service's arguments (``services.add_contact`` / ``update_contact``)."""
        fields = ("role", "name", "organisation", "email", "phone", "is_public")
        return {name: self.cleaned_data[name] for name in fields}


class ContactForm(ContactFields, CreationForm):
    """A new contact (sent twice, it creates one)."""


class ContactEditForm(ContactFields, VersionedForm):
    """Changing a contact: the version read is sent back, so that a change made meanwhile is not lost."""


class DirectoryFilterForm(BoundedFieldsMixin, forms.Form):
    """Filters of the directory; the région and département choices are those that have contacts."""

    region = forms.ChoiceField(label="Région", required=False)
    department = forms.ChoiceField(label="Département", required=False)
    kind = forms.ChoiceField(
        label="Type de contrat", required=False, choices=[("", "Tous"), *ContractKind.choices]
    )
    role = forms.ChoiceField(label="Rôle", required=False, choices=[("", "Tous"), *ContactRole.choices])

    def __init__(self, *args, regions=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Toutes"), *((r.code, r.name) for r in regions)]
        self.fields["department"].choices = [("", "Tous"), *((d.code, str(d)) for d in departments)]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = (
                f"{field.label} inconnu·e : « %(value)s » (filtre ignoré)."
            )
