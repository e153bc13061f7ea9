"""The page's reject / confirm flow in headless Chromium: without a key no buttons;
with one, reject PyTorch's implementation of MLP-Mixer and confirm TensorFlow's, each
with a reason; the page then shows who curated what, the lineage route leaves the
rejected fact out, and the log names the key's name as the author. Skips locally
without a browser, fails under CI=true (like test_page.py)."""
from __future__ import annotations

import httpx
import pytest

from browser_support import _serve, browser  # noqa: F401  (the Chromium fixture)


@pytest.fixture
def keyed_server(tmp_path_factory):
    yield from _serve(tmp_path_factory, api_keys=("ana:page-key",))


def _wait(browser):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    # the page redraws the entity after each curation: elements go stale under the wait
    return WebDriverWait(browser, 15, ignored_exceptions=[StaleElementReferenceException])


def _item(browser, name):
    from selenium.common.exceptions import NoSuchElementException
    from selenium.webdriver.common.by import By
    group = browser.find_element(By.CSS_SELECTOR, ".rel-group[data-group='implemented_by']")
    found = [li for li in group.find_elements(By.CSS_SELECTOR, "ul.rels > li")
             if li.find_element(By.CSS_SELECTOR, "a.entity-link").text == name]
    if not found:   # the page is being drawn again: the wait tries again
        raise NoSuchElementException(name)
    return found[0]


def _curate(browser, wait, name, action, reason):
    from selenium.webdriver.common.by import By
    _item(browser, name).find_element(By.CSS_SELECTOR, f"button[data-action='{action}']").click()
    field = wait.until(lambda d: _item(d, name).find_element(By.CSS_SELECTOR,
                                                             ".curate-form input"))
    field.send_keys(reason)
    _item(browser, name).find_element(By.CSS_SELECTOR, ".curate-form button").click()


def test_reject_and_confirm_from_the_page(keyed_server, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    wait = _wait(browser)
    browser.get(keyed_server + "/#/entity/Architecture/mlpmixer")
    wait.until(EC.text_to_be_present_in_element((By.ID, "entity-name"), "MLP-Mixer"))
    torch = wait.until(lambda d: _item(d, "PyTorch"))
    # evidence with its extractor and confidence; no buttons without a key
    assert "fixture 1, confidence" in torch.text
    assert browser.find_elements(By.CSS_SELECTOR, "button.curate") == []
    browser.find_element(By.ID, "apikey").send_keys("page-key", Keys.TAB)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "button.curate"))

    _curate(browser, wait, "PyTorch", "reject", "the PyTorch port is unofficial")
    wait.until(lambda d: "rejected by ana" in _item(d, "PyTorch").text)
    torch = _item(browser, "PyTorch")
    assert "reason: the PyTorch port is unofficial" in torch.text
    assert "rejected" in torch.get_attribute("class")
    assert torch.find_elements(By.CSS_SELECTOR, "button[data-action='reject']") == []

    _curate(browser, wait, "TensorFlow", "assert", "checked the TF repository")
    wait.until(lambda d: "asserted by ana" in _item(d, "TensorFlow").text)

    rows = httpx.get(keyed_server + "/lineage/implementations",
                     params={"name": "MLP-Mixer"}).json()["rows"]
    assert {r["library"] for r in rows} == {"TensorFlow", "timm"}
    log = httpx.get(keyed_server + "/curation").json()["curations"]
    assert [(c["action"], c["author"], c["head_name"]) for c in log] == [
        ("assert", "ana", "TensorFlow"), ("reject", "ana", "PyTorch")]


def test_a_wrong_key_is_refused_on_the_page(keyed_server, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    wait = _wait(browser)
    browser.get(keyed_server + "/#/entity/Architecture/mlpmixer")
    wait.until(EC.text_to_be_present_in_element((By.ID, "entity-name"), "MLP-Mixer"))
    browser.find_element(By.ID, "apikey").send_keys("not-the-key", Keys.TAB)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "button.curate"))
    _curate(browser, wait, "PyTorch", "reject", "x")
    wait.until(lambda d: "not valid" in _item(d, "PyTorch").find_element(
        By.CSS_SELECTOR, ".curate-form .error").text)
    assert httpx.get(keyed_server + "/curation").json()["curations"] == []
