from django.db import models


class OrganisationKind(models.TextChoices):
    ARS = "ARS", "Agence régionale de santé"
    ARS_DELEGATION = "ARS_DELEGATION", "Délégation départementale d’ARS"
    COMMUNE = "COMMUNE", "Commune"
    EPCI = "EPCI", "Intercommunalité (EPCI)"
    DEPARTMENT = "DEPARTMENT", "Conseil départemental"
    HOSPITAL = "HOSPITAL", "Établissement de santé"
    ASSOCIATION = "ASSOCIATION", "Association"
    OTHER = "OTHER", "Autre organisme"


class Role(models.TextChoices):
    """What a person does inside an organisation; permissions derive from it."""

    ADMIN = "ADMIN", "Administrateur·rice de l’organisation"
    COORDINATOR = "COORDINATOR", "Coordinateur·rice CLS / CLSM"
    ARS_OFFICER = "ARS_OFFICER", "Référent·e ARS"
    CONTRIBUTOR = "CONTRIBUTOR", "Contributeur·rice (pilote d’action, partenaire)"
    READER = "READER", "Lecteur·rice"


#: Roles that may create and edit their organisation's objects (perimeters now, contracts later).
EDITOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.ARS_OFFICER})
