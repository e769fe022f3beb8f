"""Text folding used by search, identical on SQLite and PostgreSQL."""

import re

from unidecode import unidecode

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

#: Abbreviations people type for place names (``st etienne``, ``ste maxime``).
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def fold(text: str) -> str:
    """Return ``text`` lowercased, without accents, with every run of non-alphanumerics as one space.

    ``fold("Saint-Étienne")`` and ``fold("saint etienne")`` are both ``"saint etienne"``; ``œ`` becomes
    ``oe``. Common abbreviations are expanded (``st`` → ``saint``).
    """
    words = _NON_ALNUM.sub(" ", unidecode(text or "").lower()).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def search_text(*parts) -> str:
    """Return the folded text a territory is found by, framed by spaces so whole words can be matched."""
    return " " + " ".join(fold(str(part)) for part in parts if part) + " "
