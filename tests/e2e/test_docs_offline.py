"""/docs (Swagger UI) and /redoc render from the package's vendored assets, in a
Chromium that can resolve no host but 127.0.0.1. Screenshots: test-artifacts/docs.png,
test-artifacts/redoc.png."""
from __future__ import annotations

from browser_support import browser, foreign_requests, screenshot, server  # noqa: F401


def test_swagger_ui_renders_offline(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(server + "/docs")
    # an operation block per route: the UI loaded and read /openapi.json
    WebDriverWait(browser, 20).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= 10)
    paths = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
    assert "/search" in paths and "/ask" in paths
    assert "mlkg" in browser.find_element(By.CSS_SELECTOR, ".info .title").text
    assert foreign_requests(browser, server) == []
    screenshot(browser, "docs.png")


def test_redoc_renders_offline(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(server + "/redoc")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "h1") and
        "mlkg" in d.find_element(By.CSS_SELECTOR, "h1").text)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Find entities by name or alias" in body  # an operation's summary
    assert foreign_requests(browser, server) == []
    screenshot(browser, "redoc.png")
