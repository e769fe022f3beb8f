"""Rights table (see tests/walk.py): filled in with the pages of this package."""


def sample_urls() -> list[str]:
    return []
