"""PDF through headless Chromium: the same engine, the same print style sheet, so the same pages as
printing the HTML from a browser. Debian's ``chromium`` is driven by Python playwright; no browser is
ever downloaded, and the page may fetch nothing (every request but the page's own data is refused).
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

from .errors import PlaybookError
from .i18n import message
from .outputs import mark_pdf

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> Path:
    """Debian's Chromium, or a clear message saying how to install it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    path = Path(found) if found else Path("/usr/bin/chromium")
    if not path.exists():
        raise PlaybookError(message("errors.needs_chromium"))
    return path


def _print(html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium()), args=ARGS)
        try:
            page = browser.new_context(offline=True, java_script_enabled=False).new_page()
            page.route("**/*", lambda route: route.abort())
            page.set_content(html, wait_until="load")
            page.emulate_media(media="print")
            return mark_pdf(page.pdf(prefer_css_page_size=True, print_background=True))
        finally:
            browser.close()


def html_to_pdf(html: str) -> bytes:
    """The page as PDF bytes, A4 as its print style sheet says, with its page numbers and headers."""
    chromium()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _print(html)
    # Inside a running event loop (a notebook's kernel) playwright's sync API refuses to start: print
    # from a thread of its own instead.
    result: dict[str, bytes | BaseException] = {}

    def work() -> None:
        try:
            result["pdf"] = _print(html)
        except BaseException as exc:  # handed back to the caller's thread below
            result["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["pdf"]  # type: ignore[return-value]
