"""Benchmark of `santelocale backup` and `santelocale restore`: wall time and peak memory of each command.

Run with ``.venv/bin/python bench/backup.py`` (``--fiches 2000`` by default, ``--database-url`` for
PostgreSQL). In a throwaway database loaded with ``santelocale init``, it imports a plan of ``--fiches``
fiches (the real rows of complex_plan.xlsx repeated, with their funding lines, steps and notes: every row
has its history entry), then runs ``santelocale backup`` and ``santelocale restore --force`` each in its own
process and reports its wall time, its peak resident memory (``wait4``'s ``ru_maxrss``), the size of the
file and the number of rows. The memory of a command that streams the rows stays flat as the database
grows; one that holds the data grows with it.

Results go to stdout and ``bench/results/backup.md`` (gitignored).
"""

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench" / "results" / "backup.md"


def measured(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident memory in MiB) of ``command``, run to its end in its own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} a échoué (code {os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_maxrss / 1024


def run(fiches: int, database_url: str | None) -> str:
    from plans import make_contract, setup, synthetic_plan

    setup(database_url)
    from django.db import connection

    from santelocale.plans import tet

    preview = tet.parse_workbook(io.BytesIO(synthetic_plan(fiches)), filename="bench.xlsx")
    assert not preview.errors, preview.messages
    contract, admin = make_contract(0)
    tet.apply_import(contract, preview, user=admin)
    connection.close()

    santelocale = str(Path(sys.executable).with_name("santelocale"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sauvegarde.zip"
        backup_seconds, backup_mib = measured([santelocale, "backup", str(path)])
        size_mib = path.stat().st_size / 2**20
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            data_mib = archive.getinfo("data.jsonl").file_size / 2**20
        rows = sum(manifest["counts"].values())
        restore_seconds, restore_mib = measured([santelocale, "restore", "--force", str(path)])
    machine = (
        f"{platform.node()} — {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
        f"Python {platform.python_version()}, base {connection.vendor}"
    )
    return "\n".join(
        [
            f"Machine : {machine}",
            "",
            f"Base : un plan de {fiches} fiches importé ; {rows} lignes sauvegardées (historique compris), "
            f"données {data_mib:.1f} Mo, fichier {size_mib:.1f} Mo.",
            "",
            "| Commande | Durée | Mémoire de pointe (RSS) |",
            "| --- | --- | --- |",
            f"| santelocale backup | {backup_seconds:.1f} s | {backup_mib:.0f} Mo |",
            f"| santelocale restore --force | {restore_seconds:.1f} s | {restore_mib:.0f} Mo |",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=2000)
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    report = run(arguments.fiches, arguments.database_url)
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
