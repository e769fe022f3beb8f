"""`santelocale init`: migrate, load the data bundle (territories), then seed the régions' default socles
(contracts) — idempotent. It lives in ``operations`` because it runs more than one app."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from santelocale.contracts.services import seed_default_themes
from santelocale.territories.bundle import BundleError, is_loaded, load_bundle, read_bundle, read_manifest


class Command(BaseCommand):
    help = "Crée ou met à jour la base de données et charge le lot de données géographiques (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(settings.DATA_DIR), help="dossier du lot de données")
        parser.add_argument("--force", action="store_true", help="recharger même si ce lot est déjà chargé")
        parser.add_argument("--no-progress", action="store_true", help="sans barres de progression")

    def handle(self, *args, data_dir, force, no_progress, **options):
        verbosity = options["verbosity"]
        self.stdout.write("Migration de la base de données…")
        call_command("migrate", interactive=False, verbosity=0)
        quiet = no_progress or verbosity == 0

        def bar_factory(description, total):
            return tqdm(
                total=total,
                desc=description,
                unit=" lignes",
                disable=quiet,
                file=sys.stderr,
                dynamic_ncols=True,
            )

        try:
            # The manifest alone tells whether this bundle is already loaded: no need to parse the rest.
            version, _files, _counts = read_manifest(Path(data_dir))
            if is_loaded(version) and not force:
                self._seed_themes()
                self.stdout.write(self.style.SUCCESS(f"Lot de données {version} déjà chargé : rien à faire."))
                return
            bundle = read_bundle(Path(data_dir), progress=lambda msg: verbosity and self.stdout.write(msg))
            release = load_bundle(bundle, bar_factory)
        except BundleError as exc:
            raise CommandError(f"{exc}\nLa base de données n’a pas été modifiée.") from exc
        counts = ", ".join(f"{name} : {value}" for name, value in sorted(release.counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Lot de données {release.bundle_version} chargé ({counts})."))
        self._seed_themes()

    def _seed_themes(self):
        """The régions' mandatory CLS themes (« socles ») from the seeds, unless an ARS set its own."""
        created = seed_default_themes()
        if created:
            self.stdout.write(f"Socles thématiques régionaux créés : {created}.")
