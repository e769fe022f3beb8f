"""`santelocale restore FICHIER [--force]`: put a backup back, in one transaction (see ``utils.backup``)."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from santelocale.territories.bundle import BundleError, is_loaded, load_bundle, read_bundle, read_manifest
from santelocale.utils.backup import BackupError, read_backup, restore_backup


class _Silent:
    def __init__(self, *args, **kwargs):
        pass

    def update(self, *args):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde de `santelocale backup` : migre la base, charge le lot national de la même "
        "version s’il manque, puis remplace toutes les lignes en une transaction. Refuse une base qui "
        "contient déjà des comptes ou des contrats, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier de sauvegarde (.zip)")
        parser.add_argument("--force", action="store_true", help="remplacer les données déjà présentes")
        parser.add_argument("--data-dir", default=str(settings.DATA_DIR), help="dossier du lot de données")

    def handle(self, *args, path, force, data_dir, **options):
        try:
            backup = read_backup(Path(path))
        except BackupError as error:
            raise CommandError(f"{error}\nLa base de données n’a pas été modifiée.") from error
        call_command("migrate", interactive=False, verbosity=0)
        wanted = backup.manifest["bundle_version"]
        if wanted and not is_loaded(wanted):
            try:
                version, _files, _counts = read_manifest(Path(data_dir))
                if version != wanted:
                    raise BundleError(
                        f"la sauvegarde demande le lot de données {wanted}, le dossier {data_dir} "
                        f"contient le lot {version}."
                    )
                self.stdout.write(f"Chargement du lot de données {version}…")
                load_bundle(read_bundle(Path(data_dir)), _Silent)
            except BundleError as error:
                raise CommandError(f"{error}\nRien n’a été restauré.") from error
        try:
            counts = restore_backup(backup, force=force)
        except BackupError as error:
            raise CommandError(f"{error}\nRien n’a été restauré.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde du {backup.manifest['created_at']} restaurée : {sum(counts.values())} lignes."
            )
        )
