/* mlkg web page: the entity page's graph explorer (Cytoscape.js, vendored). Click a
   node to expand it (its relations are fetched from /entities/…), double-click to open
   its page; depth 1–3 from the entity; filters by relation type and label; a DAG
   (dagre, from the vendored cytoscape-dagre) or force layout; fit and reset. The view lives in the URL:
   #/entity/L/K?depth=2&hide_rels=USES&hide_labels=Person&expand=Library/pytorch&layout=force */
"use strict";

const REL_TYPES = ["IMPLEMENTS", "BUILT_ON", "USES", "DEVELOPED_BY", "INTRODUCES", "AUTHORED_BY", "TRAINED_ON", "EVALUATED_ON"];
const LABELS = ["Paper", "Architecture", "Library", "Organization", "Dataset", "Person"];
const MAX_NODES = 150;  // a hub's neighbourhood at depth 3 stays drawable
const entityCache = new Map();

function explorerHTML(params) {
  const hideRels = new Set((params.get("hide_rels") || "").split(",").filter(Boolean));
  const hideLabels = new Set((params.get("hide_labels") || "").split(",").filter(Boolean));
  const depth = Math.min(3, Math.max(1, parseInt(params.get("depth") || "1", 10) || 1));
  const layout = params.get("layout") === "force" ? "force" : "dag";
  const box = (cls, value, hidden) => `<label class="check"><input type="checkbox" class="${cls}" value="${value}"${hidden.has(value) ? "" : " checked"}> ${value.replace("_", " ").toLowerCase()}</label>`;
  return `<div class="card"><h3>Graph</h3>
    <div class="controls">
      <label>Depth <select id="graph-depth">${[1, 2, 3].map((d) => `<option${d === depth ? " selected" : ""}>${d}</option>`).join("")}</select></label>
      <label>Layout <select id="graph-layout"><option value="dag"${layout === "dag" ? " selected" : ""}>lineage DAG</option><option value="force"${layout === "force" ? " selected" : ""}>force</option></select></label>
      <button type="button" id="graph-fit">Fit</button> <button type="button" id="graph-reset">Reset</button>
    </div>
    <div class="controls" id="rel-filters">${REL_TYPES.map((r) => box("rel-filter", r, hideRels)).join("")}</div>
    <div class="controls" id="label-filters">${LABELS.map((l) => box("label-filter", l, hideLabels)).join("")}</div>
    <div id="graph" aria-label="entity graph"></div>
    <p class="muted" id="graph-hint">Click a node to expand it, double-click to open it. Drag to move, scroll to zoom.</p></div>`;
}

async function fetchEntity(label, key) {
  const id = label + "/" + key;
  if (!entityCache.has(id)) entityCache.set(id, getJSON("/entities/" + encodeURIComponent(label) + "/" + encodeURIComponent(key)));
  return entityCache.get(id);
}

async function explore(e, params, baseHref) {
  if (typeof cytoscape !== "function") { $("#graph").innerHTML = "<p class='muted'>Graph library not loaded.</p>"; return; }
  const rootId = e.label + "/" + e.key;
  const expanded = new Set((params.get("expand") || "").split(",").filter(Boolean));
  const cy = cytoscape({
    container: $("#graph"), minZoom: 0.2, maxZoom: 2,  // a lone node stays node-sized
    style: [
      {selector: "node", style: {"label": "data(name)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "ellipsis", "text-max-width": 140,
        "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": 2, "background-color": "#6b8afd", "width": 22, "height": 22}},
      {selector: "node[?self]", style: {"background-color": "#f5a623", "width": 32, "height": 32, "font-weight": "bold"}},
      {selector: "node[?expanded]", style: {"border-width": 2, "border-color": "#1d2330"}},
      {selector: "node[label = 'Library']", style: {"shape": "round-rectangle"}},
      {selector: "node[label = 'Organization'], node[label = 'Person']", style: {"shape": "diamond", "background-color": "#8bc34a"}},
      {selector: "node[label = 'Paper']", style: {"shape": "rectangle", "background-color": "#b388ff"}},
      {selector: "node[label = 'Dataset']", style: {"shape": "barrel", "background-color": "#4db6ac"}},
      {selector: "edge", style: {"label": "data(rel)", "font-size": 8, "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#aab", "target-arrow-color": "#aab",
        "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8}},
      {selector: "edge[?rejected]", style: {"line-style": "dashed", "line-color": "#d9a0a0", "target-arrow-color": "#d9a0a0"}},  // curated out, still shown
      {selector: ".hidden", style: {"display": "none"}},
    ],
  });
  window.mlkgGraph = cy;
  const addEntity = (ent, depth) => {
    const me = ent.label + "/" + ent.key;
    if (cy.getElementById(me).empty()) cy.add({group: "nodes", data: {id: me, name: ent.name, label: ent.label, key: ent.key, depth}});
    cy.getElementById(me).data("expanded", true);
    const added = [];
    ent.relations.forEach((r) => {
      const id = r.other.label + "/" + r.other.key;
      if (cy.getElementById(id).empty()) {
        if (cy.nodes().length >= MAX_NODES) return;
        cy.add({group: "nodes", data: {id, name: r.other.name, label: r.other.label, key: r.other.key, depth: depth + 1}});
        added.push(r.other);
      }
      const [source, target] = r.direction === "out" ? [me, id] : [id, me];
      const edgeId = source + "|" + r.relation + "|" + target;
      if (cy.getElementById(edgeId).empty()) cy.add({group: "edges", data: {id: edgeId, source, target, rel: r.relation, rejected: !!r.rejected}});
    });
    return added;
  };
  cy.add({group: "nodes", data: {id: rootId, name: e.name, label: e.label, key: e.key, depth: 0, self: true}});
  let frontier = addEntity(e, 0);
  const depth = parseInt($("#graph-depth").value, 10);
  for (let d = 1; d < depth && frontier.length; d++) {
    const next = [];
    for (const other of frontier) next.push(...addEntity(await fetchEntity(other.label, other.key), d));
    frontier = next;
  }
  for (const id of expanded) {
    const [label, ...key] = id.split("/");
    try { addEntity(await fetchEntity(label, key.join("/")), 1); } catch (err) { /* gone since the link was made */ }
  }
  const view = {expanded};
  applyFilters(cy); layoutGraph(cy, rootId);

  cy.on("tap", "node", async (evt) => {
    const d = evt.target.data();
    if (d.expanded) return;
    const ent = await fetchEntity(d.label, d.key);
    addEntity(ent, d.depth);
    view.expanded.add(d.id);
    applyFilters(cy); layoutGraph(cy, rootId); saveView(baseHref, view);
  });
  cy.on("dbltap", "node", (evt) => { const d = evt.target.data(); if (!d.self) location.hash = entityHref(d.label, d.key); });
  document.querySelectorAll(".rel-filter, .label-filter").forEach((box) => box.addEventListener("change", () => { applyFilters(cy); saveView(baseHref, view); }));
  $("#graph-layout").addEventListener("change", () => { layoutGraph(cy, rootId); saveView(baseHref, view); });
  $("#graph-depth").addEventListener("change", () => { saveView(baseHref, view); route(); });
  $("#graph-fit").addEventListener("click", () => cy.fit(cy.elements(":visible"), 30));
  $("#graph-reset").addEventListener("click", () => { history.replaceState(null, "", baseHref); route(); });
}

function unchecked(cls) {
  return [...document.querySelectorAll("." + cls)].filter((b) => !b.checked).map((b) => b.value);
}

function applyFilters(cy) {
  const hideRels = new Set(unchecked("rel-filter")), hideLabels = new Set(unchecked("label-filter"));
  cy.batch(() => {
    cy.elements().removeClass("hidden");
    cy.nodes().forEach((n) => { if (!n.data("self") && hideLabels.has(n.data("label"))) n.addClass("hidden"); });
    cy.edges().forEach((ed) => { if (hideRels.has(ed.data("rel")) || ed.source().hasClass("hidden") || ed.target().hasClass("hidden")) ed.addClass("hidden"); });
    // a node only a hidden relation reached goes too
    cy.nodes().forEach((n) => { if (!n.data("self") && n.connectedEdges().filter((ed) => !ed.hasClass("hidden")).empty()) n.addClass("hidden"); });
  });
}

function layoutGraph(cy, rootId) {
  const visible = cy.elements().not(".hidden");
  const options = $("#graph-layout").value === "force"
    ? {name: "cose", animate: false, padding: 30, nodeRepulsion: () => 9000, idealEdgeLength: () => 90}
    : hasDagre()  // dagre ranks along the edges' direction: lineage reads top to bottom
      ? {name: "dagre", rankDir: "TB", nodeDimensionsIncludeLabels: true, nodeSep: 25, rankSep: 80, edgeSep: 10, padding: 30, animate: false}
      : {name: "breadthfirst", directed: true, roots: cy.getElementById(rootId), padding: 30, spacingFactor: 1.3, animate: false};
  visible.layout(options).run();
  cy.fit(visible, 30);
}

function hasDagre() {
  try { return typeof cytoscape("layout", "dagre") === "function"; } catch (err) { return false; }
}

function saveView(baseHref, view) {
  const params = new URLSearchParams();
  const depth = $("#graph-depth").value;
  if (depth !== "1") params.set("depth", depth);
  if ($("#graph-layout").value !== "dag") params.set("layout", $("#graph-layout").value);
  const rels = unchecked("rel-filter"), labels = unchecked("label-filter");
  if (rels.length) params.set("hide_rels", rels.join(","));
  if (labels.length) params.set("hide_labels", labels.join(","));
  if (view.expanded.size) params.set("expand", [...view.expanded].join(","));
  const query = params.toString();
  history.replaceState(null, "", baseHref + (query ? "?" + query : ""));  // no hashchange: the view stays
}
