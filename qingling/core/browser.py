"""Playwright driving Debian's Chromium, for the browser tests.

Test tools may not download a browser of their own here, so the tests use the
system's ``chromium``. Without it a browser test is skipped on a developer's
machine, but with ``CI=true`` it fails: CI must never skip them.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def chromium_path() -> str | None:
    return (
        os.environ.get("QINGLING_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


class BrowserMissing(RuntimeError):
    """There is no Chromium to drive, and CI=true says a browser test may not skip."""


@contextmanager
def chromium() -> Iterator[Any]:
    """Yield a Playwright Browser. Without Chromium the test is skipped, except under
    ``CI=true``, where it fails with BrowserMissing."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        missing = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            raise BrowserMissing(missing)
        import pytest

        pytest.skip(missing)  # a developer's machine without Chromium; never in CI
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def csp_violations(page: Any) -> list[str]:
    """Collect what the Content-Security-Policy blocks on ``page`` (Chromium reports each
    refused script, handler or style on the console); a test asserts the list stays empty."""
    refused: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", on_console)
    return refused
