from django.db import models


class Zone(models.TextChoices):
    """Where a territory lies, as the COG says."""

    METRO = "metro", "France métropolitaine"
    DROM = "drom", "Département ou région d’outre-mer"
    COM = "com", "Collectivité d’outre-mer"


class EpciKind(models.TextChoices):
    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d’agglomération"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"
    MET69 = "MET69", "Métropole de Lyon"


class Level(models.TextChoices):
    """The kinds of territory a user can search, open, map or put in a perimeter."""

    REGION = "region", "Région"
    DEPARTMENT = "departement", "Département"
    EPCI = "epci", "EPCI"
    COMMUNE = "commune", "Commune"
    QPV = "qpv", "Quartier prioritaire (QPV)"
    CITY_CONTRACT = "contrat-de-ville", "Contrat de ville"


class Zoom(models.TextChoices):
    """How detailed a map geometry is: the further out the map, the simpler the outline."""

    LOW = "low", "France entière"
    MEDIUM = "medium", "Région"
    HIGH = "high", "Détail"


#: Douglas-Peucker tolerance (degrees) applied on top of the bundle's simplification, per zoom.
ZOOM_TOLERANCE = {Zoom.LOW: 0.02, Zoom.MEDIUM: 0.006, Zoom.HIGH: 0.0}
