"""The web page in headless Chromium (Selenium 4.51.0 + Debian chromium/chromium-driver):
search "MLP", open MLP-Mixer, see PyTorch and TensorFlow as implementations, follow
the link to PyTorch. Screenshot: test-artifacts/page.png. Without a browser this
skips locally and fails under CI=true."""
from __future__ import annotations

from browser_support import browser, server  # noqa: F401 (fixtures)
from conftest import ROOT


def test_search_entity_page_and_lineage_links(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    wait = WebDriverWait(browser, 15)
    browser.get(server + "/")
    box = wait.until(EC.element_to_be_clickable((By.ID, "q")))
    box.send_keys("MLP")
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#suggestions a")))
    link = wait.until(EC.element_to_be_clickable(
        (By.XPATH, "//ul[@id='suggestions']//a[@data-name='MLP-Mixer']")))
    link.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "entity-name"), "MLP-Mixer"))
    group = wait.until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, ".rel-group[data-group='implemented_by']")))
    names = [a.text for a in group.find_elements(By.CSS_SELECTOR, "a.entity-link")]
    assert names == ["PyTorch", "TensorFlow"]
    assert "MLP-Mixer is available in both TensorFlow and PyTorch." in group.text
    wait.until(lambda d: d.execute_script(
        "return window.mlkgGraph && window.mlkgGraph.nodes().length") >= 7)
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    browser.save_screenshot(str(artifacts / "page.png"))
    group.find_element(By.LINK_TEXT, "PyTorch").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "entity-name"), "PyTorch"))
    assert "#/entity/Library/pytorch" in browser.current_url
    built_upon = browser.find_element(By.CSS_SELECTOR, ".rel-group[data-group='foundation_of']")
    assert "functorch" in built_upon.text
