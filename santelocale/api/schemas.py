"""The shapes every app's API shares, declared once: errors, references to an object, places.

Model-free on purpose (it imports no app's models), so that every app's ``api.py`` may import it. The
schemas read model instances (or any object) through their attributes: an app returns its objects and the
schema says what is shown of them.
"""

from typing import Any, Literal, TypeVar
from uuid import UUID

from django.db.models import TextChoices
from ninja import Field, Schema, Status
from ninja.errors import HttpError

T = TypeVar("T")


def Choice(choices: type[TextChoices], *, blank: bool = False) -> Any:  # noqa: N802 — a type, named like one
    """The type of an output field holding one of ``choices``' values (an app's ``enums.py``), or the empty
    text with ``blank``: the OpenAPI document lists the values."""
    return Literal[tuple(choices.values) + (("",) if blank else ())]


#: The largest version an API client may send (a 32-bit integer column on both databases).
MAX_VERSION = 2**31 - 1


def version_read(what: str) -> Any:
    """The ``version`` field of a PUT or PATCH: the version the client read (GET); ``what`` names the
    object (« la réunion »)."""
    return Field(
        ge=0,
        le=MAX_VERSION,
        description=f"version lue (GET) ; si {what} a changé depuis : 409, rien n’est écrit",
    )


# The schemas' docstrings would be their description in the OpenAPI document: they are comments here, the
# document describes each field in French.


# What every error answer of the API carries (``api.api`` adds it to each operation's document).
class Error(Schema):
    detail: str = Field(description="ce qui ne va pas, en français")


# A refusal by a rule (422), a right (403) or a lookup (404): ``detail`` and, for the rules, each
# problem in ``messages``.
class ErrorOut(Error):
    messages: list[str] = Field([], description="chaque problème, quand une règle refuse la demande")


# A write on a stale version (409): nothing is written; the answer holds the current object (with its
# version) to read again (``utils.versioning.VersionConflict``). Each operation adds ``current``.
class ConflictOut(ErrorOut):
    detail: str = Field(
        description="l’objet a changé depuis la version envoyée (ou existe déjà) : rien n’est écrit"
    )
    messages: list[str] = Field([], description="le même message")


# One field of a stale write (``utils.versioning.VersionConflict.rows``): what was sent, what is.
class DifferenceOut(Schema):
    field: str = Field(description="champ", validation_alias="name")
    label: str = Field(description="rubrique, en clair")
    yours: str = Field(description="valeur envoyée (non enregistrée)")
    current: str = Field(description="valeur actuelle (enregistrée)")


# An object named by its public identifier (a contract, a perimeter).
class RefOut(Schema):
    id: UUID = Field(description="identifiant public", validation_alias="public_id")
    name: str = Field(description="nom")


# An object of the platform named by its number and its label (an axis, a fiche, a term, a socle).
class LabelRefOut(Schema):
    id: int = Field(description="identifiant")
    label: str = Field(description="intitulé (numéro et titre pour un axe ou une fiche)")


# A territory named by its code: région, département, commune (code INSEE) or QPV (its code).
class PlaceOut(Schema):
    code: str = Field(description="code INSEE (région, département, commune) ou code du quartier prioritaire")
    name: str = Field(description="nom")


def refused(messages: list[str]) -> Status:
    """The 422 answer (``ErrorOut``) of a request a rule refuses: every problem, in French."""
    return Status(422, {"detail": " ; ".join(messages), "messages": messages})


def conflicted(conflict, **extra) -> Status:
    """The 409 answer (``ConflictOut``) of a ``VersionConflict``: its message, the current object, and what
    else the operation's schema declares (``differences``…)."""
    return Status(
        409, {"detail": conflict.message, "messages": conflict.messages, **extra, "current": conflict.current}
    )


def found(value: T | None, detail: str) -> T:
    """``value``, or a 404 answer saying ``detail`` when it is None (not found, or not visible to the user:
    the two are not told apart)."""
    if value is None:
        raise HttpError(404, detail)
    return value
