/* mlkg web page: the query panel. Pick a named query (GET /queries gives each one's
   parameters, from the query file headers), fill them in, see the table and a graph.
   Queries with a public GET route (/lineage/…, /search) run without a key; with an API
   key every named query runs (POST /queries/{name}) and so does read-only Cypher
   (POST /cypher, the analyst mode). The key is the tab's one key (apiKey(), app.js),
   the same the header's field holds for curation. The URL is the query: #/query/implementations?name=MLP-Mixer */
"use strict";

const GET_ROUTES = new Set(["implementations", "upstream", "downstream", "developers", "introduced_in",
  "releases", "path", "mentions", "neighbors", "authors", "datasets", "search"]);

async function showPanel(name, params) {
  const section = $("#panel");
  let queries;
  try { queries = await getJSON("/queries"); } catch (err) { section.innerHTML = `<p class="error">${esc(err.message)}</p>`; return; }
  const available = queries.filter((q) => apiKey() || GET_ROUTES.has(q.name));
  const current = available.find((q) => q.name === name) || available.find((q) => q.name === "implementations") || available[0];
  section.innerHTML = `<div class="card"><h1>Query</h1>
    <form id="query-form"><label>Named query <select id="query-name">${available.map((q) => `<option value="${esc(q.name)}"${q === current ? " selected" : ""}>${esc(q.name)}</option>`).join("")}</select></label>
      <p class="muted" id="query-description"></p><div id="query-params" class="controls"></div>
      <button id="run-query">Run</button></form>
    <details${apiKey() ? " open" : ""}><summary>Analyst mode (API key)</summary>
      <p><label>API key <input id="api-key" type="password" value="${esc(apiKey())}" autocomplete="off"></label>
      <span class="muted">Kept for this tab only; unlocks every named query and read-only Cypher.</span></p>
      ${apiKey() ? `<form id="cypher-form"><textarea id="cypher" rows="3" placeholder="MATCH (l:Library)-[:IMPLEMENTS]->(a) RETURN l.name, a.name LIMIT 10"></textarea><button>Run Cypher</button></form>` : ""}
    </details></div>
    <div class="card" id="query-result" hidden><div id="query-table"></div><div id="query-graph"></div></div>`;
  const fill = () => {
    const q = available.find((x) => x.name === $("#query-name").value);
    $("#query-description").textContent = q.description;
    $("#query-params").innerHTML = q.params.map((p) => `<label>${esc(p)} <input name="${esc(p)}" required value="${esc(params.get(p) || "")}"></label>`).join("") +
      Object.entries(q.optional).map(([p, d]) => `<label>${esc(p)} <input name="${esc(p)}" placeholder="${esc(d)}" value="${esc(params.get(p) || "")}"></label>`).join("");
  };
  fill();
  $("#query-name").addEventListener("change", () => { params = new URLSearchParams(); fill(); });
  $("#query-form").addEventListener("submit", (ev) => { ev.preventDefault(); runQuery(available.find((x) => x.name === $("#query-name").value)); });
  $("#api-key").addEventListener("change", (ev) => {
    // the tab's one key (apiKey() in app.js): the header's curation field shows it too
    sessionStorage.setItem("mlkgApiKey", ev.target.value.trim()); $("#apikey").value = apiKey();
    showPanel($("#query-name").value, params);
  });
  const cypherForm = $("#cypher-form");
  if (cypherForm) cypherForm.addEventListener("submit", (ev) => { ev.preventDefault(); runCypher($("#cypher").value); });
  if (name && current && current.name === name && current.params.every((p) => params.get(p))) runQuery(current);
}

async function runQuery(q) {
  const values = {};
  document.querySelectorAll("#query-params input").forEach((input) => { if (input.value.trim()) values[input.name] = input.value.trim(); });
  history.replaceState(null, "", "#/query/" + encodeURIComponent(q.name) + "?" + new URLSearchParams(values));
  let result;
  try {
    if (q.name === "search") {
      const body = await getJSON("/search?" + new URLSearchParams({q: values.q, ...(values.label ? {type: values.label} : {}), ...(values.limit ? {limit: values.limit} : {})}));
      result = {columns: ["name", "label", "key", "score"], rows: body.results};
    } else if (GET_ROUTES.has(q.name)) {
      result = await getJSON("/lineage/" + q.name + "?" + new URLSearchParams(values));
    } else {
      result = await postJSON("/queries/" + encodeURIComponent(q.name), {params: values});
    }
  } catch (err) { return showError(err); }
  showResult(result.columns || q.returns, result.rows, values);
}

async function runCypher(text) {
  try {
    const result = await postJSON("/cypher", {query: text});
    showResult(result.rows.length ? Object.keys(result.rows[0]) : [], result.rows, {});
  } catch (err) { showError(err); }
}

async function postJSON(url, body) {
  const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json", Accept: "application/json", "X-API-Key": apiKey()}, body: JSON.stringify(body)});
  const data = await response.json().catch(() => ({}));
  if (!response.ok) { const err = new Error(data.detail || response.statusText); err.body = data; throw err; }
  return data;
}

function showError(err) {
  const box = $("#query-result"); box.hidden = false;
  const sugg = (err.body && err.body.suggestions) || [];
  $("#query-table").innerHTML = `<p class="error">${esc(err.message)}</p>` + (sugg.length ? `<p>Did you mean: ${sugg.map((s) => esc(s.name)).join(", ")}?</p>` : "");
  $("#query-graph").innerHTML = "";
}

function showResult(columns, rows, values) {
  const box = $("#query-result"); box.hidden = false;
  const cell = (v) => esc(Array.isArray(v) ? v.join(" → ") : (v !== null && typeof v === "object") ? JSON.stringify(v) : v);
  $("#query-table").innerHTML = `<p class="muted">${rows.length} row${rows.length === 1 ? "" : "s"}</p>` + (rows.length
    ? `<table id="query-rows"><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>${rows.map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`).join("")}</table>` : "");
  drawResultGraph(columns, rows, values);
}

function drawResultGraph(columns, rows, values) {
  // the asked-about entity in the middle, each row's first value around it; a path as its chain
  const container = $("#query-graph");
  container.innerHTML = "";
  const center = values.name || values.organization || values.from;
  if (typeof cytoscape !== "function" || !rows.length || !center) return;
  const nodes = new Map([[center, {data: {id: center, name: center, self: true}}]]);
  const edges = [];
  rows.forEach((r, i) => {
    if (Array.isArray(r.nodes)) {
      r.nodes.forEach((n, j) => { nodes.set(n, {data: {id: n, name: n}}); if (j) edges.push({data: {id: `p${i}-${j}`, source: r.nodes[j - 1], target: n, rel: (r.relations || [])[j - 1] || ""}}); });
      return;
    }
    const value = r[columns[0]];
    if (value == null || typeof value === "object") return;
    nodes.set(String(value), {data: {id: String(value), name: String(value)}});
    edges.push({data: {id: "r" + i, source: center, target: String(value), rel: r.relation || ""}});
  });
  container.style.height = "320px";
  window.mlkgQueryGraph = cytoscape({container, minZoom: 0.2, maxZoom: 2, elements: {nodes: [...nodes.values()], edges},
    layout: {name: "breadthfirst", directed: true, padding: 20},
    style: [{selector: "node", style: {"label": "data(name)", "font-size": 11, "text-valign": "bottom", "background-color": "#6b8afd", "width": 20, "height": 20}},
      {selector: "node[?self]", style: {"background-color": "#f5a623"}},
      {selector: "edge", style: {"label": "data(rel)", "font-size": 8, "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#aab", "target-arrow-color": "#aab"}}]});
}
