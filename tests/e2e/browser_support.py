"""Fixtures for the browser tests: the API over a real embedded store with the sample
graph, served by uvicorn on a free port, and headless Debian Chromium (Selenium).
Chromium resolves no host but 127.0.0.1, so a page that needs the network fails."""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, unavailable

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000",
         # no DNS for anything else: a CDN or web font request fails instead of loading
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ANALYST_KEY = "e2e-analyst-key"


@pytest.fixture
def server(tmp_path_factory):
    yield from _serve(tmp_path_factory)


@pytest.fixture
def keyed_server(tmp_path_factory):
    """The same, with an API key configured (the query panel's analyst mode)."""
    yield from _serve(tmp_path_factory, api_keys=(ANALYST_KEY,))


def _serve(tmp_path_factory, **settings):
    import uvicorn

    from api.app import create_app
    from api.settings import Settings
    from kg.store.embedded.store import EmbeddedStore
    from sample_graph import sample_batch
    store = EmbeddedStore(tmp_path_factory.mktemp("e2e-falkordb"))
    store.upsert(sample_batch())
    port = _free_port()
    config = uvicorn.Config(create_app(Settings(**settings), store=store), host="127.0.0.1",
                            port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(10)
    store.stop_server()


@pytest.fixture
def browser(tmp_path):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("selenium is not installed (pip install selenium==4.51.0)")
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        unavailable("chromium/chromedriver missing: apt-get install -y chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # network events
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    except Exception as exc:
        unavailable(f"Chromium did not start: {exc}")
    yield driver
    driver.quit()




def screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


def foreign_requests(driver, origin: str) -> list[str]:
    """URLs outside ``origin`` the page sent a request for, from Chromium's network
    events. A request the page's own Content-Security-Policy stopped never left the
    browser and is not counted; one that failed only because this test browser
    resolves no outside host is (the page did try the network)."""
    import json
    sent: dict[str, str] = {}
    blocked: set[str] = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            sent[params["requestId"]] = params["request"]["url"]
        elif message["method"] == "Network.loadingFailed" and params.get("blockedReason"):
            blocked.add(params["requestId"])
    return sorted({url for rid, url in sent.items()  # chrome:// is the browser's own
                   if rid not in blocked and url.startswith(("http:", "https:", "ws"))
                   and not url.startswith(origin)})
