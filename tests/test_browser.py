"""Exported files in a real browser: Debian's Chromium, headless, with every network request refused.

Each file must open with no request leaving it and no console error; hostile text must stay text; the
page must be accessible (language, one h1, no skipped headings, alt text, AA contrast) and print on A4
without anything running off the page. Screenshots and PDFs are kept in the test's tmp folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from playbook.catalogue import Catalogue
from playbook.handout import write_handouts
from playbook.i18n import t
from playbook.session import SessionFile

from .conftest import EXAMPLE_EN, EXAMPLE_NL, ROOT
from .test_handout import HOSTILE, hostile_session
from .test_outputs import axe_violations, nu_errors

A4_CONTENT_PX = 688  # 210 mm minus 2 × 14 mm margins, at 96 px per inch

pytestmark = pytest.mark.browser


class Visit:
    """A page opened from a file with the network cut off; everything it tried and said is recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 1400})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort(),
        )
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file://", "data:"))]

    def close(self) -> None:
        self.context.close()


A11Y_JS = """() => {
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const problems = [];
  for (const el of document.querySelectorAll('main *, nav *, footer *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest('svg')) continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color).slice(0, 3), bg = background(el);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.6 && parseInt(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => Number(h.tagName[1]));
  const skips = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1);
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  return {
    lang: document.documentElement.lang,
    h1: document.querySelectorAll('h1').length,
    skips: skips.length,
    imagesWithoutAlt: [...document.querySelectorAll('img')].filter(i => !(i.getAttribute('alt') || '').trim()).length,
    duplicateIds: ids.length - new Set(ids).size,
    contrast: problems,
  };
}"""

OVERFLOW_JS = """(width) => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().width > 0)
  .filter(e => e.getBoundingClientRect().right > width + 1 || e.scrollWidth > e.clientWidth + 1 && ['TABLE','PRE','FIGURE','IMG'].includes(e.tagName))
  .map(e => e.tagName + ' ' + (e.className || '') + ' ' + (e.textContent || '').trim().slice(0, 40))"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("handouts")
    found: dict[str, Path] = {}
    for audience in ("participants", "facilitator"):
        for path in write_handouts([EXAMPLE_NL, EXAMPLE_EN], catalogue, audience, None, out):
            found[path.name] = path
        hostile = out / "hostile.session.yaml"
        if not hostile.exists():
            SessionFile.create(hostile, hostile_session())
        found[f"hostile.{audience}"] = write_handouts(
            [hostile], catalogue, audience, None, out / f"hostile-{audience}.html"
        )[0]
    found["report"] = _report(out, catalogue)
    return found


def _report(out: Path, catalogue: Catalogue) -> Path:
    """A post-session report of a hostile session that ran, with a photo and actions."""
    import datetime as dt

    from playbook.live import Live
    from playbook.report import report_html

    path = out / "ran.session.yaml"
    SessionFile.create(path, hostile_session())
    moments = iter(dt.datetime(2027, 3, 1, 9, m) for m in range(0, 60, 3))
    live = Live(SessionFile.open(path), catalogue, clock=lambda: next(moments))
    live.start()
    live.observe("note", HOSTILE[0])
    live.start()
    live.capture_result(HOSTILE[2], [("flip.png", PNG)])
    live.add_action(HOSTILE[1], HOSTILE[3], HOSTILE[5])
    target = out / "report.html"
    target.write_text(report_html(SessionFile.open(path), catalogue), encoding="utf-8")
    return target


def _png() -> bytes:
    """A small real PNG, so the report has a photo to embed."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def _check_page(browser: Any, path: Path, shots: Path) -> Visit:
    visit = Visit(browser, path)
    assert visit.outside() == [], f"{path.name} tried the network"
    assert visit.errors == [], f"{path.name} logged errors"
    report = visit.page.evaluate(A11Y_JS)
    assert report["lang"] in ("en", "nl") and report["h1"] == 1 and report["skips"] == 0, (path.name, report)
    assert report["imagesWithoutAlt"] == 0 and report["duplicateIds"] == 0, report
    assert report["contrast"] == [], report["contrast"][:5]
    # A long page on a loaded two-core machine can take a while to capture; the page itself is checked above.
    visit.page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=True, timeout=180_000)
    return visit


def test_handouts_open_offline_clean_and_accessible(
    browser: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    for name, path in files.items():
        if name.startswith("hostile") or name == "report":
            continue
        visit = _check_page(browser, path, tmp_path)
        assert visit.page.locator("script").count() == 0
        assert visit.page.locator("img").count() >= 1 and visit.page.locator("table").count() >= 1
        visit.close()
    assert len(list(tmp_path.glob("*.png"))) == 4


def test_hostile_text_stays_text_in_the_browser(browser: Any, files: dict[str, Path], tmp_path: Path) -> None:
    for audience in ("participants", "facilitator"):
        visit = _check_page(browser, files[f"hostile.{audience}"], tmp_path)
        page = visit.page
        assert page.title() == f"Plan {HOSTILE[4]} {HOSTILE[0]} · " + (
            "Programme for participants" if audience == "participants" else "Facilitator's script"
        )
        assert page.locator("script").count() == 0 and page.locator("main svg").count() == 0
        assert (
            page.evaluate(
                "() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
            )
            == 0
        )
        assert (
            page.evaluate(
                "() => [...document.querySelectorAll('a')].filter(a => a.href.startsWith('javascript')).length"
            )
            == 0
        )
        text = page.inner_text("main")
        # Every hostile text reaches both audiences (participants through their own fields), as text.
        for hostile in HOSTILE:
            assert hostile in text, hostile
        if audience == "participants":
            assert page.locator("a[href^='javascript']").count() == 0 and "javascript:alert(1)" in text
        visit.close()


def test_the_report_is_as_safe_and_clean_as_a_handout(
    browser: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    visit = _check_page(browser, files["report"], tmp_path)
    page = visit.page
    assert page.locator("script").count() == 0
    text = page.inner_text("main")
    for hostile in (HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3], HOSTILE[5]):
        assert hostile in text
    sources = page.evaluate("() => [...document.images].map(i => i.src.slice(0, 22))")
    assert sorted(sources) == ["data:image/jpeg;base64", "data:image/svg+xml;bas"]  # photos: re-encoded
    assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    visit.close()


def test_print_fits_on_a4(browser: Any, files: dict[str, Path], tmp_path: Path) -> None:
    for name in (
        "samen-een-servicedesk.facilitator.nl.html",
        "quarterly-retrospective.participants.en.html",
        "hostile.facilitator",
        "report",
    ):
        visit = Visit(browser, files[name])
        page = visit.page
        page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
        page.emulate_media(media="print")
        assert page.evaluate(OVERFLOW_JS, A4_CONTENT_PX) == []
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 1
        (tmp_path / f"{Path(name).stem}.pdf").write_bytes(pdf)
        visit.close()


@pytest.mark.slow
def test_the_site_opens_offline_with_static_widgets(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playbook.site import export_site

    out = tmp_path_factory.mktemp("site")
    pages = export_site(ROOT / "notebooks", out)
    names = {p.name for p in pages}
    assert {
        "index.html",
        "00_start_here.html",
        "01_brief_and_diagnosis.html",
        "03_design_the_session.html",
    } <= names
    shots = tmp_path_factory.mktemp("site-shots")
    for page_path in [p for p in pages if p.parent == out]:
        visit = _check_page(browser, page_path, shots)
        assert visit.page.locator("script").count() == 0
        hrefs = visit.page.evaluate(
            "() => [...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))"
        )
        local = [h for h in hrefs if not h.startswith(("http", "#", "data:", "mailto:"))]
        assert all((out / h).is_file() for h in local), f"{page_path.name} links to a missing page: {local}"
        if page_path.name != "index.html":
            assert visit.page.locator("details.code").count() >= 1  # code folded away, not removed
            assert not visit.page.locator("details.code").first.evaluate("d => d.open")
        visit.close()
    index = Visit(browser, out / "index.html")
    links = index.page.evaluate(
        "() => [...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))"
    )
    assert all((out / link).exists() for link in links) and len(links) >= 8
    index.close()
    diagnosis = Visit(browser, out / "01_brief_and_diagnosis.html")
    text = diagnosis.page.inner_text("main")
    assert (
        "Sterkte van de onderstroom" in text and "Vertrouwen" in text
    )  # the widget's state, shown statically
    assert diagnosis.page.locator("main svg").count() >= 3
    # The example is Dutch on an English site: its snapshots say so, and every chart has a text alternative.
    assert diagnosis.page.locator(".snapshot[lang='nl']").count() >= 2
    assert diagnosis.page.evaluate(
        "() => [...document.querySelectorAll('main svg')].every(s => s.getAttribute('role') === 'img' && s.getAttribute('aria-label'))"
    )
    diagnosis.close()
    run = (out / "05_run_the_session.html").read_text(encoding="utf-8")
    # No frozen clock: the snapshot says the clock runs in the notebook (in the Dutch example's words).
    assert "pb-clock" not in run and t("live.clock_live", "nl") in run
    for page_path in pages:
        text = page_path.read_text(encoding="utf-8")
        assert "playbook-site-" not in text and tempfile.gettempdir() + "/" not in text, page_path.name
    nu_errors([p for p in pages if p.suffix == ".html"])
    for page_path in [p for p in pages if p.parent == out]:
        assert axe_violations(browser, page_path) == [], page_path.name
    assert EXAMPLE_EN.exists()
