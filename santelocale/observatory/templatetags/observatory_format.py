"""Numbers as French readers write them: « 6 124 653 », « 12,3 % », « — » when there is nothing."""

from django import template

register = template.Library()

NARROW_NBSP = "\u202f"


@register.filter
def nombre(value) -> str:
    """``6124653`` → ``6 124 653`` (narrow no-break spaces); ``None`` → ``—``."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", NARROW_NBSP)


@register.filter
def pourcentage(value) -> str:
    """A share between 0 and 1 → ``12,3 %``; ``None`` (no total) → ``—``."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + f"{NARROW_NBSP}%"
