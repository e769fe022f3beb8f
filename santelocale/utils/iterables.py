"""Helpers for iterating over large collections."""

from collections.abc import Iterator, Sequence

#: Stays well below SQLite's limit on query parameters (32,766) in ``__in`` lookups.
CHUNK_SIZE = 5000


def chunked(items: Sequence, size: int = CHUNK_SIZE) -> Iterator[Sequence]:
    """Yield consecutive slices of ``items`` of at most ``size`` elements."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
