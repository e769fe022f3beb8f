"""Forms of the plan pages (axes and objectives, table filters, indicator values, new indicators).
They only parse input; the rules live in ``plans.services`` and ``indicators.services``."""

from decimal import Decimal

from django import forms

from santelocale.accounts.submissions import CreationForm
from santelocale.contracts.models import RegionalTheme
from santelocale.indicators.enums import Direction, IndicatorKind
from santelocale.plans.enums import SectionKind
from santelocale.plans.models import Section
from santelocale.plans.services import PlanError, SectionData, parse_amount
from santelocale.utils.forms import Form, VersionedForm

#: The levels a section may take under a parent (an axis is always at the top).
CHILD_KINDS = [(code, label) for code, label in SectionKind.choices if code != SectionKind.AXIS]
TOP_KINDS = [(SectionKind.AXIS.value, SectionKind.AXIS.label)]

#: The level a new section most likely has under a parent of a given level.
NEXT_KIND = {
    SectionKind.AXIS: SectionKind.GENERAL,
    SectionKind.SUB_AXIS: SectionKind.GENERAL,
    SectionKind.GENERAL: SectionKind.SPECIFIC,
    SectionKind.SPECIFIC: SectionKind.OPERATIONAL,
    SectionKind.OPERATIONAL: SectionKind.OPERATIONAL,
}


def section_choices(tree, *, empty: str, exclude: set[int] = frozenset()) -> list[tuple[str, str]]:
    """(pk, label) pairs of a plan's sections in reading order, indented by depth."""
    choices = [("", empty)]
    for section, depth in tree:
        if section.pk in exclude:
            continue
        indent = "\u2003" * depth + ("— " if depth else "")
        choices.append((str(section.pk), f"{indent}{section.get_kind_display()} {section.label}"))
    return choices


class AmountField(forms.CharField):
    """A number as people type it (« 12 500,5 », « 350 »): Decimal, or None when empty."""

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return parse_amount(text, f"« {self.label} » :")
        except PlanError as exc:
            raise forms.ValidationError(exc.messages[0]) from None


# --- Axes and objectives ------------------------------------------------------------------------------


class SectionForm(VersionedForm, CreationForm, Form):
    title = forms.CharField(
        label="Intitulé",
        max_length=500,
        error_messages={"required": "L’intitulé de l’axe ou de l’objectif est obligatoire."},
    )
    number = forms.CharField(
        label="Numéro", max_length=32, required=False, help_text="Par exemple « 1 », « 2.1 » ou « A »."
    )
    parent = forms.ChoiceField(label="Placé sous", required=False)
    kind = forms.ChoiceField(label="Niveau", choices=SectionKind.choices)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    themes = forms.ModelMultipleChoiceField(
        label="Socles thématiques régionaux couverts",
        queryset=RegionalTheme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_mental_health_volet = forms.BooleanField(
        label="Volet santé mentale",
        required=False,
        help_text="Cet axe répond à l’obligation d’un volet santé mentale (loi 3DS, article 122).",
    )
    prs_objectives = forms.CharField(
        label="Objectifs du projet régional de santé (PRS)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un objectif par ligne, tel que le PRS de la région le nomme.",
    )
    weight = forms.DecimalField(
        label="Pondération",
        max_digits=6,
        decimal_places=2,
        initial=Decimal(1),
        localize=True,
        help_text="Poids dans l’avancement de l’axe ou du contrat (1 par défaut).",
        error_messages={
            "required": "Indiquez la pondération (1 par défaut).",
            "invalid": "La pondération est un nombre (par exemple 1 ou 1,5).",
        },
    )

    def __init__(self, *args, contract, tree, section: Section | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {s.pk: s for s, _depth in tree}
        excluded = set()
        if section is not None:
            excluded = {section.pk} | _descendants(section.pk, tree)
        self.fields["parent"].choices = section_choices(
            tree, empty="Premier niveau du plan (axe)", exclude=excluded
        )
        themes = RegionalTheme.objects.filter(region_id=contract.region_id)
        if themes.exists():
            self.fields["themes"].queryset = themes
        else:
            del self.fields["themes"]
        # The levels offered follow the parent shown: an axis at the top, an objective or a sub-axis below.
        if self.is_bound:
            parent_value = self.data.get(self.add_prefix("parent"))
        else:
            parent_value = self.initial.get("parent")
        parent_pk = getattr(parent_value, "pk", parent_value)
        self.fields["kind"].widget.choices = CHILD_KINDS if parent_pk else TOP_KINDS

    def clean_parent(self):
        value = self.cleaned_data["parent"]
        return self.sections.get(int(value)) if value else None

    def to_data(self) -> SectionData:
        data = self.cleaned_data
        return SectionData(
            title=data["title"],
            kind=data["kind"],
            parent=data["parent"],
            number=data["number"],
            description=data["description"],
            themes=list(data.get("themes") or []),
            is_mental_health_volet=data["is_mental_health_volet"],
            prs_objectives=data["prs_objectives"],
            weight=data["weight"],
            version=data.get("version"),
        )

    @staticmethod
    def initial_for(section: Section) -> dict:
        data = SectionData.of(section)
        return {**data.__dict__, "parent": str(section.parent_id or "")}

    @staticmethod
    def initial_under(parent: Section | None) -> dict:
        if parent is None:
            return {"kind": SectionKind.AXIS, "parent": ""}
        return {"kind": NEXT_KIND.get(parent.kind, SectionKind.GENERAL), "parent": str(parent.pk)}


def _descendants(pk: int, tree) -> set[int]:
    parents = {section.pk: section.parent_id for section, _depth in tree}
    found: set[int] = set()
    for candidate in parents:
        ancestor = parents[candidate]
        while ancestor is not None:
            if ancestor == pk:
                found.add(candidate)
                break
            ancestor = parents.get(ancestor)
    return found


def descendants_and_self(pk: int, tree) -> set[int]:
    """``pk`` and every section under it (at any depth)."""
    return {pk} | _descendants(pk, tree)


# --- Table filters ------------------------------------------------------------------------------------

#: Sort keys of the table (``tri``), with their column labels.
SORTS = {
    "numero": "Numéro",
    "titre": "Titre",
    "statut": "Statut",
    "fin": "Date de fin",
    "avancement": "Avancement",
}


# --- Indicators ---------------------------------------------------------------------------------------


class IndicatorValueForm(VersionedForm, Form):
    period = forms.CharField(
        label="Période",
        max_length=16,
        help_text="Une année « 2026 », un semestre « 2026-S1 », un trimestre « 2026-T3 » "
        "ou un mois « 2026-05 ».",
        error_messages={"required": "Indiquez la période de la valeur (par exemple « 2026 »)."},
    )
    target = AmountField(label="Cible", required=False)
    actual = AmountField(label="Valeur constatée", required=False)
    numerator = AmountField(label="Numérateur", required=False)
    denominator = AmountField(label="Dénominateur", required=False)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label="Source", max_length=255, required=False)


class IndicatorAddForm(CreationForm, Form):
    name = forms.CharField(
        label="Intitulé",
        max_length=255,
        error_messages={"required": "L’intitulé de l’indicateur est obligatoire."},
    )
    section = forms.ChoiceField(label="Rattaché à", required=False)
    kind = forms.ChoiceField(label="Type", choices=IndicatorKind.choices)
    unit = forms.CharField(label="Unité", max_length=64, required=False, help_text="Par exemple « % ».")
    direction = forms.ChoiceField(
        label="Sens de l’amélioration", choices=[("", "—"), *Direction.choices], required=False
    )
    numerator = forms.CharField(label="Numérateur (définition)", max_length=255, required=False)
    denominator = forms.CharField(label="Dénominateur (définition)", max_length=255, required=False)
    baseline = AmountField(label="Valeur de référence", required=False)
    baseline_period = forms.CharField(
        label="Période de référence", max_length=16, required=False, help_text="Par exemple « 2023 »."
    )
    source = forms.CharField(label="Source des données", max_length=255, required=False)

    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {s.pk: s for s, _depth in tree}
        self.fields["section"].choices = section_choices(tree, empty="Le contrat dans son ensemble")

    def clean_section(self):
        value = self.cleaned_data["section"]
        return self.sections.get(int(value)) if value else None
