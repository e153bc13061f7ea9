/* mlkg web page: search with suggestions, ask, the entity page, routing. The graph
   explorer is explore.js, browse pages browse.js, the query panel panel.js (loaded
   first; they use the helpers here). Plain browser JavaScript; the only library is
   Cytoscape.js (vendored, MIT). */
"use strict";

const $ = (sel) => document.querySelector(sel);
const GROUPS = [
  ["implemented_by", "Implementations", "libraries implementing it"],
  ["implements", "Implements", ""],
  ["built_on", "Built on", ""],
  ["foundation_of", "Built upon by", ""],
  ["developed_by", "Who made it", ""],
  ["developed", "Made / released", ""],
  ["introduced_in", "Introduced in", "the paper that introduced it"],
  ["introduces", "Introduces", ""],
  ["authored_by", "Authors", ""], ["authored", "Authored", ""],
  ["uses", "Uses", ""], ["used_by", "Used by", ""],
  ["trained_on", "Trained on", ""], ["trained", "Trained on it", ""],
  ["evaluated_on", "Evaluated on", ""], ["evaluated", "Evaluated on it", ""],
];

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}
function entityHref(label, key) {
  return "#/entity/" + encodeURIComponent(label) + "/" + encodeURIComponent(key);
}
async function getJSON(url) {
  const response = await fetch(url, {headers: {Accept: "application/json"}});
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { const err = new Error(body.detail || response.statusText); err.body = body; err.status = response.status; throw err; }
  return body;
}

/* -- search with suggestions ---------------------------------------------------------- */
let searchTimer = null, searchSeq = 0;
$("#q").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(suggest, 150);
});
$("#q").addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown") { const first = $("#suggestions a"); if (first) { first.focus(); e.preventDefault(); } }
  if (e.key === "Enter") { const first = $("#suggestions a"); if (first) { location.hash = first.getAttribute("href"); hideSuggestions(); } }
});
document.addEventListener("click", (e) => { if (!e.target.closest(".searchbox")) hideSuggestions(); });
function hideSuggestions() { $("#suggestions").hidden = true; }

async function suggest() {
  const q = $("#q").value.trim();
  const list = $("#suggestions");
  if (!q) { hideSuggestions(); return; }
  const seq = ++searchSeq;
  try {
    const data = await getJSON("/search?limit=8&q=" + encodeURIComponent(q));
    if (seq !== searchSeq) return;
    list.innerHTML = data.results.length
      ? data.results.map((r) => `<li><a class="suggestion" href="${entityHref(r.label, r.key)}" data-name="${esc(r.name)}">${esc(r.name)}<span class="label">${esc(r.label)}</span></a></li>`).join("")
      : `<li class="muted" style="padding:.4rem .7rem">No match for “${esc(q)}”</li>`;
    list.hidden = false;
    list.querySelectorAll("a").forEach((a) => a.addEventListener("click", hideSuggestions));
  } catch (err) {
    list.innerHTML = `<li class="error" style="padding:.4rem .7rem">${esc(err.message)}</li>`;
    list.hidden = false;
  }
}

/* -- ask -------------------------------------------------------------------------------- */
$("#askform").addEventListener("submit", async (e) => {
  e.preventDefault();
  const q = $("#ask").value.trim();
  if (!q) return;
  const out = $("#answer");
  try {
    const a = await getJSON("/ask?q=" + encodeURIComponent(q));
    if (!a.understood) {
      out.innerHTML = `<div class="card"><p>${esc(a.message)}</p><ul class="closest">${a.closest.map((x) => `<li><a href="#" class="try">${esc(x.example)}</a></li>`).join("")}</ul></div>`;
      out.querySelectorAll("a.try").forEach((link) => link.addEventListener("click", (ev) => { ev.preventDefault(); $("#ask").value = link.textContent; $("#askform").requestSubmit(); }));
      return;
    }
    if (a.summary) {
      out.innerHTML = `<div class="card"><p id="summary">${esc(a.summary)}</p><p><a href="${entityHref(a.entity.label, a.entity.key)}">Open ${esc(a.entity.name)}</a></p></div>`;
      return;
    }
    const cols = a.rows.length ? Object.keys(a.rows[0]) : [];
    out.innerHTML = `<div class="card"><p class="muted">Ran <code>${esc(a.query)}</code> with ${esc(JSON.stringify(a.params))}</p>` +
      (a.message ? `<p>${esc(a.message)}</p>` : "") +
      Object.values(a.suggestions || {}).filter((list) => list.length).map((list) => `<p>Did you mean: ${list.map((x) => `<a href="${entityHref(x.label, x.key)}">${esc(x.name)}</a>`).join(", ")}?</p>`).join("") +
      (a.rows.length ? `<table><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>${a.rows.map((r) => `<tr>${cols.map((c) => `<td>${esc(Array.isArray(r[c]) ? r[c].join(" → ") : r[c])}</td>`).join("")}</tr>`).join("")}</table>` : "<p>No answer in the graph.</p>") + "</div>";
  } catch (err) { out.innerHTML = `<p class="error">${esc(err.message)}</p>`; }
});

/* -- routing ---------------------------------------------------------------------------- */
window.addEventListener("hashchange", route);
route();

function route() {
  const at = location.hash.indexOf("?");
  const path = at < 0 ? location.hash : location.hash.slice(0, at);
  const params = new URLSearchParams(at < 0 ? "" : location.hash.slice(at + 1));
  const show = (id) => ["#home", "#entity", "#browse", "#panel"].forEach((s) => { $(s).hidden = s !== id; });
  let m;
  if ((m = path.match(/^#\/entity\/([^/]+)\/(.+)$/))) { show("#entity"); showEntity(decodeURIComponent(m[1]), decodeURIComponent(m[2]), params); return; }
  if ((m = path.match(/^#\/browse(?:\/([^/]+))?$/))) { show("#browse"); showBrowse(m[1] ? decodeURIComponent(m[1]) : null, params); return; }
  if ((m = path.match(/^#\/query(?:\/([^/]+))?$/))) { show("#panel"); showPanel(m[1] ? decodeURIComponent(m[1]) : null, params); return; }
  show("#home");
}

/* -- the entity page ---------------------------------------------------------------------- */
async function showEntity(label, key, params) {
  const section = $("#entity");
  section.innerHTML = `<p class="muted">Loading…</p>`;
  let e;
  try {
    e = await getJSON("/entities/" + encodeURIComponent(label) + "/" + encodeURIComponent(key));
  } catch (err) {
    const sugg = (err.body && err.body.suggestions) || [];
    section.innerHTML = `<div class="card"><h2>Not found</h2><p class="error">${esc(err.message)}</p>` +
      (sugg.length ? `<p>Did you mean: ${sugg.map((s) => `<a href="${entityHref(s.label, s.key)}">${esc(s.name)}</a> <span class="label">${esc(s.label)}</span>`).join(", ")}?</p>` : "") + "</div>";
    return;
  }
  document.title = e.name + " — mlkg";
  const keys = Object.entries(e.keys).map(([k, v]) => `<code>${esc(k)}: ${esc(v)}</code>`).join(" ");
  const props = Object.entries(e.properties).map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(Array.isArray(v) ? v.join(", ") : v)}</li>`).join("");
  const byGroup = {};
  e.relations.forEach((r) => { (byGroup[r.group] = byGroup[r.group] || []).push(r); });
  const groups = GROUPS.filter(([g]) => byGroup[g]).map(([g, title]) => `
    <div class="card rel-group" data-group="${g}"><h3>${esc(title)}</h3><ul class="rels">
      ${byGroup[g].map(relationItem).join("")}
    </ul></div>`).join("");
  section.innerHTML = `
    <div class="card">
      <h1 id="entity-name">${esc(e.name)}<span class="label">${esc(e.label)}</span></h1>
      <p class="summary">${esc(e.summary)}</p>
      ${e.aliases.length ? `<p><b>Also known as:</b> ${e.aliases.map(esc).join(", ")}</p>` : ""}
      ${e.links.length ? `<p class="links">${e.links.map((l) => `<a class="outside" data-kind="${esc(l.kind)}" href="${esc(l.url)}" rel="noopener">${esc(l.kind)}</a>`).join(" · ")}</p>` : ""}
      ${paperFacts(e)}
      <p><b>Keys:</b> ${keys}</p>
      ${props ? `<ul>${props}</ul>` : ""}
      <p class="muted">First seen ${esc(e.first_seen)}; last seen ${esc(e.last_seen)}.</p>
    </div>
    ${e.implementations && e.implementations.length ? `<div class="card" id="code"><h3>Code and frameworks</h3><p>${e.implementations.map(esc).join(", ")}</p>
      <p class="muted">Libraries implementing it${e.label === "Paper" ? " or an architecture it introduced" : " or the paper that introduced it"}.</p></div>` : ""}
    ${explorerHTML(params)}
    <div class="grid">${groups || `<div class="card muted">No relations recorded yet.</div>`}</div>
    <div class="card"><h3>Sources</h3><ul class="rels">${e.sources.map((s) => `
      <li><a href="${esc(s.url)}" rel="noopener">${esc(s.title || s.id)}</a>
      <span class="muted">${esc(s.kind)} · ${esc(s.published || "undated")}</span>
      ${s.snippet ? `<div class="evidence"><q>${esc(s.snippet)}</q></div>` : ""}</li>`).join("") || "<li class='muted'>None.</li>"}</ul></div>`;
  explore(e, params, entityHref(e.label, e.key));
}

function paperFacts(e) {
  // authors in the paper's own order (arXiv metadata), else as the relations list them
  if (e.label !== "Paper") return "";
  const p = e.properties;
  const listed = (e.lineage.authored_by || []).map((o) => o.name);
  const authors = Array.isArray(p.authors) && p.authors.length ? p.authors : listed;
  const facts = [];
  if (authors.length) facts.push(`<b>Authors:</b> <span id="paper-authors">${authors.map(esc).join(", ")}</span>`);
  if (p.published) facts.push(`<b>Published:</b> ${esc(String(p.published).slice(0, 10))}`);
  if (p.updated) facts.push(`<b>Updated:</b> ${esc(String(p.updated).slice(0, 10))}`);
  if (p.categories) facts.push(`<b>Categories:</b> ${esc([].concat(p.categories).join(", "))}`);
  return facts.length ? `<p>${facts.join(" · ")}</p>` : "";
}

function relationItem(r) {
  const ev = r.evidence.map((x) => `<div class="evidence"><q>${esc(x.sentence)}</q> —
    ${x.source.url ? `<a href="${esc(x.source.url)}" rel="noopener">${esc(x.source.title || x.source.id)}</a>` : esc(x.source.id)}
    ${x.source.published ? `<span class="muted">(${esc(x.source.published)})</span>` : ""}
    ${x.extractor ? `<span class="muted extractor">· ${esc(x.extractor)} ${esc(x.extractor_version || "")}${x.confidence != null ? `, confidence ${Number(x.confidence).toFixed(2)}` : ""}</span>` : ""}</div>`).join("");
  const c = r.curation;
  const status = r.rejected ? "rejected" : r.asserted ? "asserted" : "";
  const curation = c && status ? `<span class="curation ${status}">${status} by ${esc(c.author)} on ${esc((c.at || "").slice(0, 10))}${c.reason ? `, reason: ${esc(c.reason)}` : ""}${c.reference ? (/^https?:\/\//i.test(c.reference) ? ` (<a href="${esc(c.reference)}" rel="noopener">reference</a>)` : ` (reference: ${esc(c.reference)})`) : ""}</span>` : "";
  const buttons = apiKey() && r.fact ? `${r.rejected ? "" : `<button class="curate" data-action="reject" data-fact="${esc(r.fact)}">Reject</button>`}${r.asserted ? "" : `<button class="curate" data-action="assert" data-fact="${esc(r.fact)}">Confirm</button>`}` : "";
  return `<li class="${status}" data-fact="${esc(r.fact || "")}"><a class="entity-link" href="${entityHref(r.other.label, r.other.key)}">${esc(r.other.name)}</a>
    <span class="label">${esc(r.other.label)}</span>
    <span class="support" title="distinct sources">support ${esc(r.support)}${r.confidence != null ? ` · confidence ${Number(r.confidence).toFixed(2)}` : ""}</span>${buttons}${curation}${ev}</li>`;
}

/* -- curation: reject / confirm a fact once an API key is entered ------------------------- */
// one key for the tab: the header's field (curation) and the query panel's analyst mode
function apiKey() { return sessionStorage.getItem("mlkgApiKey") || ""; }
$("#apikey").value = apiKey();
$("#apikey").addEventListener("change", () => { sessionStorage.setItem("mlkgApiKey", $("#apikey").value.trim()); route(); });
document.addEventListener("click", (e) => {
  const button = e.target.closest("button.curate");
  if (!button) return;
  const li = button.closest("li");
  li.querySelectorAll(".curate-form").forEach((f) => f.remove());
  const form = document.createElement("form");
  form.className = "curate-form";
  form.innerHTML = `<input name="reason" required placeholder="Why? (recorded with your key's name)"><button>${button.dataset.action === "reject" ? "Reject" : "Confirm"}</button><span class="error"></span>`;
  li.append(form);
  form.reason.focus();
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const response = await fetch("/curation/" + button.dataset.action, {
      method: "POST", headers: {"Content-Type": "application/json", "X-API-Key": apiKey()},
      body: JSON.stringify({fact: button.dataset.fact, reason: form.reason.value}),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      form.querySelector(".error").textContent = body.detail || response.statusText;
      return;
    }
    entityCache.clear();  // the explorer's neighbours show the curation too
    route();
  });
});
