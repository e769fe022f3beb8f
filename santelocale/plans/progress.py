"""What a plan says about itself: progress of each fiche and its weighted roll-up to axes and to the
contract, funding consolidated per funder and per year, status counts, and the fiches that need attention
(late, blocked, without a pilot). Everything is computed from the stored plan in a few queries."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from santelocale.plans.enums import ActionStatus, FunderKind, FundingUnit, ProgressMode
from santelocale.plans.models import Action, FundingLine, Section
from santelocale.plans.read import plan_actions

#: Progress of a fiche whose progress is neither entered nor derivable, by status.
STATUS_PROGRESS = {ActionStatus.DONE: 100, ActionStatus.UPCOMING: 0}


def action_progress(action: Action, steps=None) -> int | None:
    """The progress of a fiche in percent, or None when unknown.

    - « d’après les étapes »: the share of its steps that are done (None without steps);
    - « saisi »: the entered value; if none, 100 for « réalisé » and 0 for « à venir ».
    Abandoned fiches have no progress (they leave the roll-up)."""
    if action.status == ActionStatus.ABANDONED:
        return None
    if action.progress_mode == ProgressMode.STEPS:
        steps = list(action.steps.all()) if steps is None else steps
        if not steps:
            return None
        return round(100 * sum(1 for s in steps if s.is_done) / len(steps))
    if action.progress_entered is not None:
        return action.progress_entered
    return STATUS_PROGRESS.get(action.status)


def weighted(pairs) -> int | None:
    """Weighted mean of (progress, weight) pairs, ignoring unknown progress; None when nothing is known."""
    known = [(p, w) for p, w in pairs if p is not None]
    total = sum((w for _, w in known), Decimal(0))
    if not known or not total:
        return None
    return round(sum((Decimal(p) * w for p, w in known), Decimal(0)) / total)


@dataclass
class SectionProgress:
    section: Section
    depth: int
    progress: int | None
    action_count: int


@dataclass
class PlanSummary:
    """Figures of a plan, as the COPIL report and the plan page show them."""

    contract_progress: int | None
    sections: list[SectionProgress]
    progress_by_action: dict[int, int | None]
    status_counts: list[tuple[str, str, int]]  # (code, label, count) in the order of ActionStatus
    late: list[Action]
    blocked: list[Action]
    without_pilot: list[Action]
    action_count: int
    funding: "FundingSummary" = field(default=None)


def plan_overview(contract, user) -> dict:
    """What the contract page shows of its plan (« Plan d’action » section, ``template``): counts and
    progress as ``user`` sees them, and whether they may change the plan. Registered with
    ``contracts.plan_hooks`` (the contract page may not import the plans app)."""
    summary = summarize(contract, user)
    return {
        "template": "plans/_plan_overview.html",
        "action_count": summary.action_count,
        "axis_count": sum(1 for row in summary.sections if row.depth == 0),
        "progress": summary.contract_progress,
        "late_count": len(summary.late),
        "blocked_count": len(summary.blocked),
        "without_pilot_count": len(summary.without_pilot),
        "can_change_plan": user.has_perm("plans.change_plan", contract),
        # Confidential fiches count only for who reads them: say so where the figures may differ.
        "sees_every_fiche": user.has_perm("contracts.view_confidential", contract),
    }


def summarize(contract, user=None, today: datetime.date | None = None) -> PlanSummary:
    from santelocale.plans.services import section_tree

    today = today or timezone.localdate()
    all_actions = list(
        plan_actions(contract, user)
        .select_related("section", "pilot_user", "parent")
        .prefetch_related("steps")
    )
    fiches = [a for a in all_actions if a.parent_id is None]
    progress = {a.pk: action_progress(a, list(a.steps.all())) for a in all_actions}
    tree = section_tree(contract)
    by_section: dict[int | None, list[Action]] = defaultdict(list)
    for action in fiches:
        by_section[action.section_id].append(action)
    children: dict[int | None, list[Section]] = defaultdict(list)
    for section, _depth in tree:
        children[section.parent_id].append(section)

    memo: dict[int, tuple[int | None, int]] = {}

    def section_value(section: Section) -> tuple[int | None, int]:
        """(progress, number of fiches) of a section and everything under it."""
        if section.pk in memo:
            return memo[section.pk]
        pairs = [(progress[a.pk], a.weight) for a in by_section[section.pk]]
        count = len(by_section[section.pk])
        for child in children[section.pk]:
            child_progress, child_count = section_value(child)
            count += child_count
            pairs.append((child_progress, child.weight))
        memo[section.pk] = (weighted(pairs), count)
        return memo[section.pk]

    rows = [SectionProgress(s, depth, *section_value(s)) for s, depth in tree]
    top = [(section_value(s)[0], s.weight) for s in children[None]]
    top += [(progress[a.pk], a.weight) for a in by_section[None]]
    counts = Counter(a.status for a in fiches)
    status_counts = [(code, label, counts.get(code, 0)) for code, label in ActionStatus.choices]
    if counts.get(""):
        status_counts.append(("", "Non renseigné", counts[""]))
    return PlanSummary(
        contract_progress=weighted(top),
        sections=rows,
        progress_by_action=progress,
        status_counts=status_counts,
        late=[a for a in fiches if a.is_late(today)],
        blocked=[a for a in fiches if a.status == ActionStatus.BLOCKED],
        without_pilot=[a for a in fiches if not a.has_pilot],
        action_count=len(fiches),
        funding=funding_summary(contract, user),
    )


@dataclass
class FundingSummary:
    """Planned and spent, in euros and in FTE, per funder, per year and in total."""

    by_funder: list[dict]
    by_year: list[dict]
    total: dict
    line_count: int


def _empty():
    return {"planned": Decimal(0), "spent": Decimal(0), "planned_fte": Decimal(0), "spent_fte": Decimal(0)}


def _add(bucket: dict, line: FundingLine) -> None:
    suffix = "_fte" if line.unit == FundingUnit.FTE else ""
    bucket["planned" + suffix] += line.planned
    bucket["spent" + suffix] += line.spent or Decimal(0)


def funding_summary(contract, user=None) -> FundingSummary:
    visible = plan_actions(contract, user).values("pk")
    lines = list(FundingLine.objects.filter(action__in=visible))
    by_funder: dict[tuple[str, str], dict] = defaultdict(_empty)
    by_year: dict[int | None, dict] = defaultdict(_empty)
    total = _empty()
    for line in lines:
        _add(by_funder[(line.funder_kind, line.funder_name)], line)
        _add(by_year[line.year], line)
        _add(total, line)
    kind_order = {code: i for i, code in enumerate(FunderKind.values)}
    funders = [
        {"kind": kind, "label": name or FunderKind(kind).label, "kind_label": FunderKind(kind).label, **v}
        for (kind, name), v in sorted(by_funder.items(), key=lambda kv: (kind_order[kv[0][0]], kv[0][1]))
    ]
    years = [
        {"year": year, "label": str(year) if year else "Non annualisé", **v}
        for year, v in sorted(by_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    ]
    return FundingSummary(by_funder=funders, by_year=years, total=total, line_count=len(lines))
