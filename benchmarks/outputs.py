"""What people receive (part of `make bench`): the size of every output with and without its images, the
time of one handout and of one PDF, and the pages and heights the output tests hold them to.

Sizes are the files a facilitator sends; "without images" strips the embedded data (charts, photos), which
is the text and markup alone. Times are medians of a warm process, and one PDF from a fresh `playbook`
command, since that is what a user waits for.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMAGES = re.compile(r"data:[^\"')\s]+")


def _kb(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return f"{len(raw) / 1024:.0f} KB"


def _without_images(page: str) -> str:
    return _kb(IMAGES.sub("", page))


def _ran_report(folder: Path) -> tuple[str, int]:
    """The report of the Dutch example after a run with a 4000×3000 phone photo of the result."""
    import numpy as np
    from PIL import Image

    from playbook.catalogue import load_catalogue
    from playbook.live import Live
    from playbook.paths import examples_dir
    from playbook.report import report_html
    from playbook.session import SessionFile

    path = folder / "samen-een-servicedesk.session.yaml"
    shutil.copyfile(examples_dir() / path.name, path)
    moment = [dt.datetime(2027, 1, 14, 12, 50)]

    def clock() -> dt.datetime:
        moment[0] += dt.timedelta(minutes=2)
        return moment[0]

    catalogue = load_catalogue()
    live = Live(SessionFile.open(path), catalogue, clock=clock)
    for _ in range(11):
        live.start()
    live.finish()
    photo = io.BytesIO()
    noise = (np.random.default_rng(7).random((3000, 4000, 3)) * 255).astype("uint8")
    Image.fromarray(noise).save(photo, format="JPEG", quality=92)
    live.capture_result("Vijf werkafspraken op de wand.", [("wand.jpg", photo.getvalue())])
    return report_html(SessionFile.open(path), catalogue), len(photo.getvalue())


def _pages(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def _heights(pages: dict[str, str]) -> list[tuple[str, str, str]]:
    """Page heights at 390 and 1280 px in Chromium, for the handouts people read on a phone."""
    from playwright.sync_api import sync_playwright

    from playbook.pdf import ARGS, chromium

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium()), args=ARGS)
        for name, page in pages.items():
            path = Path(tmp) / f"{name}.html"
            path.write_text(page, encoding="utf-8")
            heights = {}
            for width in (390, 1280):
                tab = browser.new_page(viewport={"width": width, "height": 900})
                tab.goto(path.as_uri())
                heights[width] = tab.evaluate("document.documentElement.scrollHeight")
                tab.close()
            ratio = heights[390] / heights[1280]
            rows.append(
                (
                    f"height at 390 / 1280 px: {name}",
                    f"{heights[390]:,} px",
                    f"{heights[1280]:,} px on a desktop, {ratio:.2f}× (goal ≤ 1.5 for participants)",
                )
            )
        browser.close()
    return rows


def output_rows() -> list[tuple[str, str, str]]:
    from playbook.catalogue import load_catalogue
    from playbook.handout import handout_html
    from playbook.paths import examples_dir
    from playbook.pdf import html_to_pdf
    from playbook.session import load_session

    catalogue = load_catalogue()
    rows: list[tuple[str, str, str]] = []
    pages: dict[str, str] = {}
    for example in sorted(examples_dir().glob("*.session.yaml")):
        session = load_session(example)
        for audience in ("participants", "facilitator"):
            page = handout_html(session, catalogue, audience)
            name = f"{example.name.removesuffix('.session.yaml')}.{audience}"
            pages[name] = page
            goal = " (goal ≤ 120 KB with its chart)" if audience == "participants" else ""
            rows.append((f"size: {name}", _kb(page), f"{_without_images(page)} without images{goal}"))
    with tempfile.TemporaryDirectory() as tmp:
        report, photo = _ran_report(Path(tmp))
    pages["report"] = report
    rows.append(
        (
            "size: report with a phone photo",
            _kb(report),
            f"{_without_images(report)} without images; the photo was {photo / 1e6:.1f} MB (goal ≤ 200 KB each)",
        )
    )

    session = load_session(examples_dir() / "samen-een-servicedesk.session.yaml")
    handout_html(session, catalogue, "participants")  # nbconvert imported, templates compiled
    times = []
    for _ in range(7):
        start = time.perf_counter()
        handout_html(session, catalogue, "participants")
        times.append(time.perf_counter() - start)
    rows.append(("one participant handout, warm", f"{statistics.median(times) * 1000:.0f} ms", "median of 7"))

    for name in (
        "samen-een-servicedesk.participants",
        "samen-een-servicedesk.facilitator",
        "quarterly-retrospective.participants",
        "report",
    ):
        start = time.perf_counter()
        pdf = html_to_pdf(pages[name])
        rows.append(
            (
                f"PDF: {name}",
                f"{_pages(pdf)} pages",
                f"{(time.perf_counter() - start) * 1000:.0f} ms, {_kb(pdf)} (goal ≤ 2 pages but the script)",
            )
        )

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "handout.pdf"
        command = [
            sys.executable,
            "-m",
            "playbook",
            "handout",
            str(examples_dir() / "samen-een-servicedesk.session.yaml"),
            "-o",
            str(target),
        ]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        rows.append(
            (
                "playbook handout … -o x.pdf, whole process",
                f"{time.perf_counter() - start:.1f} s",
                "a fresh process: imports, export, Chromium",
            )
        )
    rows += _heights({k: v for k, v in pages.items() if "participants" in k or k == "report"})
    return rows
