"""The action plan of a contract: a tree of sections (axes, then objectives as deep as needed) holding
fiches actions, which hold sub-actions, steps, follow-up notes, links, funding lines and indicators.

A fiche is never deleted outright: it moves to the bin (``deleted_at``) and can be restored. Every change
to a fiche, a funding line or an indicator value is kept by django-simple-history (who, when, what).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from santelocale.plans.enums import (
    CLOSED_STATUSES,
    ActionStatus,
    FirMission,
    FunderKind,
    FundingNature,
    FundingUnit,
    Participation,
    Priority,
    ProgressMode,
    SectionKind,
    Vocabulary,
)
from santelocale.utils import fr
from santelocale.utils.versioning import Versioned


class Term(models.Model):
    """A term of a controlled list (target public, intervention type, health determinant)."""

    vocabulary = models.CharField("liste", max_length=16, choices=Vocabulary.choices)
    label = models.CharField("intitulé", max_length=160)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "terme"
        verbose_name_plural = "termes des listes"
        ordering = ["vocabulary", "position", "label"]
        constraints = [models.UniqueConstraint(fields=["vocabulary", "label"], name="one_term_per_list")]

    def __str__(self):
        return self.label


class Section(Versioned):
    """A node of the plan above the fiches: an axis (top level) or an objective (general, specific,
    operational, or a plain sub-axis), as deep as the plan needs."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="contrat", related_name="sections", on_delete=models.CASCADE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="parent",
        related_name="children",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    kind = models.CharField("niveau", max_length=12, choices=SectionKind.choices, default=SectionKind.AXIS)
    number = models.CharField("numéro", max_length=32, blank=True)
    title = models.CharField("intitulé", max_length=500)
    description = models.TextField("description", blank=True)
    themes = models.ManyToManyField(
        "contracts.RegionalTheme", verbose_name="socles couverts", related_name="sections", blank=True
    )
    is_mental_health_volet = models.BooleanField(
        "constitue le volet santé mentale",
        default=False,
        help_text="Cet axe répond à l’obligation d’un volet santé mentale (loi 3DS, article 122).",
    )
    prs_objectives = models.TextField(
        "objectifs du projet régional de santé (PRS)",
        blank=True,
        help_text="Un objectif par ligne, tel que le PRS de la région le nomme.",
    )
    weight = models.DecimalField("pondération", max_digits=6, decimal_places=2, default=Decimal(1))
    position = models.PositiveIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "axe ou objectif"
        verbose_name_plural = "axes et objectifs"
        ordering = ["contract", "position", "pk"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def prs_objective_list(self) -> list[str]:
        return [line.strip() for line in self.prs_objectives.splitlines() if line.strip()]


#: The history of fiches, with their lists (publics, intervention types, determinants, communes, QPV).
#: ``services`` writes one record per save, lists included (``record_action_history``).
ACTION_HISTORY = HistoricalRecords(
    excluded_fields=["search_text", "updated_at"],
    m2m_fields=["publics", "intervention_types", "determinants", "communes", "neighbourhoods"],
)


class ActionQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def restrict(self, user, action: str = "view"):
        """Narrow to the fiches ``user`` may ``view`` or ``change`` (see ``plans.perms``)."""
        from santelocale.plans.perms import restrict_actions

        return restrict_actions(self, user, action)


class Action(Versioned):
    """A fiche action (or, with a ``parent``, one of its sub-actions)."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="contrat", related_name="actions", on_delete=models.CASCADE
    )
    section = models.ForeignKey(
        Section,
        verbose_name="axe ou objectif",
        related_name="actions",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="fiche parente",
        related_name="sub_actions",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    number = models.CharField("numéro", max_length=32, blank=True)
    title = models.CharField("titre", max_length=300)
    description = models.TextField("descriptif", blank=True)
    objectives = models.TextField("objectifs", blank=True)
    expected_results = models.TextField("résultats attendus", blank=True)
    publics = models.ManyToManyField(
        Term,
        verbose_name="publics cibles",
        related_name="+",
        blank=True,
        limit_choices_to={"vocabulary": "PUBLIC"},
    )
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name="communes d’intervention", related_name="+", blank=True
    )
    neighbourhoods = models.ManyToManyField(
        "territories.PriorityNeighbourhood",
        verbose_name="quartiers prioritaires (QPV)",
        related_name="+",
        blank=True,
    )
    operator = models.CharField("structure porteuse (opérateur)", max_length=500, blank=True)
    pilot_service = models.CharField("direction ou service pilote", max_length=500, blank=True)
    pilot_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pilote (compte)",
        related_name="piloted_actions",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    pilot_name = models.CharField(
        "personne(s) pilote(s)",
        max_length=500,
        blank=True,
        help_text="Fonction ou nom, séparés par des virgules.",
    )
    partners = models.TextField("partenaires", blank=True)
    elected_referent = models.CharField("élu·e référent·e", max_length=500, blank=True)
    governance = models.TextField("instances de gouvernance", blank=True)
    means = models.TextField("moyens humains et techniques", blank=True)
    participation = models.CharField(
        "participation citoyenne", max_length=16, choices=Participation.choices, blank=True
    )
    intervention_types = models.ManyToManyField(
        Term,
        verbose_name="types d’intervention",
        related_name="+",
        blank=True,
        limit_choices_to={"vocabulary": "INTERVENTION"},
    )
    determinants = models.ManyToManyField(
        Term,
        verbose_name="déterminants de santé",
        related_name="+",
        blank=True,
        limit_choices_to={"vocabulary": "DETERMINANT"},
    )
    status = models.CharField("statut", max_length=12, choices=ActionStatus.choices, blank=True)
    priority = models.CharField("niveau de priorité", max_length=8, choices=Priority.choices, blank=True)
    starts_on = models.DateField("date de début", null=True, blank=True)
    ends_on = models.DateField("date de fin", null=True, blank=True)
    is_continuous = models.BooleanField("action en amélioration continue", default=False)
    calendar = models.TextField("calendrier", blank=True)
    funding_note = models.TextField("financements (précisions)", blank=True)
    budget = models.DecimalField(
        "budget prévisionnel total (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    progress_mode = models.CharField(
        "avancement", max_length=8, choices=ProgressMode.choices, default=ProgressMode.ENTERED
    )
    progress_entered = models.PositiveSmallIntegerField("avancement saisi (%)", null=True, blank=True)
    weight = models.DecimalField("pondération", max_digits=6, decimal_places=2, default=Decimal(1))
    related_measures = models.TextField("mesures liées", blank=True)
    related_text = models.TextField(
        "actions liées (texte)", blank=True, help_text="Fiches liées citées par le fichier importé."
    )
    related_plans_text = models.TextField("fiches des plans liées (texte)", blank=True)
    notes = models.TextField("notes complémentaires", blank=True)
    indicators_text = models.TextField(
        "indicateurs liés (texte)",
        blank=True,
        help_text="Les indicateurs tels que le fichier importé les décrit.",
    )
    linked = models.ManyToManyField("self", verbose_name="fiches liées", blank=True, symmetrical=True)
    is_confidential = models.BooleanField(
        "fiche confidentielle",
        default=False,
        help_text="Visible des seules parties du contrat : ni du public, ni des autres contrats.",
    )
    position = models.PositiveIntegerField("ordre", default=0)
    source = models.CharField("source", max_length=255, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name="copiée de",
        related_name="copies",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    deleted_at = models.DateTimeField("mise à la corbeille le", null=True, blank=True)
    history = ACTION_HISTORY

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches actions"
        ordering = ["contract", "position", "pk"]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("plans:action", args=[self.contract.public_id, self.pk])

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def is_sub_action(self) -> bool:
        return self.parent_id is not None

    #: Fiches read through ``restrict(user, "view")`` carry ``pilot_hidden``: true when the reader may not
    #: read the pilot's personal name (the public, non-parties), who then reads the pilot's service.
    pilot_hidden = False

    @property
    def pilot_label(self) -> str:
        """Who pilots the fiche, as the reader may read it: the person, or (``pilot_hidden``) the service."""
        if self.pilot_hidden:
            return self.pilot_service or ("Pilote désigné" if self.has_pilot else "")
        if self.pilot_user_id:
            return self.pilot_user.get_full_name() or self.pilot_user.email
        return self.pilot_name

    @property
    def pilot_person(self) -> str:
        """The named pilot(s) (free text), empty when the reader may not read personal names."""
        return "" if self.pilot_hidden else self.pilot_name

    @property
    def has_pilot(self) -> bool:
        return bool(self.pilot_user_id or self.pilot_name.strip())

    def is_late(self, today: date | None = None) -> bool:
        """Late: marked « en retard », or past its end date while not done nor abandoned."""
        if self.status == ActionStatus.LATE:
            return True
        today = today or timezone.localdate()
        return bool(
            self.ends_on
            and not self.is_continuous
            and self.ends_on < today
            and self.status not in CLOSED_STATUSES
        )


class Step(models.Model):
    """A milestone of a fiche; done steps give its progress when it is derived from the steps."""

    action = models.ForeignKey(Action, verbose_name="fiche", related_name="steps", on_delete=models.CASCADE)
    title = models.CharField("étape", max_length=300)
    due_on = models.DateField("échéance", null=True, blank=True)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    is_done = models.BooleanField("réalisée", default=False)
    position = models.PositiveIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "étape"
        verbose_name_plural = "étapes"
        ordering = ["action", "position", "pk"]

    def __str__(self):
        return self.title


class FollowUpNote(models.Model):
    """A dated follow-up note on a fiche (« note de suivi »)."""

    action = models.ForeignKey(
        Action, verbose_name="fiche", related_name="follow_ups", on_delete=models.CASCADE
    )
    noted_on = models.DateField("date")
    text = models.TextField("note")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "note de suivi"
        verbose_name_plural = "notes de suivi"
        ordering = ["action", "-noted_on", "-pk"]

    def __str__(self):
        return f"{fr.short_date(self.noted_on)} — {self.text[:40]}"


class ActionLink(models.Model):
    """A document or web page attached to a fiche."""

    action = models.ForeignKey(Action, verbose_name="fiche", related_name="links", on_delete=models.CASCADE)
    title = models.CharField("intitulé", max_length=300)
    url = models.CharField("adresse", max_length=1000, blank=True)

    class Meta:
        verbose_name = "document ou lien"
        verbose_name_plural = "documents et liens"
        ordering = ["action", "pk"]

    def __str__(self):
        return self.title


class FundingLine(Versioned):
    """Money (or staff time) that a funder plans, then spends, on a fiche for a year."""

    action = models.ForeignKey(Action, verbose_name="fiche", related_name="funding", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    funder_kind = models.CharField("financeur", max_length=16, choices=FunderKind.choices)
    funder_name = models.CharField("nom du financeur", max_length=255, blank=True)
    fir_mission = models.CharField("mission du FIR", max_length=2, choices=FirMission.choices, blank=True)
    fir_line = models.CharField("ligne FIR", max_length=255, blank=True)
    nature = models.CharField(
        "nature", max_length=10, choices=FundingNature.choices, default=FundingNature.OPERATING
    )
    unit = models.CharField("unité", max_length=3, choices=FundingUnit.choices, default=FundingUnit.EUR)
    planned = models.DecimalField("prévu", max_digits=14, decimal_places=2, default=Decimal(0))
    spent = models.DecimalField("réalisé", max_digits=14, decimal_places=2, null=True, blank=True)
    comment = models.CharField("commentaire", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        ordering = ["action", "year", "funder_kind", "pk"]

    def __str__(self):
        return f"{self.funder_label} {self.year or ''}".strip()

    @property
    def funder_label(self) -> str:
        return self.funder_name or self.get_funder_kind_display()


class PendingImport(models.Model):
    """A Territoires en Transitions workbook read and shown as a preview, waiting for its author to confirm
    the import. The parsed content is kept here (the file is read once, at upload), so that any app server
    behind a proxy can apply it; applied or expired entries are deleted."""

    token = models.CharField("jeton", max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", related_name="+", on_delete=models.CASCADE
    )
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="contrat", related_name="+", on_delete=models.CASCADE
    )
    filename = models.CharField("fichier", max_length=255)
    replace = models.BooleanField("remplacer le plan", default=False)
    content = models.JSONField("contenu lu")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le", db_index=True)

    class Meta:
        verbose_name = "import en attente"
        verbose_name_plural = "imports en attente"

    def __str__(self):
        return self.filename
