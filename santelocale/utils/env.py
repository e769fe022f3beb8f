"""Typed readers for environment variables that fail fast on a bad value."""

import os
from pathlib import Path


class ConfigurationError(RuntimeError):
    """An environment variable holds a value the platform cannot use."""


def env_str(name: str, default: str = "") -> str:
    """Return the variable as a string, or ``default`` when it is unset or empty."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    """Return the variable as a boolean; accepts true/false, yes/no, 1/0, on/off in any case."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on", "vrai", "oui"}:
        return True
    if value in {"0", "false", "no", "off", "faux", "non"}:
        return False
    raise ConfigurationError(f"{name}={raw!r} : valeur booléenne attendue (true/false).")


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer, raising on anything that is not one."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={raw!r} : nombre entier attendu.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty stripped items."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """Return the variable as a path (not required to exist)."""
    raw = os.environ.get(name)
    return Path(raw).expanduser() if raw else default


def read_or_create_secret(path: Path) -> str:
    """Return the secret stored in ``path``, creating it (random, readable by the owner only) if absent.

    Lets `make run` work with no configuration while every installation gets its own key.
    """
    if path.exists():
        return path.read_text().strip()
    import secrets

    secret = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(secret)
    return secret


def env_choice(name: str, choices: list[str], default: str) -> str:
    """Return the variable if it is one of ``choices`` (``default`` when unset), raising on anything else."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigurationError(f"{name}={raw!r} : valeur attendue parmi {', '.join(choices)}.")
    return value


def env_required(name: str, why: str) -> str:
    """Return the variable, raising with ``why`` (French, for the operator) when it is unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        raise ConfigurationError(f"{name} doit être défini : {why}")
    return raw
