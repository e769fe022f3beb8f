"""Benchmark of action plans: the Territoires en Transitions import and the document exports.

Run with ``.venv/bin/python bench/plans.py`` (``--quick`` for one repetition). It creates a throwaway
SQLite database (or uses ``--database-url``, e.g. a throwaway PostgreSQL database), loads the bundle with
``santelocale init``, then, side by side for the real plan (complex_plan.xlsx, 29 fiches) and a 200-fiche
plan made of the real rows repeated (same quirks: serial dates, comma lists, « True »):

1. the import: reading the workbook into a preview (``tet.parse_workbook``) and writing it in one transaction
   (``tet.apply_import``) into a fresh CLS, wall time (median) and Python peak memory (tracemalloc);
2. after giving every fiche two steps, two funding lines and an indicator with a value: the contract as
   Word and as PDF, the Excel workbook, the TeT export and the COPIL report (PDF), time and size.

Results go to stdout and ``bench/results/plans.md`` (gitignored). Times are wall-clock on a shared
machine: compare the columns of one run.
"""

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "tet" / "complex_plan.xlsx"
RESULTS = ROOT / "bench" / "results" / "plans.md"


def synthetic_plan(fiches: int) -> bytes:
    """complex_plan.xlsx with its 29 data rows repeated until ``fiches`` rows (titles numbered)."""
    from openpyxl import load_workbook

    workbook = load_workbook(SAMPLE)
    sheet = workbook["Fichier dimport"]
    rows = [list(row) for row in sheet.iter_rows(min_row=4, max_row=32, values_only=True)]
    title_col = 3
    for index in range(len(rows), fiches):
        row = list(rows[index % len(rows)])
        row[title_col] = f"Fiche Action {index + 1}. {str(row[title_col]).split('. ', 1)[-1]} (copie)"
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed(function, repeat: int):
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def peak_mib(function) -> float:
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def setup(database_url: str | None) -> None:
    var_dir = tempfile.mkdtemp(prefix="santelocale-bench-plans-")
    os.environ["SANTELOCALE_VAR_DIR"] = var_dir
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{var_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "santelocale.settings")
    santelocale = Path(sys.executable).with_name("santelocale")
    subprocess.run([str(santelocale), "init", "--no-progress"], check=True, cwd=ROOT, env=os.environ)
    import django

    django.setup()


def make_contract(index: int):
    from santelocale.accounts.models import Organisation, User
    from santelocale.contracts.enums import ContractKind, Status
    from santelocale.contracts.services import ContractData, create_contract
    from santelocale.territories.models import Commune, Department, Region
    from santelocale.territories.services import save_perimeter

    admin = User.objects.filter(email="bench@example.test").first() or User.objects.create_superuser(
        email="bench@example.test", password="bench-plans-1"
    )
    communes = Commune.objects.filter(department_id="81").order_by("code")
    commune = communes[index]
    porteur, _ = Organisation.objects.get_or_create(
        name=f"Commune de {commune.name} (bench)", defaults={"kind": "COMMUNE", "commune": commune}
    )
    perimeter = save_perimeter(
        name=f"Bench {commune.name}", components=[{"kind": "commune", "code": commune.code}], user=admin
    )
    data = ContractData(
        kind=ContractKind.CLS,
        name=f"CLS de {commune.name} (bench {index})",
        perimeter=perimeter,
        region=Region.objects.get(pk="76"),
        department=Department.objects.get(pk="81"),
        porteurs=[porteur],
        starts_on=date(2025, 1, 1),
        ends_on=date(2030, 12, 31),
        is_published=True,
    )
    return create_contract(user=admin, data=data, status=Status.IMPLEMENTATION), admin


def enrich(contract) -> None:
    """Two steps, two funding lines and an indicator with a value on every fiche."""
    from santelocale.indicators.services import add_indicator, record_value
    from santelocale.plans import services
    from santelocale.plans.models import Action

    for action in Action.objects.filter(contract=contract, parent__isnull=True):
        services.add_step(action, title="Cadrage", is_done=True, done_on=date(2025, 3, 1))
        services.add_step(action, title="Bilan")
        for kind, year in (("ARS", 2025), ("COLLECTIVITY", 2026)):
            services.save_funding_line(
                action, services.FundingData(funder_kind=kind, year=year, planned=Decimal(10000))
            )
        indicator = add_indicator(contract, name=f"Indicateur {action.pk}", kind="PROCESS", action=action)
        record_value(indicator, period="2025", target=Decimal(10), actual=Decimal(7))


def run(repeat: int, database_url: str | None) -> str:
    setup(database_url)
    from santelocale.plans import documents, tet

    sizes = {"29 fiches (complex_plan.xlsx)": SAMPLE.read_bytes(), "200 fiches": synthetic_plan(200)}
    lines = [
        "## Import Territoires en Transitions",
        "",
        "| Plan | Fichier | Lecture + aperçu (médiane) | Écriture (médiane) "
        "| Pic mémoire Python (lecture + écriture) |",
        "| --- | --- | --- | --- | --- |",
    ]
    contracts = {}
    counter = 0
    for label, payload in sizes.items():
        parse_s, preview = timed(
            lambda p=payload: tet.parse_workbook(io.BytesIO(p), filename="bench.xlsx"), repeat
        )
        assert not preview.errors, preview.messages
        writes = []
        for _ in range(repeat):
            contract, admin = make_contract(counter)
            counter += 1
            started = time.perf_counter()
            tet.apply_import(contract, preview, user=admin)
            writes.append(time.perf_counter() - started)
        contract, admin = make_contract(counter)
        counter += 1

        def both(p=payload, c=contract, a=admin):
            tet.apply_import(c, tet.parse_workbook(io.BytesIO(p), filename="bench.xlsx"), user=a)

        peak = peak_mib(both)
        contracts[label] = (contract, admin)
        lines.append(
            f"| {label} | {len(payload) / 1024:.0f} Ko | {parse_s * 1000:.0f} ms | "
            f"{statistics.median(writes) * 1000:.0f} ms | {peak:.1f} Mio |"
        )
    lines += [
        "",
        "## Exports (chaque fiche avec 2 étapes, 2 financements, 1 indicateur et sa valeur)",
        "",
        "| Plan | Word (contrat) | PDF (contrat) | Pages PDF | Excel (plan) | Export TeT "
        "| Rapport COPIL (PDF) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, (contract, admin) in contracts.items():
        enrich(contract)
        cells = []
        for builder in (documents.contract_docx, documents.contract_pdf, None, documents.plan_workbook):
            if builder is None:
                pages = len(documents.render_pdf(documents.contract_html(contract, admin)).pages)
                cells.append(str(pages))
                continue
            seconds, payload = timed(lambda b=builder, c=contract, a=admin: b(c, a), repeat)
            cells.append(f"{seconds:.2f} s ({len(payload) / 1024:.0f} Ko)")
        seconds, payload = timed(lambda c=contract, a=admin: tet.export_plan(c, a), repeat)
        cells.append(f"{seconds:.2f} s ({len(payload) / 1024:.0f} Ko)")
        seconds, payload = timed(lambda c=contract, a=admin: documents.copil_pdf(c, a), repeat)
        cells.append(f"{seconds:.2f} s ({len(payload) / 1024:.0f} Ko)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    from django.db import connection

    machine = (
        f"{platform.node()} — {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
        f"Python {platform.python_version()}, base {connection.vendor}, {repeat} répétition(s)"
    )
    return "\n".join([f"Machine : {machine}", "", *lines, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="une seule répétition")
    parser.add_argument("--database-url", help="base à utiliser (par défaut une SQLite jetable)")
    args = parser.parse_args()
    report = run(1 if args.quick else 3, args.database_url)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
