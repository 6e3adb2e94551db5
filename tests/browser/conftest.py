"""Browser tests: pytest-playwright driving the operating system's Chromium.

Where no Chromium is found the tests are skipped with a message saying how to enable them.
Playwright's own browser download is never used.
"""

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_ENABLE = (
    "no Chromium found: browser tests skipped. Install the operating system's Chromium "
    "(Debian/Ubuntu: `sudo apt-get install chromium chromium-driver`) or set CAIRN_CHROMIUM "
    "to its path, then run `make test` again."
)


def chromium_path() -> str | None:
    explicit = os.environ.get("CAIRN_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return next((p for name in _CANDIDATES if (p := shutil.which(name))), None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    if chromium_path() is None:
        skip = pytest.mark.skip(reason=HOW_TO_ENABLE)
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    path = chromium_path()
    return f"browser tests: Chromium at {path}" if path else f"browser tests: {HOW_TO_ENABLE}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


AXE_PATH = Path(settings.BASE_DIR) / "static_build" / "vendor" / "axe.min.js"


# What Chromium says when a script runs while the page is being replaced by the next one: a click
# that follows a link returns before the new document has loaded, so the old document may be gone.
_NAVIGATION_RACE = (
    "Execution context was destroyed",
    "reading 'appendChild'",
    "axe is not defined",
    "Cannot find context",
    "frame was detached",
)


def _run_axe(page: Any) -> Any:
    page.wait_for_load_state("load")
    page.wait_for_function("document.readyState === 'complete' && document.head !== null")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{settings.STATIC_URL}vendor/axe.min.js")
    return page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )


def assert_accessible(page: Any) -> None:
    """Run axe-core (WCAG 2.0–2.2 A and AA rules) on the page and fail on any violation.

    axe is loaded from the app's own static files, so the page's strict CSP stays in force. The
    check waits for the page to finish loading first; if a navigation still under way replaces the
    document while axe is being loaded, it waits for the new page and checks that one instead.
    """
    from playwright.sync_api import Error as PlaywrightError

    assert AXE_PATH.exists(), "axe-core is missing: run `make assets`"
    for attempt in range(3):
        try:
            result = _run_axe(page)
            break
        except PlaywrightError as error:
            if attempt == 2 or not any(sign in str(error) for sign in _NAVIGATION_RACE):
                raise
            page.wait_for_timeout(250)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]
    assert violations == [], f"axe-core found violations on {page.url}:\n" + "\n".join(violations)


def sign_in_as(page: Any, live_server: Any, membership: Any) -> Any:
    """`page`, signed in as `membership` (password and two-factor are tested in test_sign_in)."""
    from conftest import signed_in_client

    cookie = signed_in_client(membership).cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return page
