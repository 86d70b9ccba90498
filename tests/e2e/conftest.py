"""Browser tests: Playwright driving Debian's chromium against the live test server.

Without /usr/bin/chromium the tests are skipped with a clear message, except under CI
(PORTAL_REQUIRE_BROWSER=1), where a missing browser is a failure.

Every page a browser test opens is audited with axe-core (issue 15), in the page once it has loaded;
a click, a test's goto() and the end of the test wait for that audit. A serious or critical
violation fails the test that opened the page; every audit, with its duration, is appended to
``test-artifacts/a11y/axe.jsonl`` (``scripts/a11y-report`` sums it per page). A page already audited in
this run in the same state (its path with numbers replaced, its title, the tab's width and text size)
is not audited again.
"""

import json
import os
import warnings
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PORTAL_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
# (creating data) are ordinary blocking calls, so Django's async-safety guard is relaxed for them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip("SKIPPED browser tests: " + message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _watch_csp(page) -> list[str]:
    """Collects the browser's Content-Security-Policy refusals: a page that needs an inline script or
    style the policy forbids fails its test (issue 12)."""
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    return refused


AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}
# Runs in every top-level document of an audited tab: audits the page once it has loaded (asking the test
# for axe's source first, through the portalLoadAxe binding, only when the state is new) and keeps the
# result in the tab's sessionStorage; a failed load is recorded as a failed audit. Until the audit is
# done, a transparent shield covers the page, so Playwright's clicks (which wait until their target
# receives the pointer) wait for it and no page is left unaudited by a click. AUDITED lists the states
# already audited in this run (the path with numbers replaced, the title, the width, the text size).
AXE_RUNNER = """(() => {
  if (window.top !== window) return;
  const state = window.__portalAxe = {status: 'waiting'};
  const shield = document.createElement('div');
  shield.id = 'portal-axe-shield';
  shield.setAttribute('aria-hidden', 'true');
  Object.assign(shield.style, {position: 'fixed', inset: '0', zIndex: '2147483647', background: 'transparent'});
  document.addEventListener('DOMContentLoaded', () => document.documentElement.appendChild(shield));
  const key = () => [location.pathname.replace(/\\d+/g, '<n>'), document.title, window.innerWidth,
                     document.documentElement.className].join('|');
  const finish = () => { state.status = 'done'; shield.remove(); };
  window.addEventListener('load', () => setTimeout(async () => {
    const audited = JSON.parse(sessionStorage.getItem('portal-axe-keys') || '[]').concat(AUDITED);
    if (audited.includes(key())) { finish(); return; }
    state.status = 'running';
    let record, started = performance.now();
    try {
      if (!window.axe) await window.portalLoadAxe();  // evaluated by the test, only for a state to audit
      started = performance.now();
      const result = await axe.run({exclude: [['#portal-axe-shield']]}, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
        resultTypes: ['violations'],
      });
      record = {violations: result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
        targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
      }))};
    } catch (error) { record = {error: String(error), violations: []}; }
    Object.assign(record, {url: location.pathname + location.search, title: document.title,
      width: window.innerWidth, html_class: document.documentElement.className, key: key(),
      ms: Math.round(performance.now() - started)});
    const records = JSON.parse(sessionStorage.getItem('portal-axe') || '[]');
    records.push(record);
    sessionStorage.setItem('portal-axe', JSON.stringify(records));
    sessionStorage.setItem('portal-axe-keys', JSON.stringify(audited.concat([record.key])));
    finish();
  }, 0));
})();"""
_audited_states: list[str] = []


def _axe_source() -> str | None:
    if AXE_JS.exists():
        return AXE_JS.read_text(encoding="utf-8")
    message = f"accessibility audits need axe-core at {AXE_JS} (make install runs npm ci in tests/e2e)"
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    warnings.warn("NOT AUDITED: " + message, stacklevel=2)
    return None


class Audits:
    """The axe audits of the tabs one test opened: ``watch(tab)`` before its first page, ``collect(tab)``
    at the end of the test."""

    def __init__(self, test_name: str, log: Path):
        self.test_name = test_name
        self.failures: list[str] = []
        self.source = _axe_source()
        self.log = log

    def watch(self, tab) -> None:
        if self.source is None:
            return
        runner = AXE_RUNNER.replace("AUDITED", json.dumps(_audited_states, ensure_ascii=False))
        # axe itself (650 kB) only in a page with a state to audit: evaluated there when the runner asks,
        # not parsed in every document (a page's CSP forbids the page to eval it itself)
        source = self.source
        tab.expose_binding("portalLoadAxe", lambda caller: caller["frame"].evaluate(source))
        tab.add_init_script(runner)
        # A test's own goto() leaves the page without a click: wait for the page's audit first.
        leave = tab.goto

        def goto(*args, **kwargs):
            self.wait(tab)
            return leave(*args, **kwargs)

        tab.goto = goto

    @staticmethod
    def wait(tab) -> None:
        if tab.url.startswith("http"):
            tab.wait_for_function("() => !window.__portalAxe || window.__portalAxe.status === 'done'")

    def collect(self, tab) -> None:
        if self.source is None or not tab.url.startswith("http"):
            return
        self.wait(tab)
        records = json.loads(tab.evaluate("() => sessionStorage.getItem('portal-axe') || '[]'"))
        with self.log.open("a", encoding="utf-8") as out:
            for record in records:
                _audited_states.append(record["key"])
                out.write(json.dumps({"test": self.test_name, **record}, ensure_ascii=False) + "\n")
                for violation in record["violations"]:
                    if violation["impact"] in FAILING_IMPACTS:
                        self.failures.append(
                            f"{record['url']} ({record['title']}): {violation['impact']} {violation['id']}"
                            f" — {violation['help']} — {violation['targets']}"
                        )
                if record.get("error"):
                    self.failures.append(f"{record['url']}: axe failed: {record['error']}")


@pytest.fixture(scope="session")
def axe_log():
    """This run's audits (the file is emptied when the first browser test starts)."""
    log = ARTIFACTS / "a11y" / "axe.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    return log


@pytest.fixture
def new_page(browser, request, axe_log):
    """``new_page(width=1280, height=900, mobile=False, **context_options)`` opens a tab in a fresh
    context (its own cookies); every page it shows is audited (unless ``java_script_enabled=False``: the
    audit runs in the page), and the tab is closed after the test."""
    audits = Audits(request.node.nodeid, axe_log)
    opened = []

    def open_tab(width=1280, height=900, mobile=False, **options):
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=mobile, **options)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        opened.append((tab, _watch_csp(tab)))
        # with JavaScript off the audit cannot run in the page (test_without_javascript.py runs axe itself)
        if options.get("java_script_enabled", True):
            audits.watch(tab)
            watched.append(tab)
        return tab

    watched = []
    yield open_tab
    for tab, _refused in opened:
        if not tab.is_closed() and tab in watched:
            audits.collect(tab)
        tab.context.close()
    refused = [message for _tab, messages in opened for message in messages]
    assert not refused, refused
    assert not audits.failures, "axe found serious or critical problems:\n" + "\n".join(audits.failures)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(width=390, height=844, mobile=True)


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")`` saves a full-page PNG under test-artifacts/screenshots/."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(live_server):
    """``login(page, username, password)`` logs in through the real form."""

    def do(page, username: str, password: str = "Test-pass-123!"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("[data-testid=login-submit]")
        page.wait_for_selector("[data-testid=nav-user]", state="attached")
        # the landing page's own load event is over before the test goes on (tests count page loads)
        page.wait_for_load_state("load")

    return do


@pytest.fixture
def walk_in(enterprise):
    """An enterprise at the window: the problem configuration exists, its 法定代表人 and phone are on file
    (the window pre-fills the contact from them)."""
    from tests.issues.conftest import ensure_issue_configuration

    ensure_issue_configuration()
    enterprise.legal_representative, enterprise.contact_phone = "李四", "0572-2211333"
    enterprise.save()
    return enterprise
