"""French formatting of dates, numbers, amounts and percentages: the one place where the documents, the
pages' Python-built text, the messages and the exports' labels get them (model-free; healthchecks'
``hc/lib/date.py`` is the model).

- dates: « 03/12/2026 » (``short_date``), « 3 décembre 2026 » and « 1er décembre 2026 » (``long_date``),
  « 03/12/2026 14:05 » in local time (``short_datetime``), « du 03/12/2026 au 31/12/2031 » (``period``);
- numbers: « 12 000 », « 1 234,5 »: a narrow no-break space between thousands, a decimal comma, trailing
  zeros dropped unless asked (``fixed``);
- amounts: « 12 000 € », « 1 234,50 € » (cents as two digits, none on a whole amount), « 0,5 ETP »;
- percentages: « 45 % », « 12,3 % ».

A unit (€, ETP, %) follows its number after an ordinary space (``UNIT_SPACE``), as the templates write
it: « consistently incorrect beats inconsistently correct » — French typography would have a no-break
space there, a change to make here and in the templates at once. Nothing (``None``) gives "": the caller
says « — » or « Non renseigné » as its page needs.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

NARROW_NBSP = "\u202f"
#: Between a number and its unit (see above).
UNIT_SPACE = " "
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def short_date(day: datetime.date | None) -> str:
    """« 03/12/2026 »; "" for None."""
    return day.strftime("%d/%m/%Y") if day else ""


def long_date(day: datetime.date | None) -> str:
    """« 3 décembre 2026 », « 1er janvier 2027 »; "" for None."""
    if not day:
        return ""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def short_datetime(moment: datetime.datetime | None) -> str:
    """« 03/12/2026 14:05 », in the local time zone for an aware moment; "" for None."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%d/%m/%Y %H:%M")


def period(starts_on: datetime.date | None, ends_on: datetime.date | None) -> str:
    """« du 01/01/2026 au 31/12/2030 », « à partir du 01/01/2026 », « jusqu’au 31/12/2030 », or ""."""
    if starts_on and ends_on:
        return f"du {short_date(starts_on)} au {short_date(ends_on)}"
    if starts_on:
        return f"à partir du {short_date(starts_on)}"
    if ends_on:
        return f"jusqu’au {short_date(ends_on)}"
    return ""


def number(value, decimals: int = 2, *, fixed: bool = False) -> str:
    """« 12 000 », « 0,5 », « 1 234,56 » (rounded to ``decimals``, half to even; trailing zeros dropped
    unless ``fixed``: « 50,0 »); "" for None."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals))
    if not rounded:
        rounded = abs(rounded)  # « 0 », never « -0 »
    text = f"{rounded:,.{decimals}f}"
    if decimals and not fixed:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def with_unit(text: str, unit: str) -> str:
    """``text`` followed by ``unit`` (a symbol or an abbreviation); "" when ``text`` is empty."""
    return f"{text}{UNIT_SPACE}{unit}" if text else ""


def euros(value) -> str:
    """« 12 000 € », « 1 234,50 € » (two decimals when there are cents); "" for None."""
    if value is None:
        return ""
    cents = Decimal(value).quantize(Decimal("0.01"))
    whole = cents == cents.to_integral_value()
    return with_unit(number(cents, 0) if whole else number(cents, 2, fixed=True), "€")


def fte(value) -> str:
    """Full-time equivalents: « 0,5 ETP », « 2 ETP »; "" for None."""
    return with_unit(number(value), "ETP")


def percent(value, decimals: int = 0, *, fixed: bool = False) -> str:
    """``value`` given in percent: « 45 % », ``percent(12.34, 1)`` « 12,3 % »; "" for None."""
    return with_unit(number(value, decimals, fixed=fixed), "%")
