"""`santelocale serve` collects static files at each start: only what changed is compressed again, and two
collects into one folder take turns (santelocale/utils/staticfiles.py)."""

import gzip
import os
import threading

from django.core.management import call_command
from django.test import override_settings

from santelocale.utils.staticfiles import RECORD_NAME, collecting

STORAGE = "santelocale.utils.staticfiles.IncrementalCompressedStaticFilesStorage"


def _collect(source, root, compress=True):
    with override_settings(
        STATIC_COMPRESS=compress,
        STATIC_ROOT=root,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": STORAGE},
        },
    ):
        call_command("collectstatic", interactive=False, verbosity=0)


def _collected_site(tmp_path):
    """(source folder, static folder): a stylesheet and a script, collected once (compressed)."""
    source, root = tmp_path / "source", tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("body { color: #000091; }\n" * 200)
    (source / "carte.js").write_text("console.log('carte');\n" * 200)
    _collect(source, root)
    return source, root


def _change_site_css(source, root):
    """A new stylesheet, newer than the collected copy (collectstatic copies only newer files)."""
    (source / "site.css").write_text("body { color: #e1000f; }\n" * 200)
    later = (root / "site.css").stat().st_mtime_ns + 5_000_000_000
    os.utime(source / "site.css", ns=(later, later))


def test_a_second_collect_compresses_only_the_file_that_changed(tmp_path):
    source, root = _collected_site(tmp_path)
    assert (root / "site.css.gz").exists() and (root / "carte.js.gz").exists()
    assert (root / RECORD_NAME).exists()

    # Mark both compressed copies as old: a copy that is not remade keeps this date.
    for name in ("site.css.gz", "carte.js.gz"):
        os.utime(root / name, ns=(1_000_000_000, 1_000_000_000))
    _change_site_css(source, root)
    _collect(source, root)

    assert (
        gzip.decompress((root / "site.css.gz").read_bytes()).decode().startswith("body { color: #e1000f; }")
    )
    assert (root / "site.css.gz").stat().st_mtime_ns > 1_000_000_000
    assert (root / "carte.js.gz").stat().st_mtime_ns == 1_000_000_000


def test_a_collect_interrupted_before_its_record_is_written_compresses_everything_again(tmp_path):
    source, root = tmp_path / "source", tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("body { margin: 0; }\n" * 200)
    _collect(source, root)
    (root / RECORD_NAME).unlink()
    os.utime(root / "site.css.gz", ns=(1_000_000_000, 1_000_000_000))
    _collect(source, root)
    assert (root / "site.css.gz").stat().st_mtime_ns > 1_000_000_000


def test_without_compression_a_changed_file_loses_its_stale_copies_and_gets_them_back_later(tmp_path):
    source, root = _collected_site(tmp_path)
    _change_site_css(source, root)

    _collect(source, root, compress=False)
    assert "#e1000f" in (root / "site.css").read_text()
    assert not (root / "site.css.gz").exists() and not (root / "site.css.br").exists()
    assert (root / "carte.js.gz").exists()  # unchanged: its copy is still right

    _collect(source, root)
    assert (
        gzip.decompress((root / "site.css.gz").read_bytes()).decode().startswith("body { color: #e1000f; }")
    )


def test_a_second_collect_into_the_same_folder_waits_for_the_first(tmp_path):
    entered = threading.Event()

    def second():
        with collecting(tmp_path):
            entered.set()

    with collecting(tmp_path):
        thread = threading.Thread(target=second)
        thread.start()
        assert not entered.wait(timeout=0.5)  # still held by the first collect
    thread.join(timeout=10)
    assert entered.is_set()
