"""Soak benchmark: a served instance under concurrent readers and writers for minutes, on loopback only.

Run with ``.venv/bin/python bench/soak.py`` (20 clients for 10 minutes by default; ``--minutes 2`` for a
short check; ``--database-url`` for a throwaway PostgreSQL database). It starts an instance the way the
end-to-end fixtures do (``santelocale init``, ``demo``, ``serve`` with 2 workers on a free 127.0.0.1 port,
in a temporary folder), then runs ``--clients`` threads as the demo personas:

- the coordinator (Ville d’Albi) signs in again now and then (a session write), reads her contracts and
  plan, and creates fiches through the API (about one request in four is a write);
- the ARS (délégation, région), the pilot and the partner sign in and read pages and API answers;
- anonymous visitors read the public pages (home, contracts, observatory, sources, API).

Every answer is counted by status; a 5xx or a connection error is an error. Every 30 s the resident memory
(RSS) of the server's processes (gunicorn's master and workers) is sampled from /proc. The summary (requests,
errors, latency median and 95th percentile, RSS at each sample) goes to stdout and
``bench/results/soak.md`` (gitignored). Nothing leaves 127.0.0.1; the instance and its folder are removed.
"""

import argparse
import http.cookiejar
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from santelocale.utils.served import start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "soak.md"
PASSWORD = "mot-de-passe-soak-1"
DOMAIN = "demo.santelocale.test"
PUBLIC_PAGES = ["/", "/contrats/", "/observatoire/", "/sources/", "/carte/", "/api/contrats", "/api/regions"]


def start_instance(database_url: str | None, max_requests: int | None = None):
    """(server process, base URL, folder) of a served instance with the bundle and the demo loaded;
    ``max_requests`` overrides how many requests a worker serves before it is replaced (0: never)."""
    folder = tempfile.mkdtemp(prefix="santelocale-soak-")
    env = {
        **os.environ,
        **({"SANTELOCALE_MAX_REQUESTS": str(max_requests)} if max_requests is not None else {}),
        "DATABASE_URL": database_url or f"sqlite:///{folder}/santelocale.sqlite3",
        "SANTELOCALE_VAR_DIR": folder,
        "DJANGO_SETTINGS_MODULE": "santelocale.settings",
    }
    santelocale = str(Path(sys.executable).with_name("santelocale"))
    for args in (["init", "--no-progress"], ["demo", "--password", PASSWORD]):
        subprocess.run([santelocale, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    server, url = start_server(
        [santelocale, "serve", "--workers", "2"],
        env=env,
        cwd=ROOT,
        log_path=Path(folder) / "server.log",
        timeout=600,
    )
    return server, url, folder


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn's master and workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def rss_mib(pids: list[int]) -> dict[int, float]:
    sizes = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return sizes


class Client:
    """One simulated user: cookies, CSRF token, and the counters it feeds."""

    def __init__(self, base: str, email: str | None, stats: "Stats"):
        self.base, self.email, self.stats = base, email, stats
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        except OSError as error:
            status, text = 0, str(error)
        self.stats.record(method, path, status, time.perf_counter() - started)
        return status, text

    def sign_in(self) -> None:
        self.jar.clear()
        _, html = self.call("GET", "/comptes/connexion/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not match:
            return
        self.csrf = match[1]
        form = {"csrfmiddlewaretoken": self.csrf, "username": self.email, "password": PASSWORD}
        _, html = self.call(
            "POST",
            "/comptes/connexion/",
            urllib.parse.urlencode(form).encode(),
            {"Referer": self.base + "/comptes/connexion/"},
        )
        # The token changes at login: keep the one of the page reached once signed in.
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if match:
            self.csrf = match[1]

    def write_json(self, path: str, payload: dict):
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf, "Referer": self.base + "/"}
        return self.call("POST", path, json.dumps(payload).encode(), headers)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self.writes = 0

    def record(self, method: str, path: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if method == "POST":
                self.writes += 1
            if status == 0 or status >= 500:
                self.errors.append(f"{method} {path} → {status or 'connexion perdue'}")


def contract_ids(client: Client) -> list[str]:
    status, text = client.call("GET", "/api/contrats")
    if status != 200:
        return []
    items = json.loads(text)
    items = items.get("items", items) if isinstance(items, dict) else items
    return [item["id"] for item in items if "id" in item]


def run_client(
    base: str, persona: str | None, stop: float, stats: Stats, seed: int, read_only: bool = False
) -> None:
    rng = random.Random(seed)
    client = Client(base, f"{persona}@{DOMAIN}" if persona else None, stats)
    if persona:
        client.sign_in()
    ids = contract_ids(client)
    writable = None
    round_number = 0
    while time.monotonic() < stop:
        round_number += 1
        if persona and round_number % 40 == 0:
            client.sign_in()  # a new session: a write, as each morning's login
        choice = rng.random()
        if persona == "coordination" and choice < 0.25 and ids and not read_only:
            candidates = [writable] if writable else ids
            for contract in candidates:
                status, _ = client.write_json(
                    f"/api/plans/{contract}/fiches", {"title": f"Fiche de charge {seed}-{round_number}"}
                )
                if status == 201:
                    writable = contract
                    break
        elif ids and choice < 0.6:
            contract = rng.choice(ids)
            path = rng.choice(
                [f"/api/contrats/{contract}", f"/api/plans/{contract}", f"/contrats/{contract}/"]
            )
            client.call("GET", path)
        else:
            client.call("GET", rng.choice(PUBLIC_PAGES))
        time.sleep(rng.uniform(0.05, 0.3))


def soak(
    clients: int,
    minutes: float,
    database_url: str | None,
    *,
    read_only: bool = False,
    max_requests: int | None = None,
) -> str:
    server, base, folder = start_instance(database_url, max_requests)
    stats = Stats()
    personas = ["coordination"] * 6 + ["ars-delegation", "ars-region"] * 2 + ["pilote", "partenaire"] * 2
    personas += [None] * max(0, clients - len(personas))
    samples: list[tuple[float, dict[int, float]]] = []
    try:
        started = time.monotonic()
        stop = started + minutes * 60
        threads = [
            threading.Thread(
                target=run_client, args=(base, personas[i % len(personas)], stop, stats, i, read_only)
            )
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        while time.monotonic() < stop:
            samples.append((time.monotonic() - started, rss_mib(process_tree(server.pid))))
            time.sleep(min(30, max(0.1, stop - time.monotonic())))
        for thread in threads:
            thread.join(timeout=120)
        samples.append((time.monotonic() - started, rss_mib(process_tree(server.pid))))
    finally:
        if stats.errors:  # the server's own account of the errors, before its folder goes
            log = (Path(folder) / "server.log").read_text(errors="replace").splitlines()
            print("\n".join(log[-60:]), file=sys.stderr)
        stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)
    total = sum(stats.statuses.values())
    latencies = sorted(stats.latencies) or [0.0]
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    engine = "PostgreSQL" if (database_url or "").startswith("postgres") else "SQLite"
    lines = [
        f"Machine : {platform.node()} — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cœurs, Python {platform.python_version()}, base {engine}, "
        "gunicorn 2 workers × 4 threads"
        + (" ; lecture seule (aucune fiche créée)" if read_only else "")
        + (f" ; remplacement des workers après {max_requests} requêtes" if max_requests else "")
        + (" ; workers jamais remplacés" if max_requests == 0 else ""),
        "",
        f"- {clients} clients pendant {minutes:g} min : {total} requêtes ({total / (minutes * 60):.1f}/s), "
        f"dont {stats.writes} écritures (connexions et fiches créées)",
        "- Réponses : "
        + ", ".join(f"{status or 'perdue'} × {n}" for status, n in sorted(stats.statuses.items())),
        f"- **Erreurs (5xx ou connexion perdue) : {len(stats.errors)}**"
        + (f" — par exemple {stats.errors[0]}" if stats.errors else ""),
        f"- Latence : médiane {statistics.median(latencies) * 1000:.0f} ms, 95e centile {p95 * 1000:.0f} ms",
        "",
        "| Temps | RSS total (Mio) | Par processus (Mio) |",
        "| --- | --- | --- |",
    ]
    for seconds, sizes in samples:
        detail = ", ".join(f"{size:.0f}" for size in sizes.values())
        lines.append(f"| {seconds:.0f} s | {sum(sizes.values()):.0f} | {detail} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--read-only", action="store_true", help="aucune écriture hormis les connexions")
    parser.add_argument(
        "--max-requests",
        type=int,
        help="requêtes par worker avant remplacement (0 : jamais ; défaut : serve)",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 100 or not 0 < args.minutes <= 60:
        parser.error("de 1 à 100 clients, de quelques secondes à 60 minutes")
    report = soak(
        args.clients,
        args.minutes,
        args.database_url,
        read_only=args.read_only,
        max_requests=args.max_requests,
    )
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
