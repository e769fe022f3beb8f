"""Static files collected by `santelocale serve`: compressed once, and by one process at a time.

WhiteNoise's storage makes a gzip and a brotli copy of every static file at each `collectstatic` — about
2,600 files with DSFR's icons, a minute of CPU — even when nothing changed since the last start. The
storage here records, for each collected file, the size and modification time it was compressed at, and
compresses again only the files whose collected copy changed (Django's `collectstatic` copies a file only
when its source is newer, so an unchanged file keeps its stamp). ``collecting`` serialises collects into one
folder (two servers on one machine, or started together, share it).

``STATIC_COMPRESS`` (``SANTELOCALE_STATIC_COMPRESS``, on by default) can turn the compression off where
nobody downloads over a network — the end-to-end tests, whose fresh clone would otherwise spend 40 s of CPU
on it: files are then served as they are, and the compressed copies of a changed file are removed (WhiteNoise
would serve a stale one) so that a later collect with compression on makes them again.
"""

import contextlib
import fcntl
import json
import os
from pathlib import Path

from django.conf import settings
from whitenoise.storage import CompressedStaticFilesStorage

#: the record of what was compressed, in the static folder itself (it goes with the files it describes)
RECORD_NAME = ".compressed.json"


class IncrementalCompressedStaticFilesStorage(CompressedStaticFilesStorage):
    """WhiteNoise's compressed static files, compressed again only where the collected file changed."""

    def post_process(self, paths, dry_run=False, **options):
        if dry_run:
            return
        record = Path(self.location) / RECORD_NAME
        try:
            done = json.loads(record.read_text())
        except (OSError, ValueError):
            done = {}
        stamps = {path: self._stamp(path) for path in paths}
        changed = {path: value for path, value in paths.items() if done.get(path) != stamps[path]}
        if getattr(settings, "STATIC_COMPRESS", True):
            yield from super().post_process(changed, dry_run=False, **options)
            compressed = stamps
        else:
            for path in changed:
                for suffix in (".gz", ".br"):
                    Path(self.path(path + suffix)).unlink(missing_ok=True)
            compressed = {path: stamp for path, stamp in stamps.items() if path not in changed}
        # Written only once every compression succeeded: an interrupted collect redoes its work next time.
        record.write_text(json.dumps(compressed))

    def _stamp(self, path: str) -> list[int]:
        stat = os.stat(self.path(path))
        return [stat.st_size, stat.st_mtime_ns]


@contextlib.contextmanager
def collecting(static_root: Path):
    """Hold an exclusive lock on ``static_root`` while collecting into it (waits for another collect)."""
    static_root = Path(static_root)
    static_root.mkdir(parents=True, exist_ok=True)
    with open(static_root / ".collect.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield
