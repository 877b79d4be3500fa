"""Real headless Chromium (Debian's package, never a downloaded browser) driven by Playwright.

Where Chromium is missing (a machine where `make test` could not apt-get it), these tests are
skipped with the reason; CI runs as root, installs it, and runs them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage"]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
DOCS_SHOTS = ROOT / "bot" / "web" / "static" / "screenshots"
THEME = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579",
         "link_color": "#3390ec", "button_color": "#3390ec", "button_text_color": "#ffffff",
         "secondary_bg_color": "#f4f4f5"}


@pytest.fixture
async def browser() -> AsyncIterator:
    if shutil.which(CHROMIUM) is None:
        reason = (f"browser tests need Chromium at {CHROMIUM}: as root, "
                  "apt-get install -y chromium (make test does this when it can)")
        if os.environ.get("CI"):  # CI must run them: a missing browser is a failure there
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS,
                                                    timeout=30_000)
        try:
            yield launched
        finally:
            await launched.close()


async def telegram_page(browser, base: str, init_data: str):
    """A phone-sized page with window.Telegram.WebApp stubbed as a Telegram client sets it."""
    context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                        device_scale_factor=2)
    stub = {"initData": init_data, "themeParams": THEME, "colorScheme": "light",
            "platform": "android", "version": "8.0"}
    await context.add_init_script(
        f"window.Telegram = {{WebApp: {json.dumps(stub)}}};"
        "window.Telegram.WebApp.ready = () => {}; window.Telegram.WebApp.expand = () => {};")
    page = await context.new_page()
    page.set_default_timeout(20_000)  # a loaded 2-core CI machine
    await page.goto(base + "/")
    return page


async def screenshot(page, name: str) -> None:
    """Into the run's output; with SCREENSHOTS_TO_DOCS=1 also into the README's folder."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if os.environ.get("SCREENSHOTS_TO_DOCS") == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHOTS / f"{name}.png", DOCS_SHOTS / f"{name}.png")
