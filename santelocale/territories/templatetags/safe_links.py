"""``{{ url|safe_href }}``: the address to link to, or empty when a stored address must not be a link."""

from django import template

from santelocale.utils.links import safe_href as _safe_href

register = template.Library()


@register.filter
def safe_href(value) -> str:
    """See :func:`santelocale.utils.links.safe_href` (``javascript:`` and other schemes give ``""``)."""
    return _safe_href(str(value or ""))
