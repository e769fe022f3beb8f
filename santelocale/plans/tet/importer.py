"""Writing a read preview into a contract's plan, in one transaction and a few bulk inserts."""

from django.db import transaction
from django.utils import timezone

from santelocale.plans import services
from santelocale.plans.enums import SectionKind
from santelocale.plans.models import (
    ACTION_HISTORY,
    Action,
    ActionLink,
    FollowUpNote,
    FundingLine,
    Section,
    Step,
)
from santelocale.plans.services import PlanError, SectionData
from santelocale.plans.tet.results import ImportPreview, ImportResult, ParsedFiche
from santelocale.utils.text import fold

SOURCE_PREFIX = "Import Territoires en Transitions : "


def apply_import(
    contract,
    preview: ImportPreview,
    *,
    user,
    mark_mental_health: set[str] | frozenset = frozenset(),
    replace: bool = False,
) -> ImportResult:
    """Write ``preview`` into ``contract``'s plan in one transaction: sections (an existing section with
    the same title under the same parent is reused), fiches, sub-actions, funding lines, steps, notes and
    links. ``replace`` first moves the plan's live fiches to the bin and then deletes the sections left
    empty. Raises ``PlanError`` with every problem, and then nothing is written."""
    if preview.errors:
        raise PlanError(preview.messages)
    if not preview.fiches and not preview.sections:
        raise PlanError("Le fichier ne contient aucune fiche action à importer.")
    source = (SOURCE_PREFIX + preview.filename)[:255]
    today = timezone.localdate()
    problems = []
    for fiche in preview.all_fiches:
        data = fiche.action_data(source=source)
        found = services.action_problems(contract, data)
        for line in fiche.funding:
            found += services.funding_problems(line)
        for title, done in fiche.steps:
            found += services.step_problems(title=title, is_done=done)
        for day, text in fiche.follow_ups:
            found += services.follow_up_problems(noted_on=day or today, text=text)
        for title, url in fiche.links:
            # The reader titles a bare address with itself: that label is cut to fit, as ``add_link`` does.
            found += services.link_problems(title="" if title == url else title, url=url)
        problems += [f"Ligne {fiche.row} : {p}" for p in found]
    if problems:
        raise PlanError(problems)

    result = ImportResult()
    axis_keys = {s.key for s in preview.axes}
    marked = set(mark_mental_health) & axis_keys
    with transaction.atomic():
        if replace:
            for action in Action.objects.alive().filter(contract=contract, parent__isnull=True):
                result.trashed += 1
                services.trash_action(action)
            for action in Action.objects.alive().filter(contract=contract):  # orphans of binned parents
                result.trashed += 1
                services.trash_action(action)
        sections = _write_sections(contract, preview, marked, result)
        _write_fiches(contract, preview, sections, source, user, today)
        for fiche in preview.fiches:
            result.fiches += 1
            result.sub_actions += len(fiche.sub_actions)
            for item in (fiche, *fiche.sub_actions):
                _count_details(result, item)
        if replace:
            used = {section.pk for section in sections.values()}
            result.sections_deleted = _delete_empty_sections(contract, used)
    return result


def _write_fiches(contract, preview: ImportPreview, sections: dict, source: str, user, today) -> None:
    """Insert every fiche and sub-action of ``preview`` with their publics, funding lines, steps, notes
    and links, and their history records (by ``user``, at one date), in a few bulk inserts: 2,000 fiches
    take seconds, not a minute of SQLite's write lock. Everything was checked by ``apply_import``."""
    now = timezone.now()
    author = user if getattr(user, "pk", None) else None
    position = Action.objects.filter(contract=contract, parent=None).count()
    tops = []
    for fiche in preview.fiches:
        data = fiche.action_data(source=source, section=sections.get(fiche.section_key))
        tops.append((fiche, services.fill_action(Action(contract=contract, position=position), data)))
        position += 1
    Action.objects.bulk_create([action for _, action in tops])
    subs = []
    for fiche, parent in tops:
        for rank, sub in enumerate(fiche.sub_actions):
            data = sub.action_data(source=source, parent=parent)
            subs.append((sub, services.fill_action(Action(contract=contract, position=rank), data)))
    Action.objects.bulk_create([action for _, action in subs])
    written = tops + subs

    through = Action.publics.through
    publics = through.objects.bulk_create(
        [through(action_id=action.pk, term_id=term.pk) for fiche, action in written for term in fiche.publics]
    )
    records = Action.history.bulk_history_create(
        [action for _, action in written], default_user=author, default_date=now
    )
    # Each fiche's history record carries its lists, as ``services`` records them one save at a time.
    record_of = {action.pk: record for (_, action), record in zip(written, records, strict=True)}
    publics_history = ACTION_HISTORY.m2m_models[Action._meta.get_field("publics")]
    publics_history.objects.bulk_create(
        [
            publics_history(
                id=row.id, action_id=row.action_id, term_id=row.term_id, history=record_of[row.action_id]
            )
            for row in publics
        ]
    )

    lines, steps, notes, documents = [], [], [], []
    for fiche, action in written:
        lines += [services.fill_funding_line(FundingLine(action=action), data) for data in fiche.funding]
        steps += [
            Step(action=action, title=title.strip(), is_done=done, position=rank)
            for rank, (title, done) in enumerate(fiche.steps)
        ]
        notes += [
            FollowUpNote(action=action, noted_on=day or today, text=text.strip(), author=author)
            for day, text in fiche.follow_ups
        ]
        documents += [
            ActionLink(action=action, title=(title.strip() or url.strip())[:300], url=url.strip())
            for title, url in fiche.links
        ]
    for model, objects in ((FundingLine, lines), (Step, steps), (FollowUpNote, notes)):
        created = model.objects.bulk_create(objects)
        model.history.bulk_history_create(created, default_user=author, default_date=now)
    ActionLink.objects.bulk_create(documents)


def _count_details(result: ImportResult, fiche: ParsedFiche) -> None:
    result.funding_lines += len(fiche.funding)
    result.steps += len(fiche.steps)
    result.follow_ups += len(fiche.follow_ups)
    result.links += len(fiche.links)


def _write_sections(contract, preview: ImportPreview, marked: set[str], result: ImportResult) -> dict:
    existing: dict[tuple, Section] = {}
    for section in contract.sections.all().order_by("position", "pk"):
        existing.setdefault((section.parent_id, fold(section.title)), section)
    written: dict[str, Section] = {}
    for node in preview.sections:
        parent = written.get(node.parent_key) if node.parent_key else None
        section = existing.get((parent.pk if parent else None, fold(node.title)))
        if section is not None:
            result.sections_reused += 1
            if node.key in marked and not section.is_mental_health_volet:
                data = SectionData.of(section)
                data.is_mental_health_volet = True
                section = services.save_section(contract, data, section=section)
        else:
            kind = SectionKind.AXIS if parent is None else SectionKind.SUB_AXIS
            section = services.save_section(
                contract,
                SectionData(
                    title=node.title,
                    number=node.number,
                    kind=kind,
                    parent=parent,
                    is_mental_health_volet=node.key in marked,
                ),
            )
            result.sections_created += 1
            existing[(section.parent_id, fold(section.title))] = section
        if node.key in marked:
            result.mental_health_axes.append(section.label)
        written[node.key] = section
    return written


def _delete_empty_sections(contract, used: set[int]) -> int:
    deleted = 0
    changed = True
    while changed:
        changed = False
        for section in contract.sections.exclude(pk__in=used):
            if section.children.exists() or Action.objects.alive().filter(section=section).exists():
                continue
            services.delete_section(section)
            deleted += 1
            changed = True
    return deleted
