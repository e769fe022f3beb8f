from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from santelocale.accounts.enums import EDITOR_ROLES, OrganisationKind, Role


class EmailUserManager(UserManager):
    """Creates users whose login is their professional e-mail address."""

    use_in_migrations = True

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: coordinator, ARS officer, action pilot, partner or administrator.

    The login is the professional e-mail address; no health data about the person is ever stored.
    """

    username = None
    email = models.EmailField("adresse électronique professionnelle", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = "utilisateur·rice"
        verbose_name_plural = "utilisateur·rice·s"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    def organisation_ids(self, *, roles=None) -> set[int]:
        """Return the ids of the organisations the user belongs to (optionally only with one of ``roles``)."""
        memberships = self.memberships.all()
        if roles is not None:
            memberships = memberships.filter(role__in=list(roles))
        return set(memberships.values_list("organisation_id", flat=True))

    def home_organisation(self):
        """Return the organisation the user's new work belongs to: the first where they hold an editing
        role, else the first they belong to, else ``None``."""
        memberships = self.memberships.select_related("organisation").order_by("pk")
        membership = memberships.filter(role__in=list(EDITOR_ROLES)).first() or memberships.first()
        return membership.organisation if membership else None

    def editable_organisation_ids(self) -> set[int]:
        """Return the ids of the organisations where the user holds an editing role (``EDITOR_ROLES``).

        Lower apps (territories' perimeters) ask the user this instead of importing the roles."""
        return self.organisation_ids(roles=EDITOR_ROLES)

    def can_edit_for(self, organisation_id: int | None) -> bool:
        """True when the user holds an editing role in that organisation."""
        if organisation_id is None:
            return False
        return organisation_id in self.editable_organisation_ids()


class Organisation(models.Model):
    """A body that takes part in local health policy: ARS, collectivité, hospital, association…

    An organisation may be tied to a territory (the région of an ARS, the département of its delegation,
    the commune or EPCI of a collectivité), which later issues use to scope what its members may edit.
    """

    name = models.CharField("nom", max_length=255, unique=True)
    kind = models.CharField("type", max_length=32, choices=OrganisationKind.choices)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    region = models.ForeignKey(
        "territories.Region", verbose_name="région", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "territories.Department", verbose_name="département", null=True, blank=True, on_delete=models.PROTECT
    )
    commune = models.ForeignKey(
        "territories.Commune", verbose_name="commune", null=True, blank=True, on_delete=models.PROTECT
    )
    epci = models.ForeignKey(
        "territories.Epci", verbose_name="EPCI", null=True, blank=True, on_delete=models.PROTECT
    )
    is_demo = models.BooleanField("organisation de démonstration", default=False)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role in an organisation (a person may belong to several)."""

    user = models.ForeignKey(
        User, verbose_name="personne", related_name="memberships", on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", related_name="memberships", on_delete=models.CASCADE
    )
    role = models.CharField("rôle", max_length=32, choices=Role.choices)
    job_title = models.CharField("fonction", max_length=255, blank=True)

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class FormSubmission(models.Model):
    """A creation form already handled: its one-time token (with a digest of what was sent) and what it
    created, so that the same form sent twice (a double click, a resent request) answers the first result
    instead of creating a second object; or an API write sent with an ``Idempotency-Key`` and the answer it
    got. Kept a day (see ``santelocale.accounts.submissions``)."""

    key = models.CharField("clé d’envoi", max_length=128, unique=True)
    user = models.ForeignKey(
        "accounts.User", verbose_name="utilisateur·rice", null=True, on_delete=models.CASCADE
    )
    result_model = models.CharField("type créé", max_length=100, blank=True)
    result_pk = models.CharField("identifiant créé", max_length=64, blank=True)
    #: An API request sent with an ``Idempotency-Key``: the answer given, given again to the same request.
    response_status = models.PositiveSmallIntegerField("statut de la réponse", null=True, blank=True)
    response_body = models.TextField("réponse", blank=True)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "envoi de formulaire"
        verbose_name_plural = "envois de formulaires"

    def __str__(self):
        return self.key
