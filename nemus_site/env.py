"""Tiny helpers that read settings from the environment.

Everything that differs between machines comes through here, so settings.py stays
one code path for development, CI and production. `.env.local` (written by
`make run`, git-ignored) fills in what the environment does not set; the real
environment always wins.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit


def load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines from `path` into os.environ, never overriding a set one."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def env_str(name: str, default: str = "") -> str:
    # Empty counts as unset, so a copied .env.example with blank lines keeps defaults.
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def email_settings(url: str) -> dict:
    """Django's EMAIL_* settings from an EMAIL_URL such as
    `smtp+tls://user:password@smtp.example.no:587` (smtp, smtp+tls, smtp+ssl).
    Empty when no URL is given. Raises ValueError for another scheme."""
    if not url:
        return {}
    parts = urlsplit(url)
    schemes = {
        "smtp": (False, False),
        "smtp+tls": (True, False),
        "smtp+ssl": (False, True),
    }
    if parts.scheme not in schemes:
        raise ValueError(
            "EMAIL_URL must start with smtp://, smtp+tls:// or smtp+ssl://"
        )
    use_tls, use_ssl = schemes[parts.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
