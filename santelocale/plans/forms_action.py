"""Forms of the fiche action pages: the fiche itself, its steps, notes, links, funding lines and
indicators. They only parse what the user typed (types, dates, amounts in French); the rules of a fiche
(title length, dates in order, perimeter, funders…) are checked by ``plans.services`` and
``indicators.services``, whose French messages the pages show as they are."""

from decimal import Decimal

from django import forms
from django.db.models import Q

from santelocale.accounts.models import User
from santelocale.accounts.submissions import CreationForm
from santelocale.indicators.enums import Direction, IndicatorKind
from santelocale.plans import services
from santelocale.plans.enums import (
    ActionStatus,
    FirMission,
    FunderKind,
    FundingNature,
    FundingUnit,
    Participation,
    Priority,
    ProgressMode,
    Vocabulary,
)
from santelocale.plans.models import Action, Term
from santelocale.plans.read import plan_actions
from santelocale.plans.services import ActionData, FundingData, PlanError
from santelocale.territories.models import Commune, PriorityNeighbourhood
from santelocale.utils.forms import Form, VersionedForm, date_field

#: Above this many options, a list of checkboxes becomes a multiple select (communes of a département…).
CHECKBOX_LIMIT = 30
COORDINATOR_ONLY = "Seul·e le ou la coordinateur·rice du contrat modifie ce champ."
LONG_TEXT = 20_000


def _text(label: str, *, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"« {label} » dépasse {LONG_TEXT} caractères."},
    )


def _line(label: str, *, max_length: int = 500, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        error_messages={"max_length": f"« {label} » dépasse {max_length} caractères."},
    )


def _choice(
    label: str, choices, *, blank: str = "Non renseigné", widget=None, unknown: str = "inconnu"
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", blank), *choices],
        widget=widget or forms.Select,
        error_messages={"invalid_choice": f"{label} {unknown} : « %(value)s »."},
    )


def _many(label: str, queryset, *, help_text: str = "") -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=queryset,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": f"« %(value)s » ne fait pas partie des choix proposés pour « {label} ».",
            "invalid_pk_value": f"« %(pk)s » ne fait pas partie des choix proposés pour « {label} ».",
        },
    )


def _amount(label: str, *, help_text: str = "Par exemple 12 500 ou 12 500,50.") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=40, help_text=help_text)


def _parse_amount(form, name: str, label: str):
    try:
        return services.parse_amount(form.cleaned_data.get(name), label)
    except PlanError as exc:
        raise forms.ValidationError(exc.messages) from None


def format_amount(value: Decimal | None) -> str:
    """A stored amount as a French user would type it again: « 12500 », « 1,5 »."""
    if value is None:
        return ""
    value = value.normalize() if value == value.to_integral() else value
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def errors_of(form) -> list[str]:
    """Every error of a bound form, as the French sentences the page lists."""
    found = [str(error) for error in form.non_field_errors()]
    for bound in form:
        found += [str(error) for error in bound.errors]
    return found


class _Labelled(forms.ModelChoiceField):
    def __init__(self, *args, labeller=str, **kwargs):
        self.labeller = labeller
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.labeller(obj)


class _LabelledMany(forms.ModelMultipleChoiceField):
    def __init__(self, *args, labeller=str, **kwargs):
        self.labeller = labeller
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.labeller(obj)


def _person_label(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.email})" if full else user.email


def pilot_candidates(contract, current=None):
    """Whom a fiche of ``contract`` may name as pilot: the members of its porteurs and of its signatory
    organisations, plus the current pilot."""
    organisations = list(contract.porteurs.values_list("pk", flat=True))
    organisations += [pk for pk in contract.signatories.values_list("organisation_id", flat=True) if pk]
    condition = Q(memberships__organisation__in=organisations, is_active=True)
    if current is not None:
        condition |= Q(pk=getattr(current, "pk", current))
    return User.objects.filter(pk__in=User.objects.filter(condition).values("pk")).order_by(
        "last_name", "first_name", "email"
    )


class ActionForm(VersionedForm, CreationForm, Form):
    """Every field of a fiche action (``services.ActionData``) and its linked fiches.

    ``restricted`` (a pilot who is not the coordinator): the pilot, the confidentiality, the axis and the
    parent fiche keep their values whatever is posted."""

    #: The fieldsets of the page, in the order of a Word fiche.
    GROUPS = [
        ("Identification", ["title", "number", "section", "parent"]),
        (
            "Présentation",
            ["description", "objectives", "expected_results", "publics", "communes", "neighbourhoods"],
        ),
        (
            "Acteurs",
            [
                "operator",
                "pilot_user",
                "pilot_name",
                "pilot_service",
                "partners",
                "elected_referent",
                "governance",
                "participation",
            ],
        ),
        (
            "Mise en œuvre",
            [
                "intervention_types",
                "determinants",
                "status",
                "priority",
                "starts_on",
                "ends_on",
                "is_continuous",
                "calendar",
                "means",
                "progress_mode",
                "progress_entered",
                "weight",
            ],
        ),
        ("Financement", ["budget", "funding_note"]),
        (
            "Liens et compléments",
            [
                "linked",
                "related_measures",
                "related_text",
                "related_plans_text",
                "indicators_text",
                "notes",
                "source",
                "is_confidential",
            ],
        ),
    ]

    title = forms.CharField(
        label="Titre",
        help_text=f"{services.TITLE_MAX} caractères au plus.",
        widget=forms.TextInput(attrs={"maxlength": services.TITLE_MAX}),
        error_messages={"required": "Le titre de la fiche est obligatoire."},
    )
    number = _line("Numéro", max_length=32, help_text="Par exemple « 1.2 » ou « A3 ».")
    section = forms.ChoiceField(
        label="Axe ou objectif",
        required=False,
        help_text="Une sous-action se range sous l’axe de sa fiche parente.",
        error_messages={"invalid_choice": "Cet axe ou objectif n’appartient pas au plan du contrat."},
    )
    parent = forms.ChoiceField(
        label="Sous-action de la fiche",
        required=False,
        help_text="Laissez vide pour une fiche action ; choisissez une fiche pour en faire une sous-action.",
        error_messages={"invalid_choice": "Cette fiche parente n’appartient pas au plan du contrat."},
    )
    description = _text("Descriptif", rows=5)
    objectives = _text("Objectifs")
    expected_results = _text("Résultats attendus")
    publics = _many("Publics cibles", Term.objects.filter(vocabulary=Vocabulary.PUBLIC))
    communes = _LabelledMany(
        label="Communes d’intervention",
        queryset=Commune.objects.none(),
        required=False,
        labeller=lambda commune: f"{commune.name} ({commune.code})",
        error_messages={
            "invalid_choice": "« %(value)s » n’est pas une commune du périmètre du contrat.",
            "invalid_pk_value": "« %(pk)s » n’est pas une commune du périmètre du contrat.",
        },
    )
    neighbourhoods = _LabelledMany(
        label="Quartiers prioritaires (QPV)",
        queryset=PriorityNeighbourhood.objects.none(),
        required=False,
        labeller=lambda qpv: f"{qpv.name} ({qpv.code}, QPV {qpv.generation})",
        error_messages={
            "invalid_choice": "« %(value)s » n’est pas un quartier prioritaire du périmètre du contrat.",
            "invalid_pk_value": "« %(pk)s » n’est pas un quartier prioritaire du périmètre du contrat.",
        },
    )
    operator = _line("Structure porteuse (opérateur)")
    pilot_user = _Labelled(
        label="Pilote (compte sur la plateforme)",
        queryset=User.objects.none(),
        required=False,
        labeller=_person_label,
        empty_label="Aucun compte",
        help_text="Un membre d’une collectivité porteuse ou d’un signataire ; il ou elle pourra modifier "
        "la fiche, ses étapes, ses notes, ses financements (sauf ceux de l’ARS) et ses indicateurs.",
        error_messages={"invalid_choice": "Ce compte ne peut pas piloter une fiche de ce contrat."},
    )
    pilot_name = _line("Personne(s) pilote(s)", help_text="Fonction ou nom, séparés par des virgules.")
    pilot_service = _line("Direction ou service pilote")
    partners = _text("Partenaires")
    elected_referent = _line("Élu·e référent·e")
    governance = _text("Instances de gouvernance")
    participation = _choice(
        "Participation citoyenne",
        Participation.choices,
        blank="Non renseignée",
        widget=forms.RadioSelect,
        unknown="inconnue",
    )
    intervention_types = _many(
        "Types d’intervention", Term.objects.filter(vocabulary=Vocabulary.INTERVENTION)
    )
    determinants = _many("Déterminants de santé", Term.objects.filter(vocabulary=Vocabulary.DETERMINANT))
    status = _choice("Statut", ActionStatus.choices)
    priority = _choice("Niveau de priorité", Priority.choices)
    starts_on = date_field("Date de début")
    ends_on = date_field("Date de fin")
    is_continuous = forms.BooleanField(
        label="Action en amélioration continue",
        required=False,
        help_text="Sans date de fin : elle n’est jamais « en retard ».",
    )
    calendar = _text("Calendrier", rows=2)
    means = _text("Moyens humains et techniques")
    progress_mode = forms.ChoiceField(
        label="Avancement",
        choices=ProgressMode.choices,
        initial=ProgressMode.ENTERED,
        required=False,
        help_text="Sans choix, l’avancement est saisi.",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Mode d’avancement inconnu : « %(value)s »."},
    )
    progress_entered = forms.IntegerField(
        label="Avancement saisi (%)",
        required=False,
        help_text="De 0 à 100 ; utilisé quand l’avancement est saisi.",
        error_messages={"invalid": "L’avancement est un pourcentage entre 0 et 100."},
    )
    weight = _amount(
        "Pondération",
        help_text="Poids de la fiche dans l’avancement de son axe (1 par défaut ; par exemple 2 ou 0,5).",
    )
    budget = _amount("Budget prévisionnel total (€)")
    funding_note = _text("Financements (précisions)", rows=2)
    linked = _LabelledMany(
        label="Fiches liées",
        queryset=Action.objects.none(),
        required=False,
        labeller=lambda action: action.label,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Cette fiche liée n’appartient pas au plan du contrat.",
            "invalid_pk_value": "Cette fiche liée n’appartient pas au plan du contrat.",
        },
    )
    related_measures = _text("Mesures liées", rows=2)
    related_text = _text("Actions liées (texte)", rows=2)
    related_plans_text = _text("Fiches des plans liées (texte)", rows=2)
    indicators_text = _text("Indicateurs liés (texte)", rows=2)
    notes = _text("Notes complémentaires")
    source = _line("Source", max_length=255)
    is_confidential = forms.BooleanField(
        label="Fiche confidentielle",
        required=False,
        help_text=(
            "Visible des seuls éditeurs des porteurs, de l’ARS et de son pilote : ni du public, ni des "
            "autres parties, ni des autres contrats."
        ),
    )

    def __init__(
        self, *args, contract, user, action: Action | None = None, restricted: bool = False, **kwargs
    ):
        """``user`` is who fills the form: the fiches offered as parent or linked fiche are those they may
        read (``read.plan_actions``): a pilot editing their fiche is not shown a confidential one."""
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.action = action
        self.restricted = restricted
        self.sections = {str(section.pk): section for section, _ in services.section_tree(contract)}
        self.fields["section"].choices = [("", "Hors axe")] + [
            (
                str(section.pk),
                "\u00a0\u00a0\u00a0" * depth + f"{section.label} ({section.get_kind_display()})",
            )
            for section, depth in services.section_tree(contract)
        ]
        fiches = plan_actions(contract, user)
        parents = fiches.filter(parent__isnull=True)
        if action is not None:
            parents = parents.exclude(pk=action.pk)
            fiches = fiches.exclude(pk=action.pk)
        self.parents = {str(a.pk): a for a in parents}
        self.fields["parent"].choices = [("", "Aucune (fiche action)")] + [
            (pk, a.label) for pk, a in self.parents.items()
        ]
        if action is not None and action.sub_actions.exists():
            self._lock("parent", "Cette fiche a des sous-actions : elle ne peut pas devenir une sous-action.")
        perimeter_communes = contract.perimeter.communes.all()
        self.fields["communes"].queryset = perimeter_communes.order_by("name")
        self.fields["neighbourhoods"].queryset = PriorityNeighbourhood.objects.filter(
            pk__in=PriorityNeighbourhood.objects.filter(communes__in=perimeter_communes).values("pk")
        ).order_by("name", "generation")
        for name in ("communes", "neighbourhoods"):
            field = self.fields[name]
            if field.queryset.count() > CHECKBOX_LIMIT:
                field.widget = forms.SelectMultiple(attrs={"size": 10})
                field.help_text = "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."
            else:
                field.widget = forms.CheckboxSelectMultiple()
            field.widget.choices = field.choices
        self.fields["pilot_user"].queryset = pilot_candidates(
            contract, action.pilot_user_id if action else None
        )
        self.fields["linked"].queryset = fiches.order_by("position", "pk")
        if restricted:
            for name in ("pilot_user", "is_confidential", "section", "parent"):
                self._lock(name, COORDINATOR_ONLY)

    def _lock(self, name: str, reason: str) -> None:
        """Keep a field's value whatever is posted, and say why next to it."""
        self.fields[name].disabled = True
        self.fields[name].help_text = reason
        self[name].help_text = reason  # the DSFR form has already bound its fields

    def clean_section(self):
        value = self.cleaned_data.get("section")
        return self.sections.get(value) if value else None

    def clean_parent(self):
        value = self.cleaned_data.get("parent")
        if isinstance(value, Action):  # disabled field: its initial value
            return value
        return self.parents.get(str(value)) if value else None

    def clean_budget(self):
        return _parse_amount(self, "budget", "Le budget prévisionnel")

    def clean_weight(self):
        weight = _parse_amount(self, "weight", "La pondération")
        return Decimal(1) if weight is None else weight

    def groups(self):
        """(legend, bound fields) per fieldset, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def to_data(self) -> ActionData:
        """What was parsed, as a fiche; a field that could not be parsed keeps its default, so that the
        service can still report the other problems."""
        data = self.cleaned_data
        values = {}
        for name in services.SCALARS:
            if name in data and name in self.fields:
                values[name] = data[name]
        for name in services.MANY:
            if name in data:
                values[name] = list(data[name])
        values.setdefault("title", data.get("title") or "")
        for name in ("participation", "status", "priority", "progress_mode"):
            values[name] = values.get(name) or (ProgressMode.ENTERED if name == "progress_mode" else "")
        if self.action is not None:  # an import's texts the form does not show stay as they are
            for name in services.SCALARS:
                values.setdefault(name, getattr(self.action, name))
        return ActionData(**values, version=data.get("version"))

    @classmethod
    def initial_for(cls, action: Action) -> dict:
        initial = ActionData.of(action).as_dict()
        initial["section"] = str(action.section_id) if action.section_id else ""
        initial["parent"] = str(action.parent_id) if action.parent_id else ""
        initial["pilot_user"] = action.pilot_user_id
        initial["budget"] = format_amount(action.budget)
        initial["weight"] = format_amount(action.weight)
        initial["linked"] = list(action.linked.all())
        return initial


class StepForm(CreationForm, Form):
    title = forms.CharField(
        label="Intitulé de l’étape",
        max_length=300,
        error_messages={
            "required": "L’intitulé de l’étape est obligatoire.",
            "max_length": "L’intitulé de l’étape dépasse 300 caractères.",
        },
    )
    due_on = date_field("Échéance")


class FollowUpForm(CreationForm, Form):
    noted_on = date_field("Date de la note", required=True)
    noted_on.error_messages["required"] = "La date de la note est obligatoire."
    text = forms.CharField(
        label="Note de suivi",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Le texte de la note est obligatoire.",
            "max_length": f"La note dépasse {LONG_TEXT} caractères.",
        },
    )


class LinkForm(CreationForm, Form):
    title = _line("Intitulé du document", max_length=300)
    url = _line(
        "Adresse",
        max_length=1000,
        help_text="Une adresse web : https://… ou www.… (laissez vide pour un document papier).",
    )


def funder_kinds_for(user, action: Action) -> list[str]:
    """The funders ``user`` may enter on ``action``: every kind for the coordinator; the ARS only its own
    lines; a pilot every kind but the ARS's."""
    contract = action.contract
    if user.has_perm("plans.change_plan", contract):
        return list(FunderKind.values)
    kinds = set()
    if user.has_perm("plans.add_ars_funding", contract):
        kinds.add(FunderKind.ARS)
    if user.has_perm("plans.change_action", action):
        kinds |= set(FunderKind.values) - {FunderKind.ARS}
    return [kind for kind in FunderKind.values if kind in kinds]


def funder_refusal(kinds: list[str], kind: str) -> str:
    label = FunderKind(kind).label
    if kinds == [FunderKind.ARS]:
        return f"Vous ne saisissez que les financements de l’ARS, pas un financement « {label} »."
    if kind == FunderKind.ARS:
        return "Les financements de l’ARS sont saisis par l’ARS ou le ou la coordinateur·rice du contrat."
    return f"Vous ne pouvez pas saisir un financement « {label} » sur cette fiche."


class FundingForm(VersionedForm, CreationForm, Form):
    funder_kind = forms.ChoiceField(
        label="Financeur",
        choices=FunderKind.choices,
        error_messages={
            "required": "Choisissez le financeur (ARS, collectivité, assurance maladie, CAF, …).",
            "invalid_choice": "Financeur inconnu : « %(value)s ».",
        },
    )
    funder_name = _line("Nom du financeur", max_length=255, help_text="Par exemple « Ville d’Albi ».")
    year = forms.IntegerField(
        label="Année",
        required=False,
        error_messages={"invalid": "L’année est un nombre entier (par exemple 2026)."},
    )
    nature = forms.ChoiceField(
        label="Nature",
        choices=FundingNature.choices,
        initial=FundingNature.OPERATING,
        error_messages={
            "required": "Choisissez la nature : fonctionnement ou investissement.",
            "invalid_choice": "Choisissez la nature : fonctionnement ou investissement.",
        },
    )
    unit = forms.ChoiceField(
        label="Unité",
        choices=FundingUnit.choices,
        initial=FundingUnit.EUR,
        error_messages={
            "required": "Choisissez l’unité : euros ou ETP.",
            "invalid_choice": "Choisissez l’unité : euros ou ETP.",
        },
    )
    planned = _amount("Montant prévu", help_text="En euros ou en ETP ; par exemple 12 500 ou 0,5.")
    spent = _amount("Montant réalisé", help_text="Laissez vide tant que rien n’est dépensé.")
    fir_mission = _choice("Mission du FIR", FirMission.choices, blank="Sans objet", unknown="inconnue")
    fir_line = _line("Ligne FIR", max_length=255, help_text="Financements de l’ARS seulement.")
    comment = _line("Commentaire")

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        self.fields["funder_kind"].choices = [(k, FunderKind(k).label) for k in kinds]
        # Any known kind parses; one the user may not enter is refused in clean_funder_kind.
        self.fields["funder_kind"].valid_value = lambda value: value in FunderKind.values

    def clean_funder_kind(self):
        kind = self.cleaned_data["funder_kind"]
        if kind not in self.kinds:
            raise forms.ValidationError(funder_refusal(self.kinds, kind))
        return kind

    def clean_planned(self):
        amount = _parse_amount(self, "planned", "Le montant prévu")
        return Decimal(0) if amount is None else amount

    def clean_spent(self):
        return _parse_amount(self, "spent", "Le montant réalisé")

    def to_data(self) -> FundingData:
        return FundingData(
            **{name: value for name, value in self.cleaned_data.items() if name != "submission_token"}
        )

    @staticmethod
    def initial_for(line) -> dict:
        initial = FundingData.of(line).__dict__.copy()
        initial["planned"] = format_amount(line.planned)
        initial["spent"] = format_amount(line.spent)
        return initial


class IndicatorForm(CreationForm, Form):
    name = forms.CharField(
        label="Intitulé",
        max_length=255,
        error_messages={
            "required": "L’intitulé de l’indicateur est obligatoire.",
            "max_length": "L’intitulé de l’indicateur dépasse 255 caractères.",
        },
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=IndicatorKind.choices,
        error_messages={
            "required": "Choisissez le type d’indicateur : processus, résultat ou impact.",
            "invalid_choice": "Choisissez le type d’indicateur : processus, résultat ou impact.",
        },
    )
    unit = _line("Unité", max_length=64, help_text="Par exemple « personnes », « % », « ateliers ».")
    direction = _choice("Sens de l’amélioration", Direction.choices, blank="Non précisé")
    baseline = _amount("Valeur de référence", help_text="Par exemple 120 ou 12,5.")
    baseline_period = _line("Période de référence", max_length=16, help_text="Par exemple 2024 ou 2024-S1.")
    source = _line("Source des données", max_length=255)

    def clean_baseline(self):
        return _parse_amount(self, "baseline", "La valeur de référence")


class QuickUpdateForm(VersionedForm, Form):
    """The fiche page's « Mise à jour rapide »: status, progress (entered by hand), a next step."""

    status = _choice("Statut", ActionStatus.choices)
    progress_entered = forms.IntegerField(
        label="Avancement (%)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="De 0 à 100.",
        error_messages={
            "invalid": "L’avancement est un pourcentage entre 0 et 100.",
            "min_value": "L’avancement est un pourcentage entre 0 et 100.",
            "max_value": "L’avancement est un pourcentage entre 0 et 100.",
        },
    )
    next_step = forms.CharField(
        label="Prochaine étape",
        required=False,
        max_length=300,
        help_text="Ajoutée à la fin des étapes de la fiche.",
    )
    next_step_due = date_field("Échéance de cette étape")
    # Required here: a quick update changes a few fields of a fiche that others edit too.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=2**31 - 1,
        error_messages={
            "required": "La version lue de la fiche manque : rechargez la page, puis recommencez."
        },
    )

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        if action is not None and action.progress_mode == ProgressMode.STEPS:
            del self.fields["progress_entered"]  # computed from the steps

    @staticmethod
    def initial_of(action) -> dict:
        return {"status": action.status, "progress_entered": action.progress_entered}
