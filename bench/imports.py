"""Benchmark of import abuse and of the import's write lock.

Run with ``.venv/bin/python bench/imports.py`` (``--fiches 2000`` by default, ``--database-url`` for
PostgreSQL). In a throwaway database loaded with ``santelocale init``, it measures:

1. reading workbooks built to be abusive, small on disk: a cell on Excel's last row (1,048,576), two million
   empty ``<row>`` elements, two million styled empty rows: wall time of ``tet.parse_workbook`` and the
   process's peak resident memory growth (``ru_maxrss``, each case in its own subprocess);
2. writing a plan of ``--fiches`` fiches (the real rows of complex_plan.xlsx repeated, with their funding
   lines, steps and notes) in one transaction, ``tet.apply_import``: on SQLite this is how long the write
   lock is held, so how long other users' writes wait.

Results go to stdout and ``bench/results/imports.md`` (gitignored).
"""

import argparse
import io
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench" / "results" / "imports.md"


def _base() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Fichier dimport"
    ws.cell(2, 1, "Axe (x)")
    ws.cell(2, 4, "Titre de la fiche action")
    ws.cell(4, 1, "1. Accès aux soins")
    ws.cell(4, 4, "Guide santé")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def far_cell() -> bytes:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(_base()))
    workbook.active.cell(1_048_576, 2, " ")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def empty_rows(count: int, *, styled: bool) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_base()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                template = (
                    '<row r="{0}" spans="1:35"><c r="A{0}" s="0"/></row>' if styled else '<row r="{0}"/>'
                )
                rows = "".join(template.format(n) for n in range(5, 5 + count))
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            target.writestr(item, data)
    return out.getvalue()


CASES = {
    "Une cellule en ligne 1 048 576": far_cell,
    "2 000 000 de lignes vides (<row/>)": lambda: empty_rows(2_000_000, styled=False),
    "2 000 000 de lignes vides mises en forme": lambda: empty_rows(2_000_000, styled=True),
}


def parse_case(path: str) -> None:
    """In a subprocess: read the workbook at ``path``, time its parsing and the memory it took."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "santelocale.settings")
    import django

    django.setup()
    from santelocale.plans import tet

    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    preview = tet.parse_workbook(data, filename="abus.xlsx")
    seconds = time.perf_counter() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    answer = (preview.messages or preview.warnings or [f"{len(preview.fiches)} fiche(s)"])[0]
    print(f"{len(data) / 1024:.0f}\t{seconds:.2f}\t{grown:.0f}\t{answer[:90]}")


def run(fiches: int, database_url: str | None, write: bool = True) -> str:
    from plans import make_contract, setup, synthetic_plan

    setup(database_url)
    lines = [
        "## Classeurs abusifs (lecture seule, chaque cas dans son processus)",
        "",
        "| Classeur | Fichier | Lecture | Mémoire prise (RSS) | Réponse |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, build in CASES.items():
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as workbook:
            workbook.write(build())
            workbook.flush()
            command = [sys.executable, __file__, "--case", workbook.name]
            done = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ)
        output = done.stdout.strip().splitlines()[-1]
        size, seconds, grown, answer = output.split("\t")
        lines.append(f"| {name} | {size} Ko | {seconds} s | {grown} Mo | {answer} |")
    from django.db import connection

    from santelocale.plans import tet

    if not write:
        return "\n".join(lines) + "\n"
    payload = synthetic_plan(fiches)
    preview = tet.parse_workbook(io.BytesIO(payload), filename="bench.xlsx")
    assert not preview.errors, preview.messages
    contract, admin = make_contract(0)
    started = time.perf_counter()
    result = tet.apply_import(contract, preview, user=admin)
    seconds = time.perf_counter() - started
    lines += [
        "",
        f"## Écriture d’un plan de {fiches} fiches (une transaction : durée du verrou d’écriture SQLite)",
        "",
        f"{result.message[:160]}",
        "",
        f"Écriture : **{seconds:.1f} s** ({connection.vendor}).",
    ]
    machine = (
        f"{platform.node()} — {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
        f"Python {platform.python_version()}, base {connection.vendor}"
    )
    return "\n".join([f"Machine : {machine}", "", *lines, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=2000)
    parser.add_argument("--database-url")
    parser.add_argument("--no-write", action="store_true", help="les classeurs abusifs seulement")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        parse_case(args.case)
        return
    report = run(args.fiches, args.database_url, write=not args.no_write)
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
