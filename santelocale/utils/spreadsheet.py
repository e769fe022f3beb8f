"""CSV for spreadsheets, as French users open them (model-free).

French Excel expects « ; » separators (with « , » it puts every row in one cell) and a byte order mark
(without it, it misreads accents). A cell that starts like a formula (« =HYPERLINK(…) ») is prefixed with an
apostrophe, as OWASP recommends against CSV injection — except numbers such as « +33 5 63 … » or « -12 ».
"""

import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[0-9 .()\-]+$")


def safe_cell(value) -> str:
    """``value`` as a cell text a spreadsheet will not run as a formula (``None`` → empty)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER_LIKE.match(text):
        return "'" + text
    return text


def spreadsheet_csv(header: list[str], rows) -> str:
    """The CSV text: byte order mark, ``header``, then ``rows`` (iterables of values, made safe), « ; »
    separated, lines ending in CRLF."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()
