"""A served instance on loopback, for the end-to-end tests and the benchmarks: a free port, the server
process, and the wait until it answers.

One place for what tests/e2e, tests/test_database_busy.py and bench/soak.py used to write each their own way.
"""

import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 at the time of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    command: list[str],
    *,
    env: dict,
    cwd: Path,
    log_path: Path,
    probe: str = "/sources/",
    timeout: float = 400,
) -> tuple[subprocess.Popen, str]:
    """Start ``command`` (``santelocale serve …`` or ``gunicorn …``) bound to a free loopback port, and
    return (process, base URL) once ``probe`` answers.

    Its output goes to ``log_path``. Raises ``RuntimeError`` with that output if the process ends or does not
    answer within ``timeout`` seconds (``santelocale serve`` runs collectstatic first: over two minutes on
    a loaded 2-core machine).
    """
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}"], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url + probe, timeout=5)
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"Le serveur n’a pas démarré :\n{log_path.read_text()}") from None
            time.sleep(0.3)


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server (its workers with it), killing it if it does not stop within 10 seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
