"""Backup and restore of a Santé Locale database in one portable file (SQLite ⇄ PostgreSQL).

The file is a zip archive holding ``manifest.json`` (format, date, database vendor, version of the national
data bundle, number of rows per model, SHA-256 of the data) and ``data.jsonl`` (Django's JSON-lines
serialisation of every row, history tables included, foreign keys to content types and permissions by
natural key). Both ways the rows are streamed: neither the backup nor the restore holds the whole data in
memory.

The national bundle (régions, départements, EPCI, 34,969 communes, QPV, contours, datasets) is *not* in the
file: it is public, large and versioned. The manifest records its version; ``restore`` loads that bundle
(``santelocale init``'s loader, from the data folder) when the database does not hold it yet, and refuses
when another version is loaded, since perimeters and fiches point at communes by code.

Why not ``dumpdata``/``loaddata``: ``loaddata`` saves rows « raw » (no history for the rows themselves) but
then sets each many-to-many field, which sends ``m2m_changed``; django-simple-history answers that signal
by writing a new history entry for every contract, meeting and fiche with lists, dated at restore time and
without author. Here the many-to-many tables are saved and restored as tables of their own (their rows
keep their ids) and nothing is ``set()``, so no signal fires; each loaded object is also marked
``skip_history_when_saving`` (the flag the library checks). The history tables hold exactly what was saved.
"""

import datetime
import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

FORMAT = "santelocale-sauvegarde"
FORMAT_VERSION = 1
#: The national data bundle, reloaded by ``santelocale init`` from the bundle of the recorded version.
BUNDLE_MODELS = {
    "territories.region",
    "territories.department",
    "territories.epci",
    "territories.commune",
    "territories.priorityneighbourhood",
    "territories.citycontract",
    "territories.boundary",
    "territories.dataset",
    "territories.datarelease",
}
#: Rebuilt by ``migrate`` (content types, permissions) or short-lived (sessions, imports awaiting their
#: confirmation): not saved, and emptied by a restore.
TRANSIENT_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session", "plans.pendingimport"}
#: A database holding any of these is not « empty »: restoring over it needs ``force``.
OWNED_DATA = ("accounts.user", "contracts.contract")


class BackupError(Exception):
    """A backup file or a restore was refused; the message says why, in French."""


def saved_models() -> list:
    """The models whose rows a backup holds, parents before children: history tables included, and the
    many-to-many tables as tables of their own (their rows keep their ids; nothing is ``set()`` on load)."""
    owners = [
        model
        for model in apps.get_models()
        if not model._meta.auto_created
        and model._meta.label_lower not in BUNDLE_MODELS | TRANSIENT_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]
    throughs = [
        field.remote_field.through
        for model in owners
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    candidates = owners + throughs
    ordered = serializers.sort_dependencies([(None, candidates)], allow_cycles=True)
    return [model for model in ordered if model in candidates]


def _bundle_version() -> str:
    release = apps.get_model("territories", "DataRelease").objects.order_by("-loaded_at").first()
    return release.bundle_version if release else ""


class _ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder cuts datetimes to milliseconds; a backup keeps every microsecond (history dates
    are compared and ordered)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _lines(models):
    """One JSON line per row: Django's « python » serialisation, encoded without loss."""
    for model in models:
        rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
        # Many-to-many lists are saved as rows of their own tables (see ``saved_models``).
        own = [name for field in model._meta.concrete_fields for name in {field.name, field.attname}]
        for item in serializers.serialize("python", rows, use_natural_foreign_keys=True, fields=own):
            yield json.dumps(item, cls=_ExactEncoder, ensure_ascii=False) + "\n"


def create_backup(path: Path) -> dict:
    """Write the database to ``path`` (zip); return the manifest. Reads in one transaction (a consistent
    snapshot on PostgreSQL; SQLite's WAL gives the same). The rows go to the archive as they are read, a
    few thousand at a time: memory does not grow with the database."""
    models = saved_models()
    path = Path(path)
    temporary = path.with_name(path.name + ".partiel")
    digest = hashlib.sha256()
    with transaction.atomic(), zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        counts = {model._meta.label_lower: model._base_manager.count() for model in models}
        with archive.open("data.jsonl", "w", force_zip64=True) as data:
            for line in _lines(models):
                chunk = line.encode()
                digest.update(chunk)
                data.write(chunk)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "bundle_version": _bundle_version(),
            "counts": counts,
            "sha256": digest.hexdigest(),
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    temporary.replace(path)  # never a half-written backup under the final name
    return manifest


@dataclass
class BackupFile:
    """A backup checked by ``read_backup``: its manifest, and its file, whose rows are read again, one line
    at a time, by ``rows()``."""

    manifest: dict
    path: Path

    def lines(self):
        """The data's lines as bytes, read from the archive as they are needed."""
        with zipfile.ZipFile(self.path) as archive, archive.open("data.jsonl") as data:
            yield from data

    def rows(self, digest=None):
        """Each row of the data, decoded (Django's « python » serialisation); ``digest`` (a hashlib object),
        when given, is fed every line read."""
        for line in self.lines():
            if digest is not None:
                digest.update(line)
            if line.strip():
                yield json.loads(line)


def read_backup(path: Path) -> BackupFile:
    """The manifest of the backup at ``path``, the file checked (format, version, checksum, counts) without
    holding its data in memory; raises ``BackupError`` in French otherwise."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            archive.getinfo("data.jsonl")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise BackupError(f"« {path} » n’est pas une sauvegarde Santé Locale lisible ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"« {path} » n’est pas une sauvegarde Santé Locale.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Sauvegarde au format {manifest.get('format_version')} : cette version lit le format "
            f"{FORMAT_VERSION}."
        )
    backup = BackupFile(manifest, Path(path))
    digest = hashlib.sha256()
    lines = 0
    try:
        for line in backup.lines():
            digest.update(line)
            lines += bool(line.strip())
    except (OSError, ValueError, EOFError, zlib.error, zipfile.BadZipFile) as error:  # CRC, cut, garbled
        raise BackupError(
            f"La sauvegarde est abîmée : « {path} » ne se lit pas jusqu’au bout ({error})."
        ) from error
    if digest.hexdigest() != manifest.get("sha256"):
        raise BackupError("La sauvegarde est abîmée : son empreinte SHA-256 ne correspond pas à son contenu.")
    if lines != sum(manifest.get("counts", {}).values()):
        raise BackupError(
            "La sauvegarde est incomplète : le nombre de lignes ne correspond pas au manifeste."
        )
    return backup


def holds_data() -> bool:
    """Whether the database holds accounts or contracts (a restore over it needs ``force``)."""
    return any(apps.get_model(label)._base_manager.exists() for label in OWNED_DATA)


def _empty(models) -> None:
    transient = [apps.get_model(label) for label in TRANSIENT_MODELS - {"contenttypes.contenttype"}]
    for model in [*reversed(models), *transient]:
        if model._meta.label_lower == "auth.permission":
            continue
        for field in model._meta.local_many_to_many:
            field.remote_field.through._base_manager.all()._raw_delete(connection.alias)
        model._base_manager.all()._raw_delete(connection.alias)


def restore_backup(backup: BackupFile, *, force: bool = False) -> dict:
    """Replace the database's rows by those of ``backup`` in one transaction, history exactly as saved;
    return the counts restored. Refuses (``BackupError``) when the database holds accounts or contracts
    and ``force`` is not set, when the bundle loaded is not the backup's, and when a row does not load;
    then nothing is changed. The bundle must be loaded first (``load_bundle_for``)."""
    manifest = backup.manifest
    if holds_data() and not force:
        raise BackupError(
            "La base de données contient déjà des comptes ou des contrats : la restauration les "
            "remplacerait. Relancez avec --force pour les remplacer, ou restaurez dans une base vide."
        )
    loaded = _bundle_version()
    if manifest["bundle_version"] and loaded != manifest["bundle_version"]:
        raise BackupError(
            f"La sauvegarde a été faite avec le lot de données {manifest['bundle_version']}, la base "
            f"contient le lot {loaded or '(aucun)'} : chargez le même lot (santelocale init) avant de "
            "restaurer."
        )
    models = saved_models()
    known = {model._meta.label_lower for model in models}
    unknown = set(manifest["counts"]) - known
    if unknown:
        raise BackupError("Tables inconnues de cette version : " + ", ".join(sorted(unknown)) + ".")
    counts: dict[str, int] = {}
    deferred = []
    with transaction.atomic(), connection.constraint_checks_disabled():
        _empty(models)
        # The file is read again here: checked again on the way (it could have changed since read_backup).
        digest = hashlib.sha256()
        for item in serializers.deserialize("python", backup.rows(digest), handle_forward_references=True):
            # No history entry for a restored row (its history rows are restored as they were).
            item.object.skip_history_when_saving = True
            item.save()
            if item.deferred_fields:
                deferred.append(item)
            label = item.object._meta.label_lower
            counts[label] = counts.get(label, 0) + 1
        for item in deferred:  # references to rows further down the file (natural keys), as loaddata does
            item.save_deferred_fields()
        tables = [model._meta.db_table for model in models]
        connection.check_constraints(table_names=tables)
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        expected = {label: count for label, count in manifest["counts"].items() if count}
        if counts != expected or digest.hexdigest() != manifest["sha256"]:
            raise BackupError(
                "Le nombre de lignes restaurées ne correspond pas au manifeste : rien n’est restauré."
            )
    return counts
