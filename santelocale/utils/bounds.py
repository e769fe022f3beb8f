"""Input bounds derived from the model fields, shared by the API schemas (no models here).

Every value the API accepts must fit the column it is stored in, on SQLite as on PostgreSQL: SQLite stores
a 5,000-character name in a ``varchar(255)`` and overflows on an integer past 64 bits, PostgreSQL refuses
both with an error (and any text holding a NUL byte). Bounding the input at the schema turns each of these
into a French 422 before any service runs, and writes the bound into the OpenAPI document.

``Bounded(Contact, "name")`` is the pydantic type of one model field; ``Text(200)``, ``Id`` and ``Day``
cover the inputs that are not a model field (search words, identifiers, dates).
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema

#: The largest primary key both databases hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1
#: Text columns without a length (``TextField``) still get one: a long report, not a denial of service.
LONG_TEXT = 20_000
#: Dates outside these years are typing errors, and adding five years to 9999 would overflow.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2199, 12, 31)

NUL_REFUSED = "caractère nul (\\u0000) interdit"

#: Integer ranges of Django's integer columns (PostgreSQL's, the narrower of the two databases).
_INTEGER_RANGES = {
    models.PositiveSmallIntegerField: (0, 32767),
    models.SmallIntegerField: (-32768, 32767),
    models.PositiveIntegerField: (0, 2147483647),
    models.PositiveBigIntegerField: (0, MAX_ID),
    models.BigIntegerField: (-MAX_ID - 1, MAX_ID),
    models.IntegerField: (-2147483648, 2147483647),
}


def refuse_nul(value: str) -> str:
    """Return ``value``; raise ``ValueError`` (French) when it holds a NUL byte, which PostgreSQL refuses."""
    if "\x00" in value:
        raise ValueError(NUL_REFUSED)
    return value


def Text(max_length: int, *, min_length: int = 0) -> Any:  # noqa: N802 — a type, named like one
    """A string of at most ``max_length`` characters, without NUL byte."""
    return Annotated[
        str, StringConstraints(max_length=max_length, min_length=min_length), AfterValidator(refuse_nul)
    ]


#: A database identifier (a positive 64-bit integer).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A calendar date between 1900 and 2199.
Day = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
#: A page number.
Page = Annotated[int, Field(ge=1, le=100_000)]


def Amount(max_digits: int, decimal_places: int) -> Any:  # noqa: N802 — a type, named like one
    """A decimal number, as a JSON number or a text such as ``"12500.50"``, that a ``DecimalField`` of
    ``max_digits`` and ``decimal_places`` holds (the OpenAPI document says both forms and their bounds)."""
    whole = max_digits - decimal_places
    limit = 10**whole - 1
    pattern = (
        rf"^-?[0-9]{{1,{whole}}}(\.[0-9]{{1,{decimal_places}}})?$"
        if decimal_places
        else rf"^-?[0-9]{{1,{whole}}}$"
    )
    return Annotated[
        Decimal,
        Field(max_digits=max_digits, decimal_places=decimal_places, allow_inf_nan=False),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "minimum": -limit, "maximum": limit},
                    {"type": "string", "pattern": pattern, "maxLength": max_digits + 2},
                ]
            }
        ),
    ]


def text_limit(model: type[models.Model], name: str) -> int:
    """The most characters ``model.name`` (a text column) holds: its ``max_length``, or ``LONG_TEXT`` for a
    column without one."""
    return model._meta.get_field(name).max_length or LONG_TEXT


def integer_range(field: models.Field) -> tuple[int, int]:
    """The ``(lowest, highest)`` value an integer model field holds, narrowed by its min/max validators."""
    low, high = next(bounds for kind, bounds in _INTEGER_RANGES.items() if isinstance(field, kind))
    for validator in field.validators:
        limit = getattr(validator, "limit_value", None)
        if isinstance(limit, int) and validator.code == "min_value":
            low = max(low, limit)
        elif isinstance(limit, int) and validator.code == "max_value":
            high = min(high, limit)
    return low, high


def Bounded(model: type[models.Model], name: str) -> Any:  # noqa: N802 — a type, named like one
    """The pydantic type of ``model.name``: its length for text, its range for numbers, its digits for
    decimals, 1900–2199 for dates, a positive 64-bit id for a foreign key. Raises ``TypeError`` for a field
    kind it does not know, so that a new kind is bounded on purpose rather than by accident."""
    field = model._meta.get_field(name)
    if isinstance(field, models.ForeignKey | models.ManyToManyField):
        target = field.target_field  # a code (Region: "76") or an automatic id
        return Bounded(target.model, target.name)
    if isinstance(field, models.BigAutoField):
        return Id
    if isinstance(field, models.AutoField):
        return Annotated[int, Field(ge=1, le=2147483647)]
    if isinstance(field, models.CharField | models.TextField):
        return Text(text_limit(model, name))
    if isinstance(field, models.DecimalField):
        return Amount(field.max_digits, field.decimal_places)
    if isinstance(field, models.IntegerField):
        low, high = integer_range(field)
        return Annotated[int, Field(ge=low, le=high)]
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return Day
    raise TypeError(f"Bounded: champ {model.__name__}.{name} de type {type(field).__name__} non prévu")


#: The longest list of identifiers an input takes (porteurs, socles, attendees…).
MAX_ITEMS = 1000
#: The longest value of a filter in a query string (a code, an identifier, a status).
FILTER_LENGTH = 100


def column_problems(model: type[models.Model], values: dict, *, exclude=()) -> list[str]:
    """What in ``values`` (field name → value) the columns of ``model`` cannot hold, in French; empty when
    all fit. Services call it so that every channel (page, API, import) is refused alike, rather than a
    500 on PostgreSQL or a value stored past its length on SQLite: text longer than its column (or than
    20,000 characters for a text column) or holding a NUL byte, an integer outside its column's range, a
    decimal with too many digits."""
    problems = []
    for name, value in values.items():
        if name in exclude or value is None:
            continue
        field = model._meta.get_field(name)
        label = str(field.verbose_name)
        if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
            limit = text_limit(model, name)
            if len(value) > limit:
                problems.append(f"« {label} » : {limit} caractères au plus ({len(value)} saisis).")
            if "\x00" in value:
                problems.append(f"« {label} » : {NUL_REFUSED}.")
        elif isinstance(field, models.IntegerField) and isinstance(value, int) and not field.is_relation:
            low, high = integer_range(field)
            if not low <= value <= high:
                problems.append(f"« {label} » : entre {low} et {high}.")
        elif isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            whole = field.max_digits - field.decimal_places
            if not value.is_finite() or abs(value) >= Decimal(10) ** whole:
                problems.append(f"« {label} » : un nombre de {whole} chiffres au plus avant la virgule.")
    return problems
