"""Who may see and change perimeters.

- Anyone, signed in or not, reads the geography (régions … communes, QPV, contrats de ville).
- Any signed-in person reads every perimeter and may create one; it belongs to their organisation.
- A perimeter is changed or deleted by its author, by an editor (admin, coordinator, ARS officer) of its
  organisation, or by a platform superuser. The user model answers « editor of which organisations? »
  (``editable_organisation_ids``, ``can_edit_for``): accounts sit above territories.
- The public (not signed in) sees no perimeter: perimeters become public through the contracts using them.
"""

import rules
from django.db.models import Q


@rules.predicate
def is_perimeter_author(user, perimeter):
    return perimeter is not None and perimeter.created_by_id == user.pk


@rules.predicate
def is_perimeter_organisation_editor(user, perimeter):
    return perimeter is not None and user.can_edit_for(perimeter.organisation_id)


can_change_perimeter = rules.is_superuser | is_perimeter_author | is_perimeter_organisation_editor

rules.add_perm("territories.view_perimeter", rules.is_authenticated)
rules.add_perm("territories.add_perimeter", rules.is_authenticated)
rules.add_perm("territories.change_perimeter", rules.is_authenticated & can_change_perimeter)
rules.add_perm("territories.delete_perimeter", rules.is_authenticated & can_change_perimeter)


def restrict_perimeters(queryset, user, action: str = "view"):
    """Return ``queryset`` narrowed to what ``user`` may do ``action`` ("view" or "change") with."""
    if not user.is_authenticated:
        return queryset.none()
    if action == "view" or user.is_superuser:
        return queryset
    if action in {"change", "delete"}:
        editable_orgs = user.editable_organisation_ids()
        return queryset.filter(Q(created_by=user) | Q(organisation_id__in=editable_orgs))
    raise ValueError(f"Unknown action {action!r}")
