// The Records view of the page: the curated records (and the lab's) from GET ../records, filtered as the service
// filters them (the filters and their choices come from options.json "record_filters"), a sortable table with link,
// quote and curation note, a log-scale landscape (threshold against year) and a strip chart per family (halide ×
// dimensionality). Clicking a point opens its record; "Download CSV" downloads what is filtered. Plain JS, no build
// step; every value is put in the page as text (quotes through quote.js).
"use strict";

const RECORDS_UNIT = "µJ cm⁻²";
const FILTER_LABELS = {
  halide: "Halide (X site)", b_site: "B site", a_site: "A site", dimensionality: "Dimensionality", spacer: "Spacer",
  measurement: "Measurement", pump_pulse: "Pump pulse", strategy: "Strategy", source: "Source",
  year_min: "Year from", year_max: "Year to", t_min: "Temperature from (K)", t_max: "Temperature to (K)",
  q: "Text (material, reference)",
};
const SORTABLE = [
  ["material", "Material"], ["threshold_uj_cm2", `Threshold (${RECORDS_UNIT})`], ["pump_pulse", "Pump"],
  ["temperature_k", "T (K)"], ["year", "Year"], ["strategy", "Strategy"], ["source", "Source and quote"],
];

const recordsState = { options: null, records: [], total: 0, sort: "year", loaded: false, selected: null, ticket: 0 };

// el, svg, fmt and decadeLabel are app.js's (loaded first; plan.js shares them the same way).

function webLink(link) {
  return typeof link === "string" && /^https?:\/\//i.test(link) ? link : null;
}

function dimensionClass(dimensionality) {
  const index = recordsState.options.dimensionalities.indexOf(dimensionality);
  return `dim-${index < 0 ? "x" : index}`;
}

// ---------- filters ----------
function buildFilters() {
  const holder = document.getElementById("records-filter-fields");
  for (const f of recordsState.options.record_filters) {
    const id = `records-${f.name.replaceAll("_", "-")}`;
    let input;
    if (f.choices.length) {
      input = el("select", { id, name: f.name, title: f.description });
      input.append(el("option", { value: "", text: "any" }));
      for (const choice of f.choices) input.append(el("option", { value: choice, text: choice }));
    } else if (f.kind === "min" || f.kind === "max") {
      const [low, high] = f.bounds || [null, null];
      input = el("input", { id, name: f.name, type: "number", min: low, max: high, step: "any", inputmode: "decimal",
        title: f.description });
    } else {
      input = el("input", { id, name: f.name, type: "text", autocomplete: "off", spellcheck: "false",
        title: f.description, maxlength: 200 });
    }
    holder.append(el("div", { class: "field" }, el("label", { for: id, text: FILTER_LABELS[f.name] || f.name }),
      input));
  }
}

function recordsQuery() {
  const params = new URLSearchParams();
  for (const f of recordsState.options.record_filters) {
    const value = document.getElementById(`records-${f.name.replaceAll("_", "-")}`).value.trim();
    if (value !== "") params.set(f.name, value);
  }
  params.set("sort", recordsState.sort);
  params.set("limit", String(recordsState.options.records_max_limit));
  return params;
}

function recordsError(message) {
  document.getElementById("records-error").textContent = message;
}

// The service's 422 names the parameter (detail[].loc = ["query", name]); say it beside the form.
function queryErrors(body) {
  if (body && Array.isArray(body.detail)) {
    return body.detail.map((d) => `${FILTER_LABELS[(d.loc || [])[1]] || (d.loc || []).slice(-1)[0]}: ${d.msg}`)
      .join(" · ");
  }
  return "The service refused the filters.";
}

async function loadRecords() {
  recordsError("");
  const params = recordsQuery();
  const ticket = ++recordsState.ticket; // answers can arrive out of order: only the latest question is drawn
  const status = document.getElementById("records-status");
  status.textContent = "Loading…";
  let response, body;
  try {
    response = await fetch(`../records?${params}`, { headers: { Accept: "application/json" } });
    body = await response.json();
  } catch {
    if (ticket !== recordsState.ticket) return;
    status.textContent = "";
    recordsError("The service cannot be reached; is it still running?");
    return;
  }
  if (ticket !== recordsState.ticket) return;
  status.textContent = "";
  if (!response.ok) {
    recordsError(queryErrors(body));
    return;
  }
  recordsState.records = body.records;
  recordsState.total = body.total;
  const csv = new URLSearchParams(params);
  csv.set("format", "csv");
  document.getElementById("records-download").href = `../records?${csv}`;
  drawRecords();
  const view = document.getElementById("records-view");
  view.dataset.loaded = String(body.records.length);
  view.dataset.query = params.toString();
}

// ---------- table ----------
function drawRecords() {
  const { records, total } = recordsState;
  const plotted = records.filter((r) => r.threshold_uj_cm2 !== null && r.threshold_uj_cm2 > 0);
  const notPlotted = records.length - plotted.length;
  const shown = records.length < total ? `the first ${records.length} of ${total}` : String(total);
  document.getElementById("records-summary").textContent =
    `${shown} record${total === 1 ? "" : "s"}` +
    (notPlotted ? `; ${notPlotted} without a pulsed threshold in ${RECORDS_UNIT} (CW) are listed, not plotted` : "") +
    ".";
  drawLandscape(plotted);
  drawStrips(plotted);
  drawTable(records);
  if (recordsState.selected && !records.some((r) => r.record_id === recordsState.selected)) closeRecord();
}

function conditions(r) {
  return [r.dimensionality, r.spacer && `spacer ${r.spacer}`, r.n_layers && `n = ${r.n_layers}`]
    .filter(Boolean).join(", ");
}

function drawTable(records) {
  const table = el("table", { id: "records-table", class: "records" });
  const head = el("tr");
  const [key, descending] = [recordsState.sort.replace(/^-/, ""), recordsState.sort.startsWith("-")];
  for (const [column, label] of SORTABLE) {
    const sorted = column === key;
    const th = el("th", { scope: "col", "aria-sort": sorted ? (descending ? "descending" : "ascending") : "none" });
    const button = el("button", { type: "button", class: "sort", "data-sort": column,
      text: `${label}${sorted ? (descending ? " ▼" : " ▲") : ""}` });
    button.addEventListener("click", () => {
      recordsState.sort = sorted && !descending ? `-${column}` : column;
      loadRecords();
    });
    th.append(button);
    head.append(th);
  }
  head.append(el("th", { scope: "col", text: "Curation note" }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const r of records) {
    const tr = el("tr", { "data-record-id": r.record_id, class: r.record_id === recordsState.selected ? "selected" : null });
    const material = el("td", {}, el("button", { type: "button", class: "material link-like", text: r.material }),
      el("p", { class: "hint", text: conditions(r) }));
    material.querySelector("button").addEventListener("click", () => openRecord(r.record_id, false));
    const threshold = r.threshold_uj_cm2 === null ? `${r.threshold_value} ${r.threshold_unit}` : fmt(r.threshold_uj_cm2);
    const source = el("td", { class: "source" });
    const href = webLink(r.link);
    source.append(href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", text: r.reference })
      : r.reference);
    if (r.quote) source.append(quoteBlock(r.quote));
    source.append(el("p", { class: "hint", text: [r.source, r.source_locator, r.record_id].filter(Boolean).join(" · ") }));
    tr.append(material,
      el("td", { class: "num", text: `${threshold}${r.measurement === "ASE" ? "" : ` (${r.measurement})`}` }),
      el("td", { text: r.pump_pulse || "—" }),
      el("td", { class: "num", text: r.temperature_k === null ? "—" : fmt(r.temperature_k) }),
      el("td", { class: "num", text: r.year === null ? "—" : String(r.year) }),
      el("td", { text: r.strategy || "none" }),
      source,
      el("td", { class: "note-cell", text: r.curation_note || "" }));
    body.append(tr);
  }
  table.append(body);
  document.getElementById("records-table-wrap").replaceChildren(table);
}

// ---------- charts ----------
function logRange(values) {
  let lo = Math.floor(Math.log10(Math.min(...values)));
  let hi = Math.ceil(Math.log10(Math.max(...values)));
  if (hi - lo < 2) { lo -= 1; hi += 1; }
  return [lo, hi];
}

function pointShape(r, cx, cy) {
  const title = svg("title", {}, `${r.material} (${r.dimensionality}): ${fmt(r.threshold_uj_cm2)} ${RECORDS_UNIT}, ` +
    `${r.measurement}${r.year ? `, ${r.year}` : ""} — ${r.record_id}`);
  const g = svg("g", { class: `point ${dimensionClass(r.dimensionality)} ${r.measurement === "ASE" ? "ase" : "lasing"}`,
    "data-record-id": r.record_id, tabindex: "0", role: "button",
    "aria-label": `${r.material}, ${fmt(r.threshold_uj_cm2)} ${RECORDS_UNIT}, ${r.measurement}` });
  if (r.measurement === "ASE") g.append(svg("circle", { cx, cy, r: 5 }));
  else g.append(svg("rect", { x: cx - 4.5, y: cy - 4.5, width: 9, height: 9 }));
  g.append(title);
  const open = () => openRecord(r.record_id, true);
  g.addEventListener("click", open);
  g.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); } });
  return g;
}

function drawLandscape(records) {
  const holder = document.getElementById("records-landscape");
  if (!records.length) {
    holder.replaceChildren(el("p", { class: "hint", text: "No record with a pulsed threshold passes the filters." }));
    return;
  }
  const years = records.map((r) => r.year).filter((y) => y !== null);
  const y0 = Math.min(...years) - 0.5, y1 = Math.max(...years) + 0.5;
  const [lo, hi] = logRange(records.map((r) => r.threshold_uj_cm2));
  const width = 720, height = 340, left = 56, right = 16, top = 12, bottom = 40;
  const x = (year) => left + ((year - y0) / (y1 - y0 || 1)) * (width - left - right);
  const y = (v) => top + (1 - (Math.log10(v) - lo) / (hi - lo)) * (height - top - bottom);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", id: "landscape-svg", role: "group",
    "aria-label": `Threshold against year, log axis from ${decadeLabel(lo)} to ${decadeLabel(hi)} ${RECORDS_UNIT}` });
  for (let k = lo; k <= hi; k++) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(10 ** k), y2: y(10 ** k), class: "grid" }));
    chart.append(svg("text", { x: left - 6, y: y(10 ** k) + 4, class: "tick", "text-anchor": "end" }, decadeLabel(k)));
  }
  const step = Math.max(1, Math.ceil((y1 - y0) / 12));
  for (let year = Math.ceil(y0); year <= y1; year += step) {
    chart.append(svg("text", { x: x(year), y: height - bottom + 16, class: "tick", "text-anchor": "middle" }, String(year)));
  }
  chart.append(svg("line", { x1: left, x2: width - right, y1: height - bottom, y2: height - bottom, class: "axis" }));
  chart.append(svg("text", { x: width - right, y: height - 6, class: "tick", "text-anchor": "end" }, "year of publication"));
  chart.append(svg("text", { x: 4, y: top + 2, class: "tick", "dominant-baseline": "hanging" }, RECORDS_UNIT));
  // records of one year spread a little, so that equal points stay clickable
  const seen = {};
  for (const r of records) {
    if (r.year === null) continue;
    const n = (seen[r.year] = (seen[r.year] || 0) + 1);
    const spread = ((n % 5) - 2) * 3;
    chart.append(pointShape(r, x(r.year) + spread, y(r.threshold_uj_cm2)));
  }
  holder.replaceChildren(chart, legend(records));
}

function legend(records) {
  const box = el("p", { class: "legend" });
  const present = recordsState.options.dimensionalities.filter((d) => records.some((r) => r.dimensionality === d));
  for (const d of present) {
    box.append(el("span", { class: "item" }, el("span", { class: `key ${dimensionClass(d)}` }), d));
  }
  box.append(el("span", { class: "item" }, el("span", { class: "key shape-ase" }), "ASE"),
    el("span", { class: "item" }, el("span", { class: "key shape-lasing" }), "lasing"));
  return box;
}

function drawStrips(records) {
  const holder = document.getElementById("records-strips");
  if (!records.length) {
    holder.replaceChildren();
    return;
  }
  const order = recordsState.options.dimensionalities;
  const families = new Map();
  for (const r of records) {
    const key = `${r.halide || "?"} · ${r.dimensionality}`;
    if (!families.has(key)) families.set(key, { halide: r.halide || "?", dimensionality: r.dimensionality, rows: [] });
    families.get(key).rows.push(r);
  }
  const rows = [...families.entries()].sort(([, a], [, b]) =>
    a.halide.localeCompare(b.halide) || order.indexOf(a.dimensionality) - order.indexOf(b.dimensionality));
  const [lo, hi] = logRange(records.map((r) => r.threshold_uj_cm2));
  const width = 720, left = 190, right = 16, rowH = 24, top = 8;
  const height = top + rows.length * rowH + 36;
  const x = (v) => left + ((Math.log10(v) - lo) / (hi - lo)) * (width - left - right);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", id: "strips-svg", role: "group",
    "aria-label": `Threshold per family (halide × dimensionality), log axis, ${RECORDS_UNIT}` });
  const axisY = top + rows.length * rowH + 4;
  for (let k = lo; k <= hi; k++) {
    chart.append(svg("line", { x1: x(10 ** k), x2: x(10 ** k), y1: top, y2: axisY, class: "grid" }));
    chart.append(svg("text", { x: x(10 ** k), y: axisY + 16, class: "tick", "text-anchor": "middle" }, decadeLabel(k)));
  }
  chart.append(svg("text", { x: width - right, y: axisY + 30, class: "tick", "text-anchor": "end" }, RECORDS_UNIT));
  rows.forEach(([label, family], i) => {
    const cy = top + i * rowH + rowH / 2;
    const g = svg("g", { class: "family", "data-family": label });
    g.append(svg("text", { x: left - 10, y: cy + 4, "text-anchor": "end", class: "row-label" },
      `${label} (${family.rows.length})`));
    family.rows.forEach((r, j) => g.append(pointShape(r, x(r.threshold_uj_cm2), cy + ((j % 3) - 1) * 5)));
    chart.append(g);
  });
  holder.replaceChildren(chart);
}

// ---------- one record ----------
function openRecord(recordId, fromChart) {
  const r = recordsState.records.find((item) => item.record_id === recordId);
  if (!r) return;
  recordsState.selected = recordId;
  const panel = document.getElementById("record-detail");
  const facts = el("dl", { class: "card" });
  const add = (term, value) => { if (value !== null && value !== undefined && value !== "") facts.append(el("dt", { text: term }), el("dd", { text: String(value) })); };
  add("Material", r.material);
  add("Conditions", conditions(r));
  add("Threshold as reported", `${r.threshold_value} ${r.threshold_unit} (${r.measurement})`);
  add(`Threshold (${RECORDS_UNIT})`, r.threshold_uj_cm2 === null ? null : fmt(r.threshold_uj_cm2));
  add("Pump", [r.pump_pulse, r.pump_wavelength_nm && `${fmt(r.pump_wavelength_nm)} nm`].filter(Boolean).join(", "));
  add("Temperature (K)", r.temperature_k === null ? "not stated" : fmt(r.temperature_k));
  add("Strategy", r.strategy || "none (control)");
  add("Year", r.year);
  add("Source", [r.source, r.source_locator].filter(Boolean).join(", "));
  add("Record", r.record_id);
  const href = webLink(r.link);
  const reference = el("p", { class: "reference" });
  reference.append(href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", text: r.reference }) : r.reference);
  const close = el("button", { type: "button", class: "close", id: "record-detail-close", text: "Close" });
  close.addEventListener("click", closeRecord);
  panel.replaceChildren(el("h3", { id: "record-detail-title", text: `${r.material}: ${r.record_id}` }), facts, reference);
  if (r.quote) panel.append(quoteBlock(r.quote, { id: "record-detail-quote" }));
  if (r.curation_note) panel.append(el("p", { class: "note", id: "record-detail-note", text: `Curation note: ${r.curation_note}` }));
  panel.append(close);
  panel.hidden = false;
  for (const row of document.querySelectorAll("#records-table tr.selected")) row.classList.remove("selected");
  const row = document.querySelector(`#records-table tr[data-record-id="${CSS.escape(recordId)}"]`);
  if (row) row.classList.add("selected");
  if (fromChart) panel.scrollIntoView({ block: "nearest" });
  close.focus({ preventScroll: !fromChart });
}

function closeRecord() {
  recordsState.selected = null;
  const panel = document.getElementById("record-detail");
  panel.hidden = true;
  panel.replaceChildren();
  for (const row of document.querySelectorAll("#records-table tr.selected")) row.classList.remove("selected");
}

// ---------- the two views ----------
function showView(id) {
  for (const tab of document.querySelectorAll(".views [role=tab]")) {
    const selected = tab.getAttribute("aria-controls") === id;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  document.getElementById("model-card").hidden = id !== "predict-view";
  if (id === "records-view" && !recordsState.loaded) {
    recordsState.loaded = true;
    loadRecords();
  }
}

async function recordsStart() {
  const tabs = [...document.querySelectorAll(".views [role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => showView(tab.getAttribute("aria-controls")));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      next.focus();
      showView(next.getAttribute("aria-controls"));
    });
  }
  try {
    const response = await fetch("options.json");
    if (!response.ok) throw new Error(String(response.status));
    recordsState.options = await response.json();
  } catch {
    recordsError("The page could not load the filters from the service; reload it.");
    return;
  }
  buildFilters();
  const form = document.getElementById("records-filters");
  form.addEventListener("submit", (event) => { event.preventDefault(); loadRecords(); });
  form.addEventListener("change", (event) => { if (event.target.tagName === "SELECT") loadRecords(); });
  form.addEventListener("reset", () => setTimeout(loadRecords, 0));
  document.body.dataset.recordsReady = "true";
  if (location.hash === "#records") showView("records-view");
}

recordsStart();
