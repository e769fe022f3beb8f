"""The one rule for the web addresses people store (no models here).

Pages, the API and the imports all go through the services, and the services call :func:`clean_url`: an
address is stored only if it is ``http`` or ``https``, names a host, carries no credentials, no control
character or space, and fits its column. Templates render an ``href`` only for an address that passes
:func:`is_safe_url`, so that a row stored before the rule existed cannot become a ``javascript:`` link.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

#: Longer addresses are not links people type; the columns are 200 (URLField) to 1,000 characters.
MAX_URL_LENGTH = 1000

_VALIDATOR = URLValidator(schemes=["http", "https"])


class UnsafeUrl(ValueError):
    """An address refused by the rule; ``str()`` is the French message."""


def clean_url(value: str, *, max_length: int = MAX_URL_LENGTH) -> str:
    """Return ``value`` stripped, with ``https://`` added before a bare ``www.`` address; ``""`` stays ``""``.

    Raises :class:`UnsafeUrl` (French message) for any other scheme (``javascript:``, ``data:``,
    ``file:``…), an address without host, with a user name or password, with a control character or a
    space, or longer than ``max_length`` characters.
    """
    url = (value or "").strip()
    if not url:
        return ""
    if url.lower().startswith("www."):
        url = "https://" + url
    shown = url if len(url) <= 80 else url[:77] + "…"
    shown = "".join(c if c.isprintable() else "?" for c in shown)
    if len(url) > max_length:
        raise UnsafeUrl(f"Adresse trop longue ({len(url)} caractères ; {max_length} au plus).")
    if any(not c.isprintable() or c.isspace() for c in url):
        raise UnsafeUrl(f"Adresse invalide : « {shown} » contient un espace ou un caractère de contrôle.")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise UnsafeUrl(f"Adresse invalide : « {shown} ».") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl(f"Adresse invalide : « {shown} » (attendu : une adresse web https://… ou http://…).")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl(
            f"Adresse invalide : « {shown} » ne doit pas contenir d’identifiant ni de mot de passe."
        )
    try:
        _VALIDATOR(url)
    except ValidationError:
        raise UnsafeUrl(f"Adresse invalide : « {shown} » (attendu : https://exemple.fr/…).") from None
    return url


def is_safe_url(value: str) -> bool:
    """True when ``value`` passes :func:`clean_url` (a link may be rendered for it)."""
    try:
        return bool(clean_url(value))
    except UnsafeUrl:
        return False


def safe_href(value: str) -> str:
    """The address to put in an ``href`` for a stored ``value``, or ``""`` when it must not be a link."""
    try:
        return clean_url(value)
    except UnsafeUrl:
        return ""
