"""Business rules of action plans: sections, fiches, sub-actions, steps, notes, links, funding, the bin,
copy of a fiche from another contract. Every writer checks everything first, then writes in one
transaction, and raises ``PlanError`` with every problem in French.

Progress, funding consolidation and the late/blocked lists live in ``plans.progress``.
"""

import datetime
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from santelocale.plans.enums import (
    ActionStatus,
    FirMission,
    FunderKind,
    FundingNature,
    FundingUnit,
    Participation,
    Priority,
    ProgressMode,
    SectionKind,
    Vocabulary,
)
from santelocale.plans.models import (
    ACTION_HISTORY,
    Action,
    ActionLink,
    FollowUpNote,
    FundingLine,
    Section,
    Step,
    Term,
)
from santelocale.utils import fr
from santelocale.utils.bounds import column_problems
from santelocale.utils.links import UnsafeUrl, clean_url
from santelocale.utils.text import search_text
from santelocale.utils.versioning import bump

TITLE_MAX = 300


class PlanError(ValueError):
    """A change to a plan was refused; ``messages`` lists every problem in French."""

    def __init__(self, messages: list[str] | str):
        if isinstance(messages, str):
            messages = [messages]
        super().__init__(" ; ".join(messages))
        self.messages = messages


# --- Vocabularies -------------------------------------------------------------------------------------

#: The controlled lists, from the vocabulary of health promotion used in CLS fiches (publics of the PRS,
#: intervention types of the Oscars database of Santé publique France, determinants after Dahlgren and
#: Whitehead). Each ARS may add terms in the admin.
DEFAULT_TERMS = {
    Vocabulary.PUBLIC: [
        "Tout public",
        "Petite enfance (0-6 ans)",
        "Enfants",
        "Adolescents et jeunes (12-25 ans)",
        "Étudiants",
        "Parents",
        "Femmes",
        "Personnes âgées",
        "Personnes en situation de handicap",
        "Personnes en situation de précarité",
        "Personnes sans domicile",
        "Personnes migrantes",
        "Personnes sous main de justice",
        "Personnes vivant avec un trouble psychique",
        "Aidants",
        "Habitants des quartiers prioritaires",
        "Personnes détenues",
        "Salariés",
        "Professionnels de santé",
        "Professionnels du social et du médico-social",
        "Élus",
    ],
    Vocabulary.INTERVENTION: [
        "Coordination et animation territoriale",
        "Information et communication",
        "Éducation pour la santé",
        "Formation des professionnels",
        "Aller-vers et médiation en santé",
        "Dépistage et repérage",
        "Accès aux droits et aux soins",
        "Accompagnement individuel",
        "Soutien par les pairs",
        "Aménagement du cadre de vie",
        "Observation et diagnostic",
        "Plaidoyer et mobilisation des décideurs",
    ],
    Vocabulary.DETERMINANT: [
        "Comportements et modes de vie",
        "Alimentation et activité physique",
        "Addictions",
        "Santé mentale et bien-être",
        "Réseaux sociaux et communautaires",
        "Conditions de vie et de travail",
        "Logement",
        "Environnement physique (air, eau, bruit)",
        "Éducation",
        "Revenus et emploi",
        "Accès aux services de santé",
        "Transports et mobilité",
    ],
}


def seed_vocabularies() -> int:
    """Create the default terms that are missing; return how many were created."""
    created = 0
    for vocabulary, labels in DEFAULT_TERMS.items():
        for position, label in enumerate(labels):
            _, made = Term.objects.get_or_create(
                vocabulary=vocabulary, label=label, defaults={"position": position}
            )
            created += made
    return created


# --- Sections -----------------------------------------------------------------------------------------


@dataclass
class SectionData:
    title: str
    kind: str = SectionKind.AXIS
    parent: Section | None = None
    number: str = ""
    description: str = ""
    themes: list = field(default_factory=list)
    is_mental_health_volet: bool = False
    prs_objectives: str = ""
    weight: Decimal = Decimal(1)
    #: the version the user read (optimistic locking: a stale one is refused, see utils.versioning)
    version: int | None = None

    @classmethod
    def of(cls, section: Section) -> "SectionData":
        values = {f.name: getattr(section, f.name) for f in fields(cls) if f.name != "themes"}
        return cls(**values, themes=list(section.themes.all()))


def _section_problems(contract, data: SectionData, section: Section | None) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append("L’intitulé de l’axe ou de l’objectif est obligatoire.")
    elif len(data.title.strip()) > 500:
        problems.append("L’intitulé dépasse 500 caractères.")
    if data.kind not in SectionKind.values:
        problems.append(f"Niveau inconnu : « {data.kind} ».")
    if data.parent is None and data.kind != SectionKind.AXIS:
        problems.append("Un objectif ou un sous-axe se place sous un axe.")
    if data.parent is not None and data.kind == SectionKind.AXIS:
        problems.append("Un axe est au premier niveau du plan ; choisissez « sous-axe » ou un objectif.")
    if data.parent is not None:
        if data.parent.contract_id != contract.pk:
            problems.append("Le parent choisi appartient à un autre contrat.")
        ancestor = data.parent
        while ancestor is not None and section is not None:
            if ancestor.pk == section.pk:
                problems.append("Un axe ne peut pas être placé sous lui-même ou sous l’un de ses objectifs.")
                break
            ancestor = ancestor.parent
    for theme in data.themes:
        if theme.region_id != contract.region_id:
            problems.append(f"Le socle « {theme.label} » n’est pas un socle de la région du contrat.")
    if data.weight is None or data.weight <= 0:
        problems.append("La pondération doit être un nombre positif.")
    problems += column_problems(
        Section, {name: getattr(data, name) for name in ("number", "description", "prs_objectives", "weight")}
    )
    return problems


@transaction.atomic
def save_section(contract, data: SectionData, *, section: Section | None = None) -> Section:
    """Create (``section`` None) or update a section of ``contract``'s plan; refuses (``PlanError``) the
    problems of ``_section_problems``, and (``VersionConflict``, nothing written) an update from a stale
    ``data.version``."""
    problems = _section_problems(contract, data, section)
    if problems:
        raise PlanError(problems)
    if section is None:
        siblings = contract.sections.filter(parent=data.parent)
        section = Section(contract=contract, position=siblings.count())
    for name in (
        "title",
        "kind",
        "parent",
        "number",
        "description",
        "is_mental_health_volet",
        "prs_objectives",
    ):
        value = getattr(data, name)
        setattr(section, name, value.strip() if isinstance(value, str) else value)
    section.weight = data.weight
    section.save(expected_version=data.version)
    section.themes.set(data.themes)
    return section


@transaction.atomic
def delete_section(section: Section) -> None:
    """Remove an empty section; refuse one that still holds fiches or objectives."""
    fiches = Action.objects.alive().filter(section=section).count()
    children = section.children.count()
    if fiches or children:
        parts = []
        if children:
            parts.append(f"{children} axe(s) ou objectif(s)")
        if fiches:
            parts.append(f"{fiches} fiche(s)")
        raise PlanError(
            f"« {section.label} » contient encore {' et '.join(parts)} : "
            "déplacez-les ou supprimez-les d’abord."
        )
    Action.objects.filter(section=section).update(section=None, **bump())
    section.delete()


def section_tree(contract) -> list[tuple[Section, int]]:
    """The sections of ``contract`` in reading order, each with its depth (0 for an axis)."""
    sections = list(contract.sections.all().order_by("position", "pk"))
    children: dict[int | None, list[Section]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)
    ordered: list[tuple[Section, int]] = []

    def walk(parent_id, depth):
        for child in children.get(parent_id, []):
            ordered.append((child, depth))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return ordered


def axis_of(section: Section, by_pk: dict[int, Section]) -> Section:
    """The axis (top-level section) ``section`` belongs to — itself for an axis —, walking up through
    ``by_pk`` (every section of the plan by id). Refuses nothing; a parent missing from ``by_pk`` is a
    ``KeyError``."""
    while section.parent_id is not None:
        section = by_pk[section.parent_id]
    return section


# --- Fiches actions -----------------------------------------------------------------------------------

MANY = ("publics", "intervention_types", "determinants", "communes", "neighbourhoods")


@dataclass
class ActionData:
    """What a user (or an import) enters to describe a fiche action."""

    title: str
    section: Section | None = None
    parent: Action | None = None
    number: str = ""
    description: str = ""
    objectives: str = ""
    expected_results: str = ""
    operator: str = ""
    pilot_service: str = ""
    pilot_user: object = None
    pilot_name: str = ""
    partners: str = ""
    elected_referent: str = ""
    governance: str = ""
    means: str = ""
    participation: str = ""
    status: str = ""
    priority: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    is_continuous: bool = False
    calendar: str = ""
    funding_note: str = ""
    budget: Decimal | None = None
    progress_mode: str = ProgressMode.ENTERED
    progress_entered: int | None = None
    weight: Decimal = Decimal(1)
    related_measures: str = ""
    related_text: str = ""
    related_plans_text: str = ""
    notes: str = ""
    indicators_text: str = ""
    is_confidential: bool = False
    source: str = ""
    publics: list = field(default_factory=list)
    intervention_types: list = field(default_factory=list)
    determinants: list = field(default_factory=list)
    communes: list = field(default_factory=list)
    neighbourhoods: list = field(default_factory=list)
    #: the version the user read (optimistic locking: a stale one is refused, see utils.versioning)
    version: int | None = None

    @classmethod
    def of(cls, action: Action) -> "ActionData":
        values = {f.name: getattr(action, f.name) for f in fields(cls) if f.name not in MANY}
        return cls(**values, **{name: list(getattr(action, name).all()) for name in MANY})

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


SCALARS = [f.name for f in fields(ActionData) if f.name not in MANY and f.name != "version"]


def action_problems(contract, data: ActionData, *, action: Action | None = None) -> list[str]:
    """Every problem with ``data`` as a fiche of ``contract``, in French (empty when it may be saved)."""
    problems = column_problems(
        Action,
        {name: getattr(data, name) for name in SCALARS if hasattr(Action, name)},
        exclude=("title", "section", "parent", "pilot_user"),
    )
    title = data.title.strip()
    if not title:
        problems.append("Le titre de la fiche est obligatoire.")
    elif len(title) > TITLE_MAX:
        problems.append(f"Le titre dépasse {TITLE_MAX} caractères ({len(title)}).")
    if data.section is not None and data.section.contract_id != contract.pk:
        problems.append("L’axe choisi appartient à un autre contrat.")
    if data.parent is not None:
        if data.parent.contract_id != contract.pk:
            problems.append("La fiche parente appartient à un autre contrat.")
        elif data.parent.parent_id is not None:
            problems.append("Une sous-action se rattache à une fiche, pas à une autre sous-action.")
        elif action is not None and (data.parent.pk == action.pk or action.sub_actions.exists()):
            problems.append("Une fiche qui a des sous-actions ne peut pas devenir une sous-action.")
    for name, enum, label in (
        ("status", ActionStatus, "Statut"),
        ("priority", Priority, "Niveau de priorité"),
        ("participation", Participation, "Participation citoyenne"),
        ("progress_mode", ProgressMode, "Mode d’avancement"),
    ):
        value = getattr(data, name)
        if value and value not in enum.values:
            problems.append(f"{label} inconnu : « {value} ».")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.append(
            f"La date de fin ({fr.short_date(data.ends_on)}) précède la date de début "
            f"({fr.short_date(data.starts_on)})."
        )
    if data.progress_entered is not None and not 0 <= data.progress_entered <= 100:
        problems.append("L’avancement est un pourcentage entre 0 et 100.")
    if data.budget is not None and data.budget < 0:
        problems.append("Le budget prévisionnel ne peut pas être négatif.")
    if data.weight is None or data.weight <= 0:
        problems.append("La pondération doit être un nombre positif.")
    for vocabulary, name in (
        (Vocabulary.PUBLIC, "publics"),
        (Vocabulary.INTERVENTION, "intervention_types"),
        (Vocabulary.DETERMINANT, "determinants"),
    ):
        for term in getattr(data, name):
            if term.vocabulary != vocabulary:
                problems.append(
                    f"« {term.label} » n’appartient pas à la liste « {Vocabulary(vocabulary).label} »."
                )
    if data.communes or data.neighbourhoods:
        perimeter_codes = set(contract.perimeter.communes.values_list("code", flat=True))
        outside = [c for c in data.communes if c.code not in perimeter_codes]
        if outside:
            problems.append(
                "Hors du périmètre du contrat : " + ", ".join(f"{c.name} ({c.code})" for c in outside) + "."
            )
        for qpv in data.neighbourhoods:
            if not set(qpv.communes.values_list("code", flat=True)) & perimeter_codes:
                problems.append(f"Le quartier prioritaire « {qpv.name} » est hors du périmètre du contrat.")
    return problems


def _search_text(action: Action) -> str:
    return search_text(
        action.number,
        action.title,
        action.description,
        action.objectives,
        action.expected_results,
        action.operator,
        action.partners,
        # The pilot's service, not the person: searching a name must not tell the public who pilots what.
        action.pilot_service,
    )


def fill_action(action: Action, data: ActionData) -> Action:
    """Set ``action``'s own fields from ``data`` (text trimmed, a sub-action in its parent's section, the
    search text), without saving it nor its lists; ``data`` is supposed checked (``action_problems``)."""
    for name in SCALARS:
        value = getattr(data, name)
        setattr(action, name, value.strip() if isinstance(value, str) and name != "description" else value)
    if data.parent is not None:
        action.section = data.parent.section
    action.search_text = _search_text(action)
    return action


def _write(action: Action, data: ActionData) -> Action:
    fill_action(action, data)
    created = action.pk is None
    # One history record per change, taken once the lists are set (not one per list).
    action.skip_history_when_saving = True
    try:
        action.save(expected_version=None if created else data.version)
        for name in MANY:
            getattr(action, name).set(getattr(data, name))
    finally:
        del action.skip_history_when_saving
    ACTION_HISTORY.create_historical_record(action, "+" if created else "~")
    return action


def _next_position(contract, parent) -> int:
    return Action.objects.filter(contract=contract, parent=parent).count()


@transaction.atomic
def create_action(contract, data: ActionData) -> Action:
    """Create the fiche (or sub-action, ``data.parent``) ``data`` last in its place in ``contract``'s plan,
    with its lists and a history record, and return it; refuses (``PlanError``, nothing written) what
    ``action_problems`` lists."""
    problems = action_problems(contract, data)
    if problems:
        raise PlanError(problems)
    return _write(Action(contract=contract, position=_next_position(contract, data.parent)), data)


@transaction.atomic
def update_action(action: Action, data: ActionData) -> Action:
    """Save ``data`` on ``action``; refuses (``PlanError``) what ``action_problems`` lists, and
    (``VersionConflict``, nothing written, no history record) a ``data.version`` older than the fiche's."""
    problems = action_problems(action.contract, data, action=action)
    if problems:
        raise PlanError(problems)
    return _write(action, data)


@transaction.atomic
def trash_action(action: Action) -> None:
    """Move a fiche (and its sub-actions) to the bin; ``restore_action`` brings them back."""
    now = timezone.now()
    for item in [action, *action.sub_actions.filter(deleted_at__isnull=True)]:
        item.deleted_at = now
        item.save(update_fields=["deleted_at"])


@transaction.atomic
def restore_action(action: Action) -> Action:
    """Bring a fiche back from the bin, with the sub-actions binned with it."""
    if action.deleted_at is None:
        raise PlanError("Cette fiche n’est pas à la corbeille.")
    if action.parent_id and action.parent.deleted_at is not None:
        raise PlanError(
            f"Restaurez d’abord la fiche « {action.parent.label} » dont elle est une sous-action."
        )
    binned_at = action.deleted_at
    for item in [action, *action.sub_actions.filter(deleted_at=binned_at)]:
        item.deleted_at = None
        item.save(update_fields=["deleted_at"])
    return action


def set_links(action: Action, others: list[Action]) -> None:
    """Link ``action`` to ``others`` (fiches of the same contract)."""
    foreign = [o for o in others if o.contract_id != action.contract_id or o.pk == action.pk]
    if foreign:
        raise PlanError("On ne lie une fiche qu’à d’autres fiches du même contrat.")
    action.linked.set(others)


# --- Steps, notes, links ------------------------------------------------------------------------------


def step_problems(*, title: str, is_done: bool = False, done_on=None) -> list[str]:
    """Every problem with this step, in French (empty when it may be saved): no title, a title past the
    column (cut at 300 characters first, as imports do), a done date on a step not done."""
    problems = []
    if not title.strip():
        problems.append("L’intitulé de l’étape est obligatoire.")
    problems += column_problems(Step, {"title": title.strip()})
    if done_on and not is_done:
        problems.append("Une étape datée comme réalisée doit être cochée « réalisée ».")
    return problems


@transaction.atomic
def budget_mismatch(budget, lines) -> str:
    """The French warning a fiche's page shows when its « budget prévisionnel » and the total planned by
    its funding lines in euros (``lines``: those the reader sees) disagree by more than a euro; "" when they
    agree, or when either is missing (a budget entered before its lines is common)."""
    planned = sum((line.planned for line in lines if line.unit == FundingUnit.EUR), Decimal(0))
    if budget is None or not planned or abs(Decimal(budget) - planned) <= 1:
        return ""
    return (
        f"Le budget prévisionnel ({fr.euros(budget)}) et le total des financements prévus "
        f"({fr.euros(planned)}) ne concordent pas : vérifiez l’un ou l’autre."
    )


def quick_update(
    action: Action,
    *,
    status: str,
    progress_entered: int | None = None,
    next_step: str = "",
    next_step_due=None,
    version: int | None = None,
) -> Action:
    """A pilot's most frequent change, from the fiche's page: its status, its progress (when it is entered
    by hand; a fiche followed by its steps keeps computing it) and, optionally, a next step added last.
    Everything else stays; refused (``PlanError``) as a whole save of the fiche would be, and
    (``VersionConflict``) when the fiche changed since the page was read — nothing written either way."""
    data = replace(ActionData.of(action), status=status, version=version)
    if action.progress_mode != ProgressMode.STEPS:
        data = replace(data, progress_entered=progress_entered)
    with transaction.atomic():
        update_action(action, data)
        if next_step.strip():
            add_step(action, title=next_step.strip(), due_on=next_step_due)
    return action


def add_step(action: Action, *, title: str, due_on=None, is_done: bool = False, done_on=None) -> Step:
    """Add a step last on ``action`` and return it; refuses (``PlanError``, nothing written) what
    ``step_problems`` lists."""
    problems = step_problems(title=title, is_done=is_done, done_on=done_on)
    if problems:
        raise PlanError(problems)
    return Step.objects.create(
        action=action,
        title=title.strip(),
        due_on=due_on,
        is_done=is_done,
        done_on=done_on,
        position=action.steps.count(),
    )


@transaction.atomic
def set_step_done(step: Step, done: bool, *, on=None) -> Step:
    """Tick (``done``) or untick a step. A field-level write: the box says the state the user wants, and
    only ``is_done`` / ``done_on`` are written, so a tick never reverts someone else's change to the step's
    title or date, nor to the fiche (no version needed; see docs/architecture.md)."""
    step.is_done = done
    step.done_on = (on or timezone.localdate()) if done else None
    step.save(update_fields=["is_done", "done_on"])
    return step


def follow_up_problems(*, noted_on, text: str) -> list[str]:
    """Every problem with this follow-up note, in French (empty when it may be saved): no date, no text,
    a text past the column."""
    problems = []
    if noted_on is None:
        problems.append("La date de la note est obligatoire.")
    if not text.strip():
        problems.append("Le texte de la note est obligatoire.")
    problems += column_problems(FollowUpNote, {"text": text})
    return problems


@transaction.atomic
def add_follow_up(action: Action, *, noted_on, text: str, author=None) -> FollowUpNote:
    """Add a follow-up note dated ``noted_on`` by ``author`` on ``action`` and return it; refuses
    (``PlanError``, nothing written) what ``follow_up_problems`` lists."""
    problems = follow_up_problems(noted_on=noted_on, text=text)
    if problems:
        raise PlanError(problems)
    return FollowUpNote.objects.create(action=action, noted_on=noted_on, text=text.strip(), author=author)


def link_problems(*, title: str, url: str = "") -> list[str]:
    """What forbids attaching this document or web page (French): neither title nor address, or an address
    that is not a plain http(s) web address (``utils.links.clean_url``: no ``javascript:``, no credentials,
    1,000 characters at most)."""
    title, url = title.strip(), url.strip()
    problems = []
    if not title and not url:
        problems.append("Indiquez l’intitulé du document ou son adresse.")
    try:
        clean_url(url, max_length=ActionLink._meta.get_field("url").max_length)
    except UnsafeUrl as exc:
        problems.append(str(exc))
    # Without a title the address is the label, cut to the column (``add_link``); a title is never cut.
    limit = ActionLink._meta.get_field("title").max_length
    problems += column_problems(ActionLink, {"title": title or url[:limit]})
    return problems


@transaction.atomic
def add_link(action: Action, *, title: str, url: str = "") -> ActionLink:
    """Attach a document or web page to ``action`` and return it (``www.…`` is stored as ``https://www.…``);
    refuses what ``link_problems`` names."""
    title, url = title.strip(), url.strip()
    problems = link_problems(title=title, url=url)
    if not problems:
        url = clean_url(url)
    if problems:
        raise PlanError(problems)
    return ActionLink.objects.create(action=action, title=(title or url)[:300], url=url)


# --- Funding ------------------------------------------------------------------------------------------


@dataclass
class FundingData:
    funder_kind: str
    planned: Decimal = Decimal(0)
    year: int | None = None
    funder_name: str = ""
    fir_mission: str = ""
    fir_line: str = ""
    nature: str = FundingNature.OPERATING
    unit: str = FundingUnit.EUR
    spent: Decimal | None = None
    comment: str = ""
    #: the version the user read (optimistic locking: a stale one is refused, see utils.versioning)
    version: int | None = None

    @classmethod
    def of(cls, line: FundingLine) -> "FundingData":
        return cls(**{f.name: getattr(line, f.name) for f in fields(cls)})


def funding_problems(data: FundingData) -> list[str]:
    """Every problem with this funding line, in French (empty when it may be saved): an unknown funder,
    nature, unit or FIR mission, a year outside 2000–2100, a negative amount, a FIR mission or line on a
    funder other than the ARS, a value past its column."""
    problems = []
    if data.funder_kind not in FunderKind.values:
        problems.append("Choisissez le financeur (ARS, collectivité, assurance maladie, CAF, …).")
    if data.year is not None and not 2000 <= data.year <= 2100:
        problems.append(f"Année invalide : {data.year} (attendu : une année entre 2000 et 2100).")
    if data.nature not in FundingNature.values:
        problems.append("Choisissez la nature : fonctionnement ou investissement.")
    if data.unit not in FundingUnit.values:
        problems.append("Choisissez l’unité : euros ou ETP.")
    if data.planned is None or data.planned < 0:
        problems.append("Le montant prévu est un nombre positif ou nul.")
    if data.spent is not None and data.spent < 0:
        problems.append("Le montant réalisé est un nombre positif ou nul.")
    if (data.fir_mission or data.fir_line) and data.funder_kind != FunderKind.ARS:
        problems.append("La mission et la ligne du FIR ne concernent que les financements de l’ARS.")
    if data.fir_mission and data.fir_mission not in FirMission.values:
        problems.append(f"Mission du FIR inconnue : « {data.fir_mission} ».")
    problems += column_problems(
        FundingLine,
        {name: getattr(data, name) for name in ("funder_name", "fir_line", "comment", "planned", "spent")},
    )
    return problems


@transaction.atomic
def save_funding_line(action: Action, data: FundingData, *, line: FundingLine | None = None) -> FundingLine:
    """Create (``line`` None) or update a funding line; refuses (``PlanError``) ``funding_problems``, and
    (``VersionConflict``, nothing written) an update from a stale ``data.version``."""
    problems = funding_problems(data)
    if problems:
        raise PlanError(problems)
    line = fill_funding_line(line or FundingLine(action=action), data)
    line.save(expected_version=data.version)
    return line


def fill_funding_line(line: FundingLine, data: FundingData) -> FundingLine:
    """Set ``line``'s fields from ``data`` (text trimmed) without saving; ``data`` is supposed checked."""
    for f in fields(FundingData):
        if f.name == "version":
            continue
        value = getattr(data, f.name)
        setattr(line, f.name, value.strip() if isinstance(value, str) else value)
    return line


def parse_amount(text, label: str = "Le montant") -> Decimal | None:
    """« 12 500,50 », « 12500.5 », « 12 500 € » → Decimal; empty → None; anything else → PlanError."""
    if text is None:
        return None
    if isinstance(text, int | float | Decimal):
        return Decimal(str(text))
    cleaned = str(text).replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise PlanError(f"{label} « {text} » n’est pas un nombre (exemple : 12500 ou 12 500,50).") from None


# --- Copy from another contract -----------------------------------------------------------------------

#: What a copy keeps: the content of the fiche, not its local people, dates, status, funding or values.
COPIED_FIELDS = ("title", "description", "objectives", "expected_results", "participation", "means")


def copy_problems(source: Action, contract, section: Section | None = None) -> list[str]:
    """What forbids copying ``source`` into ``contract`` (French), empty when it may be copied: only a
    live, non-confidential fiche of a published contract, into another contract."""
    problems = []
    if source.contract_id == contract.pk:
        problems.append(
            f"« {source.label} » est déjà une fiche du contrat « {contract.name} » : "
            "choisissez un autre contrat."
        )
    confidential = source.is_confidential or (source.parent_id is not None and source.parent.is_confidential)
    if not source.contract.is_published or confidential or source.deleted_at is not None:
        problems.append("Seules les fiches non confidentielles des contrats publiés peuvent être copiées.")
    if section is not None and section.contract_id != contract.pk:
        problems.append(f"L’axe choisi n’appartient pas au plan du contrat « {contract.name} ».")
    return problems


@transaction.atomic
def copy_action(source: Action, contract, *, section: Section | None = None) -> Action:
    """Copy ``source`` (a published, non-confidential fiche of another contract) into ``contract``'s plan,
    as « à venir », with its steps (not done) and its indicators (without values); remembers where it came
    from. Refuses (``PlanError``) what ``copy_problems`` lists."""
    problems = copy_problems(source, contract, section)
    if problems:
        raise PlanError(problems)
    data = ActionData(
        **{name: getattr(source, name) for name in COPIED_FIELDS},
        section=section,
        status=ActionStatus.UPCOMING,
        publics=list(source.publics.all()),
        intervention_types=list(source.intervention_types.all()),
        determinants=list(source.determinants.all()),
        source=f"Copiée de « {source.label} » ({source.contract.name})",
    )
    action = create_action(contract, data)
    action.copied_from = source
    action.save(update_fields=["copied_from"])
    for step in source.steps.all():
        Step.objects.create(action=action, title=step.title, position=step.position)
    from santelocale.indicators.models import Indicator

    for indicator in source.indicators.all():
        Indicator.objects.create(
            contract=contract,
            action=action,
            name=indicator.name,
            kind=indicator.kind,
            unit=indicator.unit,
            direction=indicator.direction,
            numerator=indicator.numerator,
            denominator=indicator.denominator,
            source=indicator.source,
        )
    return action
