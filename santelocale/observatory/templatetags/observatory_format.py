"""Numbers as French readers write them: « 6 124 653 », « 12,3 % », « — » when there is nothing."""

from django import template

from santelocale.utils import fr

register = template.Library()


@register.filter
def nombre(value) -> str:
    """``6124653`` → ``6 124 653`` (narrow no-break spaces); ``None`` → ``—``."""
    if value is None or value == "":
        return "—"
    return fr.number(int(value), 0)


@register.filter
def pourcentage(value) -> str:
    """A share between 0 and 1 → ``12,3 %``; ``None`` (no total) → ``—``."""
    if value is None:
        return "—"
    return fr.percent(value * 100, 1, fixed=True)
