"""What a plan contributes to its contract's compliance checklist: the socles its axes answer and the
axis that constitutes the mental-health volet (``contracts.compliance`` reads these through
``contracts.plan_hooks``, registered in ``PlansConfig.ready``)."""

from django.db.models import Q

from santelocale.plans.models import Action, Section


def _sections_with_fiches(contract) -> set[int]:
    """Sections holding at least one live fiche, directly or through their objectives."""
    sections = {s.pk: s.parent_id for s in contract.sections.all()}
    holding = set(
        Action.objects.alive()
        .filter(contract=contract, section__isnull=False)
        .values_list("section_id", flat=True)
    )
    result = set()
    for pk in holding:
        while pk is not None and pk not in result:
            result.add(pk)
            pk = sections.get(pk)
    return result


def plan_theme_ids(contract) -> set[int]:
    """The socles (regional themes) tagged on the axes of ``contract``'s plan that hold fiches."""
    filled = _sections_with_fiches(contract)
    return set(
        Section.themes.through.objects.filter(section_id__in=filled).values_list(
            "regionaltheme_id", flat=True
        )
    )


def mental_health_sections(contract) -> list[Section]:
    """Axes that constitute the mental-health volet: marked as such, or tagged with the région's mental-
    health socle, and holding at least one fiche."""
    filled = _sections_with_fiches(contract)
    return list(
        contract.sections.filter(pk__in=filled)
        .filter(Q(is_mental_health_volet=True) | Q(themes__is_mental_health=True))
        .distinct()
        .order_by("position", "pk")
    )


def mental_health_axis_labels(contract) -> list[str]:
    """The labels of ``mental_health_sections`` (what the checklist names)."""
    return [section.label for section in mental_health_sections(contract)]
