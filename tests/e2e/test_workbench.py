"""The analyst's workbench in headless Chromium: the graph explorer (expand on click,
a relation filter, the view in the URL), a browse page narrowed by two facets, and
the query panel running `implementations`. Screenshots in test-artifacts/."""
from __future__ import annotations

import pytest

from browser_support import (ANALYST_KEY, browser, foreign_requests, keyed_server,  # noqa: F401
                             screenshot, server)

pytest.importorskip("selenium")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

VISIBLE_NODES = "return window.mlkgGraph ? window.mlkgGraph.nodes(':visible').map(n => n.data('name')).sort() : null"


def _open_graph(browser, url):
    browser.get(url)
    wait = WebDriverWait(browser, 15)
    wait.until(lambda d: d.execute_script(
        "return window.mlkgGraph && window.mlkgGraph.nodes().length > 1"))
    return wait


def _click_node(browser, name):
    """A real mouse click on the node's drawn position in the canvas (the whole graph
    scrolled into view first: a click below the window's edge lands nowhere)."""
    browser.execute_script("document.getElementById('graph').scrollIntoView({block: 'center'})")
    x, y = browser.execute_script(
        "const n = window.mlkgGraph.nodes().filter(n => n.data('name') === arguments[0])[0];"
        "const p = n.renderedPosition(); return [p.x, p.y];", name)
    box = browser.find_element(By.ID, "graph")
    size = box.size
    ActionChains(browser).move_to_element_with_offset(
        box, int(x - size["width"] / 2), int(y - size["height"] / 2)).click().perform()


def test_click_expands_a_node_and_the_url_keeps_it(server, browser):
    wait = _open_graph(browser, server + "/#/entity/Library/pytorch")
    assert browser.execute_script("return hasDagre()")  # the vendored DAG layout loaded
    before = browser.execute_script(VISIBLE_NODES)
    assert before == sorted(["PyTorch", "Meta AI", "MLP-Mixer", "functorch", "timm", "PyTorch3D"])
    _click_node(browser, "MLP-Mixer")
    wait.until(lambda d: len(d.execute_script(VISIBLE_NODES)) > len(before))
    after = set(browser.execute_script(VISIBLE_NODES))
    assert {"TSMixer", "Google", "TensorFlow", "JFT-300M",
            "MLP-Mixer: An all-MLP Architecture for Vision"} <= after
    assert "expand=Architecture%2Fmlpmixer" in browser.current_url
    screenshot(browser, "explore-expanded.png")
    # the shared URL draws the same view
    browser.get(browser.current_url.replace("#", "#x"))  # leave, then come back by the link
    _open_graph(browser, browser.current_url.replace("#x", "#"))
    wait.until(lambda d: set(d.execute_script(VISIBLE_NODES)) == after)


def test_a_relation_filter_hides_that_type(server, browser):
    wait = _open_graph(browser, server + "/#/entity/Architecture/mlpmixer")
    count = ("return window.mlkgGraph.edges(':visible')"
             ".filter(e => e.data('rel') === 'IMPLEMENTS').length")
    assert browser.execute_script(count) == 2
    browser.find_element(By.CSS_SELECTOR, ".rel-filter[value='IMPLEMENTS']").click()
    wait.until(lambda d: d.execute_script(count) == 0)
    names = browser.execute_script(VISIBLE_NODES)
    assert "PyTorch" not in names and "TensorFlow" not in names and "Google" in names
    assert "hide_rels=IMPLEMENTS" in browser.current_url
    screenshot(browser, "explore-filtered.png")
    browser.find_element(By.CSS_SELECTOR, ".rel-filter[value='IMPLEMENTS']").click()
    wait.until(lambda d: d.execute_script(count) == 2)


def test_depth_two_reaches_further(server, browser):
    wait = _open_graph(browser, server + "/#/entity/Library/functorch?depth=2")
    wait.until(lambda d: "MLP-Mixer" in d.execute_script(VISIBLE_NODES))  # functorch→PyTorch→MLP-Mixer


def test_browse_page_with_two_facets(server, browser):
    browser.get(server + "/#/browse/Library")
    wait = WebDriverWait(browser, 15)
    rows = "return [...document.querySelectorAll('#browse-table tr[data-name]')].map(r => r.dataset.name)"
    wait.until(lambda d: len(d.execute_script(rows)) == 7)
    wait.until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, ".facet[data-facet='organization'][data-value='Meta AI']"))).click()
    wait.until(lambda d: d.execute_script(rows) == ["PyTorch", "functorch"])
    wait.until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, ".facet[data-facet='has'][data-value='BUILT_ON:out']"))).click()
    wait.until(lambda d: d.execute_script(rows) == ["functorch"])
    assert "organization=Meta+AI" in browser.current_url and "has=BUILT_ON%3Aout" in browser.current_url
    assert browser.find_element(By.ID, "browse-total").text == "1 found"
    screenshot(browser, "browse.png")
    # removing one chip widens it again
    browser.find_element(By.CSS_SELECTOR, ".chip[data-facet='organization']").click()
    wait.until(lambda d: d.execute_script(rows) == ["functorch", "timm", "PyTorch3D"])
    assert foreign_requests(browser, server) == []


def test_browse_relation_to_something_introduced_in_a_year(server, browser):
    browser.get(server + "/#/browse/Library")
    wait = WebDriverWait(browser, 15)
    rows = "return [...document.querySelectorAll('#browse-table tr[data-name]')].map(r => r.dataset.name)"
    wait.until(lambda d: len(d.execute_script(rows)) == 7)
    Select(browser.find_element(By.ID, "browse-dated-rel")).select_by_value("IMPLEMENTS:out")
    browser.find_element(By.ID, "browse-dated-year").send_keys("2021")
    browser.find_element(By.CSS_SELECTOR, "#browse-dated button").click()
    # the sample's MLP-Mixer paper carries no publication date: nothing was introduced in 2021
    wait.until(lambda d: "has=IMPLEMENTS%3Aout%402021" in d.current_url)
    wait.until(lambda d: d.find_element(By.ID, "browse-total").text == "0 found")
    chip = browser.find_element(By.CSS_SELECTOR, ".chip[data-facet='has']").text
    assert "IMPLEMENTS:out, to one introduced in 2021" in chip


def test_query_panel_runs_implementations(server, browser):
    browser.get(server + "/#/query")
    wait = WebDriverWait(browser, 15)
    select = wait.until(EC.presence_of_element_located((By.ID, "query-name")))
    from selenium.webdriver.support.ui import Select
    Select(select).select_by_value("implementations")
    box = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#query-params input[name='name']")))
    box.send_keys("MLP Mixer")
    browser.find_element(By.ID, "run-query").click()
    cells = "return [...document.querySelectorAll('#query-rows td')].map(td => td.textContent)"
    wait.until(lambda d: d.execute_script(cells) == ["PyTorch", "TensorFlow", "timm"])
    assert "#/query/implementations?name=MLP+Mixer" in browser.current_url
    wait.until(lambda d: d.execute_script(
        "return window.mlkgQueryGraph && window.mlkgQueryGraph.nodes().length") == 4)
    screenshot(browser, "query-panel.png")
    # an unknown name shows the API's suggestions
    box = browser.find_element(By.CSS_SELECTOR, "#query-params input[name='name']")
    box.clear()
    box.send_keys("MLP Mixr")
    browser.find_element(By.ID, "run-query").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "query-table"), "Did you mean: MLP-Mixer"))


def test_paper_page_has_authors_links_code_and_summary(server, browser):
    browser.get(server + "/#/entity/Paper/arxiv%3A2105.01601")
    wait = WebDriverWait(browser, 15)
    wait.until(EC.text_to_be_present_in_element((By.ID, "paper-authors"), "Ilya Tolstikhin"))
    kinds = [a.get_attribute("data-kind") for a in browser.find_elements(By.CSS_SELECTOR, "a.outside")]
    assert kinds == ["arXiv", "PDF", "Hugging Face"]
    assert browser.find_element(By.CSS_SELECTOR, "a.outside[data-kind='arXiv']").get_attribute(
        "href") == "https://arxiv.org/abs/2105.01601"
    assert browser.find_element(By.ID, "code").text.startswith("Code and frameworks\nPyTorch, TensorFlow, timm")
    assert "It introduces MLP-Mixer." in browser.find_element(By.CSS_SELECTOR, ".summary").text
    screenshot(browser, "paper.png")


def test_ask_tell_me_about_and_the_closest_shapes(server, browser):
    browser.get(server + "/")
    wait = WebDriverWait(browser, 15)
    box = wait.until(EC.element_to_be_clickable((By.ID, "ask")))
    box.send_keys("tell me about GreyKite\n")
    wait.until(EC.text_to_be_present_in_element((By.ID, "summary"), "GreyKite is a library, made by LinkedIn."))
    box.clear()
    box.send_keys("which datasets used for MLP-Mixer\n")
    example = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#answer a.try")))
    assert example.text == "What was MLP-Mixer trained on?"
    example.click()  # asks the example
    wait.until(EC.text_to_be_present_in_element((By.ID, "answer"), "JFT-300M"))


def test_query_panel_analyst_mode_with_a_key(keyed_server, browser):
    browser.get(keyed_server + "/#/query")
    wait = WebDriverWait(browser, 15)
    from selenium.webdriver.support.ui import Select
    select = wait.until(EC.presence_of_element_located((By.ID, "query-name")))
    assert "export_nodes" not in [o.get_attribute("value") for o in Select(select).options]
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    key = wait.until(EC.element_to_be_clickable((By.ID, "api-key")))
    key.send_keys(ANALYST_KEY + "\t")  # change event: the panel redraws with every query
    cypher = wait.until(EC.element_to_be_clickable((By.ID, "cypher")))
    # the tab's one key: the header's curation field holds it too
    assert browser.find_element(By.ID, "apikey").get_attribute("value") == ANALYST_KEY
    options = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "query-name")).options]
    assert "export_nodes" in options and "browse" in options
    cypher.send_keys("MATCH (o:Organization) RETURN o.name AS name ORDER BY name")
    browser.find_element(By.CSS_SELECTOR, "#cypher-form button").click()
    cells = "return [...document.querySelectorAll('#query-rows td')].map(td => td.textContent)"
    wait.until(lambda d: d.execute_script(cells) == ["Google", "LinkedIn", "Meta AI"])
    cypher = browser.find_element(By.ID, "cypher")
    cypher.clear()
    cypher.send_keys("MATCH (n:Library) DETACH DELETE n")  # the database refuses it
    browser.find_element(By.CSS_SELECTOR, "#cypher-form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "query-table"), "read-only"))
    browser.execute_script("sessionStorage.clear()")


def test_a_lone_node_stays_node_sized(server, browser):
    # JAX has no relations: fitting one node used to zoom it to fill the panel
    browser.get(server + "/#/entity/Library/jax")
    wait = WebDriverWait(browser, 15)
    wait.until(lambda d: d.execute_script("return window.mlkgGraph && window.mlkgGraph.nodes().length") == 1)
    width = browser.execute_script("return window.mlkgGraph.nodes()[0].renderedWidth()")
    assert width <= 2 * 32 + 1  # the entity's own node is 32 px; zoom is capped at 2
