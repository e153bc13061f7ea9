/* mlkg web page: browse pages — entities by label with facets (organization, year,
   relation presence, also to something introduced in a year: has=IMPLEMENTS:out@2023),
   sort, pages. The URL (#/browse/Label?organization=…&has=…) is the view: share it and
   the same rows come back. Data: GET /browse/{label} (JSON or CSV). */
"use strict";

const FACET_TITLES = {organization: "Developed by", year: "Year", has: "Has relation"};
const SORT_TITLES = {support: "Most supported", recent: "Most recent", name: "Name"};

function browseHref(label, params) {
  const query = params.toString();
  return "#/browse/" + encodeURIComponent(label) + (query ? "?" + query : "");
}

async function showBrowse(label, params) {
  const section = $("#browse");
  section.innerHTML = `<p class="muted">Loading…</p>`;
  try {
    if (!label) {
      const labels = await getJSON("/browse");
      section.innerHTML = `<div class="card"><h1>Browse</h1><ul class="labels">${labels.map((l) =>
        `<li><a href="${browseHref(l.label, new URLSearchParams())}">${esc(l.label)}</a> <span class="muted">${l.count}</span></li>`).join("")}</ul></div>`;
      return;
    }
    const b = await getJSON("/browse/" + encodeURIComponent(label) + "?" + params.toString());
    document.title = `${b.label} — mlkg`;
    section.innerHTML = browsePage(b, params);
    $("#browse-sort").addEventListener("change", (ev) => {
      const next = new URLSearchParams(params); next.set("sort", ev.target.value); next.delete("page");
      location.hash = browseHref(b.label, next);
    });
    const dated = $("#browse-dated");
    if (dated) dated.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const year = $("#browse-dated-year").value.trim();
      if (!/^\d{4}$/.test(year)) { $("#browse-dated-year").focus(); return; }
      location.hash = browseHref(b.label, withFacet(params, "has", `${$("#browse-dated-rel").value}@${year}`));
    });
  } catch (err) {
    const sugg = (err.body && err.body.suggestions) || [];
    section.innerHTML = `<div class="card"><p class="error">${esc(err.message)}</p>` +
      (sugg.length ? `<p>Did you mean: ${sugg.map((s) => esc(s.name)).join(", ")}?</p>` : "") + "</div>";
  }
}

function withFacet(params, facet, value) {
  const next = new URLSearchParams(params);
  next.delete("page");
  if (facet === "has") { if (!next.getAll("has").includes(value)) next.append("has", value); }
  else next.set(facet, value);
  return next;
}

function withoutFacet(params, facet, value) {
  const next = new URLSearchParams();
  for (const [k, v] of params) if (k !== "page" && !(k === facet && (facet !== "has" || v === value))) next.append(k, v);
  return next;
}

function hasText(value) {
  // IMPLEMENTS:out@2023 → "IMPLEMENTS:out, to one introduced in 2023"
  const at = value.indexOf("@");
  return at < 0 ? value : `${value.slice(0, at)}, to one introduced in ${value.slice(at + 1)}`;
}

function browsePage(b, params) {
  const active = [];
  if (b.filters.organization) active.push(["organization", b.filters.organization]);
  if (b.filters.year) active.push(["year", b.filters.year]);
  b.filters.has.forEach((h) => active.push(["has", h]));
  const chips = active.map(([f, v]) => `<a class="chip" data-facet="${f}" href="${browseHref(b.label, withoutFacet(params, f, v))}" title="remove">${esc(FACET_TITLES[f])}: ${esc(hasText(v))} ×</a>`).join(" ");
  // "libraries implementing something introduced in 2023": a relation the rows have, and a year
  const rels = (b.facets.has || []).map((v) => v.value);
  const datedForm = rels.length ? `
    <form id="browse-dated" class="facet-group"><h4>Related to something introduced in</h4>
      <select id="browse-dated-rel" aria-label="relation">${rels.map((r) => `<option value="${esc(r)}">${esc(r)}</option>`).join("")}</select>
      <input id="browse-dated-year" size="5" maxlength="4" placeholder="2023" aria-label="year" inputmode="numeric">
      <button type="submit">Add</button></form>` : "";
  const facets = Object.entries(b.facets).map(([name, values]) => `
    <div class="facet-group" data-facet="${name}"><h4>${esc(FACET_TITLES[name] || name)}</h4><ul>
    ${values.map((v) => `<li><a class="facet" data-facet="${name}" data-value="${esc(v.value)}" href="${browseHref(b.label, withFacet(params, name, v.value))}">${esc(v.value)}</a> <span class="muted">${v.count}</span></li>`).join("") || "<li class='muted'>—</li>"}
    </ul></div>`).join("");
  const rows = b.rows.map((r) => `<tr data-name="${esc(r.name)}"><td><a href="${entityHref(r.label, r.key)}">${esc(r.name)}</a></td>
    <td>${esc(r.date || "")}</td><td>${r.support}</td><td>${esc(r.organizations.join(", "))}</td>
    <td class="muted">${esc(r.relations.join(" "))}</td></tr>`).join("");
  const page = (n) => { const next = new URLSearchParams(params); next.set("page", n); return browseHref(b.label, next); };
  return `
    <div class="card"><h1>${esc(b.label)} <span class="muted" id="browse-total">${b.total} found</span></h1>
      <p>${chips || "<span class='muted'>No filters: pick one on the left.</span>"}</p>
      <label>Sort <select id="browse-sort">${Object.entries(SORT_TITLES).map(([k, t]) => `<option value="${k}"${k === b.sort ? " selected" : ""}>${t}</option>`).join("")}</select></label>
      <a href="${esc(b.links.csv)}">CSV</a> · <a href="${esc(b.links.self)}">JSON</a></div>
    <div class="browse"><aside class="card facets">${facets}${datedForm}</aside>
      <div class="card"><table id="browse-table"><tr><th>Name</th><th>Date</th><th>Support</th><th>Developed by</th><th>Relations</th></tr>${rows}</table>
      ${b.rows.length ? "" : "<p class='muted'>Nothing matches.</p>"}
      <p class="pager">${b.links.prev ? `<a href="${page(b.page - 1)}">← previous</a>` : ""} page ${b.page} of ${b.pages}
      ${b.links.next ? `<a href="${page(b.page + 1)}">next →</a>` : ""}</p></div></div>`;
}
