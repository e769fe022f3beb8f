"""Forms of the contract pages. They only parse input; the rules live in the services."""

from django import forms
from django.db.models import Q

from santelocale.accounts.models import Organisation
from santelocale.accounts.submissions import CreationForm
from santelocale.contracts.enums import PROJECT_STATUSES, ContractKind, LinkKind, SignatoryKind
from santelocale.contracts.models import Contract, RegionalTheme
from santelocale.contracts.perms import ars_regions_of, can_sign, porteur_candidates, scope_of
from santelocale.contracts.services import ContractData
from santelocale.indicators.enums import Direction, IndicatorKind
from santelocale.territories.models import CityContract, Department, Perimeter, Region
from santelocale.utils.forms import Form, VersionedForm, date_field


class ContractForm(VersionedForm, CreationForm, Form):
    kind = forms.ChoiceField(label="Type", choices=ContractKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label="Nom",
        max_length=255,
        help_text="Par exemple « CLS de la Ville d’Albi 2024-2030 ».",
        error_messages={"required": "Le nom du contrat est obligatoire."},
    )
    perimeter = forms.ModelChoiceField(
        label="Périmètre",
        queryset=Perimeter.objects.none(),
        help_text="Le territoire du contrat. Composez-le d’abord dans « Périmètres » s’il n’existe pas.",
        error_messages={"required": "Choisissez le périmètre du contrat."},
    )
    region = forms.ModelChoiceField(
        label="Région de l’ARS",
        queryset=Region.objects.order_by("name"),
        error_messages={"required": "Choisissez la région de l’ARS."},
    )
    department = forms.ModelChoiceField(
        label="Délégation départementale de l’ARS",
        queryset=Department.objects.order_by("code"),
        required=False,
    )
    porteurs = forms.ModelMultipleChoiceField(
        label="Collectivités porteuses",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Indiquez au moins une collectivité porteuse."},
    )
    summary = forms.CharField(label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    generation = forms.IntegerField(
        label="Génération",
        min_value=1,
        max_value=9,
        initial=1,
        required=False,
        help_text="1 pour un premier contrat ; laissez vide si les sources ne la donnent pas. Pour un "
        "renouvellement, utilisez « Renouveler » depuis la fiche du contrat précédent.",
        error_messages={
            "min_value": "La génération d’un contrat va de 1 à 9.",
            "max_value": "La génération d’un contrat va de 1 à 9.",
            "invalid": "La génération est un nombre entier.",
        },
    )
    launched_on = date_field("Lancement de la démarche")
    signed_on = date_field("Date de signature")
    starts_on = date_field("Début de validité")
    ends_on = date_field("Fin de validité", help_text="Par défaut, cinq ans après le début de validité.")
    themes = forms.ModelMultipleChoiceField(
        label="Socles thématiques régionaux couverts",
        queryset=RegionalTheme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_published = forms.BooleanField(
        label="Publier la fiche du contrat",
        required=False,
        help_text=(
            "Une fiche publiée est visible de tous ; sinon seuls les porteurs, les signataires "
            "et l’ARS la voient."
        ),
    )
    source = forms.CharField(
        label="Source de l’information", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, contract: Contract | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        perimeters = Q(pk__in=Perimeter.objects.restrict(user, "view").values("pk"))
        porteurs = Q(pk__in=porteur_candidates(user).values("pk"))
        if contract is not None and contract.renews_id:
            del self.fields["generation"]  # fixed by the contract it renews
        if contract is not None:
            perimeters |= Q(pk=contract.perimeter_id)
            porteurs |= Q(pk__in=contract.porteurs.values("pk"))
            self.fields["themes"].queryset = RegionalTheme.objects.filter(region_id=contract.region_id)
        else:
            del self.fields["themes"]
        if contract is None and not (user.is_superuser or ars_regions_of(scope_of(user))):
            # Only the ARS records a signature date, at creation too (services._check_authority).
            self.fields["signed_on"].disabled = True
            self.fields["signed_on"].help_text = "Enregistrée par l’ARS, avec la signature."
            self["signed_on"].help_text = self.fields["signed_on"].help_text
        if contract is not None and not can_sign(user, contract):
            # Signature data is the ARS's (services._signature_checks): shown, kept as it is.
            locked = (
                ["signed_on"]
                if contract.status in PROJECT_STATUSES
                else ["signed_on", "starts_on", "ends_on"]
            )
            for name in locked:
                self.fields[name].disabled = True
                self.fields[name].initial = getattr(contract, name)
                self.fields[name].help_text = "Enregistrée par l’ARS, avec la signature."
                self[name].help_text = self.fields[name].help_text  # the DSFR form has bound its fields
        self.fields["perimeter"].queryset = Perimeter.objects.filter(perimeters).order_by("name")
        self.fields["porteurs"].queryset = Organisation.objects.filter(
            pk__in=Organisation.objects.filter(porteurs).values("pk")
        ).order_by("name")

    def to_data(self) -> ContractData:
        data = self.cleaned_data
        return ContractData(
            kind=data["kind"],
            name=data["name"],
            perimeter=data["perimeter"],
            region=data["region"],
            department=data["department"],
            porteurs=list(data["porteurs"]),
            summary=data["summary"],
            launched_on=data["launched_on"],
            signed_on=data["signed_on"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            themes=list(data.get("themes") or []),
            is_published=data["is_published"],
            source=data["source"],
            generation=data.get("generation"),
            version=data.get("version"),
        )

    @staticmethod
    def initial_for(contract: Contract) -> dict:
        return ContractData.of(contract).as_dict()


class TransitionForm(Form):
    target = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Indiquez le motif du changement de statut."},
    )
    effective_on = date_field("Date d’effet", help_text="Par défaut, aujourd’hui.")


class SignatoryForm(CreationForm, Form):
    kind = forms.ChoiceField(label="Type de signataire", choices=SignatoryKind.choices)
    name = forms.CharField(
        label="Organisme",
        max_length=255,
        error_messages={"required": "Le nom de l’organisme signataire est obligatoire."},
    )
    representative = forms.CharField(
        label="Représenté par (fonction)",
        max_length=255,
        required=False,
        help_text="La fonction, par exemple « Directeur général de l’ARS ».",
    )
    signed_on = date_field("Date de signature")


class LinkForm(CreationForm, Form):
    kind = forms.ChoiceField(label="Articulation", choices=LinkKind.choices)
    target_contract = forms.ModelChoiceField(
        label="Contrat lié (CLS ou CLSM)", queryset=Contract.objects.none(), required=False
    )
    city_contract = forms.ModelChoiceField(
        label="Contrat de ville", queryset=CityContract.objects.none(), required=False
    )
    target_name = forms.CharField(label="Nom du dispositif (PTSM, ASV)", max_length=255, required=False)
    target_url = forms.URLField(
        assume_scheme="https",
        label="Adresse du dispositif",
        required=False,
        error_messages={"invalid": "Adresse invalide : elle doit commencer par https://."},
    )

    def __init__(self, *args, contract: Contract, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_contract"].queryset = (
            Contract.objects.restrict(user, "view")
            .filter(region_id=contract.region_id)
            .exclude(pk=contract.pk)
        )
        self.fields["city_contract"].queryset = CityContract.objects.filter(
            communes__region_id=contract.region_id
        ).distinct()


class IndicatorForm(CreationForm, Form):
    name = forms.CharField(
        label="Intitulé",
        max_length=255,
        error_messages={"required": "L’intitulé de l’indicateur est obligatoire."},
    )
    kind = forms.ChoiceField(label="Type", choices=IndicatorKind.choices)
    unit = forms.CharField(label="Unité", max_length=64, required=False)
    direction = forms.ChoiceField(
        label="Sens de l’amélioration", choices=[("", "—"), *Direction.choices], required=False
    )
    source = forms.CharField(label="Source des données", max_length=255, required=False)


class RenewForm(CreationForm, Form):
    name = forms.CharField(
        label="Nom du contrat de la génération suivante",
        max_length=255,
        error_messages={"required": "Donnez un nom au nouveau contrat."},
    )


class ThemeForm(CreationForm, Form):
    label = forms.CharField(
        label="Intitulé du socle",
        max_length=255,
        error_messages={"required": "L’intitulé du socle est obligatoire."},
    )
    description = forms.CharField(
        label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_mental_health = forms.BooleanField(
        label="Ce socle répond au volet santé mentale (loi 3DS)", required=False
    )
