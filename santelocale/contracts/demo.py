"""The demo registry: CLS and CLSM named in public documents, each saying which document it comes from.

Institutions and territories are real (codes from the COG 2026 bundle); people never are. What the documents
do not say but the demo shows anyway — governance members, bodies, meetings, indicators, a contract project —
carries « (fictif) » in its label; contacts are functions with fictional addresses at ``DEMO_DOMAIN``. When a
document gives only years (« 2022-2027 »), the period runs from 1 January of the first to 31 December of the
last. docs/demo.md lists every contract with its source.

``load_demo_contracts`` is idempotent: everything is looked up by its natural key (a contract by its name,
a body by its name, a member by their function…) and written only when missing or different, so that a
second run writes nothing. A status is set when the contract is created and never touched again (statuses
move through ``lifecycle.change_status`` only).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from santelocale.accounts.models import Organisation
from santelocale.accounts.services import DEMO_DOMAIN
from santelocale.contracts.enums import (
    BodyKind,
    ContactRole,
    ContractKind,
    LinkKind,
    MemberRole,
    Quart,
    SignatoryKind,
    Status,
)
from santelocale.contracts.governance import add_body, add_meeting, add_member
from santelocale.contracts.models import Contract, ContractLink
from santelocale.contracts.services import (
    ContractData,
    add_contact,
    add_link,
    add_signatory,
    create_contract,
    default_end,
    seed_default_themes,
    update_contract,
)
from santelocale.indicators.services import add_indicator
from santelocale.territories.models import CityContract, PriorityNeighbourhood, Region
from santelocale.territories.services import save_perimeter

# --- Sources (the seed documents) -------------------------------------------------------------------

ARS_PACA_PAGE = (
    "ARS Provence-Alpes-Côte d’Azur, page « Contrats locaux de santé » (« 9 CLS sont actuellement signés en "
    "région PACA », liste des CLS avec leur période)"
)
OCCITANIE_WEBINAR = (
    "Webinaire ARS Occitanie / Villes et Territoires (centre de ressources politique de la ville, Est "
    "Occitanie), « La prise en compte de la santé mentale dans les CLS, articulation avec les contrats de "
    "ville », 23 avril 2024"
)
AIX_ARTICLE = (
    "Article « CLS et CLSM : des outils qui permettent d’agir sur la santé au niveau d’un territoire » "
    "(démarche de la Ville d’Aix-en-Provence, postérieur à septembre 2024)"
)
COURRIER_DES_MAIRES = (
    "Le Courrier des maires et des élus locaux, « Mettre en place un contrat local de santé », juin 2012"
)
CLSM_WEBINAR = (
    "Webinaire « Agir sur la santé mentale des habitants : le rôle du conseil local de santé mentale "
    "(CLSM) », Centre national de ressources et d’appui aux CLSM, 8 septembre 2022"
)

# --- Organisations (``accounts.services.DEMO_ORGANISATIONS`` creates them) ---------------------------

ARS_PACA = "ARS Provence-Alpes-Côte d’Azur"
ARS_OCCITANIE = "ARS Occitanie"
DD_TARN = "ARS Occitanie — délégation départementale du Tarn"
ALBI = "Ville d’Albi"
CPAM_DEMO = "CPAM (fictif)"
ALES_AGGLO = "Alès Agglomération"

# --- Contracts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractSpec:
    """A demo contract: what the source says, where it comes from, and how the demo places it."""

    key: str  # short name for e-mail addresses and cross-references
    kind: str
    name: str
    status: str
    region: str
    department: str
    porteur: str
    perimeter: str  # perimeter name
    components: tuple[tuple[str, str], ...]  # (kind, code) of the perimeter
    source: str
    summary: str
    years: tuple[int, int] | None = None
    renews: str | None = None
    themes: str = ""  # "all", "mental_health" or "" (none documented)
    is_published: bool = True
    #: as the sources give it: None (unknown) unless they say a first generation, or it renews another
    generation: int | None = None


def _communes(*codes):
    return tuple(("commune", code) for code in codes)


DEMO_CONTRACTS = [
    ContractSpec(
        key="cls-marseille",
        kind=ContractKind.CLS,
        name="CLS de Marseille",
        status=Status.SIGNED,
        region="93",
        department="13",
        porteur="Ville de Marseille",
        perimeter="Marseille",
        components=_communes("13055"),
        source=f"{ARS_PACA_PAGE} ; {COURRIER_DES_MAIRES}",
        summary=(
            "CLS signé, téléchargeable depuis la page de l’ARS PACA (ses dates n’y sont pas indiquées). "
            "En 2012, huit thématiques avaient été retenues pour préfigurer le CLS de Marseille : santé "
            "et habitat, santé mentale, vieillissement, VIH/hépatites, addictions, accès aux soins, "
            "nutrition et vigilance sanitaire."
        ),
    ),
    ContractSpec(
        key="cls-martigues-1",
        kind=ContractKind.CLS,
        name="CLS du Pays de Martigues — 1re génération (fiche reconstituée)",
        generation=1,
        status=Status.RENEWED,
        region="93",
        department="13",
        porteur="Ville de Martigues",
        perimeter="Pays de Martigues",
        components=_communes("13056", "13077", "13098"),
        source=f"Déduit de la mention « 2ème génération » : {ARS_PACA_PAGE}",
        summary=(
            "Le CLS du Pays de Martigues 2022-2027 est « de 2ème génération » : un premier CLS l’a donc "
            "précédé. La source n’en donne ni les dates ni le contenu ; cette fiche n’en invente pas."
        ),
    ),
    ContractSpec(
        key="cls-martigues",
        kind=ContractKind.CLS,
        name="CLS du Pays de Martigues",
        status=Status.SIGNED,
        region="93",
        department="13",
        porteur="Ville de Martigues",
        perimeter="Pays de Martigues",
        components=_communes("13056", "13077", "13098"),
        source=ARS_PACA_PAGE,
        summary=(
            "CLS de 2e génération, 2022-2027 (seules les années sont publiées). Périmètre retenu pour la "
            "démonstration : les trois communes du Pays de Martigues (Martigues, Port-de-Bouc, "
            "Saint-Mitre-les-Remparts), celles du contrat de ville 2015 de l’ancienne communauté "
            "d’agglomération."
        ),
        years=(2022, 2027),
        renews="cls-martigues-1",
    ),
    ContractSpec(
        key="cls-la-seyne-1",
        kind=ContractKind.CLS,
        name="CLS de La Seyne-sur-Mer — 1re génération (fiche reconstituée)",
        generation=1,
        status=Status.RENEWED,
        region="93",
        department="83",
        porteur="Ville de La Seyne-sur-Mer",
        perimeter="La Seyne-sur-Mer",
        components=_communes("83126"),
        source=f"Déduit de la mention « 2ème génération » : {ARS_PACA_PAGE}",
        summary=(
            "Le CLS de La Seyne-sur-Mer 2022-2027 est « de 2ème génération » : un premier CLS l’a donc "
            "précédé. La source n’en donne ni les dates ni le contenu ; cette fiche n’en invente pas."
        ),
    ),
    ContractSpec(
        key="cls-la-seyne",
        kind=ContractKind.CLS,
        name="CLS de La Seyne-sur-Mer",
        status=Status.SIGNED,
        region="93",
        department="83",
        porteur="Ville de La Seyne-sur-Mer",
        perimeter="La Seyne-sur-Mer",
        components=_communes("83126"),
        source=ARS_PACA_PAGE,
        summary="CLS de 2e génération, 2022-2027 (seules les années sont publiées).",
        years=(2022, 2027),
        renews="cls-la-seyne-1",
    ),
    ContractSpec(
        key="cls-provence-verte",
        kind=ContractKind.CLS,
        name="CLS de la Communauté d’agglomération de la Provence Verte",
        status=Status.SIGNED,
        region="93",
        department="83",
        porteur="Communauté d’agglomération de la Provence Verte",
        perimeter="Communauté d’agglomération de la Provence Verte",
        components=(("epci", "200068104"),),
        source=ARS_PACA_PAGE,
        summary=(
            "CLS intercommunal, 2021-2026 (seules les années sont publiées), sur les communes de "
            "l’agglomération."
        ),
        years=(2021, 2026),
    ),
    ContractSpec(
        key="cls-la-garde",
        kind=ContractKind.CLS,
        name="CLS de La Garde",
        status=Status.SIGNED,
        region="93",
        department="83",
        porteur="Ville de La Garde",
        perimeter="La Garde (Var)",
        components=_communes("83062"),
        source=ARS_PACA_PAGE,
        summary=(
            "CLS 2023-2028 (seules les années sont publiées), téléchargeable depuis la page de l’ARS PACA."
        ),
        years=(2023, 2028),
    ),
    ContractSpec(
        key="cls-nice",
        kind=ContractKind.CLS,
        name="CLS de Nice",
        status=Status.SIGNED,
        region="93",
        department="06",
        porteur="Ville de Nice",
        perimeter="Nice",
        components=_communes("06088"),
        source=ARS_PACA_PAGE,
        summary="CLS 2024-2029 (seules les années sont publiées).",
        years=(2024, 2029),
    ),
    ContractSpec(
        key="cls-aix",
        kind=ContractKind.CLS,
        name="CLS d’Aix-en-Provence",
        status=Status.PREFIGURATION,
        region="93",
        department="13",
        porteur="Ville d’Aix-en-Provence",
        perimeter="Aix-en-Provence",
        components=_communes("13001"),
        source=AIX_ARTICLE,
        summary=(
            "En cours de construction : phase d’écriture du projet et de méthodologie, un coordinateur "
            "du CLS recruté en septembre 2024. Le CLS couvrira tout le territoire et toute la population de "
            "la commune, au-delà de l’Atelier santé ville qui concerne ses quatre quartiers prioritaires ; "
            "il intégrera les déterminants de santé (environnement, transports, sédentarité, obésité…). "
            "La Ville a adhéré au réseau des Villes-Santé de l’OMS en janvier 2024."
        ),
    ),
    ContractSpec(
        key="clsm-aix",
        kind=ContractKind.CLSM,
        name="CLSM d’Aix-en-Provence",
        status=Status.PREFIGURATION,
        region="93",
        department="13",
        porteur="Ville d’Aix-en-Provence",
        perimeter="Aix-en-Provence",
        components=_communes("13001"),
        source=AIX_ARTICLE,
        summary=(
            "En cours de construction, comme le CLS : la santé mentale est « vraiment une priorité » depuis "
            "la crise sanitaire."
        ),
    ),
    ContractSpec(
        key="cls-albi",
        kind=ContractKind.CLS,
        name="CLS d’Albi",
        status=Status.IMPLEMENTATION,
        region="76",
        department="81",
        porteur=ALBI,
        perimeter="Albi",
        components=_communes("81004"),
        source=OCCITANIE_WEBINAR,
        summary=(
            "Objectifs 2024-2030 : actions d’« aller vers » les habitants des quartiers prioritaires "
            "({qpv_albi}) autour de deux priorités : un plan d’actions de prévention des comportements à "
            "risques par le développement des compétences psychosociales dès le plus jeune âge (addictions, "
            "violences sexistes et sexuelles) ; un plan d’actions « logement et santé mentale » dans le "
            "cadre du conseil local de santé mentale. Les quatre socles de l’ARS Occitanie sont obligatoires."
        ),
        years=(2024, 2030),
        themes="all",
    ),
    ContractSpec(
        key="clsm-albi",
        kind=ContractKind.CLSM,
        name="CLSM d’Albi",
        status=Status.IMPLEMENTATION,
        region="76",
        department="81",
        porteur=ALBI,
        perimeter="Albi",
        components=_communes("81004"),
        source=f"{OCCITANIE_WEBINAR} ; gouvernance en « quatre quarts » : {CLSM_WEBINAR}",
        summary=(
            "Conseil local de santé mentale dans le cadre duquel le CLS d’Albi met en œuvre son plan "
            "d’actions « logement et santé mentale » ; volet santé mentale du CLS. Sa gouvernance, ses "
            "réunions et ses indicateurs sont fictifs."
        ),
    ),
    ContractSpec(
        key="cls-pays-cevennes",
        kind=ContractKind.CLS,
        name="CLS Pays Cévennes",
        status=Status.IMPLEMENTATION,
        region="76",
        department="30",
        porteur=ALES_AGGLO,
        perimeter="Pays Cévennes (Alès Agglomération)",
        components=(("epci", "200066918"),),
        source=OCCITANIE_WEBINAR,
        summary=(
            "L’Atelier santé ville, transversal aux deux contrats de ville du Pays Cévennes, est intégré "
            "comme un des dispositifs de mise en œuvre du CLS ; l’animation du CLS, comme celle du contrat "
            "de ville, est assurée par l’association RESEDA. Périmètre retenu pour la démonstration : la "
            "communauté d’agglomération Alès Agglomération."
        ),
        themes="mental_health",
    ),
    ContractSpec(
        key="clsm-pays-cevennes",
        kind=ContractKind.CLSM,
        name="Projet de CLSM du Pays Cévennes (fictif)",
        status=Status.REFLECTION,
        region="76",
        department="30",
        porteur=ALES_AGGLO,
        perimeter="Pays Cévennes (Alès Agglomération)",
        components=(("epci", "200066918"),),
        source=(
            "Fictif — projet inventé pour montrer un brouillon non publié (la politique régionale de l’ARS "
            f"Occitanie engage chaque CLS à mettre en place un CLSM : {OCCITANIE_WEBINAR})"
        ),
        summary="Projet fictif, non publié : seuls ses porteurs et l’ARS Occitanie le voient.",
        is_published=False,
    ),
]

# --- Signatories: the ARS and the collectivité sign every CLS (article L1434-17 CSP) -----------------

_DG_ARS_PACA = "Directeur général de l’ARS Provence-Alpes-Côte d’Azur"
_DG_ARS_OCCITANIE = "Directeur général de l’ARS Occitanie"

#: key → (kind, name, representative function, organisation on the platform or None)
SIGNATORIES = {
    "cls-marseille": [
        (SignatoryKind.ARS, ARS_PACA, _DG_ARS_PACA, ARS_PACA),
        (SignatoryKind.COLLECTIVITY, "Ville de Marseille", "Maire de Marseille", "Ville de Marseille"),
    ],
    "cls-martigues": [
        (SignatoryKind.ARS, ARS_PACA, _DG_ARS_PACA, ARS_PACA),
        (SignatoryKind.COLLECTIVITY, "Ville de Martigues", "Maire de Martigues", "Ville de Martigues"),
    ],
    "cls-la-seyne": [
        (SignatoryKind.ARS, ARS_PACA, _DG_ARS_PACA, ARS_PACA),
        (
            SignatoryKind.COLLECTIVITY,
            "Ville de La Seyne-sur-Mer",
            "Maire de La Seyne-sur-Mer",
            "Ville de La Seyne-sur-Mer",
        ),
    ],
    "cls-provence-verte": [
        (SignatoryKind.ARS, ARS_PACA, _DG_ARS_PACA, ARS_PACA),
        (
            SignatoryKind.COLLECTIVITY,
            "Communauté d’agglomération de la Provence Verte",
            "Président de la Communauté d’agglomération de la Provence Verte",
            "Communauté d’agglomération de la Provence Verte",
        ),
    ],
    "cls-la-garde": [
        (SignatoryKind.ARS, ARS_PACA, _DG_ARS_PACA, ARS_PACA),
        (SignatoryKind.COLLECTIVITY, "Ville de La Garde", "Maire de La Garde", "Ville de La Garde"),
    ],
    "cls-nice": [
        (SignatoryKind.ARS, ARS_PACA, _DG_ARS_PACA, ARS_PACA),
        (SignatoryKind.COLLECTIVITY, "Ville de Nice", "Maire de Nice", "Ville de Nice"),
    ],
    "cls-albi": [
        (SignatoryKind.ARS, ARS_OCCITANIE, _DG_ARS_OCCITANIE, ARS_OCCITANIE),
        (SignatoryKind.COLLECTIVITY, ALBI, "Maire d’Albi", ALBI),
        (SignatoryKind.CPAM, CPAM_DEMO, "Directeur·rice de la CPAM (fictif)", CPAM_DEMO),
    ],
    "cls-pays-cevennes": [
        (SignatoryKind.ARS, ARS_OCCITANIE, _DG_ARS_OCCITANIE, ARS_OCCITANIE),
        (SignatoryKind.COLLECTIVITY, ALES_AGGLO, "Président d’Alès Agglomération", ALES_AGGLO),
    ],
}

# --- Links ------------------------------------------------------------------------------------------

#: key → (kind, target): another demo contract's key, ``("city_contract_of", commune code)``, or a name.
LINKS = {
    "clsm-albi": [
        (LinkKind.MENTAL_HEALTH_VOLET, ("contract", "cls-albi")),
        (LinkKind.PTSM, ("name", "PTSM du Tarn")),
    ],
    "cls-albi": [(LinkKind.CITY_CONTRACT_HEALTH_VOLET, ("city_contract_of", "81004"))],
    "cls-pays-cevennes": [
        (
            LinkKind.ASV,
            ("name", "Atelier santé ville du Pays Cévennes, transversal aux deux contrats de ville"),
        ),
    ],
    "cls-aix": [
        (LinkKind.ASV, ("name", "Atelier santé ville d’Aix-en-Provence (quatre quartiers prioritaires)"))
    ],
}

# --- Contacts: functions, fictional addresses -------------------------------------------------------


@dataclass(frozen=True)
class ContactSpec:
    role: str
    name: str
    organisation: str
    mailbox: str  # before @DEMO_DOMAIN
    is_public: bool = True


def _coordination(key: str, organisation: str, kind: str = "CLS") -> ContactSpec:
    return ContactSpec(ContactRole.COORDINATOR, f"Coordination du {kind} (fictif)", organisation, key)


_DD_TARN_REFERENT = ContactSpec(
    ContactRole.ARS_REFERENT,
    "Référent·e CLS de la délégation départementale du Tarn (fictif)",
    DD_TARN,
    "dd81-referent-cls",
    is_public=False,
)

CONTACTS = {
    "cls-marseille": [_coordination("cls-marseille", "Ville de Marseille")],
    "cls-martigues": [_coordination("cls-martigues", "Ville de Martigues")],
    "cls-la-seyne": [_coordination("cls-la-seyne", "Ville de La Seyne-sur-Mer")],
    "cls-provence-verte": [
        _coordination("cls-provence-verte", "Communauté d’agglomération de la Provence Verte")
    ],
    "cls-la-garde": [_coordination("cls-la-garde", "Ville de La Garde")],
    "cls-nice": [_coordination("cls-nice", "Ville de Nice")],
    "cls-aix": [_coordination("cls-aix", "Ville d’Aix-en-Provence")],
    "cls-albi": [_coordination("cls-albi", ALBI), _DD_TARN_REFERENT],
    "clsm-albi": [_coordination("clsm-albi", ALBI, "CLSM"), _DD_TARN_REFERENT],
    "cls-pays-cevennes": [_coordination("cls-pays-cevennes", "Association RESEDA")],
}

# --- Governance (all fictional) ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemberSpec:
    person: str
    organisation: str
    role: str = MemberRole.MEMBER
    quart: str = ""


@dataclass(frozen=True)
class MeetingSpec:
    held_on: datetime.date
    agenda: str = ""
    decisions: str = ""
    attendees: tuple[str, ...] = ()  # persons (functions) of the body's members
    cases_reviewed: int | None = None


@dataclass(frozen=True)
class BodySpec:
    kind: str
    name: str
    mandate: str
    members: tuple[MemberSpec, ...]
    meetings: tuple[MeetingSpec, ...] = field(default=())


_ELECTED = "Adjoint·e au maire délégué·e à la santé (fictif)"
_PSYCHIATRIST = "Psychiatre de secteur, chef·fe de pôle (fictif)"
_PSYCHIATRY_ORG = "Établissement de psychiatrie publique du secteur (fictif)"
_CLS_COORDINATION = "Coordination du CLS (fictif)"
_CLSM_COORDINATION = "Coordination du CLSM (fictif)"
_SOCIAL_WORKER = "Travailleur·se social·e du CCAS (fictif)"
_LANDLORD = "Chargé·e de mission d’un bailleur social (fictif)"

GOVERNANCE = {
    "cls-albi": [
        BodySpec(
            BodyKind.COPIL,
            "Comité de pilotage du CLS d’Albi (fictif)",
            "Pilote le CLS, valide le plan d’actions et son évaluation annuelle.",
            (
                MemberSpec(_ELECTED, ALBI, MemberRole.CHAIR),
                MemberSpec(
                    "Délégué·e départemental·e de l’ARS dans le Tarn (fictif)", DD_TARN, MemberRole.CO_LEAD
                ),
                MemberSpec(_CLS_COORDINATION, ALBI, MemberRole.COORDINATOR),
                MemberSpec("Représentant·e de la CPAM (fictif)", CPAM_DEMO),
                # « Coordo ASV invités au COPIL CLS » (webinaire ARS Occitanie, 23 avril 2024)
                MemberSpec("Coordination de l’Atelier santé ville (fictif)", ALBI, MemberRole.GUEST),
            ),
            (
                MeetingSpec(
                    datetime.date(2025, 3, 18),
                    agenda="Installation du comité ; validation du plan d’actions 2024-2030 (fictif)",
                    decisions="Plan d’actions validé ; deux groupes de travail constitués (fictif)",
                    attendees=(
                        _ELECTED,
                        "Délégué·e départemental·e de l’ARS dans le Tarn (fictif)",
                        _CLS_COORDINATION,
                    ),
                ),
                MeetingSpec(
                    datetime.date(2025, 11, 20),
                    agenda="Bilan de la première année de mise en œuvre (fictif)",
                    attendees=(_ELECTED, _CLS_COORDINATION, "Coordination de l’Atelier santé ville (fictif)"),
                ),
            ),
        ),
        BodySpec(
            BodyKind.WORKING_GROUP,
            "Groupe de travail « Compétences psychosociales » (fictif)",
            "Prévention des comportements à risques par les compétences psychosociales dès le plus jeune âge "
            "(addictions, violences sexistes et sexuelles), en allant vers les habitants des QPV.",
            (
                MemberSpec(_CLS_COORDINATION, ALBI, MemberRole.COORDINATOR),
                MemberSpec("Infirmier·e de l’Éducation nationale (fictif)", "Éducation nationale (fictif)"),
                MemberSpec("Animateur·rice jeunesse (fictif)", ALBI),
            ),
            (
                MeetingSpec(
                    datetime.date(2025, 5, 6),
                    agenda="Choix des écoles et des programmes de compétences psychosociales (fictif)",
                    attendees=(_CLS_COORDINATION, "Infirmier·e de l’Éducation nationale (fictif)"),
                ),
            ),
        ),
    ],
    "clsm-albi": [
        BodySpec(
            BodyKind.CLSM_STEERING,
            "Comité de pilotage du CLSM d’Albi (fictif)",
            "Les « quatre quarts » : présidé par un·e élu·e local·e, co-animé par la psychiatrie publique, "
            "avec les usagers et les aidants ; piloté par la coordination.",
            (
                MemberSpec(_ELECTED, ALBI, MemberRole.CHAIR, Quart.ELECTED),
                MemberSpec(_PSYCHIATRIST, _PSYCHIATRY_ORG, MemberRole.CO_LEAD, Quart.PSYCHIATRY),
                MemberSpec(
                    "Représentant·e d’un groupe d’entraide mutuelle (fictif)",
                    "GEM (fictif)",
                    quart=Quart.USERS,
                ),
                MemberSpec("Représentant·e UNAFAM (fictif)", "UNAFAM (fictif)", quart=Quart.CAREGIVERS),
                MemberSpec(_CLSM_COORDINATION, ALBI, MemberRole.COORDINATOR, Quart.COORDINATOR),
                MemberSpec(_LANDLORD, "Bailleur social (fictif)", quart=Quart.PARTNER),
            ),
            (
                MeetingSpec(
                    datetime.date(2025, 4, 10),
                    agenda="Lancement du plan d’actions « logement et santé mentale » (fictif)",
                    decisions=(
                        "Création d’un groupe de travail logement et d’une cellule cas complexes (fictif)"
                    ),
                    attendees=(_ELECTED, _PSYCHIATRIST, _CLSM_COORDINATION, "Représentant·e UNAFAM (fictif)"),
                ),
            ),
        ),
        BodySpec(
            BodyKind.WORKING_GROUP,
            "Groupe de travail « Logement et santé mentale » (fictif)",
            "Prévenir les expulsions et accompagner l’accès et le maintien dans le logement.",
            (
                MemberSpec(_CLSM_COORDINATION, ALBI, MemberRole.COORDINATOR, Quart.COORDINATOR),
                MemberSpec(_LANDLORD, "Bailleur social (fictif)", quart=Quart.PARTNER),
                MemberSpec(_SOCIAL_WORKER, "CCAS d’Albi (fictif)", quart=Quart.PARTNER),
            ),
            (
                MeetingSpec(
                    datetime.date(2025, 6, 12),
                    agenda="Repérage des situations de fragilité dans le parc social (fictif)",
                    attendees=(_CLSM_COORDINATION, _LANDLORD),
                ),
            ),
        ),
        BodySpec(
            BodyKind.COMPLEX_CASES,
            "Cellule cas complexes du CLSM d’Albi (fictif)",
            "Examine des situations individuelles complexes ; ne conserve aucune donnée personnelle de "
            "santé.",
            (
                MemberSpec(_CLSM_COORDINATION, ALBI, MemberRole.COORDINATOR, Quart.COORDINATOR),
                MemberSpec(_PSYCHIATRIST, _PSYCHIATRY_ORG, quart=Quart.PSYCHIATRY),
                MemberSpec(_SOCIAL_WORKER, "CCAS d’Albi (fictif)", quart=Quart.PARTNER),
                MemberSpec(_LANDLORD, "Bailleur social (fictif)", quart=Quart.PARTNER),
            ),
            (
                MeetingSpec(
                    datetime.date(2025, 9, 16),
                    attendees=(_CLSM_COORDINATION, _PSYCHIATRIST, _SOCIAL_WORKER),
                    cases_reviewed=3,
                ),
            ),
        ),
    ],
}

# --- Indicators (all fictional) ---------------------------------------------------------------------

#: key → (name, kind, unit, direction, source)
INDICATORS = {
    "cls-albi": [
        (
            "Actions d’« aller vers » menées dans les quartiers prioritaires d’Albi (fictif)",
            "PROCESS",
            "actions par an",
            "UP",
            "Bilan annuel du CLS (fictif)",
        ),
        (
            "Élèves des écoles des QPV bénéficiant d’un programme de compétences psychosociales (fictif)",
            "RESULT",
            "élèves",
            "UP",
            "Éducation nationale (fictif)",
        ),
    ],
    "clsm-albi": [
        (
            "Situations examinées par la cellule cas complexes (fictif)",
            "PROCESS",
            "situations par an",
            "",
            "Cellule cas complexes (fictif)",
        ),
        (
            "Ménages accompagnés maintenus dans leur logement à un an (fictif)",
            "RESULT",
            "%",
            "UP",
            "Bailleurs sociaux (fictif)",
        ),
    ],
    "cls-pays-cevennes": [
        (
            "Actions de prévention santé menées avec l’Atelier santé ville (fictif)",
            "PROCESS",
            "actions par an",
            "UP",
            "Bilan annuel du CLS (fictif)",
        ),
    ],
}


# --- Loading ----------------------------------------------------------------------------------------


def _sync(obj, **values) -> None:
    """Set ``values`` on ``obj`` and save it only when one of them differs (no spurious history)."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)


def _summary(spec: ContractSpec) -> str:
    if "{qpv_albi}" not in spec.summary:
        return spec.summary
    names = (
        PriorityNeighbourhood.objects.filter(communes="81004").order_by("name").values_list("name", flat=True)
    )
    return spec.summary.replace("{qpv_albi}", ", ".join(names))


def _perimeter(spec: ContractSpec, *, user, porteur: Organisation):
    existing = porteur.perimeters.filter(name=spec.perimeter).first()
    if existing is not None:
        return existing
    return save_perimeter(
        name=spec.perimeter,
        components=[{"kind": kind, "code": code} for kind, code in spec.components],
        user=user,
        organisation=porteur,
        description="Périmètre du registre de démonstration (voir docs/demo.md).",
    )


def _contract(spec: ContractSpec, *, user, organisations: dict, contracts: dict) -> Contract:
    region = Region.objects.get(pk=spec.region)
    porteur = organisations[spec.porteur]
    themes = []
    if spec.themes == "all":
        themes = list(region.themes.all())
    elif spec.themes == "mental_health":
        themes = list(region.themes.filter(is_mental_health=True))
    starts_on = datetime.date(spec.years[0], 1, 1) if spec.years else None
    data = ContractData(
        kind=spec.kind,
        name=spec.name,
        perimeter=_perimeter(spec, user=user, porteur=porteur),
        region=region,
        department=region.departments.get(pk=spec.department),
        porteurs=[porteur],
        summary=_summary(spec),
        starts_on=starts_on,
        ends_on=datetime.date(spec.years[1], 12, 31) if spec.years else None,
        themes=themes,
        is_published=spec.is_published,
        source=spec.source,
        generation=spec.generation,
    )
    contract = Contract.objects.filter(name=spec.name, region=region).first()
    if contract is None:
        return create_contract(
            user=user,
            data=data,
            status=spec.status,
            renews=contracts[spec.renews] if spec.renews else None,
            reason=f"Registre de démonstration ; statut d’après : {spec.source}",
        )
    current = (
        contract.kind,
        contract.perimeter_id,
        contract.department_id,
        contract.summary,
        contract.starts_on,
        contract.ends_on,
        contract.is_published,
        contract.source,
        set(contract.porteurs.all()),
        set(contract.themes.all()),
        contract.generation if contract.renews_id is None else None,
    )
    wanted = (
        data.kind,
        data.perimeter.pk,
        data.department.pk,
        data.summary,
        data.starts_on,
        data.ends_on or default_end(data.starts_on),
        data.is_published,
        data.source,
        set(data.porteurs),
        set(themes),
        data.generation if contract.renews_id is None else None,
    )
    if current != wanted:
        update_contract(contract, user=user, data=data)
    return contract


def _load_signatories(contract: Contract, rows, organisations: dict) -> None:
    for kind, name, representative, organisation in rows:
        organisation = organisations.get(organisation)
        signatory = contract.signatories.filter(kind=kind, name=name).first()
        if signatory is None:
            signatory = add_signatory(
                contract, kind=kind, name=name, representative=representative, organisation=organisation
            )
            if organisation is not None:
                # The demo's partners have confirmed that they sign (as the ARS would have on the page).
                signatory.confirmed_at = timezone.now()
                signatory.save(update_fields=["confirmed_at"])
        else:
            _sync(signatory, representative=representative, organisation=organisation)


def _load_links(contract: Contract, rows, contracts: dict) -> None:
    for kind, (target_type, target) in rows:
        if target_type == "contract":
            target_contract = contracts[target]
            if not ContractLink.objects.filter(
                kind=kind, contract=contract, target_contract=target_contract
            ).exists():
                add_link(contract, kind=kind, target_contract=target_contract)
        elif target_type == "city_contract_of":
            city_contract = (
                CityContract.objects.filter(communes=target)
                .select_related("department")
                .order_by("-generation", "code")
                .first()
            )
            if city_contract and not contract.links.filter(kind=kind, city_contract=city_contract).exists():
                add_link(contract, kind=kind, city_contract=city_contract)
        elif not contract.links.filter(kind=kind, target_name=target).exists():
            add_link(contract, kind=kind, target_name=target)


def _load_contacts(contract: Contract, rows) -> None:
    for spec in rows:
        values = {
            "organisation": spec.organisation,
            "email": f"{spec.mailbox}@{DEMO_DOMAIN}",
            "is_public": spec.is_public,
        }
        contact = contract.contacts.filter(role=spec.role, name=spec.name).first()
        if contact is None:
            add_contact(contract, role=spec.role, name=spec.name, **values)
        else:
            _sync(contact, **values)


def _load_governance(contract: Contract, bodies) -> None:
    for spec in bodies:
        body = contract.bodies.filter(kind=spec.kind, name=spec.name).first()
        if body is None:
            body = add_body(contract, kind=spec.kind, name=spec.name, mandate=spec.mandate)
        else:
            _sync(body, mandate=spec.mandate)
        members = {}
        for member in spec.members:
            seat = body.members.filter(person=member.person).first()
            if seat is None:
                seat = add_member(
                    body,
                    person=member.person,
                    organisation=member.organisation,
                    role=member.role,
                    quart=member.quart,
                )
            else:
                _sync(seat, organisation=member.organisation, role=member.role, quart=member.quart)
            members[member.person] = seat
        for meeting in spec.meetings:
            if body.meetings.filter(held_on=meeting.held_on).exists():
                continue
            add_meeting(
                body,
                held_on=meeting.held_on,
                agenda=meeting.agenda,
                decisions=meeting.decisions,
                attendees=[members[person] for person in meeting.attendees],
                cases_reviewed=meeting.cases_reviewed,
            )


def _load_indicators(contract: Contract, rows) -> None:
    for name, kind, unit, direction, source in rows:
        indicator = contract.indicators.filter(name=name).first()
        if indicator is None:
            add_indicator(contract, name=name, kind=kind, unit=unit, direction=direction, source=source)
        else:
            _sync(indicator, kind=kind, unit=unit, direction=direction, source=source)


def load_demo_contracts(*, user) -> list[Contract]:
    """Create (or complete) the demo registry and return its contracts, in ``DEMO_CONTRACTS`` order.

    Needs the territories (``santelocale init``) and the demo organisations
    (``accounts.services.load_demo_accounts``; ``operations.demo.load_demo`` runs both in one
    transaction); raises ``Organisation.DoesNotExist`` (or the like) otherwise. ``user`` is recorded as
    the author of what is created. Idempotent.
    """
    with transaction.atomic():
        seed_default_themes()
        names = {spec.porteur for spec in DEMO_CONTRACTS} | {ARS_PACA, ARS_OCCITANIE, CPAM_DEMO}
        organisations = {org.name: org for org in Organisation.objects.filter(name__in=names)}
        missing = sorted(names - set(organisations))
        if missing:
            raise Organisation.DoesNotExist(
                f"Organisations de démonstration absentes : {', '.join(missing)}."
            )
        contracts = {}
        for spec in DEMO_CONTRACTS:
            contracts[spec.key] = _contract(spec, user=user, organisations=organisations, contracts=contracts)
        for key, rows in SIGNATORIES.items():
            _load_signatories(contracts[key], rows, organisations)
        for key, rows in LINKS.items():
            _load_links(contracts[key], rows, contracts)
        for key, rows in CONTACTS.items():
            _load_contacts(contracts[key], rows)
        for key, bodies in GOVERNANCE.items():
            _load_governance(contracts[key], bodies)
        for key, rows in INDICATORS.items():
            _load_indicators(contracts[key], rows)
    return [contracts[spec.key] for spec in DEMO_CONTRACTS]
