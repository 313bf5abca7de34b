"""WCAG 2.1 A/AA in a real browser: axe-core checks every main page, in Vietnamese and English.

axe-core comes from npm (tests/support/axe, installed with ``npm ci`` from its lock file), never
from a CDN. The app's CSP forbids inline scripts, so the engine is defined in the page through
Playwright's evaluate (DevTools protocol, not a <script> element) instead of add_script_tag.
Only "serious" and "critical" findings fail: those block people (unreadable text, unlabelled
fields, unnamed buttons); "moderate"/"minor" are best-practice advice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskCliRunner

from tests.helpers import StaffMaker

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "support" / "axe" / "node_modules" / "axe-core" / \
    "axe.min.js"
BLOCKING = ("serious", "critical")
PROCEDURE = "1.001193"  # Đăng ký khai sinh, in the packaged catalogue

# Runs axe on the whole document (WCAG 2.0 and 2.1, levels A and AA) and keeps what a failure
# message needs.
RUN_AXE = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))
  }));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        reason = "axe-core not installed: (cd tests/support/axe && npm ci --no-audit --no-fund)"
        if os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (MOTCUA_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def signed_pdf() -> bytes:
    """Signed by the throw-away test PKI, whose root this agency does not trust: a verdict
    with findings. Request it before ``page``: pyHanko needs asyncio before Playwright's loop."""
    from tests.esign.pki import get_pki
    from tests.esign.test_pdf_support import base_pdf, sign

    pki = get_pki()
    return sign(base_pdf(), pki.signer.simple_signer(pki), "Signature1")


@dataclass(frozen=True)
class Dossier:
    """A dossier received through ``motcua dossier receive``: its code and QR path + fragment."""

    code: str
    lookup: str


@pytest.fixture
def dossier(runner: FlaskCliRunner) -> Dossier:
    result = runner.invoke(args=["dossier", "receive", "--procedure", PROCEDURE,
                                 "--applicant-name", "Nguyễn Thị Hoa", "--phone", "0912345678",
                                 "--address", "Số 5 phố Huế", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    url = urlsplit(printed["lookup_url"])
    return Dossier(printed["code"], f"{url.path}#{url.fragment}")


def blocking_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def describe(path: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{path}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())[:220]
            lines.append(f"      {node['target']} — {summary}")
    return "\n".join(lines)


def audit(page: Any, label: str, axe_source: str, failures: list[str]) -> None:
    """Check the page as it stands now (after a navigation or a submitted form)."""
    page.wait_for_load_state("networkidle")
    violations = blocking_violations(page, axe_source)
    if violations:
        failures.append(describe(label, violations))


def visit(page: Any, base: str, path: str, axe_source: str, failures: list[str]) -> None:
    response = page.goto(f"{base}{path}", wait_until="networkidle")
    assert response is not None
    assert response.status == 200, (path, response.status)
    audit(page, path, axe_source, failures)


def submit(page: Any, button: str = "main form button[type=submit]") -> None:
    page.locator(button).first.click()
    page.wait_for_load_state("networkidle")


def paths(app: Flask, dossier: Dossier) -> dict[str, str]:
    """The pages under test by endpoint; their URLs come from the app's own URL map."""
    with app.test_request_context():
        found = {endpoint: url_for(endpoint, **args) for endpoint, args in [
            ("home.index", {}),
            ("desk.index", {}),
            ("desk.choose_procedure", {}),
            ("desk.intake", {"code": PROCEDURE}),
            ("desk.dossier", {"code": dossier.code}),
            ("desk.receipt", {"code": dossier.code}),
            ("verify.index", {}),
            ("activation.index", {}),
            ("dashboard.index", {}),
            ("admin.staff_list", {}),
        ]}
    found["lookup.status"] = dossier.lookup  # with the signed token in the fragment
    return found


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    submit(page)
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_main_pages_have_no_serious_wcag_violations(
        signed_pdf: bytes, app: Flask, live_server: Any, page: Any, make_staff: StaffMaker,
        dossier: Dossier, axe_source: str, lang: str, tmp_path: Path) -> None:
    base = live_server.url
    failures: list[str] = []
    page.goto(f"{base}/lang/{lang}?next=/auth/login")
    assert page.locator("html").get_attribute("lang") == lang
    audit(page, "/auth/login", axe_source, failures)
    page.locator("input[name=username]").fill("khong.co.ai")
    page.locator("input[name=password]").fill("sai-mat-khau")
    submit(page)
    assert page.locator("main [role=alert]").count() >= 1
    audit(page, "/auth/login (wrong password)", axe_source, failures)

    # An administrator outranks a supervisor, so one account reaches every page below.
    username, password = make_staff("admin")
    sign_in(page, base, username, password)
    # Signing in starts a fresh session (fixation defence), which drops the language choice.
    page.goto(f"{base}/lang/{lang}?next=/")
    pages = paths(app, dossier)
    for endpoint, path in pages.items():
        visit(page, base, path, axe_source, failures)
        if endpoint == "home.index":  # the staff menu's management drop-down, opened
            page.locator("header nav details summary").first.click()
            audit(page, "/ (menu 'Quản lý' open)", axe_source, failures)

    # Error states: every invalid field is flagged and described by its message.
    page.goto(f"{base}{pages['desk.intake']}")
    submit(page, "#submit-intake")
    assert page.locator("main [aria-invalid=true]").count() >= 1
    audit(page, f"{pages['desk.intake']} (empty form sent)", axe_source, failures)
    # A signature check result with findings (signer not trusted here).
    upload = tmp_path / "giay-xac-nhan.pdf"
    upload.write_bytes(signed_pdf)
    page.goto(f"{base}{pages['verify.index']}")
    page.locator("#document").set_input_files(str(upload))
    submit(page)
    assert page.locator(".verdict").count() == 1
    audit(page, f"{pages['verify.index']} (result)", axe_source, failures)

    assert page.locator("html").get_attribute("lang") == lang
    assert not failures, "axe-core (WCAG 2.1 A/AA) blocking violations:\n" + "\n".join(failures)


def test_checker_reports_a_real_violation(app: Flask, live_server: Any, page: Any,
                                          axe_source: str) -> None:
    """Guards the guard: the injected engine does find an unlabelled field and bad contrast."""
    page.goto(f"{live_server.url}/auth/login")
    page.evaluate("""() => {
      const input = document.createElement("input");
      input.type = "text";
      document.querySelector("main").appendChild(input);
      const faint = document.createElement("p");
      faint.textContent = "Chữ quá nhạt";
      faint.setAttribute("class", "card");
      document.querySelector("main").appendChild(faint);
      faint.style.color = "#dddddd";
    }""")
    ids = {v["id"] for v in blocking_violations(page, axe_source)}
    assert {"label", "color-contrast"} <= ids


# What the keyboard user sees: the focused element's outline and the colour behind it (the
# first opaque ancestor: the outline is drawn outside the element).
FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  let node = el.parentElement, behind = "rgb(255, 255, 255)";
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    const alpha = bg.startsWith("rgba") ? parseFloat(bg.split(",")[3]) : 1;
    if (alpha === 1) { behind = bg; break; }
    node = node.parentElement;
  }
  return {name: el.tagName + " " + (el.textContent || el.name || "").trim().slice(0, 30),
          style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, behind: behind};
}"""


def _luminance(css: str) -> float:
    channels = [int(float(c)) / 255 for c in css[css.index("(") + 1:-1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_keyboard_focus_is_visible_everywhere_on_the_home_page(
        app: Flask, live_server: Any, page: Any, make_staff: StaffMaker) -> None:
    """axe cannot see focus: tab through header, tiles and footer; every stop shows a ring of
    at least 2px that stands out 3:1 from what is behind it (the red header included)."""
    base = live_server.url
    page.goto(f"{base}/auth/login")
    sign_in(page, base, *make_staff("admin"))
    page.goto(f"{base}/")
    stops = page.locator("a[href], button, input, select, textarea, summary").count()
    weak = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["name"].startswith("BODY"):  # focus left the page for the browser's own UI
            continue
        if (ring["style"] == "none" or ring["width"] < 2
                or contrast(ring["color"], ring["behind"]) < 3):
            weak.append(ring)
    assert stops > 5
    assert not weak, weak
