"""compose.yaml read as data: no Docker engine runs here, so what can be checked
without one is checked (the front before the app, its config mounted, the settings
that must agree with it)."""

import re
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

# The suite's autouse fixtures use the test database (see test_nginx.py).
pytestmark = pytest.mark.django_db

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
NGINX_CONF = (ROOT / "deploy" / "nginx" / "nemus.conf").read_text()


def mounts(service: str) -> dict[str, str]:
    """container path -> host path (relative to the repo) of bind mounts."""
    found = {}
    for volume in SERVICES[service].get("volumes", []):
        source, target, *_ = volume.split(":")
        found[target] = source
    return found


def test_the_front_is_nginx_with_the_repos_config_mounted():
    front = SERVICES["front"]
    assert front["image"].startswith("nginx:")
    assert sorted(front["ports"]) == ["443:443", "80:80"]
    volumes = mounts("front")
    assert volumes["/etc/nginx/conf.d/default.conf"] == "./deploy/nginx/nemus.conf"
    # The paths the config reads are the ones mounted.
    assert "/usr/share/nginx/nemus-errors/" in NGINX_CONF
    assert volumes["/usr/share/nginx/nemus-errors"] == "./deploy/nginx/errors"
    for name in ("fullchain.pem", "privkey.pem"):
        assert f"/etc/nginx/tls/{name}" in NGINX_CONF
    assert volumes["/etc/nginx/tls"] == "./deploy/tls"
    for source in volumes.values():
        if source.startswith("./"):
            assert (ROOT / source).exists() or source == "./deploy/tls", source
    assert front["depends_on"]["app"]["condition"] == "service_healthy"


def test_only_the_front_is_published_and_it_reaches_the_app_by_name():
    assert "ports" not in SERVICES["app"]
    assert SERVICES["app"]["expose"] == ["8000"]
    assert re.search(r"^\s*server app:8000\b", NGINX_CONF, re.MULTILINE)
    published = [name for name, service in SERVICES.items() if "ports" in service]
    assert published == ["front"]


def test_the_app_agrees_with_the_front():
    env = SERVICES["app"]["environment"]
    assert env["DJANGO_PROXY_COUNT"] == "1"
    assert env["DJANGO_HTTPS"] == "1"
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in NGINX_CONF
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX_CONF
    names = set(re.search(r"server_name ([^;]+);  # SITE", NGINX_CONF)[1].split())
    default_hosts = env["DJANGO_ALLOWED_HOSTS"].split(":-", 1)[1].rstrip("}")
    assert names <= set(default_hosts.split(","))
    # The scheduler shares the app's settings.
    assert SERVICES["scheduler"]["environment"] == env


def test_keys_are_never_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "deploy/tls/" in ignored
    tracked = subprocess.run(
        ["git", "ls-files", "deploy/tls"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert tracked == ""
