"""Choices of the contracts app: kinds, statuses and their life cycle, signatories, links, governance."""

from django.db import models


class ContractKind(models.TextChoices):
    CLS = "CLS", "Contrat local de santé (CLS)"
    CLSM = "CLSM", "Conseil local de santé mentale (CLSM)"


class Status(models.TextChoices):
    """Where a contract stands in its life, from the first idea to its end or renewal."""

    REFLECTION = "REFLECTION", "En réflexion"
    PREFIGURATION = "PREFIGURATION", "En préfiguration"
    DIAGNOSIS = "DIAGNOSIS", "Diagnostic"
    DRAFTING = "DRAFTING", "Élaboration"
    SIGNED = "SIGNED", "Signé"
    IMPLEMENTATION = "IMPLEMENTATION", "Mise en œuvre"
    EVALUATION = "EVALUATION", "Évaluation"
    COMPLETED = "COMPLETED", "Achevé"
    TO_REACTIVATE = "TO_REACTIVATE", "À réactiver"
    RENEWED = "RENEWED", "Renouvelé"


class StatusGroup(models.TextChoices):
    """The three families the ARS maps show (« CLS en projet / signé / achevés ou à réactiver »)."""

    PROJECT = "PROJECT", "En projet"
    ACTIVE = "ACTIVE", "Signé, en vigueur"
    ENDED = "ENDED", "Achevé ou à réactiver"


PROJECT_STATUSES = (Status.REFLECTION, Status.PREFIGURATION, Status.DIAGNOSIS, Status.DRAFTING)
ACTIVE_STATUSES = (Status.SIGNED, Status.IMPLEMENTATION, Status.EVALUATION)
ENDED_STATUSES = (Status.COMPLETED, Status.TO_REACTIVATE, Status.RENEWED)
#: A contract in one of these statuses occupies its territory: a second one of the same kind is a duplicate.
OCCUPYING_STATUSES = PROJECT_STATUSES + ACTIVE_STATUSES


def status_group(status: str) -> StatusGroup:
    if status in PROJECT_STATUSES:
        return StatusGroup.PROJECT
    if status in ACTIVE_STATUSES:
        return StatusGroup.ACTIVE
    return StatusGroup.ENDED


class SignatoryKind(models.TextChoices):
    ARS = "ARS", "Agence régionale de santé"
    COLLECTIVITY = "COLLECTIVITY", "Collectivité (commune, EPCI)"
    PREFECT = "PREFECT", "Préfet"
    DEPARTMENT = "DEPARTMENT", "Conseil départemental"
    REGION = "REGION", "Conseil régional"
    CPAM = "CPAM", "Caisse primaire d’assurance maladie (CPAM)"
    CAF = "CAF", "Caisse d’allocations familiales (CAF)"
    MSA = "MSA", "Mutualité sociale agricole (MSA)"
    HOSPITAL = "HOSPITAL", "Établissement de santé"
    EDUCATION = "EDUCATION", "Éducation nationale"
    CPTS = "CPTS", "Communauté professionnelle territoriale de santé (CPTS)"
    OTHER = "OTHER", "Autre partenaire"


#: Every CLS is signed by the ARS and at least one collectivité (article L1434-17, code de la santé publique).
REQUIRED_SIGNATORY_KINDS = (SignatoryKind.ARS, SignatoryKind.COLLECTIVITY)


class LinkKind(models.TextChoices):
    """How a contract is articulated with another local health scheme."""

    MENTAL_HEALTH_VOLET = "MENTAL_HEALTH_VOLET", "CLSM, volet santé mentale du CLS"
    CITY_CONTRACT_HEALTH_VOLET = "CITY_CONTRACT_HEALTH_VOLET", "CLS, volet santé du contrat de ville"
    PTSM = "PTSM", "CLSM rattaché au projet territorial de santé mentale (PTSM)"
    ASV = "ASV", "Atelier santé ville (ASV) intégré au CLS"


class BodyKind(models.TextChoices):
    COPIL = "COPIL", "Comité de pilotage (COPIL)"
    COTECH = "COTECH", "Comité technique (COTECH)"
    WORKING_GROUP = "WORKING_GROUP", "Groupe de travail thématique"
    PLENARY = "PLENARY", "Assemblée plénière"
    CLSM_STEERING = "CLSM_STEERING", "Comité de pilotage du CLSM"
    COMPLEX_CASES = "COMPLEX_CASES", "Cellule cas complexes"
    OTHER = "OTHER", "Autre instance"


class MemberRole(models.TextChoices):
    CHAIR = "CHAIR", "Président·e"
    VICE_CHAIR = "VICE_CHAIR", "Vice-président·e"
    CO_LEAD = "CO_LEAD", "Co-animateur·rice"
    COORDINATOR = "COORDINATOR", "Coordinateur·rice"
    MEMBER = "MEMBER", "Membre"
    GUEST = "GUEST", "Invité·e permanent·e"


class Quart(models.TextChoices):
    """The « quatre quarts » of a CLSM, plus its coordinator and other partners."""

    ELECTED = "ELECTED", "Élu·e local·e"
    PSYCHIATRY = "PSYCHIATRY", "Psychiatrie publique"
    USERS = "USERS", "Usagers"
    CAREGIVERS = "CAREGIVERS", "Aidants"
    COORDINATOR = "COORDINATOR", "Coordination"
    PARTNER = "PARTNER", "Autre partenaire"


FOUR_QUARTS = (Quart.ELECTED, Quart.PSYCHIATRY, Quart.USERS, Quart.CAREGIVERS)


class ContactRole(models.TextChoices):
    COORDINATOR = "COORDINATOR", "Coordinateur·rice"
    ARS_REFERENT = "ARS_REFERENT", "Référent·e ARS"
    ELECTED_REFERENT = "ELECTED_REFERENT", "Élu·e référent·e"
    OTHER = "OTHER", "Autre contact"
