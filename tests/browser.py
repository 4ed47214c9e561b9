"""Headless Debian Chromium driven by Selenium, offline: for the decision page's tests.

The browser starts with its own empty profile, no background networking, and every http(s)
and websocket request sent to a dead local proxy, so nothing leaves the machine; the
performance log still records every request the page attempts (CSP-blocked ones too), so a
test can assert there was none. Selenium never runs its driver manager: the driver's path is
given (Debian's chromium-driver, installed by .ci/run).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-features=Translate,OptimizationHints,MediaRouter,NetworkTimeServiceQuerying",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--window-size=1280,900",
    "--proxy-server=http://127.0.0.1:9",  # anything that tries the network fails at once
)
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


def available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def start() -> Iterator[Any]:
    """A driver for the whole session (about 0.5 s to start)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tenderscore-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def external_requests(driver: Any) -> list[str]:
    """Every non-local request the page attempted since the last call (the log drains)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
        elif method == "Network.webSocketCreated":
            url = params["url"]
        else:
            continue
        if urlparse(url).scheme not in LOCAL_SCHEMES:
            urls.append(url)
    return urls


def console_errors(driver: Any) -> list[str]:
    """Severe console messages (script errors, CSP violations) since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


class Page:
    """One page in the session's browser."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def open(self, path: Path, fragment: str = "") -> None:
        self.driver.get(path.resolve().as_uri() + (f"#{fragment}" if fragment else ""))

    def set_hash(self, fragment: str) -> None:
        """Change the address fragment; returns once the page's hashchange handler ran."""
        self.driver.execute_async_script(
            "const [h, done] = arguments;"
            "addEventListener('hashchange', () => setTimeout(done, 0), {once: true});"
            "location.hash = h;",
            fragment,
        )

    def find(self, selector: str) -> Any:
        return self.driver.find_element("css selector", selector)

    def find_all(self, selector: str) -> list[Any]:
        return list(self.driver.find_elements("css selector", selector))

    def set_range(self, element: Any, value: float) -> None:
        """Move a slider as a pointer would: the value, then the input event."""
        self.driver.execute_script(
            "const [el, v] = arguments; el.value = v;"
            "el.dispatchEvent(new Event('input', {bubbles: true}));",
            element,
            str(value),
        )

    def screenshot(self, out: Path, width: int, height: int, *, mobile: bool = False) -> None:
        """The full page as a PNG, laid out at ``width`` CSS pixels."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )
        try:
            shot = self.driver.execute_cdp_cmd(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
            )
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        out.write_bytes(base64.b64decode(shot["data"]))
