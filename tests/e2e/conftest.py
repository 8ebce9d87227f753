"""The browser harness: Playwright driving Debian's Chromium against a live server.

`check_page` opens a page, fails on any axe-core violation (WCAG 2.0/2.1 A and AA), on
any request to another host and on any CSP violation, and hands the server's HTML to the
Nu HTML Checker, which runs once for the whole session (each Java start costs seconds).
"""

import json
import os
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# beside one unless told it is safe (it is: the loop never touches the database).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Recorded before any page script runs, so a blocked inline script or style is caught.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def migrated_content(live_server, migrated_content_snapshot):
    """Browser tests run against a live server, so on a transactional database that
    is flushed after each test, taking what data migrations put there with it. Put it
    back as the migrations left it before each test.

    (Django's serialized rollback would do this, but Playwright's sync API runs the
    test in another context, where the test database's serialized copy is not seen.)
    """
    from tests.conftest import restore_migrated_content

    restore_migrated_content(migrated_content_snapshot)


class HtmlChecker:
    """Collects server HTML during the session and checks it all in one vnu run."""

    def __init__(self):
        self.documents: dict[str, str] = {}

    def add(self, name: str, html: str) -> None:
        self.documents[name] = html

    def run(self) -> list[str]:
        if not self.documents:
            return []
        with tempfile.TemporaryDirectory() as tmp:
            files = {}
            for index, (name, html) in enumerate(sorted(self.documents.items())):
                path = Path(tmp) / f"page{index:03d}.html"
                path.write_text(html, encoding="utf-8")
                files[path.name] = (path, name)
            result = subprocess.run(
                ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout"]
                + [str(path) for path, _name in files.values()],
                capture_output=True,
                text=True,
                check=False,
            )
            report = json.loads(result.stdout or "{}")
            problems = []
            for message in report.get("messages", []):
                if message.get("type") != "error":
                    continue
                url = message.get("url", "")
                name = files.get(url.rsplit("/", 1)[-1], (None, url))[1]
                problems.append(
                    f"{name}:{message.get('lastLine', '?')}: {message.get('message')}"
                )
            if result.returncode not in (0, 1) and not report:
                problems.append(f"vnu failed to run: {result.stderr.strip()}")
            return problems


@pytest.fixture(scope="session")
def html_checker():
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `make test` (npm ci installs vnu-jar)")
    checker = HtmlChecker()
    yield checker
    problems = checker.run()
    assert problems == [], "Nu HTML Checker errors:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM_PATH).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}: run `make test`, which installs it"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_context(browser, **kwargs):
    defaults = {"locale": "nb-NO", "viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(**{**defaults, **kwargs})
    context.add_init_script(CSP_LISTENER)
    return context


@pytest.fixture
def context(browser):
    """A context that keeps the site's CSP: what patients get."""
    context = _new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def axe_page(browser):
    """A page whose context bypasses CSP, so axe-core can be injected into it."""
    context = _new_context(browser, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


@pytest.fixture
def check_page(page, axe_page, html_checker, live_server):
    """Open `path` as a patient would and assert the page's promises; returns the page.

    Checks: the expected status, no request to another host, no CSP violation (with the
    real policy), no axe violation, and the HTML goes to the session's vnu run.
    """

    # No third party at all: the map's tiles load only when "Vis kart" is pressed.
    allowed = {urlsplit(live_server.url).netloc}

    def check(path: str, *, status: int = 200):
        foreign: list[str] = []
        page.on(
            "request",
            lambda request: (
                foreign.append(request.url)
                if urlsplit(request.url).scheme in ("http", "https")
                and urlsplit(request.url).netloc not in allowed
                else None
            ),
        )
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == status, f"{path}: {response.status}"
        page.wait_for_load_state("load")
        html_checker.add(path, response.text())
        assert foreign == [], f"{path} loaded from other hosts: {foreign}"
        assert csp_violations(page) == [], f"{path}: CSP violations"

        axe_page.goto(live_server.url + path)
        assert run_axe(axe_page) == [], f"{path}: axe violations"
        return page

    check.origin = live_server.url
    return check
