"""Headless Chromium for the report's browser tests (Debian's ``chromium``, driven by Playwright).

One browser per session. Chromium is not downloaded by Playwright: the tests use the system
executable (``apt-get install chromium`` on Debian/Ubuntu) and fail, with that instruction, when
it is missing. Every page gets a context that aborts any request that is not a ``file://`` URL,
so a report that reached for the network would fail to load something (and log an error).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "report"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: end-to-end tests of the HTML report in headless Chromium"
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium; the tests fail (never skip) with how to install it when absent."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail(
            "the report's browser tests need Chromium: install Debian's package with "
            "'sudo apt-get install chromium' (the tests use the system browser, not one "
            "downloaded by Playwright), or deselect them with -m 'not browser'"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the report's browser tests need Playwright: pip install playwright")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageLog:
    """What a page did besides rendering: console messages, errors, requests, dialogs."""

    def __init__(self) -> None:
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []


def open_page(browser: Any, path: Path) -> tuple[Any, PageLog]:
    """Open ``path`` from a file:// URL with the network blocked, wait until the script ran."""
    log = PageLog()
    context = browser.new_context(viewport={"width": 1200, "height": 900})

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            log.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: log.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: log.errors.append(str(e)))

    def on_dialog(d: Any) -> None:
        log.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    return page, log


def save_screenshot(page: Any, tmp: Path, name: str) -> Path:
    """A full-page screenshot in pytest's tmp dir, copied to artifacts/report/ (gitignored)."""
    shot = tmp / name
    page.screenshot(path=str(shot), full_page=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / name)
    return shot
