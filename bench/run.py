"""Benchmarks of Santé Locale: `santelocale init` and the GeoJSON map payloads.

Run with ``.venv/bin/python bench/run.py`` (or ``make bench``); ``--quick`` for a smoke run,
``--postgres-url URL`` (or ``BENCH_POSTGRES_URL``) to run everything on PostgreSQL too, side by side.

1. ``init`` runs as a child process (``santelocale init --no-progress``) on an empty database, again on the
   loaded database (the no-op path) and with ``--force`` (reload over existing data); wall time and peak
   RSS of the child (``os.wait4``, so each run's own peak, not the maximum over all children).
2. The GeoJSON layers are measured in a worker process (this script with ``--geo-worker``) that calls
   ``django.setup()`` on the database loaded by step 1: payload sizes, feature and coordinate counts, cold
   build (cache cleared) and warm (cached) times, a territory layer, the union of a département's and a
   région's communes, and GET / conditional GET (304) through Django's test client.
3. The observatory's coverage figures are measured in the same worker, on a synthetic registry written
   into that throwaway database (a CLS on every EPCI, a CLSM on the main commune of one EPCI in two):
   the national and a regional computation (cold: caches cleared; warm), the status timeline, and the
   coverage page through the test client.
4. The tables, with the machine, are printed and written to ``bench/results/latest.md`` (gitignored).

Times are wall-clock and noisy on shared machines: compare the columns of one run, not runs across days.
"""

import argparse
import gzip
import json
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "latest.md"

LEVELS = ["region", "departement", "epci"]
ZOOMS = ["low", "medium", "high"]
TERRITORIES = [("departement", "81"), ("epci", "248100737")]
UNIONS = [("département 81 (Tarn)", "department_id", "81"), ("région 76 (Occitanie)", "region_id", "76")]
WARM_CALLS = 5


# ---------------------------------------------------------------------------------------------------------
# Small helpers


@dataclass
class Run:
    """One child process: wall time (s), peak resident memory (KiB), exit code and output."""

    seconds: float
    max_rss_kib: int
    returncode: int
    output: str


@dataclass
class Stats:
    """Min and median of repeated timings (seconds), with the peak RSS (KiB) over the runs when known."""

    samples: list[float]
    max_rss_kib: int | None = None

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass
class Backend:
    """A database to run on: SQLite in a temporary folder, or a temporary database on a PostgreSQL server."""

    name: str
    var_dir: Path
    server_url: str = ""  # PostgreSQL only: the server, as given on the command line
    db_name: str = ""
    server_version: str = ""
    results: dict = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        if self.server_url:
            parts = urlsplit(self.server_url)
            return urlunsplit(parts._replace(path=f"/{self.db_name}"))
        return f"sqlite:///{self.var_dir / 'bench.sqlite3'}"

    def env(self) -> dict:
        """Environment of the children: the project's settings read these two variables."""
        return {
            **os.environ,
            "SANTELOCALE_VAR_DIR": str(self.var_dir),
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "santelocale.settings",
        }

    def reset(self) -> None:
        """Make the database empty (and the file cache with it)."""
        shutil.rmtree(self.var_dir / "cache", ignore_errors=True)
        if not self.server_url:
            for suffix in ["", "-wal", "-shm"]:
                Path(f"{self.var_dir / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
            return
        with _pg_admin(self.server_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def drop(self) -> None:
        if self.server_url:
            with _pg_admin(self.server_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


def _pg_admin(server_url: str):
    """Return an autocommit psycopg connection to the server's ``postgres`` database."""
    import psycopg

    parts = urlsplit(server_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def run_child(args: list[str], env: dict) -> Run:
    """Run ``args`` and return its wall time and its own peak RSS (``wait4``, Linux reports KiB)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode(errors="replace")
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} a échoué ({proc.returncode}) :\n{output}")
    return Run(seconds, usage.ru_maxrss, proc.returncode, output)


def timed(fn: Callable, *args):
    """Call ``fn(*args)`` and return (seconds, result)."""
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def count_coordinates(geometry: dict) -> int:
    """Number of positions in a GeoJSON geometry."""
    if geometry.get("type") == "GeometryCollection":
        return sum(count_coordinates(g) for g in geometry["geometries"])

    def walk(node) -> int:
        if node and isinstance(node[0], int | float):
            return 1
        return sum(walk(child) for child in node)

    return walk(geometry.get("coordinates") or [])


def describe_payload(payload: bytes) -> dict:
    """Sizes (raw, gzip level 6), features and coordinates of a GeoJSON FeatureCollection or geometry."""
    data = json.loads(payload)
    features = data["features"] if data.get("type") == "FeatureCollection" else [{"geometry": data}]
    return {
        "bytes": len(payload),
        "gzip": len(gzip.compress(payload, compresslevel=6)),
        "features": len(features),
        "coordinates": sum(count_coordinates(f["geometry"]) for f in features if f.get("geometry")),
    }


# ---------------------------------------------------------------------------------------------------------
# Step 1: init


def bench_init(backend: Backend, repeat: int) -> None:
    """Measure start-up and ``migrate`` alone, then ``init`` on an empty database, again on the loaded
    database (no-op), and with ``--force``; the database left loaded is the one the GeoJSON worker reads."""
    santelocale = str(BIN / "santelocale")
    env = backend.env()
    plan = [
        ("start-up only (`santelocale check`)", [santelocale, "check"], False),
        ("migrate (empty db, no data)", [santelocale, "migrate", "--verbosity", "0"], True),
        ("init (empty db)", [santelocale, "init", "--no-progress"], True),
        ("init again (no-op)", [santelocale, "init", "--no-progress"], False),
        ("init --force (reload)", [santelocale, "init", "--no-progress", "--force"], False),
    ]
    for label, args, fresh in plan:
        runs = []
        for _ in range(repeat):
            if fresh:
                backend.reset()
            runs.append(run_child(args, env))
            print(f"  [{backend.name}] {label}: {runs[-1].seconds:.1f} s", file=sys.stderr)
        backend.results[("init", label)] = Stats([r.seconds for r in runs], max(r.max_rss_kib for r in runs))


# ---------------------------------------------------------------------------------------------------------
# Step 2: GeoJSON (runs in a worker process: `bench/run.py --geo-worker OUT.json`)


def geo_worker(out_path: str, repeat: int) -> None:
    """Measure the GeoJSON layers on the database named by the environment; write JSON to ``out_path``."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from santelocale.territories import geo
    from santelocale.territories.bundle import read_bundle
    from santelocale.territories.models import Commune, Department, Epci
    from santelocale.territories.services import union_contour

    results: dict[str, dict] = {}

    def cold_and_warm(build: Callable[[], bytes]) -> dict:
        cold = []
        for _ in range(repeat):
            cache.clear()
            seconds, payload = timed(build)
            cold.append(seconds)
        warm = [timed(build)[0] for _ in range(WARM_CALLS)]
        return {**describe_payload(payload), "cold": cold, "warm": warm}

    from django.conf import settings

    seconds, _bundle = timed(read_bundle, Path(settings.DATA_DIR))
    results["bundle|read_bundle (checksums + parse)"] = {"cold": [seconds]}

    for level in LEVELS:
        for zoom in ZOOMS:
            results[f"national|{level}|{zoom}"] = cold_and_warm(partial(geo.national_layer, level, zoom))
            print(f"  national {level} {zoom}", file=sys.stderr)

    objects = {"departement": Department.objects.get(pk="81"), "epci": Epci.objects.get(pk="248100737")}
    for level, code in TERRITORIES:
        for zoom in ZOOMS:
            build = partial(geo.territory_layer, objects[level], zoom)
            results[f"territory|{level} {code}|{zoom}"] = cold_and_warm(build)

    for label, column, value in UNIONS:
        codes = list(Commune.objects.filter(**{column: value}).values_list("code", flat=True))
        times = []
        for _ in range(repeat):
            seconds, (contour, _bbox) = timed(union_contour, codes)
            times.append(seconds)
        size = describe_payload(contour.encode())
        results[f"union|{label}"] = {**size, "communes": len(codes), "cold": times}

    client = Client(SERVER_NAME="localhost")  # a host in ALLOWED_HOSTS
    url, query = "/geo/epci.geojson", {"zoom": "low"}
    cold, warm, revalidated = [], [], []
    for _ in range(repeat):
        cache.clear()
        seconds, first = timed(client.get, url, query)
        cold.append(seconds)
    for _ in range(WARM_CALLS):
        seconds, second = timed(client.get, url, query)
        warm.append(seconds)
    etag = first.headers["ETag"]
    for _ in range(WARM_CALLS):
        seconds, third = timed(partial(client.get, url, query, headers={"If-None-Match": etag}))
        revalidated.append(seconds)
    results["http|GET /geo/epci.geojson?zoom=low (cache cleared)"] = {
        "status": first.status_code,
        "bytes": len(first.content),
        "cold": cold,
    }
    results["http|GET again (cached)"] = {
        "status": second.status_code,
        "bytes": len(second.content),
        "cold": warm,
    }
    results["http|GET with If-None-Match"] = {
        "status": third.status_code,
        "bytes": len(third.content),
        "cold": revalidated,
    }
    results.update(coverage_figures(repeat))
    Path(out_path).write_text(json.dumps(results))


def seed_registry() -> dict:
    """Write a synthetic registry into the worker's (throwaway) database and return its size: a CLS on
    every EPCI (signed, in préfiguration or completed in turn) and a CLSM on the most populous commune of
    one EPCI in two, all published, each with a first status change between 2012 and 2025."""
    import datetime

    from santelocale.accounts.models import Organisation
    from santelocale.contracts.enums import Status
    from santelocale.contracts.models import Contract, StatusChange
    from santelocale.territories.models import Commune, Perimeter

    organisation = Organisation.objects.create(name="Banc d’essai")
    members: dict[str, list[tuple[str, str, str, int]]] = {}
    for code, epci, region, department, population in Commune.objects.exclude(epci=None).values_list(
        "code", "epci_id", "region_id", "department_id", "population"
    ):
        members.setdefault(epci, []).append((code, region, department, population or 0))
    statuses = [Status.SIGNED, Status.PREFIGURATION, Status.COMPLETED]
    plans = []  # (kind, name, communes, status)
    for index, (epci, communes) in enumerate(sorted(members.items())):
        plans.append(("CLS", f"CLS {epci}", communes, statuses[index % 3]))
        if index % 2 == 0:
            plans.append(("CLSM", f"CLSM {epci}", [max(communes, key=lambda c: c[3])], Status.IMPLEMENTATION))
    perimeters = Perimeter.objects.bulk_create(
        [
            Perimeter(name=name, population=sum(c[3] for c in communes), commune_count=len(communes))
            for _kind, name, communes, _status in plans
        ]
    )
    through = Perimeter.communes.through
    through.objects.bulk_create(
        [
            through(perimeter_id=perimeter.pk, commune_id=commune[0])
            for perimeter, (_kind, _name, communes, _status) in zip(perimeters, plans, strict=True)
            for commune in communes
        ],
        batch_size=5000,
    )
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                kind=kind,
                name=name,
                status=status,
                perimeter=perimeter,
                region_id=communes[0][1],
                department_id=communes[0][2],
                is_published=True,
                starts_on=datetime.date(2012 + index % 14, 1, 1),
                ends_on=datetime.date(2030, 12, 31)
                if status != Status.COMPLETED
                else datetime.date(2024, 1, 1),
            )
            for index, (perimeter, (kind, name, communes, status)) in enumerate(
                zip(perimeters, plans, strict=True)
            )
        ]
    )
    Contract.porteurs.through.objects.bulk_create(
        [Contract.porteurs.through(contract_id=c.pk, organisation_id=organisation.pk) for c in contracts]
    )
    StatusChange.objects.bulk_create(
        [
            StatusChange(contract=c, to_status=c.status, effective_on=c.starts_on, reason="Banc d’essai")
            for c in contracts
        ]
    )
    return {"contracts": len(contracts), "communes": through.objects.count()}


def coverage_figures(repeat: int) -> dict[str, dict]:
    """Measure the observatory's coverage computations on a synthetic registry (see ``seed_registry``)."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.test import Client

    from santelocale.observatory.coverage import coverage, status_timeline
    from santelocale.territories.models import Region

    size = seed_registry()
    public = AnonymousUser()
    occitanie = Region.objects.get(pk="76")
    plan = [
        ("coverage(France entière)", partial(coverage, user=public)),
        ("coverage(région 76 Occitanie)", partial(coverage, user=public, region=occitanie)),
        ("status_timeline(France entière)", partial(status_timeline, user=public)),
        (
            "GET /observatoire/couverture/",
            partial(Client(SERVER_NAME="localhost").get, "/observatoire/couverture/"),
        ),
    ]
    results = {}
    for label, call in plan:
        cold = []
        for _ in range(repeat):
            cache.clear()
            cold.append(timed(call)[0])
        warm = [timed(call)[0] for _ in range(WARM_CALLS)]
        results[f"coverage|{label}"] = {**size, "cold": cold, "warm": warm}
        print(f"  {label}", file=sys.stderr)
    return results


def bench_geo(backend: Backend, repeat: int) -> None:
    """Run the GeoJSON worker on ``backend`` (its database must be loaded) and keep its results."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run = run_child(
            [sys.executable, __file__, "--geo-worker", out.name, "--repeat", str(repeat)], backend.env()
        )
        backend.results["geo"] = json.loads(Path(out.name).read_text())
    backend.results["geo_worker_rss"] = run.max_rss_kib


# ---------------------------------------------------------------------------------------------------------
# Step 3: report


def machine_facts(backends: list[Backend]) -> list[tuple[str, str]]:
    """The machine and software the figures were measured on."""
    import django
    import shapely

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    model = names[0] if names else platform.processor() or "?"
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    ram_kib = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    facts = [
        ("Date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("Commit", commit or "?"),
        ("CPU", model),
        ("Cores", f"{usable} usable ({os.cpu_count()} online)"),
        ("RAM", f"{ram_kib / 1024 / 1024:.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("Shapely / GEOS", f"{shapely.__version__} / {shapely.geos_version_string}"),
        ("SQLite", sqlite3.sqlite_version),
    ]
    facts += [("PostgreSQL", b.server_version) for b in backends if b.server_version]
    return facts


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"


def _kb(n: int) -> str:
    return f"{n / 1000:,.1f}" if n < 100_000 else f"{n / 1000:,.0f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def init_table(backends: list[Backend]) -> str:
    header = ["Operation"]
    for b in backends:
        header += [f"{b.name} min (s)", f"{b.name} median (s)", f"{b.name} peak RSS (MiB)"]
    labels = [key[1] for key in backends[0].results if isinstance(key, tuple) and key[0] == "init"]
    rows = []
    for label in labels:
        row = [label]
        for b in backends:
            stats = b.results[("init", label)]
            row += [f"{stats.min:.2f}", f"{stats.median:.2f}", f"{stats.max_rss_kib / 1024:.0f}"]
        rows.append(row)
    row = ["`read_bundle` alone, in-process (checksums + JSON parse)"]
    for b in backends:
        row += [f"{b.results['geo']['bundle|read_bundle (checksums + parse)']['cold'][0]:.2f}", "", ""]
    rows.append(row)
    return _table(header, rows)


def layer_table(backends: list[Backend], kind: str) -> str:
    """Sizes and counts (identical on every backend) and cold/warm medians per backend."""
    header = ["Layer", "Zoom", "Features", "Coordinates", "Raw (kB)", "gzip -6 (kB)"]
    for b in backends:
        header += [f"{b.name} cold (ms)", f"{b.name} warm (ms)"]
    rows = []
    for key, first in backends[0].results["geo"].items():
        parts = key.split("|")
        if parts[0] != kind:
            continue
        row = [parts[1], parts[2], f"{first['features']:,}", f"{first['coordinates']:,}"]
        row += [_kb(first["bytes"]), _kb(first["gzip"])]
        for b in backends:
            result = b.results["geo"][key]
            if result["bytes"] != first["bytes"]:
                row[4] += f" ({b.name}: {_kb(result['bytes'])})"
            row += [_ms(statistics.median(result["cold"])), _ms(statistics.median(result["warm"]))]
        rows.append(row)
    return _table(header, rows)


def union_table(backends: list[Backend]) -> str:
    header = ["Perimeter", "Communes", "Output coordinates", "GeoJSON (kB)", "gzip -6 (kB)"]
    header += [f"{b.name} median (ms)" for b in backends]
    rows = []
    for key, first in backends[0].results["geo"].items():
        if not key.startswith("union|"):
            continue
        row = [key.split("|")[1], f"{first['communes']:,}", f"{first['coordinates']:,}"]
        row += [_kb(first["bytes"]), _kb(first["gzip"])]
        row += [_ms(statistics.median(b.results["geo"][key]["cold"])) for b in backends]
        rows.append(row)
    return _table(header, rows)


def http_table(backends: list[Backend]) -> str:
    header = ["Request (test client)", "Status", "Body (kB)"] + [f"{b.name} median (ms)" for b in backends]
    rows = []
    for key, first in backends[0].results["geo"].items():
        if not key.startswith("http|"):
            continue
        row = [key.split("|")[1], str(first["status"]), _kb(first["bytes"])]
        row += [_ms(statistics.median(b.results["geo"][key]["cold"])) for b in backends]
        rows.append(row)
    return _table(header, rows)


def coverage_table(backends: list[Backend]) -> str:
    header = ["Computation", "Contracts", "Perimeter communes"]
    for b in backends:
        header += [f"{b.name} cold (ms)", f"{b.name} warm (ms)"]
    rows = []
    for key, first in backends[0].results["geo"].items():
        if not key.startswith("coverage|"):
            continue
        row = [key.split("|")[1], f"{first['contracts']:,}", f"{first['communes']:,}"]
        for b in backends:
            result = b.results["geo"][key]
            row += [_ms(statistics.median(result["cold"])), _ms(statistics.median(result["warm"]))]
        rows.append(row)
    return _table(header, rows)


def report(backends: list[Backend], repeat: int) -> str:
    """The whole Markdown report."""
    facts = "\n".join(f"- **{name}**: {value}" for name, value in machine_facts(backends))
    rss = ", ".join(f"{b.name} {b.results['geo_worker_rss'] / 1024:.0f} MiB" for b in backends)
    return f"""# Santé Locale — benchmark results

{facts}
- **Repeats**: {repeat} (cold measurements); warm measurements: median of {WARM_CALLS} calls

## `santelocale init` (child process; wall time, peak RSS of the child)

{init_table(backends)}

## National GeoJSON layers (`geo.national_layer`; cold = cache cleared, warm = cached; medians)

{layer_table(backends, "national")}

## Territory layers (`geo.territory_layer`: contour, communes, QPV)

{layer_table(backends, "territory")}

## Perimeter contour (`services.union_contour` of all the communes)

{union_table(backends)}

## HTTP through Django's test client

{http_table(backends)}

## Observatory coverage (synthetic registry; cold = caches cleared, warm = again; medians)

Warm calls still read the registry from the database: only the geography (communes, contrats de ville)
is cached.

{coverage_table(backends)}

Peak RSS of the GeoJSON worker process (all of the above): {rss}.
"""


# ---------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold measurements per figure (default 3)")
    parser.add_argument("--quick", action="store_true", help="one repeat: a smoke run")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", ""),
        help="PostgreSQL server (postgres://user@host:port/any); a temporary database is created on it",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"report file (default {RESULTS})")
    parser.add_argument("--geo-worker", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.geo_worker:
        geo_worker(args.geo_worker, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="santelocale-bench-") as tmp:
        backends = [Backend("SQLite", Path(tmp) / "sqlite")]
        if args.postgres_url:
            pg = Backend(
                "PostgreSQL",
                Path(tmp) / "postgres",
                server_url=args.postgres_url,
                db_name=f"santelocale_bench_{secrets.token_hex(4)}",
            )
            with _pg_admin(pg.server_url) as conn:
                pg.server_version = conn.execute("SHOW server_version").fetchone()[0]
            backends.append(pg)
        try:
            for backend in backends:
                backend.var_dir.mkdir(parents=True)
                print(f"== {backend.name}", file=sys.stderr)
                bench_init(backend, args.repeat)
                bench_geo(backend, args.repeat)
        finally:
            for backend in backends:
                backend.drop()
    text = report(backends, args.repeat)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"Written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
