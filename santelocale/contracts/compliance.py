"""The compliance checklist of a contract: each item says whether it holds, why it matters, and the text
it comes from. A failing *blocking* item prevents the signature (``lifecycle``)."""

from dataclasses import dataclass

from santelocale.contracts import reading
from santelocale.contracts.enums import FOUR_QUARTS, ContractKind, LinkKind, MemberRole, Quart, SignatoryKind
from santelocale.contracts.models import BodyMember, Contract
from santelocale.contracts.plan_hooks import plan_hooks


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    ok: bool
    blocking: bool
    detail: str
    reason: str
    reference: str

    @property
    def status_label(self) -> str:
        if self.ok:
            return "Conforme"
        return "Bloquant" if self.blocking else "À examiner"


MENTAL_HEALTH_REFERENCE = (
    "Loi n° 2022-217 du 21 février 2022 (dite « 3DS »), article 122 ; "
    "article L1434-17 du code de la santé publique"
)


def _mental_health_volet(contract: Contract, user) -> Item:
    theme = contract.themes.filter(is_mental_health=True).first()
    names = reading.mental_health_volets(contract, user)
    if theme is not None:
        names.append(f"socle « {theme.label} »")
    names += [f"axe « {label} » du plan d’action" for label in plan_hooks().mental_health_axes(contract)]
    ok = bool(names)
    return Item(
        code="mental_health_volet",
        label="Volet santé mentale",
        ok=ok,
        blocking=True,
        detail=(
            "présent : " + ", ".join(names) + "."
            if ok
            else "absent — rattachez le CLSM du territoire comme volet santé mentale, couvrez le socle "
            "santé mentale, ou marquez l’axe santé mentale du plan d’action (avec au moins une fiche)."
        ),
        reason="Depuis 2022, tout CLS doit comporter un volet dédié à la santé mentale.",
        reference=MENTAL_HEALTH_REFERENCE,
    )


def _signatories(contract: Contract) -> Item:
    kinds = set(contract.signatories.values_list("kind", flat=True))
    missing = []
    if SignatoryKind.ARS not in kinds:
        missing.append("l’ARS")
    if SignatoryKind.COLLECTIVITY not in kinds:
        missing.append("au moins une collectivité (commune ou EPCI)")
    return Item(
        code="signatories",
        label="Signataires obligatoires",
        ok=not missing,
        blocking=True,
        detail="l’ARS et au moins une collectivité signent."
        if not missing
        else "manque " + " et ".join(missing) + ".",
        reason="Le CLS est conclu par l’ARS avec, a minima, une collectivité territoriale ou un groupement.",
        reference="Article L1434-17 du code de la santé publique (loi HPST du 21 juillet 2009)",
    )


def _indicators(contract: Contract) -> Item:
    count = contract.indicators.count()
    return Item(
        code="evaluation_indicators",
        label="Indicateurs d’évaluation définis avant la signature",
        ok=count > 0,
        blocking=True,
        detail=f"{count} indicateur(s) défini(s)."
        if count
        else "aucun indicateur d’évaluation n’est défini.",
        reason=(
            "L’évaluation doit être prévue conjointement par les signataires avant la signature du contrat, "
            "avec des indicateurs de suivi, de résultat et de réalisation."
        ),
        reference="Guide « Mettre en place un contrat local de santé », étape 10 (Courrier des maires, 2012)",
    )


def _themes(contract: Contract) -> Item:
    required = list(contract.region.themes.all())
    covered = set(contract.themes.values_list("pk", flat=True)) | plan_hooks().theme_ids(contract)
    missing = [theme.label for theme in required if theme.pk not in covered]
    if not required:
        detail = f"l’ARS de la région {contract.region.name} n’a pas défini de socle."
    elif missing:
        detail = "non couvert(s) : " + ", ".join(f"« {label} »" for label in missing) + "."
    else:
        detail = f"les {len(required)} socles sont couverts."
    return Item(
        code="regional_themes",
        label="Socles thématiques de la région",
        ok=not missing,
        blocking=True,
        detail=detail,
        reason=f"L’ARS {contract.region.name} demande que chaque CLS couvre ses socles thématiques.",
        reference=f"Politique régionale de l’ARS ({contract.region.name})",
    )


def _four_quarts(contract: Contract) -> Item:
    members = [
        m for m in BodyMember.objects.filter(body__contract=contract).select_related("body") if m.is_current()
    ]
    present = {m.quart for m in members}
    missing = [Quart(q).label.lower() for q in FOUR_QUARTS if q not in present]
    chaired_by_elected = any(m.role == MemberRole.CHAIR and m.quart == Quart.ELECTED for m in members)
    problems = []
    if missing:
        problems.append("quart(s) absent(s) : " + ", ".join(missing))
    if not chaired_by_elected:
        problems.append("la présidence n’est pas assurée par un·e élu·e local·e")
    return Item(
        code="four_quarts",
        label="Les « quatre quarts » et la présidence par un élu",
        ok=not problems,
        blocking=True,
        detail="élu·e (président·e), psychiatrie publique, usagers et aidants sont présents."
        if not problems
        else "; ".join(problems) + ".",
        reason=(
            "Un CLSM est présidé par un·e élu·e local·e, co-animé par la psychiatrie publique, et associe "
            "usagers et aidants."
        ),
        reference=(
            "Instruction DGS/SP4/CGET/2016/289 du 30 septembre 2016 relative à la consolidation et à la "
            "généralisation des CLSM"
        ),
    )


def _ptsm(contract: Contract) -> Item:
    linked = contract.links.filter(kind=LinkKind.PTSM).exists()
    return Item(
        code="ptsm",
        label="Articulation avec le PTSM du département",
        ok=linked,
        blocking=False,
        detail="le PTSM est renseigné." if linked else "aucun PTSM n’est renseigné.",
        reason="Le projet territorial de santé mentale est arrêté par l’ARS après avis des CLSM.",
        reference="Article L3221-2 du code de la santé publique (loi du 26 janvier 2016)",
    )


def _city_contract(contract: Contract) -> Item | None:
    qpv_communes = contract.perimeter.communes.filter(qpvs__isnull=False).distinct().count()
    if not qpv_communes:
        return None
    linked = contract.links.filter(kind=LinkKind.CITY_CONTRACT_HEALTH_VOLET).exists()
    return Item(
        code="city_contract",
        label="Articulation avec le contrat de ville",
        ok=linked,
        blocking=False,
        detail=(
            "le CLS est rattaché comme volet santé d’un contrat de ville."
            if linked
            else f"{qpv_communes} commune(s) du périmètre comptent un quartier prioritaire, "
            "sans contrat de ville lié."
        ),
        reason=(
            "Les territoires de la politique de la ville sont à couvrir en priorité ; "
            "le CLS peut en être le volet santé."
        ),
        reference="Circulaire du 5 décembre 2014 ; instruction ministérielle CLSM de 2016",
    )


def checklist(contract: Contract, user) -> list[Item]:
    """The checklist for ``contract`` as ``user`` reads it: CLS items (mental-health volet, signatories,
    indicators, socles, contrat de ville when it has QPV) or CLSM items (four quarts, indicators, PTSM).

    Every item holds or fails the same for everyone; only the names of linked contracts ``user`` may not
    read are withheld (``reading.mental_health_volets``). ``user=None`` is the platform itself (the
    signature's preconditions), which reads everything."""
    if contract.kind == ContractKind.CLSM:
        items = [_four_quarts(contract), _indicators(contract), _ptsm(contract)]
    else:
        items = [
            _mental_health_volet(contract, user),
            _signatories(contract),
            _indicators(contract),
            _themes(contract),
        ]
        city = _city_contract(contract)
        if city is not None:
            items.append(city)
    return items


def blocking_failures(contract: Contract, user=None) -> list[Item]:
    """The failing blocking items (names as ``user`` may read them; all of them when None)."""
    return [item for item in checklist(contract, user) if item.blocking and not item.ok]
