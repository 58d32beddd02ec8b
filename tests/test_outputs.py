"""What people receive, checked as they receive it: on a 390 px phone and a 1280 px desktop, printed on
A4 and as PDF, by the W3C Nu HTML checker and by axe-core.

The checkers come from npm (``tests/tools``, installed by ``make browser`` with Debian's Java, Chromium and
poppler-utils); under CI=true a missing one fails instead of skipping.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from playbook.catalogue import Catalogue
from playbook.handout import write_handouts
from playbook.live import Live
from playbook.pdf import html_to_pdf
from playbook.report import report_html
from playbook.session import SessionFile

from .conftest import EXAMPLE_EN, EXAMPLE_NL, ROOT
from .test_handout import HOSTILE, hostile_session

pytestmark = pytest.mark.browser
TOOLS = ROOT / "tests" / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 390, 1280

# Every word of the page that was split over two lines although it would fit on one: a mid-word break.
BROKEN_WORDS_JS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('svg, pre, code') || getComputedStyle(parent).display === 'none') continue;
    const width = parent.getBoundingClientRect().width;
    if (width < 20) continue;  // visually hidden (a phone's table header): not read as lines
    for (const m of node.textContent.matchAll(/\\S+/g)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size < 2 || range.getBoundingClientRect().width >= width) continue;
      // A line may end after a hyphen the word already has ("1-2-4-all", "check-out"): that is no break.
      let top = null, bad = false;
      for (let i = 0; i < m[0].length; i++) {
        range.setStart(node, m.index + i);
        range.setEnd(node, m.index + i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        if (top !== null && Math.round(rect.top) !== top && !'-‐–/\u00ad'.includes(m[0][i - 1])) bad = true;
        top = Math.round(rect.top);
      }
      if (bad) broken.push(m[0]);
    }
  }
  return broken;
}"""


def _tool(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{what} is not installed (make browser installs it)")
    return path


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> dict[str, Path]:
    """Every kind of page the playbook hands over: both audiences in both languages, a hostile session,
    and the report of a session that ran (with a photo)."""
    out = tmp_path_factory.mktemp("outputs")
    found: dict[str, Path] = {}
    for audience in ("participants", "facilitator"):
        for path in write_handouts([EXAMPLE_NL, EXAMPLE_EN], catalogue, audience, None, out):
            found[path.stem] = path
    hostile = out / "hostile.session.yaml"
    SessionFile.create(hostile, hostile_session())
    for audience in ("participants", "facilitator"):
        found[f"hostile.{audience}"] = write_handouts(
            [hostile], catalogue, audience, None, out / f"hostile.{audience}.html"
        )[0]
    found["report"] = _report(out, catalogue)
    return found


def _report(out: Path, catalogue: Catalogue) -> Path:
    import io

    from PIL import Image

    path = out / "ran" / EXAMPLE_NL.name
    path.parent.mkdir()
    shutil.copyfile(EXAMPLE_NL, path)
    moments = (dt.datetime(2027, 1, 14, 12, 55) + dt.timedelta(minutes=m) for m in itertools.count(0, 2))
    live = Live(SessionFile.open(path), catalogue, clock=lambda: next(moments))
    live.start()
    live.observe("note", HOSTILE[0])
    live.swap_to_plan_b(1)
    for _ in range(4):
        live.start()
    live.cut()
    for _ in range(5):
        live.start()
    live.finish()
    photo = io.BytesIO()
    Image.new("RGB", (2400, 1800), (200, 190, 150)).save(photo, format="JPEG")
    live.capture_result(
        "Vijf werkafspraken op de wand, elk met twee bewakers.", [("wand.jpg", photo.getvalue())]
    )
    live.add_action("Afspraken uitwerken", "Marieke", "1 februari")
    target = out / "report.html"
    target.write_text(report_html(SessionFile.open(path), catalogue), encoding="utf-8")
    return target


def _open(browser: Any, path: Path, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort()
    )
    page = context.new_page()
    page.goto(path.as_uri())
    return page


def _measure(browser: Any, path: Path, width: int) -> dict[str, Any]:
    page = _open(browser, path, width)
    try:
        return {
            "height": page.evaluate("document.documentElement.scrollHeight"),
            "scroll": page.evaluate("document.documentElement.scrollWidth"),
            "broken": page.evaluate(BROKEN_WORDS_JS),
        }
    finally:
        page.context.close()


def test_every_page_fits_a_phone_and_a_desktop_without_breaking_words(
    browser: Any, outputs: dict[str, Path]
) -> None:
    for name, path in outputs.items():
        phone, desktop = _measure(browser, path, PHONE), _measure(browser, path, DESKTOP)
        assert phone["scroll"] <= PHONE and desktop["scroll"] <= DESKTOP, (
            name,
            phone["scroll"],
            desktop["scroll"],
        )
        if "hostile" in name:  # markup soup is no language: it must only never widen the page
            continue
        assert phone["broken"] == [] and desktop["broken"] == [], (
            name,
            phone["broken"][:5],
            desktop["broken"][:5],
        )
        if "participants" in name:
            assert phone["height"] <= 1.5 * desktop["height"], (name, phone["height"], desktop["height"])


def test_one_column_on_a_phone(browser: Any, outputs: dict[str, Path]) -> None:
    page = _open(browser, outputs["samen-een-servicedesk.participants.nl"], PHONE)
    cells = page.evaluate(
        "() => [...document.querySelectorAll('table.agenda td')].filter(td => td.offsetWidth).map(td => [td.className, td.getBoundingClientRect().left, td.getBoundingClientRect().width])"
    )
    assert cells and all(left < 40 for _, left, _ in cells)  # every cell starts at the left: one column
    assert all(width > 300 for kind, _, width in cells if kind != "time")
    assert page.evaluate("getComputedStyle(document.querySelector('main p')).hyphens") == "auto"
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.context.close()


def _pages(pdf: bytes, tmp: Path, name: str) -> int:
    path = tmp / f"{name}.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        [_tool(Path(shutil.which("pdfinfo") or "/usr/bin/pdfinfo"), "pdfinfo"), str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _fill(pdf: Path, tmp: Path) -> list[float]:
    """How far down each printed page its content reaches (0..1), the page number in the margin aside."""
    import numpy as np
    from PIL import Image

    prefix = tmp / pdf.stem
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(prefix)], check=True)
    fills = []
    for png in sorted(tmp.glob(f"{pdf.stem}-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        pixels = np.asarray(Image.open(png))
        body = pixels[: int(pixels.shape[0] * 0.93)]  # leave out the footer's page number
        inked = np.nonzero(body.min(axis=1) < 200)[0]
        fills.append((inked.max() if inked.size else 0) / pixels.shape[0])
    return fills


def test_printed_and_pdf_pages_are_tight(browser: Any, outputs: dict[str, Path], tmp_path: Path) -> None:
    limits = {
        "samen-een-servicedesk.participants.nl": 2,
        "quarterly-retrospective.participants.en": 2,
        "report": 2,
    }
    for name, path in outputs.items():
        html = path.read_text(encoding="utf-8")
        pdf = html_to_pdf(html)
        page = _open(browser, path, DESKTOP)
        page.emulate_media(media="print")
        printed = page.pdf(prefer_css_page_size=True, print_background=True)
        page.context.close()
        count = _pages(pdf, tmp_path, name)
        assert count == _pages(printed, tmp_path, f"{name}.printed"), name  # the same pages as printing
        if name in limits:
            assert count <= limits[name], (name, count)
        fills = _fill(tmp_path / f"{name}.pdf", tmp_path)
        assert all(f > 0.45 for f in fills[:-1]), (name, [round(f, 2) for f in fills])  # no page mostly blank


def test_the_facilitators_script_has_a_run_sheet_page_numbers_and_a_confidential_mark(
    outputs: dict[str, Path], tmp_path: Path
) -> None:
    pdf = tmp_path / "script.pdf"
    pdf.write_bytes(html_to_pdf(outputs["samen-een-servicedesk.facilitator.nl"].read_text(encoding="utf-8")))
    pages = _pages(pdf.read_bytes(), tmp_path, "script")
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    second = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Draaiboek op één blad" in first and "16:10–16:20" in first and "Check-out" in first
    assert "De opdracht" in second  # the run sheet is one page, and the brief starts the next
    assert f"1 / {pages}" in first and f"2 / {pages}" in second
    assert "VERTROUWELIJK" in first and "Samen één servicedesk · donderdag 14 januari 2027" in second
    participants = tmp_path / "participants.pdf"
    participants.write_bytes(
        html_to_pdf(outputs["samen-een-servicedesk.participants.nl"].read_text(encoding="utf-8"))
    )
    text = subprocess.run(
        ["pdftotext", str(participants), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "VERTROUWELIJK" not in text and re.search(r"1\s*/\s*\d", text)


def test_the_nu_html_checker_finds_no_errors(outputs: dict[str, Path]) -> None:
    nu_errors(list(outputs.values()))


def nu_errors(paths: list[Path]) -> None:
    """Run the W3C Nu checker once over all pages; fail with every message it has."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (make browser installs Debian's default-jre-headless)")
    jar = _tool(VNU, "the W3C Nu HTML checker (vnu-jar)")
    proc = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--errors-only", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(proc.stderr or '{"messages": []}')["messages"]
    assert messages == [], [
        (Path(m.get("url", "")).name, m.get("message"), m.get("extract", "")[:80]) for m in messages[:10]
    ]


def axe_violations(browser: Any, path: Path) -> list[str]:
    """axe-core's violations on a page (injected past the page's CSP, which forbids scripts)."""
    script = _tool(AXE, "axe-core")
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, bypass_csp=True)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort()
    )
    page = context.new_page()
    page.goto(path.as_uri())
    page.add_script_tag(path=str(script))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    context.close()
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:80]})" for v in result]


def test_axe_finds_no_accessibility_violations(browser: Any, outputs: dict[str, Path]) -> None:
    for name, path in outputs.items():
        assert axe_violations(browser, path) == [], name
