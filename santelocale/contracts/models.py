"""Contrats locaux de santé (CLS) and conseils locaux de santé mentale (CLSM), with their life, signatories,
links to other schemes, governance and the regional mandatory themes (« socles »).

Every write goes through ``contracts.services``, which checks the business rules in one transaction.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from santelocale.contracts.enums import (
    ACTIVE_STATUSES,
    BodyKind,
    ContactRole,
    ContractKind,
    LinkKind,
    MemberRole,
    Quart,
    SignatoryKind,
    Status,
    StatusGroup,
    status_group,
)
from santelocale.utils import fr
from santelocale.utils.versioning import Versioned


def generation_label(generation: int | None) -> str:
    """« 1re génération », « 2e génération »…, or « génération inconnue » when the sources do not say."""
    if generation is None:
        return "génération inconnue"
    return "1re génération" if generation == 1 else f"{generation}e génération"


class RegionalTheme(models.Model):
    """A mandatory theme (« socle ») that an ARS asks every CLS of its région to cover.

    Each ARS sets its own list (Occitanie has four, PACA five); an ARS administrator maintains it.
    ``is_mental_health`` marks the theme that also answers the mental-health volet of the loi 3DS.
    """

    region = models.ForeignKey(
        "territories.Region", verbose_name="région", related_name="themes", on_delete=models.CASCADE
    )
    label = models.CharField("intitulé", max_length=255)
    description = models.TextField("précisions", blank=True)
    is_mental_health = models.BooleanField("thème santé mentale", default=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "socle thématique régional"
        verbose_name_plural = "socles thématiques régionaux"
        ordering = ["region", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["region", "label"], name="one_theme_label_per_region")]

    def __str__(self):
        return self.label


class ContractQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Narrow to the contracts ``user`` may ``view`` or ``change`` (see ``contracts.perms``)."""
        from santelocale.contracts.perms import restrict_contracts

        return restrict_contracts(self, user, action)

    def published(self):
        return self.filter(is_published=True)


class Contract(Versioned):
    """A CLS or a CLSM: a local health scheme on a perimeter, carried by one or more collectivités (the
    « porteurs ») with the ARS of a région and usually one of its departmental delegations.

    A renewal is a new contract of the next generation that points to the one it renews. Dates are the
    launch of the approach, the signature, and the period of validity (five years by default).
    """

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("type", max_length=8, choices=ContractKind.choices)
    name = models.CharField("nom", max_length=255)
    summary = models.TextField("présentation", blank=True)
    status = models.CharField("statut", max_length=16, choices=Status.choices, default=Status.REFLECTION)
    perimeter = models.ForeignKey(
        "territories.Perimeter", verbose_name="périmètre", related_name="contracts", on_delete=models.PROTECT
    )
    porteurs = models.ManyToManyField(
        "accounts.Organisation", verbose_name="collectivités porteuses", related_name="carried_contracts"
    )
    region = models.ForeignKey(
        "territories.Region", verbose_name="région (ARS)", related_name="contracts", on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "territories.Department",
        verbose_name="département (délégation de l’ARS)",
        related_name="contracts",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    #: None when the sources do not say (a contract entered from a list that does not give it)
    generation = models.PositiveSmallIntegerField("génération", null=True, blank=True, default=1)
    renews = models.ForeignKey(
        "self",
        verbose_name="contrat renouvelé",
        related_name="renewals",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    launched_on = models.DateField("lancement de la démarche", null=True, blank=True)
    signed_on = models.DateField("signature", null=True, blank=True)
    starts_on = models.DateField("début de validité", null=True, blank=True)
    ends_on = models.DateField("fin de validité", null=True, blank=True)
    themes = models.ManyToManyField(
        RegionalTheme, verbose_name="socles thématiques couverts", related_name="contracts", blank=True
    )
    is_published = models.BooleanField("publié", default=False)
    source = models.TextField("source de l’information", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        related_name="created_contracts",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = ContractQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[porteurs, themes])

    class Meta:
        verbose_name = "contrat"
        verbose_name_plural = "contrats"
        ordering = ["region", "name"]
        constraints = [
            # A contract has one next generation: two simultaneous renewals cannot both be written.
            models.UniqueConstraint(
                fields=["renews"], condition=models.Q(renews__isnull=False), name="one_renewal_per_contract"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("contracts:detail", args=[self.public_id])

    @property
    def generation_label(self) -> str:
        return generation_label(self.generation)

    @property
    def period_label(self) -> str:
        if self.starts_on and self.ends_on:
            return f"{self.starts_on.year}-{self.ends_on.year}"
        return ""

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """True when the contract is still running (signé, mise en œuvre, évaluation) past its end date."""
        today = today or timezone.localdate()
        return self.status in ACTIVE_STATUSES and self.ends_on is not None and self.ends_on < today

    def status_display(self, today: datetime.date | None = None) -> str:
        """The status as users read it: a running contract past its end date is « à échéance »."""
        label = self.get_status_display()
        if self.is_overdue(today):
            return f"{label} — à échéance, à réactiver"
        return label

    def group(self, today: datetime.date | None = None) -> StatusGroup:
        """The map family: a running contract past its end date counts with the ended ones."""
        return StatusGroup.ENDED if self.is_overdue(today) else status_group(self.status)


class StatusChange(models.Model):
    """One step in a contract's life: from which status to which, by whom, when and why."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", related_name="status_changes", on_delete=models.CASCADE
    )
    from_status = models.CharField("statut de départ", max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField("nouveau statut", max_length=16, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    changed_at = models.DateTimeField("le", default=timezone.now)
    effective_on = models.DateField("date d’effet")
    reason = models.TextField("motif")

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["contract", "effective_on", "changed_at", "pk"]

    def __str__(self):
        return f"{self.contract} : {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Signatory(Versioned):
    """A party that signs the contract, with the title of its representative and the date it signed."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", related_name="signatories", on_delete=models.CASCADE
    )
    kind = models.CharField("type de signataire", max_length=16, choices=SignatoryKind.choices)
    name = models.CharField("organisme", max_length=255)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisation sur la plateforme",
        null=True,
        blank=True,
        related_name="signatures",
        on_delete=models.SET_NULL,
    )
    representative = models.CharField("représenté par (fonction)", max_length=255, blank=True)
    signed_on = models.DateField("date de signature", null=True, blank=True)
    #: An organisation named as signatory takes part in the contract (reads its drafts and governance) only
    #: once the contract's ARS, or the organisation itself, has confirmed it signs.
    confirmed_at = models.DateTimeField("participation confirmée le", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="participation confirmée par",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["contract", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind", "name"], name="one_signature_per_party")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ContractLink(models.Model):
    """An articulation between a contract and another scheme: a CLSM as the mental-health volet of a CLS,
    a CLS as the health volet of a contrat de ville, a CLSM and its département's PTSM, a CLS and the
    Atelier santé ville it integrates. PTSM and ASV are not managed here: they are named, with a link."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", related_name="links", on_delete=models.CASCADE
    )
    kind = models.CharField("articulation", max_length=32, choices=LinkKind.choices)
    target_contract = models.ForeignKey(
        Contract,
        verbose_name="contrat lié",
        null=True,
        blank=True,
        related_name="incoming_links",
        on_delete=models.CASCADE,
    )
    city_contract = models.ForeignKey(
        "territories.CityContract",
        verbose_name="contrat de ville",
        null=True,
        blank=True,
        related_name="health_links",
        on_delete=models.CASCADE,
    )
    target_name = models.CharField("dispositif lié (PTSM, ASV)", max_length=255, blank=True)
    target_url = models.URLField("adresse du dispositif", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "articulation"
        verbose_name_plural = "articulations"
        ordering = ["contract", "kind", "pk"]

    def __str__(self):
        return f"{self.contract} — {self.get_kind_display()} — {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.target_contract_id:
            return str(self.target_contract)
        if self.city_contract_id:
            return str(self.city_contract)
        return self.target_name


class Body(Versioned):
    """A governance body of a contract: COPIL, COTECH, working group, plenary assembly; for a CLSM its
    steering committee and its « cellule cas complexes » (which keeps no personal health data)."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", related_name="bodies", on_delete=models.CASCADE
    )
    kind = models.CharField("type d’instance", max_length=16, choices=BodyKind.choices)
    name = models.CharField("nom", max_length=255)
    mandate = models.TextField("rôle et thème", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "instance de gouvernance"
        verbose_name_plural = "instances de gouvernance"
        ordering = ["contract", "kind", "name"]

    def __str__(self):
        return self.name

    @property
    def keeps_no_minutes(self) -> bool:
        return self.kind == BodyKind.COMPLEX_CASES


class BodyMember(Versioned):
    """A seat in a body: a person (or just a function), their organisation, role, CLSM quart and term."""

    body = models.ForeignKey(Body, verbose_name="instance", related_name="members", on_delete=models.CASCADE)
    person = models.CharField("personne ou fonction", max_length=255)
    organisation = models.CharField("organisation", max_length=255, blank=True)
    role = models.CharField("rôle", max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    quart = models.CharField("quart (CLSM)", max_length=16, choices=Quart.choices, blank=True)
    term_starts_on = models.DateField("début du mandat", null=True, blank=True)
    term_ends_on = models.DateField("fin du mandat", null=True, blank=True)
    #: The member's account, when they have one: a body's members read its meetings' minutes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte sur la plateforme",
        null=True,
        blank=True,
        related_name="body_seats",
        on_delete=models.SET_NULL,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "membre d’instance"
        verbose_name_plural = "membres d’instance"
        ordering = ["body", "role", "person"]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        started = self.term_starts_on is None or self.term_starts_on <= today
        not_ended = self.term_ends_on is None or self.term_ends_on >= today
        return started and not_ended


class Meeting(Versioned):
    """A meeting of a body: date, agenda, minutes, decisions and who attended.

    A « cellule cas complexes » meeting records only its date, attendance and the number of situations
    examined: no agenda, minutes or decisions, which would describe people's health.
    """

    body = models.ForeignKey(Body, verbose_name="instance", related_name="meetings", on_delete=models.CASCADE)
    held_on = models.DateField("date")
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    decisions = models.TextField("décisions", blank=True)
    attendees = models.ManyToManyField(
        BodyMember, verbose_name="présents", related_name="meetings", blank=True
    )
    other_attendees = models.PositiveSmallIntegerField("autres participants", default=0)
    cases_reviewed = models.PositiveSmallIntegerField("situations examinées", null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = "réunion"
        verbose_name_plural = "réunions"
        ordering = ["body", "-held_on"]

    def __str__(self):
        return f"{self.body} — {fr.short_date(self.held_on)}"


class Contact(Versioned):
    """A professional contact for a contract (its coordinator, its ARS referent…), as ARS publish them in
    their « contacts des coordinateurs » pages. Professional details only; shown publicly only when
    ``is_public`` is set and the contract is published."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", related_name="contacts", on_delete=models.CASCADE
    )
    role = models.CharField("rôle", max_length=24, choices=ContactRole.choices)
    name = models.CharField("nom ou fonction", max_length=255)
    organisation = models.CharField("organisation", max_length=255)
    email = models.EmailField("adresse électronique professionnelle", blank=True)
    phone = models.CharField("téléphone professionnel", max_length=32, blank=True)
    is_public = models.BooleanField("publier dans l’annuaire", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "contact"
        verbose_name_plural = "contacts"
        ordering = ["contract", "role", "name"]

    def __str__(self):
        return f"{self.name} — {self.get_role_display()}"
