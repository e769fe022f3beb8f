"""French formatting (``santelocale.utils.fr``): dates, numbers, amounts and percentages as every document,
message and page built in Python writes them."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from santelocale.utils import fr

NNBSP = "\u202f"


def test_a_short_date_is_day_month_year_with_leading_zeros():
    assert fr.short_date(datetime.date(2026, 12, 3)) == "03/12/2026"
    assert fr.short_date(None) == ""


def test_a_long_date_spells_the_month_and_writes_the_first_as_premier():
    assert fr.long_date(datetime.date(2026, 12, 3)) == "3 décembre 2026"
    assert fr.long_date(datetime.date(2027, 1, 1)) == "1er janvier 2027"
    assert fr.long_date(datetime.date(2026, 8, 15)) == "15 août 2026"
    assert fr.long_date(None) == ""


def test_a_moment_is_written_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Paris"
    utc_evening = datetime.datetime(2026, 6, 30, 22, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert fr.short_datetime(utc_evening) == "01/07/2026 00:30"
    assert fr.short_datetime(datetime.datetime(2026, 6, 30, 9, 5)) == "30/06/2026 09:05"
    assert fr.short_datetime(None) == ""


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "text"),
    [
        (datetime.date(2026, 1, 1), datetime.date(2030, 12, 31), "du 01/01/2026 au 31/12/2030"),
        (datetime.date(2026, 1, 1), None, "à partir du 01/01/2026"),
        (None, datetime.date(2030, 12, 31), "jusqu’au 31/12/2030"),
        (None, None, ""),
    ],
)
def test_a_period_says_what_is_known_of_its_bounds(starts_on, ends_on, text):
    assert fr.period(starts_on, ends_on) == text


def test_numbers_group_thousands_with_a_narrow_no_break_space_and_use_a_decimal_comma():
    assert fr.number(Decimal("12000.00")) == f"12{NNBSP}000"
    assert fr.number(Decimal("1234.5")) == f"1{NNBSP}234,5"
    assert fr.number(6124653, 0) == f"6{NNBSP}124{NNBSP}653"
    assert fr.number(Decimal("-1234567.891")) == f"-1{NNBSP}234{NNBSP}567,89"
    assert fr.number(None) == ""


def test_numbers_are_rounded_to_the_decimals_asked_and_lose_their_trailing_zeros_unless_fixed():
    assert fr.number(Decimal("0.125")) == "0,12"  # half to even
    assert fr.number(Decimal("2.5"), 0) == "2"
    assert fr.number(Decimal("50"), 1) == "50"
    assert fr.number(Decimal("50"), 1, fixed=True) == "50,0"
    assert fr.number(Decimal("-0.001")) == "0"
    assert fr.number(0.5) == "0,5"


def test_euros_show_cents_as_two_digits_and_none_on_a_whole_amount():
    assert fr.euros(Decimal("3000")) == f"3{NNBSP}000 €"
    assert fr.euros(Decimal("12500.5")) == f"12{NNBSP}500,50 €"
    assert fr.euros(Decimal("0.999")) == "1 €"
    assert fr.euros(None) == ""


def test_full_time_equivalents_keep_only_significant_decimals():
    assert fr.fte(Decimal("0.50")) == "0,5 ETP"
    assert fr.fte(2) == "2 ETP"
    assert fr.fte(None) == ""


def test_percentages_are_given_in_percent():
    assert fr.percent(45) == "45 %"
    assert fr.percent(Decimal("12.34"), 1) == "12,3 %"
    assert fr.percent(50.0, 1, fixed=True) == "50,0 %"
    assert fr.percent(None) == ""


def test_a_unit_follows_its_number_after_the_space_the_templates_use():
    assert fr.UNIT_SPACE == " "
    assert fr.with_unit("12", "km") == "12 km"
    assert fr.with_unit("", "km") == ""
