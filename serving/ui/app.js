// The asepred web page: plain JS, no build step, no external assets. It asks the service it is served by:
// GET options.json (choices and hints), POST ../predict, POST ../explain, GET ../model. The Records view is
// records.js (GET ../records); quotes are drawn by quote.js.
"use strict";

const UNIT = "µJ cm⁻²";
const SVG = "http://www.w3.org/2000/svg";

// The record's fields come from the service (options.json "form", from the record contract); only how the page
// presents some of them lives here.
const WIDGETS = { spacer: "spacer" };
const CHOICE_LABELS = { pump_pulse: { fs: "fs (femtosecond)", ps: "ps (picosecond)", ns: "ns (nanosecond)" } };
const EMPTY_CHOICE = { strategy: "none (control or reference sample)" };
const STEPS = { int: "1", float: "any" };
let FIELDS = [];
let NUMERIC = { threshold_uj_cm2: "float" };

function formFields(form) {
  return form.map((f) => ({
    name: f.name,
    label: f.label,
    hint: f.hint,
    type: WIDGETS[f.name] || (f.kind === "choice" ? "select" : f.kind === "text" ? "text" : "number"),
    choices: f.choices,
    labels: CHOICE_LABELS[f.name],
    empty: EMPTY_CHOICE[f.name],
    step: STEPS[f.kind],
  }));
}
const REFERENCE_ONLY = [
  { name: "threshold_uj_cm2", label: `Measured threshold (${UNIT})`, type: "number", step: "any",
    hint: `Your measured pulsed ASE threshold of this sample, ${UNIT}.` },
];

let options = null;
let batchAnswers = null;

// ---------- small helpers ----------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(1).replace("e+", "e");
  return String(Number(x.toPrecision(3)));
}

function decadeLabel(k) {
  if (k >= -3 && k <= 4) return String(Number((10 ** k).toPrecision(1)));
  return `1e${k}`;
}

// ---------- the form ----------
function fieldId(prefix, name) {
  return `${prefix}${name.replaceAll("_", "-")}`;
}

function buildField(spec, prefix) {
  const id = fieldId(prefix, spec.name);
  const limits = options.fields[spec.name] || {};
  const described = `${id}-hint ${id}-error`;
  let input;
  if (spec.type === "select") {
    input = el("select", { id, name: spec.name, "aria-describedby": described });
    input.append(el("option", { value: "", text: limits.required ? "choose…" : spec.empty || "not stated" }));
    for (const choice of spec.choices) {
      input.append(el("option", { value: choice, text: (spec.labels && spec.labels[choice]) || choice }));
    }
    if (limits.default) input.value = limits.default;
  } else if (spec.type === "spacer") {
    const listId = `${id}-choices`;
    input = el("input", { id, name: spec.name, type: "text", list: listId, autocomplete: "off", spellcheck: "false",
      "aria-describedby": described, maxlength: limits.maxLength });
    const list = el("datalist", { id: listId });
    for (const s of options.spacers) list.append(el("option", { value: s.key, text: `${s.name} (${s.family})` }));
    const wrap = el("div", { class: "field" }, el("label", { for: id, text: spec.label }), input, list);
    return finishField(wrap, spec, id, limits);
  } else {
    input = el("input", { id, name: spec.name, type: spec.type, step: spec.step, autocomplete: "off",
      spellcheck: spec.name === "material" ? "false" : null, "aria-describedby": described,
      min: limits.minimum ?? limits.exclusiveMinimum, max: limits.maximum, maxlength: limits.maxLength,
      inputmode: spec.type === "number" ? "decimal" : null });
    if (limits.default !== undefined && limits.default !== null) input.value = limits.default;
  }
  if (limits.required) input.setAttribute("aria-required", "true");
  const label = el("label", { for: id, text: spec.label });
  if (limits.required) label.append(el("span", { class: "required", "aria-hidden": "true", text: " *" }));
  return finishField(el("div", { class: "field" }, label, input), spec, id, limits);
}

function finishField(wrap, spec, id, limits) {
  let hint = spec.hint;
  if (limits.minimum !== undefined && limits.maximum !== undefined) hint += ` (${limits.minimum}–${limits.maximum})`;
  wrap.append(el("p", { class: "hint", id: `${id}-hint`, text: hint }));
  wrap.append(el("p", { class: "error", id: `${id}-error`, "aria-live": "polite" }));
  return wrap;
}

function buildForm() {
  const record = document.getElementById("record-fields");
  for (const spec of FIELDS) record.append(buildField(spec, ""));
  const reference = document.getElementById("reference-fields");
  for (const spec of [...FIELDS, ...REFERENCE_ONLY]) reference.append(buildField(spec, "ref-"));
  document.getElementById("batch-columns").textContent = options.record_columns.join(", ");
  document.getElementById("material").placeholder = "CsPbBr3";
  document.getElementById("ref-material").placeholder = "CsPbBr3";
}

function readRecord(prefix, specs) {
  const record = {};
  for (const spec of specs) {
    const raw = document.getElementById(fieldId(prefix, spec.name)).value.trim();
    if (raw === "") continue;
    record[spec.name] = spec.name in NUMERIC ? toNumber(raw, NUMERIC[spec.name]) : raw;
  }
  return record;
}

function toNumber(raw, kind) {
  const value = Number(raw);
  if (raw === "" || Number.isNaN(value)) return raw; // the service names the field and says what is wrong
  return kind === "int" && Number.isInteger(value) ? Math.trunc(value) : value;
}

function referenceSample() {
  if (!document.getElementById("use-reference").checked) return null;
  return readRecord("ref-", [...FIELDS, ...REFERENCE_ONLY]);
}

// ---------- errors beside their fields ----------
function clearErrors() {
  for (const node of document.querySelectorAll(".error")) node.textContent = "";
  for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

function showFieldError(id, message) {
  const input = document.getElementById(id);
  const slot = document.getElementById(`${id}-error`);
  if (!input || !slot) return false;
  slot.textContent = message;
  input.setAttribute("aria-invalid", "true");
  if (id.startsWith("ref-")) {
    document.getElementById("reference-part").open = true;
  }
  return true;
}

function showFormError(message) {
  document.getElementById("form-error").textContent = message;
}

// One error of the service as {where: "record"|"reference"|null, row, field, message}.
function parseErrors(status, text) {
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const found = [];
  if (body && Array.isArray(body.detail)) {
    for (const d of body.detail) {
      const loc = Array.isArray(d.loc) ? d.loc : [];
      const where = loc[0] === "records" ? "record" : loc[0] === "reference" ? "reference" : null;
      const row = where === "record" && typeof loc[1] === "number" ? loc[1] : null;
      const field = loc.find((part, i) => i > 0 && typeof part === "string") || null;
      found.push({ where, row, field, message: d.msg || "invalid value" });
    }
  }
  const messages = [];
  if (Array.isArray(body)) for (const item of body) messages.push(item && item.error ? item.error : String(item));
  else if (body && typeof body.error === "string" && !found.length) messages.push(body.error);
  else if (body && typeof body.detail === "string") messages.push(body.detail);
  for (const message of messages) {
    const m = /^(?:records\[(\d+)\]|(reference)|records)\.(\w+)?:?\s*([\s\S]*)$/.exec(message);
    if (m) {
      found.push({ where: m[2] ? "reference" : "record", row: m[1] === undefined ? null : Number(m[1]),
        field: m[3] || null, message: m[4] || message });
    } else {
      found.push({ where: null, row: null, field: null, message });
    }
  }
  if (!found.length) {
    const safe = status >= 500 || /Traceback|File "/.test(text) ? "" : text.slice(0, 200);
    found.push({ where: null, row: null, field: null,
      message: status >= 500 ? `The service failed (HTTP ${status}); try again, or see the server's log.`
        : `The service refused the request (HTTP ${status})${safe ? `: ${safe}` : "."}` });
  }
  return found;
}

function showErrors(errors, { batch = false, ids = null } = {}) {
  const unplaced = [];
  for (const e of errors) {
    let placed = false;
    if (e.where === "reference" && e.field) placed = showFieldError(fieldId("ref-", e.field), e.message);
    else if (e.where === "record" && e.field && !batch) placed = showFieldError(fieldId("", e.field), e.message);
    if (!placed) {
      const where = e.where === "reference" ? "Reference sample" :
        batch && e.row !== null ? `Record ${e.row + 1}${ids && ids[e.row] ? ` (${ids[e.row]})` : ""}` : null;
      unplaced.push([where, e.field, e.message].filter(Boolean).join(": "));
    }
  }
  if (unplaced.length) {
    const target = batch ? "batch-file-error" : "form-error";
    document.getElementById(target).textContent = unplaced.slice(0, 5).join(" · ") +
      (unplaced.length > 5 ? ` (and ${unplaced.length - 5} more)` : "");
  }
  const first = document.querySelector("[aria-invalid='true']");
  if (first) first.focus();
}

// ---------- talking to the service ----------
async function post(path, body) {
  let response;
  try {
    response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) });
  } catch {
    return { ok: false, errors: [{ where: null, field: null, message: "The service cannot be reached; is it still running?" }] };
  }
  const text = await response.text();
  if (response.ok) {
    try {
      return { ok: true, data: JSON.parse(text) };
    } catch {
      return { ok: false, errors: [{ where: null, field: null, message: "The service answered something that is not JSON." }] };
    }
  }
  return { ok: false, errors: parseErrors(response.status, text) };
}

function setBusy(busy, message = "") {
  document.getElementById("submit").disabled = busy;
  document.getElementById("status").textContent = message;
  document.getElementById("single-form").setAttribute("aria-busy", busy ? "true" : "false");
}

async function submitSingle() {
  const record = readRecord("", FIELDS);
  const reference = referenceSample();
  const missing = [];
  if (!record.material) missing.push(["material", "Enter the formula, e.g. CsPbBr3."]);
  if (!record.dimensionality) missing.push(["dimensionality", "Pick the dimensionality."]);
  if (reference && !reference.material) missing.push(["ref-material", "Enter the reference sample's formula."]);
  if (reference && !reference.dimensionality) missing.push(["ref-dimensionality", "Pick the reference's dimensionality."]);
  if (reference && reference.threshold_uj_cm2 === undefined) {
    missing.push(["ref-threshold-uj-cm2", `Enter the threshold you measured, ${UNIT}.`]);
  }
  if (missing.length) {
    for (const [id, message] of missing) showFieldError(id, message);
    document.querySelector("[aria-invalid='true']").focus();
    return;
  }
  const body = { records: [record], reference, evidence: 5 };
  setBusy(true, "Predicting…");
  // /explain takes the records alone: a reference anchors the prediction but does not change its explanation
  const [answer, why] = await Promise.all([post("../predict", body), post("../explain", { records: body.records })]);
  setBusy(false);
  if (!answer.ok) {
    document.getElementById("answer").hidden = true;
    showErrors(answer.errors);
    return;
  }
  showAnswer(record, answer.data.predictions[0], why.ok ? why.data.explanations[0] : null);
}

// ---------- the answer ----------
function showAnswer(record, prediction, explanation) {
  document.getElementById("batch-answer").hidden = true;
  const section = document.getElementById("answer");
  section.hidden = false;
  const [low, high] = prediction.interval_uj_cm2;
  const headline = document.getElementById("headline");
  headline.replaceChildren();
  const absolute = el("div", { class: "value-card", id: "absolute-answer" },
    el("p", { class: "label", text: `${record.material}: predicted from the published record` }),
    el("p", { class: "value" }, el("span", { id: "threshold", text: fmt(prediction.threshold_uj_cm2) }), ` ${UNIT}`),
    el("p", { class: "interval", id: "interval", text: `90 % interval ${fmt(low)} – ${fmt(high)} ${UNIT}` }));
  headline.append(absolute);
  if (prediction.anchored) {
    const a = prediction.anchored;
    headline.append(el("div", { class: "value-card anchored", id: "anchored-answer" },
      el("p", { class: "label", text: "Anchored to your reference sample" }),
      el("p", { class: "value" }, el("span", { id: "anchored-threshold", text: fmt(a.threshold_uj_cm2) }), ` ${UNIT}`),
      el("p", { class: "interval", text: `90 % interval ${fmt(a.interval_uj_cm2[0])} – ${fmt(a.interval_uj_cm2[1])} ${UNIT}` }),
      el("p", { class: "interval", text: `predicted ratio to your sample: ×${fmt(a.ratio)}` })));
  }

  const domain = document.getElementById("domain");
  domain.replaceChildren();
  domain.append(el("p", { class: prediction.in_domain ? "badge ok" : "badge warn", id: "in-domain",
    text: prediction.in_domain ? "In domain: the material resembles the training data."
      : "Out of domain: treat this answer with caution." }));
  if (prediction.warnings.length) {
    const list = el("ul", { class: "warnings", id: "warnings" });
    for (const w of prediction.warnings) list.append(el("li", { text: w }));
    domain.append(list);
  }

  drawAxis(prediction);
  drawExplanation(explanation);
  drawEvidence(prediction.evidence);
  drawPaired(prediction.paired_evidence);
  section.scrollIntoView({ block: "nearest" });
}

function drawAxis(prediction) {
  const rows = [{ label: "Predicted", kind: "prediction", value: prediction.threshold_uj_cm2,
    interval: prediction.interval_uj_cm2 }];
  if (prediction.anchored) {
    rows.push({ label: "Anchored", kind: "anchored", value: prediction.anchored.threshold_uj_cm2,
      interval: prediction.anchored.interval_uj_cm2 });
  }
  for (const [i, e] of prediction.evidence.entries()) {
    if (e.threshold_uj_cm2 === null || e.threshold_uj_cm2 <= 0) continue;
    const name = e.material.length > 20 ? `${e.material.slice(0, 19)}…` : e.material;
    rows.push({ label: `${i + 1}. ${name}${e.year ? ` (${e.year})` : ""}`, kind: e.measurement === "ASE" ? "evidence" : "evidence other",
      value: e.threshold_uj_cm2, title: `${e.material}: ${fmt(e.threshold_uj_cm2)} ${UNIT} (${e.measurement}) — ${e.reference}` });
  }
  const values = rows.flatMap((r) => [r.value, ...(r.interval || [])]).filter((v) => v > 0);
  let lo = Math.floor(Math.log10(Math.min(...values)));
  let hi = Math.ceil(Math.log10(Math.max(...values)));
  if (hi - lo < 2) { lo -= 1; hi += 1; }
  const width = 720, left = 230, right = 24, rowH = 26, top = 12;
  const height = top + rows.length * rowH + 40;
  const x = (v) => left + ((Math.log10(v) - lo) / (hi - lo)) * (width - left - right);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", id: "axis-svg",
    "aria-label": `Log axis from ${decadeLabel(lo)} to ${decadeLabel(hi)} ${UNIT}: predicted ${fmt(prediction.threshold_uj_cm2)}` +
      `, ${rows.length - 1 - (prediction.anchored ? 1 : 0)} published records` });
  const axisY = top + rows.length * rowH + 4;
  for (let k = lo; k <= hi; k++) {
    chart.append(svg("line", { x1: x(10 ** k), x2: x(10 ** k), y1: top - 4, y2: axisY, class: "grid" }));
    chart.append(svg("text", { x: x(10 ** k), y: axisY + 16, class: "tick", "text-anchor": "middle" }, decadeLabel(k)));
    if (k < hi) {
      for (let m = 2; m <= 9; m++) {
        chart.append(svg("line", { x1: x(m * 10 ** k), x2: x(m * 10 ** k), y1: axisY - 4, y2: axisY, class: "minor" }));
      }
    }
  }
  chart.append(svg("line", { x1: left, x2: width - right, y1: axisY, y2: axisY, class: "axis" }));
  chart.append(svg("text", { x: width - right, y: axisY + 32, class: "tick", "text-anchor": "end" }, UNIT));
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const g = svg("g", { class: `row ${r.kind}` });
    g.append(svg("text", { x: left - 10, y: y + 4, "text-anchor": "end", class: "row-label" }, r.label));
    if (r.interval) {
      g.append(svg("line", { x1: x(r.interval[0]), x2: x(r.interval[1]), y1: y, y2: y, class: "interval-bar" }));
      for (const end of r.interval) g.append(svg("line", { x1: x(end), x2: x(end), y1: y - 6, y2: y + 6, class: "interval-bar" }));
      g.append(svg("circle", { cx: x(r.value), cy: y, r: 7, class: "dot" }));
    } else {
      g.append(svg("line", { x1: x(prediction.threshold_uj_cm2), x2: x(r.value), y1: y, y2: y, class: "leader" }));
      g.append(svg("circle", { cx: x(r.value), cy: y, r: 5, class: "dot" }));
    }
    g.append(svg("title", {}, r.title || `${r.label}: ${fmt(r.value)} ${UNIT}`));
    chart.append(g);
  });
  const holder = document.getElementById("axis-chart");
  const item = (kind, text) => el("span", { class: "item" }, el("span", { class: `key ${kind}` }), text);
  const legend = el("p", { class: "legend" }, item("prediction", "prediction and its 90 % interval"));
  if (prediction.anchored) legend.append(item("anchored", "anchored to your reference sample"));
  legend.append(item("evidence", "published ASE threshold (numbered as in the table)"));
  if (rows.some((r) => r.kind === "evidence other")) legend.append(item("other", "published lasing threshold"));
  holder.replaceChildren(chart, legend);
  if (!prediction.evidence.length) {
    holder.append(el("p", { class: "hint", text: "No published records were returned for this request." }));
  }
}

function drawExplanation(explanation) {
  const holder = document.getElementById("explanation");
  holder.replaceChildren();
  if (!explanation) {
    holder.append(el("p", { class: "hint", id: "explanation-note", text: "The explanation is not available right now." }));
    return;
  }
  const top = explanation.contributions.slice(0, 8);
  if (!top.length) {
    holder.append(el("p", { class: "note", id: "explanation-note", text: explanation.note }));
    return;
  }
  const width = 720, left = 310, valueX = 712, barH = 22, pad = 8;
  const height = pad * 2 + top.length * barH + 20;
  const span = Math.max(...top.map((c) => Math.abs(c.contribution)), 1e-9);
  const half = (valueX - 60 - left) / 2;
  const zero = left + half;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", id: "explanation-svg",
    "aria-label": "Largest contributions to log10 threshold, decades" });
  top.forEach((c, i) => {
    const y = pad + i * barH;
    const w = (Math.abs(c.contribution) / span) * half;
    const up = c.contribution > 0;
    const value = c.value === null || c.value === undefined ? "" : ` = ${fmt(c.value)}`;
    const label = `${c.feature}${value}`;
    const g = svg("g", { class: "contribution" });
    g.append(svg("title", {}, `${label}: ${up ? "+" : "−"}${fmt(Math.abs(c.contribution))} decades`));
    g.append(svg("text", { x: left - 10, y: y + barH / 2 + 4, "text-anchor": "end", class: "row-label" },
      label.length > 46 ? `${label.slice(0, 45)}…` : label));
    g.append(svg("rect", { x: up ? zero : zero - w, y: y + 3, width: Math.max(w, 1), height: barH - 6,
      class: up ? "bar up" : "bar down" }));
    g.append(svg("text", { x: valueX, y: y + barH / 2 + 4, class: "tick", "text-anchor": "end" },
      `${up ? "+" : "−"}${fmt(Math.abs(c.contribution))}`));
    chart.append(g);
  });
  const axisY = pad + top.length * barH + 2;
  chart.append(svg("line", { x1: zero, x2: zero, y1: pad - 2, y2: axisY, class: "axis" }));
  chart.append(svg("text", { x: zero, y: axisY + 14, class: "tick", "text-anchor": "middle" },
    "decades: + raises the threshold, − lowers it"));
  holder.append(chart);
  holder.append(el("p", { class: "note", id: "explanation-note",
    text: `The model's average over its training records is ${fmt(10 ** explanation.base_log10)} ${UNIT}; these ` +
      `contributions${explanation.contributions.length > top.length ? " and smaller ones not shown" : ""} move it to ` +
      `${fmt(10 ** explanation.log10_threshold)} ${UNIT}. ${explanation.note}` }));
}

// The published control → treated pairs of the record's strategy: the direction the record shows most robustly.
function drawPaired(paired) {
  const holder = document.getElementById("paired");
  holder.hidden = !paired;
  if (!paired) return;
  document.getElementById("paired-summary").textContent = `${paired.summary[0].toUpperCase()}${paired.summary.slice(1)}.`;
  const wrap = document.getElementById("paired-table");
  wrap.replaceChildren();
  if (!paired.comparisons.length) return;
  const table = el("table", { id: "paired-comparisons", class: "evidence" });
  table.append(el("thead", {}, el("tr", {}, el("th", { text: "control → treated" }), el("th", { text: "ratio" }),
    el("th", { text: "source" }))));
  const body = el("tbody");
  for (const c of paired.comparisons) {
    const source = el("td", { class: "source" });
    const href = safeHref(c.link);
    const label = `${c.control_id} → ${c.treated_id}`;
    source.append(href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", text: label }) : label);
    if (c.quote) source.append(quoteBlock(c.quote)); // quote.js: <sup>/<sub> rendered, other markup as text
    body.append(el("tr", {}, el("td", { text: `${c.control_material} → ${c.treated_material}` }),
      el("td", { class: "num", text: `×${fmt(c.ratio)}` }), source));
  }
  table.append(body);
  wrap.append(table);
}

function drawEvidence(evidence) {
  const holder = document.getElementById("evidence");
  holder.replaceChildren();
  if (!evidence.length) {
    holder.append(el("p", { class: "hint", id: "evidence-empty", text: "No published records of similar materials were returned." }));
    return;
  }
  const table = el("table", { id: "evidence-table", class: "evidence" });
  table.append(el("colgroup", {}, el("col", { class: "c-index" }), el("col", { class: "c-record" }),
    el("col", { class: "c-threshold" }), el("col", { class: "c-source" })));
  const head = el("tr");
  for (const h of ["#", "Record and how it compares with yours", `Threshold (${UNIT})`, "Source and quote"]) {
    head.append(el("th", { scope: "col", text: h }));
  }
  table.append(el("thead", {}, head));
  const body = el("tbody");
  evidence.forEach((e, i) => {
    const conditions = [e.dimensionality, e.spacer && `spacer ${e.spacer}`, e.n_layers && `n = ${e.n_layers}`,
      e.strategy && `strategy: ${e.strategy}`, e.pump_pulse && `${e.pump_pulse} pump`,
      e.temperature_k && `${fmt(e.temperature_k)} K`].filter(Boolean).join(", ");
    const record = el("td", {}, el("p", { class: "material", text: e.material }), el("p", { text: conditions }));
    if (e.differs.length) record.append(el("p", { class: "differs", text: `differs: ${e.differs.join("; ")}` }));
    if (e.matches.length) record.append(el("p", { class: "matches", text: `shares: ${e.matches.join("; ")}` }));
    const source = el("td", { class: "source" });
    const cite = `${e.reference}${e.year && !e.reference.includes(String(e.year)) ? ` (${e.year})` : ""}`;
    const href = safeHref(e.link);
    if (href) source.append(el("a", { href, target: "_blank", rel: "noopener noreferrer", text: cite }));
    else source.append(cite);
    if (e.quote) source.append(quoteBlock(e.quote)); // quote.js: <sup>/<sub> rendered, other markup as text
    source.append(el("p", { class: "hint", text: `${e.source}, record ${e.record_id}` }));
    const threshold = e.threshold_uj_cm2 === null ? "—" : fmt(e.threshold_uj_cm2);
    body.append(el("tr", {}, el("td", { text: String(i + 1) }), record,
      el("td", { class: "num", text: e.measurement !== "ASE" ? `${threshold} (${e.measurement})` : threshold }), source));
  });
  table.append(body);
  holder.append(el("div", { class: "table-wrap" }, table));
}

// ---------- the batch tab ----------
function parseCsv(text) {
  // RFC 4180 with quotes; a line starting with # (outside quotes) is a comment.
  const rows = [];
  let row = [], field = "", quoted = false, start = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
      continue;
    }
    if (start && c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    start = false;
    if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); field = "";
      if (row.some((v) => v.trim() !== "")) rows.push(row);
      row = []; start = true;
    } else field += c;
  }
  row.push(field);
  if (row.some((v) => v.trim() !== "")) rows.push(row);
  return rows;
}

function recordsFromCsv(text) {
  const rows = parseCsv(text.replace(/^\uFEFF/, ""));
  if (!rows.length) throw new Error("The file is empty.");
  const header = rows[0].map((h) => h.trim());
  const columns = options.record_columns.filter((c) => header.includes(c));
  for (const needed of ["material", "dimensionality"]) {
    if (!header.includes(needed)) throw new Error(`The file has no '${needed}' column (its header: ${header.join(", ")}).`);
  }
  const records = rows.slice(1).map((values) => {
    const record = {};
    for (const column of columns) {
      const raw = (values[header.indexOf(column)] ?? "").trim();
      if (raw !== "") record[column] = column in NUMERIC ? toNumber(raw, NUMERIC[column]) : raw;
    }
    return record;
  });
  if (!records.length) throw new Error("The file has a header but no records.");
  if (records.length > options.max_records) throw new Error(`At most ${options.max_records} records at a time.`);
  // record_id is not part of a request; it is carried through to the answers so they join back to the lab's table.
  const idColumn = header.indexOf("record_id");
  const ids = idColumn < 0 ? null : rows.slice(1).map((values) => (values[idColumn] ?? "").trim());
  return { records, ids };
}

async function submitBatch() {
  const input = document.getElementById("batch-file");
  if (!input.files.length) {
    showFieldError("batch-file", "Choose a CSV file first.");
    input.focus();
    return;
  }
  let records, ids;
  try {
    ({ records, ids } = recordsFromCsv(await input.files[0].text()));
  } catch (error) {
    showFieldError("batch-file", error.message);
    input.focus();
    return;
  }
  const reference = referenceSample();
  setBusy(true, `Predicting ${records.length} records…`);
  const answer = await post("../predict", { records, reference, evidence: 1 });
  setBusy(false);
  if (!answer.ok) {
    document.getElementById("batch-answer").hidden = true;
    showErrors(answer.errors, { batch: true, ids });
    input.setAttribute("aria-invalid", "true");
    return;
  }
  showBatch(records, ids, answer.data.predictions, reference !== null);
}

function batchColumns(anchored, ids) {
  const columns = [...(ids ? ["record_id"] : []), ...options.record_columns, "threshold_uj_cm2", "lower_uj_cm2", "upper_uj_cm2", "in_domain",
    "warnings", "nearest_record", "nearest_threshold_uj_cm2", "nearest_reference", "nearest_link"];
  if (anchored) columns.push("anchored_threshold_uj_cm2", "anchored_lower_uj_cm2", "anchored_upper_uj_cm2", "anchored_ratio");
  return columns;
}

function batchRow(record, id, p) {
  const nearest = p.evidence[0] || {};
  const row = { record_id: id, ...record, threshold_uj_cm2: p.threshold_uj_cm2, lower_uj_cm2: p.interval_uj_cm2[0],
    upper_uj_cm2: p.interval_uj_cm2[1], in_domain: p.in_domain, warnings: p.warnings.join("; "),
    nearest_record: nearest.material ?? "", nearest_threshold_uj_cm2: nearest.threshold_uj_cm2 ?? "",
    nearest_reference: nearest.reference ?? "", nearest_link: nearest.link ?? "",
    nearest_summary: nearest.material
      ? `${nearest.material}${nearest.year ? ` (${nearest.year})` : ""}: ${fmt(nearest.threshold_uj_cm2)}` : "" };
  if (p.anchored) {
    Object.assign(row, { anchored_threshold_uj_cm2: p.anchored.threshold_uj_cm2,
      anchored_lower_uj_cm2: p.anchored.interval_uj_cm2[0], anchored_upper_uj_cm2: p.anchored.interval_uj_cm2[1],
      anchored_ratio: p.anchored.ratio });
  }
  return row;
}

function showBatch(records, ids, predictions, anchored) {
  document.getElementById("answer").hidden = true;
  const columns = batchColumns(anchored, ids);
  batchAnswers = { columns, rows: records.map((r, i) => batchRow(r, ids ? ids[i] : null, predictions[i])) };
  const shown = [...(ids ? ["record_id"] : []), "material", "dimensionality", "spacer", "n_layers", "threshold_uj_cm2", "lower_uj_cm2", "upper_uj_cm2",
    "in_domain", ...(anchored ? ["anchored_threshold_uj_cm2"] : []), "nearest_summary", "warnings"];
  const names = { threshold_uj_cm2: `predicted (${UNIT})`, lower_uj_cm2: "90 % low", upper_uj_cm2: "90 % high",
    anchored_threshold_uj_cm2: `anchored (${UNIT})`, n_layers: "n", in_domain: "in domain",
    nearest_summary: `nearest published record (${UNIT})` };
  const table = el("table", { id: "batch-results" });
  const head = el("tr", {}, el("th", { scope: "col", text: "#" }));
  for (const c of shown) head.append(el("th", { scope: "col", text: names[c] || c }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  batchAnswers.rows.forEach((row, i) => {
    const tr = el("tr", { class: row.in_domain ? "" : "out-of-domain" }, el("td", { text: String(i + 1) }));
    for (const c of shown) {
      const v = row[c];
      const text = typeof v === "number" ? fmt(v) : typeof v === "boolean" ? (v ? "yes" : "no") : v ?? "";
      tr.append(el("td", { class: typeof v === "number" ? "num" : c, text }));
    }
    body.append(tr);
  });
  table.append(body);
  const out = predictions.filter((p) => !p.in_domain).length;
  document.getElementById("batch-summary").textContent =
    `${predictions.length} answers${out ? `, ${out} out of domain (highlighted)` : ""}. Thresholds in ${UNIT}, 90 % intervals.`;
  document.getElementById("batch-table").replaceChildren(table);
  const section = document.getElementById("batch-answer");
  section.hidden = false;
  section.scrollIntoView({ block: "start" });
}

// A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) starts with ' instead (OWASP's
// CSV-injection advice); numbers stay numbers.
function csvCell(value) {
  let text = value === undefined || value === null ? "" : String(value);
  if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

// Only a web address becomes a link, whatever the data says (a javascript: or data: link is shown as text).
function safeHref(link) {
  return typeof link === "string" && /^https?:\/\//i.test(link) ? link : null;
}

function downloadBatch() {
  if (!batchAnswers) return;
  const lines = [batchAnswers.columns.join(",")];
  for (const row of batchAnswers.rows) lines.push(batchAnswers.columns.map((c) => csvCell(row[c])).join(","));
  const blob = new Blob([`${lines.join("\n")}\n`], { type: "text/csv" });
  const link = el("a", { href: URL.createObjectURL(blob), download: "asepred-answers.csv" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// ---------- tabs ----------
function selectTab(tab) {
  for (const t of document.querySelectorAll(".inputs [role=tab]")) {
    const selected = t === tab;
    t.setAttribute("aria-selected", String(selected));
    t.tabIndex = selected ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !selected;
  }
  document.getElementById("submit").textContent = tab.id === "tab-batch" ? "Predict all rows" : "Predict";
  clearErrors();
}

function setUpTabs() {
  const tabs = [...document.querySelectorAll(".inputs [role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      next.focus();
      selectTab(next);
    });
  }
}

// ---------- the model card ----------
function score(card) {
  if (!card || card.mae === null || card.mae === undefined) return null;
  const ci = card.mae_ci && card.mae_ci[0] !== null ? ` (95 % CI ${fmt(card.mae_ci[0])}–${fmt(card.mae_ci[1])})` : "";
  return `${fmt(card.mae)} decades${ci}, ${card.model}`;
}

async function loadModelCard() {
  const footer = document.getElementById("model-card");
  let card;
  try {
    const response = await fetch("../model");
    if (!response.ok) throw new Error(String(response.status));
    card = await response.json();
  } catch {
    footer.replaceChildren(el("p", { text: "The model card is not available." }));
    return;
  }
  const trained = card.trained_at ? card.trained_at.replace("T", " ").replace(/(:\d\d)(\.\d+)?(\+00:00|Z)$/, "$1 UTC") : "unknown";
  const facts = el("dl", { class: "card" });
  const add = (term, value) => { if (value) facts.append(el("dt", { text: term }), el("dd", { text: value })); };
  add("Model", `${card.name} version ${card.version} (${card.candidate})`);
  add("Trained", `${trained}${card.n_records ? ` on ${card.n_records} records from ${card.n_publications} publications` : ""}`);
  add("Cross-validated MAE", score(card.absolute));
  add("Best baseline", score(card.absolute_baseline) || "not recorded");
  if (card.anchored) {
    const same = card.anchored_baseline && card.anchored_baseline.mae !== null ? `${fmt(card.anchored_baseline.mae)} decades` : "—";
    add("Anchored MAE", `${score(card.anchored)} (same as the reference: ${same})`);
  }
  footer.replaceChildren(el("h2", { text: "Model card" }), facts, el("p", { class: "meaning", id: "meaning", text: card.meaning }));
}

// ---------- start ----------
async function start() {
  setUpTabs();
  loadModelCard();
  try {
    const response = await fetch("options.json");
    if (!response.ok) throw new Error(String(response.status));
    options = await response.json();
    FIELDS = formFields(options.form);
    for (const f of options.form) if (f.kind === "int" || f.kind === "float") NUMERIC[f.name] = f.kind;
  } catch {
    showFormError("The page could not load its choices from the service; reload it.");
    return;
  }
  buildForm();
  document.getElementById("use-reference").addEventListener("change", (event) => {
    document.getElementById("reference-fields").disabled = !event.target.checked;
  });
  document.getElementById("download").addEventListener("click", downloadBatch);
  document.getElementById("single-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const batch = document.getElementById("tab-batch").getAttribute("aria-selected") === "true";
    await (batch ? submitBatch() : submitSingle());
  });
  document.body.dataset.ready = "true";
}

start();
