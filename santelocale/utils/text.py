"""Text helpers: folding used by search (identical on SQLite and PostgreSQL), and text that XML files
(Word, Excel) accept."""

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


#: A search reads this many characters and words of its query, and ignores the rest: each word is one
#: more condition in the SQL (SQLite refuses past about 1,000: « Expression tree is too large ») and costs
#: time, while nobody types more than a few words to find a place or a fiche.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10


def search_words(query: str) -> list[str]:
    """The folded words of a search ``query``: those of its first 200 characters, 10 at most."""
    return fold((query or "")[:MAX_QUERY_LENGTH]).split()[:MAX_QUERY_WORDS]


_XML_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value) -> str:
    """``value`` as text that XML (Word, Excel) accepts: control characters removed, line ends as
    ``\\n``, stripped; ``None`` → ""."""
    if value is None:
        return ""
    return _XML_REFUSED.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()
