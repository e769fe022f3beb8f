"""Operations on organisations and accounts."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from santelocale.accounts.enums import OrganisationKind, Role
from santelocale.accounts.models import Membership, Organisation, User
from santelocale.territories.models import Commune, Department, Epci, Region

DEMO_DOMAIN = "demo.santelocale.test"


DEMO_REFUSED = (
    "Les données et comptes de démonstration sont réservés à une installation locale : refusés avec "
    "SANTELOCALE_ENV=production (leur mot de passe commun est public, l’un d’eux est superutilisateur)."
)


class UnknownAccount(ValueError):
    """No active account has this address (the message says so in French)."""


def account_of(email: str) -> User | None:
    """The active account whose address is ``email`` (in any case), ``None`` for an empty address;
    ``UnknownAccount`` when no active account has it. Used where an editor links a seat to a person's
    account (governance): editors are the contract's identified professionals, and the answer only says
    whether an active account exists, as an invitation would."""
    email = (email or "").strip()
    if not email:
        return None
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise UnknownAccount(
            f"Aucun compte actif n’a l’adresse « {email} » : la personne doit d’abord avoir un compte sur la "
            "plateforme (laissez le champ vide sinon)."
        )
    return user


class DemoRefused(RuntimeError):
    """The demo cannot be loaded here (a production installation)."""


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
    # What the contracts demo (santelocale/contracts/demo.py) needs: ARS, delegations and porteurs.
    {
        "name": "ARS Occitanie — délégation départementale du Gard",
        "kind": OrganisationKind.ARS_DELEGATION,
        "region": "76",
        "department": "30",
    },
    {"name": "ARS Provence-Alpes-Côte d’Azur", "kind": OrganisationKind.ARS, "region": "93"},
    *(
        {
            "name": f"ARS Provence-Alpes-Côte d’Azur — délégation départementale {of}",
            "kind": OrganisationKind.ARS_DELEGATION,
            "region": "93",
            "department": code,
        }
        for code, of in [
            ("04", "des Alpes-de-Haute-Provence"),
            ("05", "des Hautes-Alpes"),
            ("06", "des Alpes-Maritimes"),
            ("13", "des Bouches-du-Rhône"),
            ("83", "du Var"),
            ("84", "de Vaucluse"),
        ]
    ),
    {"name": "Ville de Marseille", "kind": OrganisationKind.COMMUNE, "commune": "13055"},
    {"name": "Ville de Martigues", "kind": OrganisationKind.COMMUNE, "commune": "13056"},
    {"name": "Ville de La Seyne-sur-Mer", "kind": OrganisationKind.COMMUNE, "commune": "83126"},
    {
        "name": "Communauté d’agglomération de la Provence Verte",
        "kind": OrganisationKind.EPCI,
        "epci": "200068104",
    },
    {"name": "Ville de La Garde", "kind": OrganisationKind.COMMUNE, "commune": "83062"},
    {"name": "Ville de Nice", "kind": OrganisationKind.COMMUNE, "commune": "06088"},
    {"name": "Ville d’Aix-en-Provence", "kind": OrganisationKind.COMMUNE, "commune": "13001"},
    {"name": "Alès Agglomération", "kind": OrganisationKind.EPCI, "epci": "200066918"},
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
        f"ars-admin@{DEMO_DOMAIN}",
        "Morgan",
        "Administrateur ARS (fictif)",
        "ARS Occitanie",
        Role.ADMIN,
        "Administrateur·rice des socles régionaux",
    ),
    DemoAccount(
        f"ars-paca@{DEMO_DOMAIN}",
        "Lou",
        "Chargé de mission ARS PACA (fictif)",
        "ARS Provence-Alpes-Côte d’Azur",
        Role.ARS_OFFICER,
        "Chargé·e de mission CLS",
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


def _shared_password_hash(password: str) -> str:
    """One hash for every demo account (they share ``password``), reused when it still matches.

    Hashing costs about 0.6 s with the production hasher: once per run instead of once per account keeps
    `santelocale demo` fast, and a second run with the same password rewrites nothing.
    """
    current = User.objects.filter(email=DEMO_ADMIN).values_list("password", flat=True).first()
    if current and check_password(password, current):
        return current
    return make_password(password)


@dataclass(frozen=True)
class DemoAccounts:
    """What ``load_demo_accounts`` wrote: the rows to print and the platform's demo superuser."""

    rows: list[tuple[str, str, str]]
    admin: User


def load_demo_accounts(*, password: str) -> DemoAccounts:
    """Create (or refresh) the demo organisations, one account per role and the platform's demo superuser,
    all sharing ``password``.

    Returns the ``(e-mail, role label, organisation)`` rows for printing and the superuser (the author of
    what the other apps' demo builders create; ``santelocale.operations.demo`` sequences them). Needs the
    territories loaded (``santelocale init``); raises ``Commune.DoesNotExist`` (or the like) otherwise.
    Idempotent. Refuses (``DemoRefused``) in production: the accounts share a published password and one
    is a superuser.
    """
    if settings.IS_PRODUCTION:
        raise DemoRefused(DEMO_REFUSED)
    with transaction.atomic():
        organisations = {}
        for spec in DEMO_ORGANISATIONS:
            commune = Commune.objects.get(pk=spec["commune"]) if "commune" in spec else None
            epci = Epci.objects.get(pk=spec["epci"]) if "epci" in spec else None
            territory = commune or epci
            defaults = {
                "kind": spec["kind"],
                "is_demo": True,
                "region": Region.objects.get(pk=spec["region"]) if "region" in spec else None,
                "department": Department.objects.get(pk=spec["department"]) if "department" in spec else None,
                "commune": commune,
                "epci": epci,
                "siren": territory.siren if territory is not None else "",
            }
            organisations[spec["name"]], _ = Organisation.objects.update_or_create(
                name=spec["name"], defaults=defaults
            )
        hashed = _shared_password_hash(password)
        rows = []
        for account in DEMO_ACCOUNTS:
            user, _ = User.objects.update_or_create(
                email=account.email,
                defaults={
                    "first_name": account.first_name,
                    "last_name": account.last_name,
                    "password": hashed,
                },
            )
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
                "password": hashed,
            },
        )
        rows.append((DEMO_ADMIN, "Administrateur·rice de la plateforme (admin Django)", "—"))
    return DemoAccounts(rows=rows, admin=admin)
