"""The demo plan of the « CLS d’Albi »: its two priorities come from the seeds (webinaire ARS Occitanie du
23 avril 2024: prevention of risky behaviour through psychosocial skills from an early age; « logement et
santé mentale » within the CLSM), the four Occitanie socles tag its axes, and every fiche, step, funding line
and indicator is made up and says « (fictif) ». Idempotent: a contract that already has a plan is left as
it is (the demo never overwrites what a user changed)."""

import datetime
from decimal import Decimal

from django.db import transaction

from santelocale.contracts.models import Contract
from santelocale.indicators.services import add_indicator, record_value
from santelocale.plans import services
from santelocale.plans.enums import (
    ActionStatus,
    FunderKind,
    Participation,
    Priority,
    ProgressMode,
    SectionKind,
)
from santelocale.plans.models import Term
from santelocale.plans.services import ActionData, FundingData, SectionData
from santelocale.territories.models import PriorityNeighbourhood

PILOT_EMAIL = "pilote@demo.santelocale.test"
SOURCE = (
    "Démonstration : axes d’après le webinaire ARS Occitanie / Villes et Territoires du 23 avril 2024 ; "
    "fiches, étapes, financements et indicateurs fictifs."
)

AXES = [
    {
        "number": "1",
        "title": (
            "Prévenir les comportements à risques par les compétences psychosociales dès le plus jeune âge"
        ),
        "themes": ("Prévention et promotion de la santé",),
        "prs": "Développer les compétences psychosociales des enfants et des jeunes",
        "fiches": [
            {
                "title": "Programme de compétences psychosociales en écoles élémentaires (fictif)",
                "status": ActionStatus.IN_PROGRESS,
                "priority": Priority.HIGH,
                "dates": (datetime.date(2024, 9, 1), datetime.date(2027, 7, 5)),
                "pilot": True,
                "publics": ("Enfants", "Parents"),
                "interventions": ("Éducation pour la santé", "Formation des professionnels"),
                "determinants": ("Comportements et modes de vie",),
                "participation": Participation.CONSULTATION,
                "steps": [
                    ("Former les enseignants volontaires (fictif)", True),
                    ("Déployer en CM1 (fictif)", False),
                ],
                "funding": [
                    (FunderKind.ARS, 2025, "12000", "9000", "M1"),
                    (FunderKind.COLLECTIVITY, 2025, "4000", "4000", ""),
                    (FunderKind.ARS, 2026, "12000", None, "M1"),
                ],
                "indicator": ("Classes ayant suivi le programme (fictif)", "classes", "25", "14"),
            },
            {
                "title": "Prévention des violences sexistes et sexuelles auprès des collégiens (fictif)",
                "status": ActionStatus.UPCOMING,
                "priority": Priority.MEDIUM,
                "dates": (datetime.date(2026, 1, 5), datetime.date(2028, 6, 30)),
                "publics": ("Adolescents et jeunes (12-25 ans)",),
                "interventions": ("Information et communication",),
                "determinants": ("Réseaux sociaux et communautaires",),
                "funding": [(FunderKind.CITY_POLICY, 2026, "6000", None, "")],
            },
            {
                "title": "Aller vers les habitants des quartiers prioritaires sur les addictions (fictif)",
                "status": ActionStatus.LATE,
                "priority": Priority.HIGH,
                "dates": (datetime.date(2024, 3, 1), datetime.date(2025, 6, 30)),
                "publics": ("Habitants des quartiers prioritaires",),
                "interventions": ("Aller-vers et médiation en santé",),
                "determinants": ("Addictions",),
                "qpv": True,
            },
        ],
    },
    {
        "number": "2",
        "title": "Logement et santé mentale (volet santé mentale, avec le CLSM)",
        "themes": ("Santé mentale dans son champ large",),
        "mental_health": True,
        "prs": "Prévenir les ruptures de parcours en santé mentale",
        "fiches": [
            {
                "title": "Cellule logement et santé mentale avec les bailleurs sociaux (fictif)",
                "status": ActionStatus.IN_PROGRESS,
                "priority": Priority.HIGH,
                "dates": (datetime.date(2024, 6, 1), None),
                "continuous": True,
                "publics": ("Personnes vivant avec un trouble psychique",),
                "interventions": ("Coordination et animation territoriale",),
                "determinants": ("Logement", "Santé mentale et bien-être"),
                "steps": [
                    ("Charte signée avec les bailleurs (fictif)", True),
                    ("Première réunion de la cellule (fictif)", True),
                    ("Bilan annuel (fictif)", False),
                ],
                "progress_steps": True,
                "funding": [(FunderKind.COLLECTIVITY, 2025, "0.5", "0.5", "FTE")],
            },
            {
                "title": "Semaines d’information sur la santé mentale à Albi (fictif)",
                "status": ActionStatus.DONE,
                "priority": Priority.MEDIUM,
                "dates": (datetime.date(2024, 10, 1), datetime.date(2024, 10, 31)),
                "publics": ("Tout public",),
                "interventions": ("Information et communication",),
                "determinants": ("Santé mentale et bien-être",),
            },
        ],
    },
    {
        "number": "3",
        "title": "Accès aux soins des plus précaires et santé environnementale",
        "themes": ("Accès aux soins (notamment des plus précaires)", "Santé environnementale"),
        "fiches": [
            {
                "title": "Permanence d’accès aux droits de santé en quartier prioritaire (fictif)",
                "status": ActionStatus.BLOCKED,
                "priority": Priority.MEDIUM,
                "dates": (datetime.date(2025, 1, 1), datetime.date(2029, 12, 31)),
                "publics": ("Personnes en situation de précarité",),
                "interventions": ("Accès aux droits et aux soins",),
                "determinants": ("Accès aux services de santé",),
                "no_pilot": True,
                "confidential": True,
            },
            {
                "title": "Qualité de l’air intérieur dans les crèches (fictif)",
                "status": ActionStatus.TO_DISCUSS,
                "priority": Priority.LOW,
                "dates": (datetime.date(2026, 9, 1), datetime.date(2028, 6, 30)),
                "publics": ("Petite enfance (0-6 ans)",),
                "interventions": ("Aménagement du cadre de vie",),
                "determinants": ("Environnement physique (air, eau, bruit)",),
            },
        ],
    },
]


def _terms(vocabulary: str, labels) -> list[Term]:
    return list(Term.objects.filter(vocabulary=vocabulary, label__in=labels or ()))


@transaction.atomic
def load_demo_plans() -> int:
    """Give the demo « CLS d’Albi » its plan when it has none; return the number of fiches created."""
    from santelocale.accounts.models import User

    services.seed_vocabularies()
    contract = Contract.objects.filter(name="CLS d’Albi").first()
    if contract is None or contract.sections.exists() or contract.actions.exists():
        return 0
    pilot = User.objects.filter(email=PILOT_EMAIL).first()
    themes = {theme.label: theme for theme in contract.region.themes.all()}
    qpvs = list(
        PriorityNeighbourhood.objects.filter(communes__in=contract.perimeter.communes.all())
        .order_by("-generation", "code")
        .distinct()[:2]
    )
    created = 0
    for spec in AXES:
        axis = services.save_section(
            contract,
            SectionData(
                title=spec["title"],
                number=spec["number"],
                kind=SectionKind.AXIS,
                themes=[themes[label] for label in spec["themes"] if label in themes],
                is_mental_health_volet=spec.get("mental_health", False),
                prs_objectives=spec.get("prs", ""),
            ),
        )
        for position, fiche in enumerate(spec["fiches"], start=1):
            starts_on, ends_on = fiche["dates"]
            data = ActionData(
                title=fiche["title"],
                number=f"{spec['number']}.{position}",
                section=axis,
                description="Fiche de démonstration (fictif) : le contenu illustre les champs d’une fiche.",
                status=fiche["status"],
                priority=fiche["priority"],
                starts_on=starts_on,
                ends_on=ends_on,
                is_continuous=fiche.get("continuous", False),
                pilot_user=pilot if fiche.get("pilot") else None,
                pilot_name=""
                if fiche.get("pilot") or fiche.get("no_pilot")
                else "Coordination du CLS (fictif)",
                operator="Ville d’Albi" if not fiche.get("pilot") else "Association de prévention (fictif)",
                participation=fiche.get("participation", ""),
                progress_mode=ProgressMode.STEPS if fiche.get("progress_steps") else ProgressMode.ENTERED,
                progress_entered=None if fiche.get("progress_steps") else _progress(fiche["status"]),
                is_confidential=fiche.get("confidential", False),
                source=SOURCE,
                publics=_terms("PUBLIC", fiche.get("publics")),
                intervention_types=_terms("INTERVENTION", fiche.get("interventions")),
                determinants=_terms("DETERMINANT", fiche.get("determinants")),
                neighbourhoods=qpvs if fiche.get("qpv") else [],
            )
            action = services.create_action(contract, data)
            created += 1
            for title, done in fiche.get("steps", []):
                services.add_step(action, title=title, is_done=done, done_on=starts_on if done else None)
            for kind, year, planned, spent, extra in fiche.get("funding", []):
                fte = extra == "FTE"
                services.save_funding_line(
                    action,
                    FundingData(
                        funder_kind=kind,
                        year=year,
                        planned=Decimal(planned),
                        spent=Decimal(spent) if spent is not None else None,
                        unit="FTE" if fte else "EUR",
                        fir_mission="" if fte else extra,
                        # Real institutions, invented amounts: the funder's label says so wherever the
                        # amounts are summed (funding page, documents), not only the line's comment.
                        funder_name=(
                            "Ville d’Albi" if kind == FunderKind.COLLECTIVITY else FunderKind(kind).label
                        )
                        + " (montants fictifs)",
                        comment="Montant fictif",
                    ),
                )
            if "indicator" in fiche:
                name, unit, target, actual = fiche["indicator"]
                indicator = add_indicator(
                    contract, name=name, kind="PROCESS", unit=unit, direction="UP", action=action
                )
                record_value(
                    indicator, period="2025", target=Decimal(target), actual=Decimal(actual), source="Fictif"
                )
    return created


def _progress(status: str) -> int | None:
    return {
        ActionStatus.DONE: 100,
        ActionStatus.IN_PROGRESS: 45,
        ActionStatus.LATE: 20,
        ActionStatus.BLOCKED: 10,
    }.get(status)
