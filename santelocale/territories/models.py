"""The geography of France (COG 2026) and the perimeters built from it.

Codes are primary keys: they are stable public identifiers (INSEE codes, SIREN) and read well in URLs.
Contours live in ``Boundary`` so that listing territories never loads geometry.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from santelocale.territories.enums import EpciKind, Level, Zone


class Region(models.Model):
    """A région of the COG (13 metropolitan, 5 overseas) or an overseas collectivity listed as one."""

    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=120)
    zone = models.CharField("zone", max_length=8, choices=Zone.choices)
    chef_lieu = models.CharField("chef-lieu (code commune)", max_length=5, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    search_text = models.TextField(editable=False, db_index=False)

    level = Level.REGION

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:detail", args=[self.level, self.code])


class Department(models.Model):
    """A département of the COG (96 metropolitan, 5 overseas) or an overseas collectivity listed as one."""

    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=120)
    region = models.ForeignKey(
        Region, verbose_name="région", related_name="departments", on_delete=models.PROTECT
    )
    zone = models.CharField("zone", max_length=8, choices=Zone.choices)
    chef_lieu = models.CharField("chef-lieu (code commune)", max_length=5, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    search_text = models.TextField(editable=False)

    level = Level.DEPARTMENT

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("territories:detail", args=[self.level, self.code])


class Epci(models.Model):
    """An établissement public de coopération intercommunale à fiscalité propre (CC, CA, CU, métropole).

    Its population is the sum of its member communes' populations.
    """

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("nature juridique", max_length=8, choices=EpciKind.choices)
    financing = models.CharField("mode de financement", max_length=16, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    search_text = models.TextField(editable=False)

    level = Level.EPCI

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:detail", args=[self.level, self.siren])

    @property
    def code(self):
        return self.siren


class Commune(models.Model):
    """A current commune of the COG (``commune-actuelle``: not déléguée, associée or arrondissement)."""

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=120)
    department = models.ForeignKey(
        Department, verbose_name="département", related_name="communes", on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Region, verbose_name="région", related_name="communes", on_delete=models.PROTECT
    )
    epci = models.ForeignKey(
        Epci, verbose_name="EPCI", related_name="communes", null=True, blank=True, on_delete=models.PROTECT
    )
    zone = models.CharField("zone", max_length=8, choices=Zone.choices)
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    postcodes = models.CharField("codes postaux", max_length=255, blank=True)
    former_codes = models.CharField("anciens codes", max_length=255, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    search_text = models.TextField(editable=False)

    level = Level.COMMUNE

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name", "code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("territories:detail", args=[self.level, self.code])

    @property
    def postcode_list(self) -> list[str]:
        return self.postcodes.split()


class PriorityNeighbourhood(models.Model):
    """A quartier prioritaire de la politique de la ville (QPV), of a given generation (2015 or 2024).

    Its INSEE indicators are kept as published, with the generation and years they describe.
    """

    code = models.CharField("code QPV", max_length=10, primary_key=True)
    name = models.CharField("nom", max_length=255)
    generation = models.CharField("génération", max_length=4)
    department = models.ForeignKey(
        Department, verbose_name="département", related_name="qpvs", on_delete=models.PROTECT
    )
    communes = models.ManyToManyField(Commune, verbose_name="communes", related_name="qpvs")
    population = models.PositiveIntegerField("population municipale du quartier", null=True, blank=True)
    indicators = models.JSONField("indicateurs INSEE", default=dict, blank=True)
    search_text = models.TextField(editable=False)

    level = Level.QPV

    class Meta:
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("territories:detail", args=[self.level, self.code])


class CityContract(models.Model):
    """A contrat de ville (politique de la ville) of one generation (2015-2020 now; 2024-2030 by importer).

    ``communes`` are the current communes it covers: those inside its CGET perimeter, or failing one the
    communes of its EPCI (ANCT). ``population`` is the population of its quartiers as the ANCT gives it.
    """

    code = models.CharField("code", max_length=10)
    generation = models.CharField("génération", max_length=4)
    name = models.CharField("nom", max_length=255)
    epci_siren = models.CharField("SIREN de l’EPCI signataire", max_length=9, blank=True)
    epci = models.ForeignKey(
        Epci,
        verbose_name="EPCI (COG 2026)",
        null=True,
        blank=True,
        related_name="city_contracts",
        on_delete=models.SET_NULL,
    )
    department = models.ForeignKey(
        Department, verbose_name="département", null=True, blank=True, on_delete=models.SET_NULL
    )
    perimeter_kind = models.CharField("type de périmètre", max_length=32, blank=True)
    population = models.PositiveIntegerField("population des quartiers", null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    communes = models.ManyToManyField(Commune, verbose_name="communes", related_name="city_contracts")

    level = Level.CITY_CONTRACT

    class Meta:
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"
        ordering = ["generation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["generation", "code"], name="one_city_contract_per_code")
        ]

    def __str__(self):
        return f"{self.name} ({self.generation_label})"

    def get_absolute_url(self):
        return reverse("territories:detail", args=[self.level, self.slug])

    @property
    def generation_label(self) -> str:
        return {"2015": "contrats de ville 2015-2020", "2024": "contrats de ville 2024-2030"}.get(
            self.generation, self.generation
        )

    @property
    def slug(self) -> str:
        return f"{self.generation}-{self.code}"


class Boundary(models.Model):
    """The contour of one territory as GeoJSON geometry (WGS 84).

    Kept apart from the territories so that lists and searches never read geometry.
    """

    level = models.CharField("niveau", max_length=20, choices=Level.choices)
    code = models.CharField("code", max_length=16)
    geometry = models.TextField("géométrie GeoJSON")

    class Meta:
        verbose_name = "contour"
        verbose_name_plural = "contours"
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="one_boundary_per_territory")]

    def __str__(self):
        return f"{self.level} {self.code}"


class Dataset(models.Model):
    """An open dataset the platform's bundle is built from, with its producer, year and licence."""

    slug = models.SlugField("identifiant", max_length=64, primary_key=True)
    title = models.CharField("titre", max_length=255)
    producer = models.CharField("producteur", max_length=255)
    year = models.CharField("millésime", max_length=16)
    generation = models.CharField("génération", max_length=64, blank=True)
    licence = models.CharField("licence", max_length=128, blank=True)
    licence_url = models.URLField("lien de la licence", blank=True)
    origin = models.TextField("provenance", blank=True)
    notes = models.TextField("remarques", blank=True)
    files = models.JSONField("fichiers du lot de données", default=list)
    columns = models.JSONField("dictionnaire des colonnes", default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "jeu de données"
        verbose_name_plural = "jeux de données"
        ordering = ["position"]

    def __str__(self):
        return f"{self.title} ({self.year})"


class DataRelease(models.Model):
    """One load of the data bundle into the database (``santelocale init``)."""

    bundle_version = models.CharField("version du lot", max_length=32)
    loaded_at = models.DateTimeField("chargé le", auto_now_add=True)
    counts = models.JSONField("effectifs", default=dict)

    class Meta:
        verbose_name = "chargement du lot de données"
        verbose_name_plural = "chargements du lot de données"
        get_latest_by = "loaded_at"
        ordering = ["-loaded_at"]

    def __str__(self):
        return f"{self.bundle_version} ({self.loaded_at:%Y-%m-%d %H:%M})"


class PerimeterQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Narrow to the perimeters ``user`` may ``view`` or ``change`` (see ``territories.perms``)."""
        from santelocale.territories.perms import restrict_perimeters

        return restrict_perimeters(self, user, action)


class Perimeter(models.Model):
    """A named territory built by a user as a union of communes, EPCI, départements and QPV communes.

    It is the territory of a future contract. ``components`` records what the user chose (so it can be
    edited later); ``communes`` is what that resolves to; population and contour derive from the communes.
    """

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=255)
    description = models.TextField("description", blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisation",
        null=True,
        blank=True,
        related_name="perimeters",
        on_delete=models.PROTECT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        related_name="perimeters",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    components = models.JSONField("composantes", default=list)
    communes = models.ManyToManyField(Commune, verbose_name="communes", related_name="perimeters")
    population = models.PositiveIntegerField("population", default=0)
    commune_count = models.PositiveIntegerField("nombre de communes", default=0)
    geometry = models.TextField("contour GeoJSON", blank=True)
    bbox = models.JSONField("emprise", default=list, blank=True)

    objects = PerimeterQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["geometry"])

    class Meta:
        verbose_name = "périmètre"
        verbose_name_plural = "périmètres"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:perimeter_detail", args=[self.public_id])
