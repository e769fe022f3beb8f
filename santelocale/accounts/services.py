"""Operations on organisations and accounts."""

from dataclasses import dataclass

from django.db import transaction

from santelocale.accounts.enums import OrganisationKind, Role
from santelocale.accounts.models import Membership, Organisation, User
from santelocale.territories.models import Commune, Department, Epci, Region

DEMO_DOMAIN = "demo.santelocale.test"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    organisation: str
    role: str
    job_title: str


#: Real institutions (public bodies) with fictional people: no real person's name or address is used.
DEMO_ORGANISATIONS = [
    {"name": "ARS Occitanie", "kind": OrganisationKind.ARS, "region": "76"},
    {
        "name": "ARS Occitanie — délégation départementale du Tarn",
        "kind": OrganisationKind.ARS_DELEGATION,
        "region": "76",
        "department": "81",
    },
    {"name": "Ville d’Albi", "kind": OrganisationKind.COMMUNE, "commune": "81004"},
    {"name": "Association de prévention (fictif)", "kind": OrganisationKind.ASSOCIATION, "department": "81"},
    {"name": "CPAM (fictif)", "kind": OrganisationKind.OTHER, "department": "81"},
]

DEMO_ACCOUNTS = [
    DemoAccount(
        f"coordination@{DEMO_DOMAIN}",
        "Camille",
        "Coordinatrice (fictif)",
        "Ville d’Albi",
        Role.COORDINATOR,
        "Coordinatrice CLS",
    ),
    DemoAccount(
        f"ars-delegation@{DEMO_DOMAIN}",
        "Dominique",
        "Référent DD (fictif)",
        "ARS Occitanie — délégation départementale du Tarn",
        Role.ARS_OFFICER,
        "Référent CLS",
    ),
    DemoAccount(
        f"ars-region@{DEMO_DOMAIN}",
        "Claude",
        "Chargé de mission (fictif)",
        "ARS Occitanie",
        Role.ARS_OFFICER,
        "Chargé de mission stratégie CLS/CLSM",
    ),
    DemoAccount(
        f"pilote@{DEMO_DOMAIN}",
        "Alex",
        "Pilote d’action (fictif)",
        "Association de prévention (fictif)",
        Role.CONTRIBUTOR,
        "Pilote de fiche action",
    ),
    DemoAccount(
        f"partenaire@{DEMO_DOMAIN}",
        "Sacha",
        "Partenaire (fictif)",
        "CPAM (fictif)",
        Role.READER,
        "Partenaire",
    ),
]
DEMO_ADMIN = f"admin@{DEMO_DOMAIN}"


def load_demo(*, password: str) -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo organisations and one account per role, all sharing ``password``.

    Returns ``(e-mail, role label, organisation)`` rows for printing. Needs the territories loaded
    (``santelocale init``); raises ``Commune.DoesNotExist`` (or the like) otherwise. Idempotent.
    """
    with transaction.atomic():
        organisations = {}
        for spec in DEMO_ORGANISATIONS:
            defaults = {
                "kind": spec["kind"],
                "is_demo": True,
                "region": Region.objects.get(pk=spec["region"]) if "region" in spec else None,
                "department": Department.objects.get(pk=spec["department"]) if "department" in spec else None,
                "commune": Commune.objects.get(pk=spec["commune"]) if "commune" in spec else None,
                "epci": Epci.objects.get(pk=spec["epci"]) if "epci" in spec else None,
            }
            organisations[spec["name"]], _ = Organisation.objects.update_or_create(
                name=spec["name"], defaults=defaults
            )
        rows = []
        for account in DEMO_ACCOUNTS:
            user, _ = User.objects.update_or_create(
                email=account.email,
                defaults={"first_name": account.first_name, "last_name": account.last_name},
            )
            user.set_password(password)
            user.save()
            Membership.objects.update_or_create(
                user=user,
                organisation=organisations[account.organisation],
                defaults={"role": account.role, "job_title": account.job_title},
            )
            rows.append((account.email, Role(account.role).label, account.organisation))
        admin, _ = User.objects.update_or_create(
            email=DEMO_ADMIN,
            defaults={
                "first_name": "Admin",
                "last_name": "Plateforme (fictif)",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        admin.set_password(password)
        admin.save()
        rows.append((DEMO_ADMIN, "Administrateur·rice de la plateforme (admin Django)", "—"))
    return rows
