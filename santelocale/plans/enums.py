"""Vocabularies of action plans. Labels follow Territoires en Transitions where it has one (statuses,
priorities, citizen participation) so that its files import and export without loss."""

from django.db import models


class SectionKind(models.TextChoices):
    AXIS = "AXIS", "Axe"
    SUB_AXIS = "SUB_AXIS", "Sous-axe"
    GENERAL = "GENERAL", "Objectif général"
    SPECIFIC = "SPECIFIC", "Objectif spécifique"
    OPERATIONAL = "OPERATIONAL", "Objectif opérationnel"


class ActionStatus(models.TextChoices):
    UPCOMING = "UPCOMING", "À venir"
    IN_PROGRESS = "IN_PROGRESS", "En cours"
    DONE = "DONE", "Réalisé"
    PAUSED = "PAUSED", "En pause"
    ABANDONED = "ABANDONED", "Abandonné"
    BLOCKED = "BLOCKED", "Bloqué"
    LATE = "LATE", "En retard"
    TO_DISCUSS = "TO_DISCUSS", "À discuter"


#: Statuses after which a fiche no longer runs late.
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.ABANDONED)


class Priority(models.TextChoices):
    HIGH = "HIGH", "Élevé"
    MEDIUM = "MEDIUM", "Moyen"
    LOW = "LOW", "Bas"


class Participation(models.TextChoices):
    NONE = "NONE", "Pas de participation citoyenne"
    INFORMATION = "INFORMATION", "Information"
    CONSULTATION = "CONSULTATION", "Consultation"
    CONCERTATION = "CONCERTATION", "Concertation"
    CO_CONSTRUCTION = "CO_CONSTRUCTION", "Co-construction"


class ProgressMode(models.TextChoices):
    ENTERED = "ENTERED", "Saisi"
    STEPS = "STEPS", "Calculé d’après les étapes"


class Vocabulary(models.TextChoices):
    """The controlled lists a fiche is tagged with (seeded by ``seed_vocabularies``)."""

    PUBLIC = "PUBLIC", "Public cible"
    INTERVENTION = "INTERVENTION", "Type d’intervention"
    DETERMINANT = "DETERMINANT", "Déterminant de santé"


class FunderKind(models.TextChoices):
    ARS = "ARS", "ARS"
    COLLECTIVITY = "COLLECTIVITY", "Collectivité"
    HEALTH_INSURANCE = "HEALTH_INSURANCE", "Assurance maladie"
    CAF = "CAF", "CAF"
    CITY_POLICY = "CITY_POLICY", "Politique de la ville"
    STATE = "STATE", "État"
    OTHER = "OTHER", "Autre"


class FirMission(models.TextChoices):
    """The missions of the Fonds d’intervention régional (article L1435-8 du code de la santé publique)."""

    M1 = (
        "M1",
        "Mission 1 — promotion de la santé, prévention des maladies, du handicap et de la perte d’autonomie",
    )
    M2 = "M2", "Mission 2 — parcours de santé coordonnés, qualité et sécurité de l’offre"
    M3 = "M3", "Mission 3 — permanence des soins, répartition des professionnels et des structures"
    M4 = "M4", "Mission 4 — efficience des structures, conditions de travail de leurs personnels"
    M5 = "M5", "Mission 5 — développement de la démocratie sanitaire"


class FundingNature(models.TextChoices):
    OPERATING = "OPERATING", "Fonctionnement"
    INVESTMENT = "INVESTMENT", "Investissement"


class FundingUnit(models.TextChoices):
    EUR = "EUR", "Euros"
    FTE = "FTE", "ETP"
