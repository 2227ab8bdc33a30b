// The Plan view of the page: the lab's own table (a CSV in the format of `asepred data template`, parsed here),
// a candidate space (the bundled examples/space.yaml from GET example-space.yaml, or an uploaded YAML, sent as text)
// and a batch size go to POST ../suggest; the answer is a ranked table of experiments with why each was chosen, the
// surrogate's leave-one-out scores and its MLflow run. A measured threshold typed beside a suggestion is appended to
// the table in memory (as `asepred lab add` appends it to the file), the campaign chart is redrawn, and the table can
// be downloaded again. An ES module (its names stay its own); the helpers of the classic scripts are reused, not
// copied. Every value from a file or the service is put in the page as text.

const { el, svg, fmt, decadeLabel, parseCsv, csvCell, showView } = globalThis; // app.js, records.js

const UNIT = "µJ cm⁻²";
// Fluence units the chart converts to µJ/cm² (threshold_value × factor); a row in any other unit is listed, not drawn.
const TO_UJ = { "uJ/cm2": 1, "nJ/cm2": 1e-3, "mJ/cm2": 1e3 };
// A candidate's fields, in the order of the answer's "candidate" (the record contract's request fields).
// A cell that is a plain number is written as it is (a spreadsheet reads it as a number, never as a formula).
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NUMBERED = /^(.*?)(\d+)$/;

const plan = {
  options: null,
  table: null, // { name, header: [...], rows: [{column: text}], added: number }
  tableError: null,
  exampleSpace: null,
  answer: null,
  added: new Map(), // rank of a suggestion of the current answer → record_id of the row added for it
  ticket: 0,
};

// ---------- the lab table ----------
function emptyTable() {
  return { name: "lab.csv", header: [...plan.options.lab_columns], rows: [], added: 0 };
}

function labTable() {
  return plan.table || emptyTable();
}

function tableFromCsv(text, name) {
  const rows = parseCsv(text.replace(/^\uFEFF/, "")); // app.js: RFC 4180, # comment lines skipped
  if (!rows.length) throw new Error("The file is empty; it needs the header line of `asepred data template`.");
  const header = rows[0].map((h) => h.trim());
  const required = plan.options.lab_required; // the columns a lab table cannot do without (the record contract)
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new Error(`The table has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}; a lab table needs ` +
      `${required.join(", ")} (see \`asepred data template\`). Its header: ${header.join(", ")}.`);
  }
  const repeated = [...new Set(header.filter((h, i) => header.indexOf(h) !== i))];
  if (repeated.length) throw new Error(`The header names ${repeated.join(", ")} more than once.`);
  const wrong = [];
  const records = rows.slice(1).map((cells, i) => {
    if (cells.length !== header.length) wrong.push(`row ${i + 1} has ${cells.length} cells, the header ${header.length}`);
    return Object.fromEntries(header.map((column, j) => [column, cells[j] ?? ""]));
  });
  if (wrong.length) throw new Error(`${wrong.slice(0, 3).join("; ")}${wrong.length > 3 ? ` (and ${wrong.length - 3} more)` : ""}.`);
  return { name, header, rows: records, added: 0 };
}

const cell = (row, column) => String(row[column] ?? "").trim();

// The rows a campaign learns from, in table order: pulsed one-photon ASE thresholds with a value, not excluded
// (as asepred.data.records.target_records keeps them), in a fluence unit the chart converts.
function measured(table) {
  const points = [];
  table.rows.forEach((row, index) => {
    const factor = TO_UJ[cell(row, "threshold_unit")];
    const value = Number(cell(row, "threshold_value")) * factor;
    if (cell(row, "measurement") !== "ASE" || !factor || !(value > 0) || !Number.isFinite(value)) return;
    if (cell(row, "exclude_reason") || cell(row, "pump_pulse") === "cw" || !["", "1"].includes(cell(row, "pump_photons"))) return;
    points.push({ row, index, value, added: index >= table.rows.length - table.added });
  });
  return points;
}

// The next id in the table's own numbering (sim-smooth-009 after sim-smooth-008), else lab-001, lab-002, …
// (asepred.data.lab.next_record_id, so that the page and `asepred lab add` number alike).
function nextRecordId(ids) {
  const taken = new Set(ids);
  for (const last of [...ids].reverse()) {
    const match = NUMBERED.exec(last);
    if (!match) continue;
    const [, prefix, digits] = match;
    let n = Number(digits) + 1;
    while (taken.has(`${prefix}${String(n).padStart(digits.length, "0")}`)) n++;
    return `${prefix}${String(n).padStart(digits.length, "0")}`;
  }
  let n = 1;
  while (taken.has(`lab-${String(n).padStart(3, "0")}`)) n++;
  return `lab-${String(n).padStart(3, "0")}`;
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function candidateText(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "number" ? String(value) : String(value).trim();
}

function summariseTable() {
  const table = labTable();
  const points = measured(table);
  const skipped = table.rows.length - points.length;
  const parts = [`${plan.table ? plan.table.name : "No lab table yet"}: ${table.rows.length} row${table.rows.length === 1 ? "" : "s"}`,
    `${points.length} measured ASE threshold${points.length === 1 ? "" : "s"} on the chart`];
  if (skipped) parts.push(`${skipped} not drawn (lasing, CW, two-photon, excluded or not a fluence in uJ, nJ or mJ/cm2)`);
  if (table.added) parts.push(`${table.added} added on this page`);
  document.getElementById("plan-lab-summary").textContent = `${parts.join("; ")}.`;
  document.getElementById("plan-download").disabled = !table.added;
  drawLabRows(table);
}

function drawLabRows(table) {
  const holder = document.getElementById("plan-lab-rows");
  document.getElementById("plan-lab-count").textContent = String(table.rows.length);
  if (!table.rows.length) {
    holder.replaceChildren(el("p", { class: "hint", text: "No rows yet." }));
    return;
  }
  const columns = ["record_id", "material", "dimensionality", "spacer", "n_layers", "pump_pulse", "measurement",
    "threshold_value", "threshold_unit", "reference", "curation_note"].filter((c) => table.header.includes(c));
  const head = el("tr", {}, el("th", { scope: "col", text: "#" }));
  for (const c of columns) head.append(el("th", { scope: "col", text: c }));
  const body = el("tbody");
  table.rows.forEach((row, i) => {
    const tr = el("tr", { class: i >= table.rows.length - table.added ? "added" : null, "data-record-id": cell(row, "record_id") },
      el("td", { class: "num", text: String(i + 1) }));
    for (const c of columns) tr.append(el("td", { text: cell(row, c) }));
    body.append(tr);
  });
  holder.replaceChildren(el("table", { id: "plan-lab-table" }, el("thead", {}, head), body));
}

async function loadLabFile() {
  const input = document.getElementById("plan-lab-file");
  const slot = document.getElementById("plan-lab-file-error");
  slot.textContent = "";
  input.removeAttribute("aria-invalid");
  plan.table = null;
  plan.tableError = null;
  hideAnswer();
  if (input.files.length) {
    const file = input.files[0];
    try {
      plan.table = tableFromCsv(await file.text(), file.name);
    } catch (error) {
      plan.tableError = error.message;
      slot.textContent = error.message;
      input.setAttribute("aria-invalid", "true");
    }
  }
  const last = plan.table && plan.table.rows.length ? cell(plan.table.rows.at(-1), "reference") : "";
  document.getElementById("plan-reference").value = last;
  summariseTable();
  drawChart();
  document.getElementById("plan-view").dataset.labRows = String(plan.table ? plan.table.rows.length : 0);
}

// ---------- the space ----------
async function spaceText() {
  if (document.getElementById("plan-space-upload").checked) {
    const input = document.getElementById("plan-space-file");
    if (!input.files.length) throw fieldError("plan-space-file", "Choose the space's YAML file, or use the bundled example.");
    return input.files[0].text();
  }
  if (plan.exampleSpace === null) {
    let response;
    try {
      response = await fetch("example-space.yaml");
    } catch {
      throw fieldError("plan-space-file", "The bundled example space cannot be loaded; is the service still running?");
    }
    if (!response.ok) throw fieldError("plan-space-file", `The bundled example space is not available (HTTP ${response.status}).`);
    plan.exampleSpace = await response.text();
  }
  return plan.exampleSpace;
}

function fieldError(id, message) {
  const error = new Error(message);
  error.field = id;
  return error;
}

function showFieldError(id, message) {
  document.getElementById(`${id}-error`).textContent = message;
  const input = document.getElementById(id);
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

function clearPlanErrors() {
  for (const id of ["plan-space-file", "plan-batch"]) {
    document.getElementById(`${id}-error`).textContent = "";
    document.getElementById(id).removeAttribute("aria-invalid");
  }
  const box = document.getElementById("plan-error");
  box.hidden = true;
  box.replaceChildren();
}

// ---------- asking the service ----------
// The service's refusal as lines of text: {"error"} (422), {"error", "detail": [{loc, msg}]} (400), {"detail"}, or a
// list of {"error"} (what BentoML itself sends for a 422 the service's middleware did not rewrite).
function refusal(status, text) {
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const lines = [];
  if (Array.isArray(body)) {
    for (const item of body) lines.push(item && typeof item.error === "string" ? item.error : JSON.stringify(item));
  } else if (body && typeof body === "object") {
    if (typeof body.error === "string") lines.push(body.error);  // names every field: the detail would repeat it
    else if (typeof body.detail === "string") lines.push(body.detail);
    else if (Array.isArray(body.detail)) {
      for (const d of body.detail) lines.push(`${(Array.isArray(d.loc) ? d.loc : []).join(".")}: ${d.msg || "invalid value"}`);
    }
  }
  if (!lines.length) {
    const safe = status >= 500 || /Traceback|File "/.test(text) ? "" : text.slice(0, 200);
    lines.push(status >= 500 ? `The service failed (HTTP ${status}); try again, or see the server's log.`
      : `The service refused the request (HTTP ${status})${safe ? `: ${safe}` : "."}`);
  }
  return lines;
}

function showRefusal(lines, rows) {
  const box = document.getElementById("plan-error");
  const list = el("ul", { id: "plan-error-lines" });
  for (const line of lines) list.append(el("li", { text: line }));
  box.replaceChildren(el("p", { class: "title", text: "The service refused the request:" }), list);
  // lab_records[i] counts the rows sent from 0: say which row of the lab's table that is
  const seen = [...new Set(lines.flatMap((line) => [...line.matchAll(/lab_records\[(\d+)\]/g)].map((m) => Number(m[1]))))];
  const named = seen.filter((i) => i < rows.length).slice(0, 10)
    .map((i) => `lab_records[${i}] is row ${i + 1} of the table${cell(rows[i], "record_id") ? ` (${cell(rows[i], "record_id")})` : ""}`);
  if (named.length) box.append(el("p", { class: "hint", id: "plan-error-rows", text: `${named.join("; ")}.` }));
  box.hidden = false;
}

function setPlanBusy(busy, message = "") {
  document.getElementById("plan-suggest").disabled = busy;
  document.getElementById("plan-status").textContent = message;
  document.getElementById("plan-form").setAttribute("aria-busy", busy ? "true" : "false");
}

async function suggest() {
  clearPlanErrors();
  if (plan.tableError) {
    showFieldError("plan-lab-file", plan.tableError);
    return;
  }
  const batchInput = document.getElementById("plan-batch");
  const limits = plan.options.suggest_batch;
  const batch = Number(batchInput.value);
  if (!Number.isInteger(batch) || batch < limits.minimum || batch > limits.maximum) {
    showFieldError("plan-batch", `A whole number from ${limits.minimum} to ${limits.maximum}.`);
    return;
  }
  let space;
  try {
    space = await spaceText();
  } catch (error) {
    showFieldError(error.field || "plan-space-file", error.message);
    return;
  }
  const table = labTable();
  const rows = table.rows.map((row) => ({ ...row })); // as the lab wrote them; the service checks every cell
  const ticket = ++plan.ticket;
  setPlanBusy(true, `Scoring the space against ${rows.length} lab row${rows.length === 1 ? "" : "s"}…`);
  let response, text;
  try {
    response = await fetch("../suggest", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ space, lab_records: rows, batch }) });
    text = await response.text();
  } catch {
    if (ticket !== plan.ticket) return;
    setPlanBusy(false);
    hideAnswer();
    showRefusal(["The service cannot be reached; is it still running?"], []);
    return;
  }
  if (ticket !== plan.ticket) return; // a newer question (or a new table) replaced this one
  setPlanBusy(false);
  if (!response.ok) {
    hideAnswer();
    showRefusal(refusal(response.status, text), rows);
    return;
  }
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    hideAnswer();
    showRefusal(["The service answered something that is not JSON."], []);
    return;
  }
  showAnswer(answer);
}

// ---------- the answer ----------
function hideAnswer() {
  plan.ticket++;
  setPlanBusy(false);
  plan.answer = null;
  plan.added = new Map();
  document.getElementById("plan-answer").hidden = true;
  document.getElementById("plan-table-wrap").replaceChildren();
  drawChart();
}

function conditionsText(c) {
  const pump = c.pump_pulse ? `${c.pump_pulse} pump${c.pump_wavelength_nm ? ` at ${fmt(c.pump_wavelength_nm)} nm` : ""}` : null;
  return [c.dimensionality, c.spacer && `spacer ${c.spacer}`, c.n_layers && `n = ${c.n_layers}`, pump,
    c.temperature_k && `${fmt(c.temperature_k)} K`, c.strategy && `strategy: ${c.strategy}`].filter(Boolean).join(", ");
}

function surrogateText(s) {
  const what = `Surrogate ${s.name}: ${s.description}`;
  const acquisition = `acquisition: ${s.acquisition}`;
  if (s.loo_mae === null || s.loo_mae === undefined) {
    return `${what}; not fitted on ${s.lab_records} lab record${s.lab_records === 1 ? "" : "s"}; ${acquisition}.`;
  }
  const baseline = s.loo_mae_lab_mean === null ? "" : ` against ${fmt(s.loo_mae_lab_mean)} predicting the lab mean`;
  const coverage = s.loo_coverage_90 === null ? "—" : `${Math.round(s.loo_coverage_90 * 100)} %`;
  return `${what}; fitted on ${s.lab_records} lab records: leave-one-out MAE ${fmt(s.loo_mae)} decades${baseline}; ` +
    `90 % interval coverage ${coverage}; ${acquisition}.`;
}

function showAnswer(answer) {
  plan.answer = answer;
  plan.added = new Map();
  document.getElementById("plan-surrogate").textContent = surrogateText(answer.surrogate);
  const notes = document.getElementById("plan-notes");
  notes.replaceChildren(...answer.notes.map((n) => el("li", { text: n })));
  const run = document.getElementById("plan-run");
  run.replaceChildren();
  if (answer.run_id) {
    run.append("Logged as MLflow run ", el("code", { id: "plan-run-id", text: answer.run_id }),
      " of the experiment ase-campaigns.");
  }
  document.getElementById("plan-summary").textContent =
    `${answer.suggestions.length} experiment${answer.suggestions.length === 1 ? "" : "s"} of ` +
    `${answer.candidates.toLocaleString("en")} candidates, best first. Thresholds in ${UNIT} with their 90 % interval.`;
  drawSuggestions(answer.suggestions);
  const section = document.getElementById("plan-answer");
  section.hidden = false;
  drawChart();
  section.scrollIntoView({ block: "nearest" });
}

function drawSuggestions(suggestions) {
  const table = el("table", { id: "plan-suggestions" });
  const head = el("tr");
  for (const h of ["#", "Candidate", `Predicted (${UNIT})`, "Acquisition", "Why", "Measured"]) {
    head.append(el("th", { scope: "col", text: h }));
  }
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const s of suggestions) {
    const c = s.candidate;
    const candidate = el("td", {}, el("p", { class: "material", text: c.material }),
      el("p", { class: "hint", text: conditionsText(c) }));
    if (!s.in_domain) {
      candidate.append(el("p", { class: "differs out-of-domain-flag",
        text: "outside the published record's applicability domain" }));
    }
    const [low, high] = s.interval_uj_cm2;
    const predicted = el("td", { class: "num" }, el("p", { class: "predicted", text: fmt(s.threshold_uj_cm2) }),
      el("p", { class: "hint", text: `90 % ${fmt(low)} – ${fmt(high)}` }));
    const inputId = `plan-measured-${s.rank}`;
    const input = el("input", { type: "number", id: inputId, min: "0", step: "any", inputmode: "decimal",
      autocomplete: "off", "aria-describedby": `${inputId}-error` });
    const add = el("button", { type: "button", class: "plan-add", text: "Add" });
    add.addEventListener("click", () => addMeasurement(s, input, add));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); add.click(); }
    });
    const measuredCell = el("td", { class: "plan-measure" },
      el("label", { for: inputId, text: "measured threshold (µJ/cm²)" }),
      el("div", { class: "plan-add-row" }, input, add),
      el("p", { class: "error", id: `${inputId}-error`, "aria-live": "polite" }));
    body.append(el("tr", { "data-rank": String(s.rank), class: s.in_domain ? null : "out-of-domain" },
      el("td", { class: "num", text: String(s.rank) }), candidate, predicted,
      el("td", { class: "num", title: plan.answer.surrogate.acquisition, text: fmt(s.acquisition) }),
      el("td", { class: "why", text: s.why }), measuredCell));
  }
  table.append(body);
  document.getElementById("plan-table-wrap").replaceChildren(table);
}

// ---------- adding a measurement ----------
function addMeasurement(suggestion, input, button) {
  const slot = document.getElementById(`${input.id}-error`);
  slot.textContent = "";
  input.removeAttribute("aria-invalid");
  const value = Number(input.value.trim());
  if (input.value.trim() === "" || !Number.isFinite(value) || value <= 0) {
    slot.textContent = `Enter the threshold you measured, a number above 0 (${UNIT}).`;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  const table = labTable();
  const reference = document.getElementById("plan-reference").value.trim() ||
    (table.rows.length ? cell(table.rows.at(-1), "reference") : "");
  if (!reference) {
    slot.textContent = "Say where the measurement is written down: fill in “Reference of the rows added here”.";
    document.getElementById("plan-reference").focus();
    return;
  }
  const row = {
    record_id: nextRecordId(table.rows.map((r) => cell(r, "record_id"))),
    // the candidate carries the record contract's request fields (campaigns/answer.py): each becomes its column
    ...Object.fromEntries(Object.entries(suggestion.candidate).map(([f, v]) => [f, candidateText(v)])),
    measurement: "ASE",
    threshold_value: String(value),
    threshold_unit: "uJ/cm2",
    reference,
    curation_note: `added ${today()} on the Plan page`,
  };
  // The table keeps its header; a column the row needs is added at the end. Like `asepred lab add`, the note is
  // dropped when the table has no curation_note column.
  if (!table.header.includes("curation_note")) delete row.curation_note;
  for (const column of plan.options.lab_columns) {
    if (row[column] && !table.header.includes(column)) table.header.push(column);
  }
  table.rows.push(Object.fromEntries(table.header.map((c) => [c, row[c] ?? ""])));
  table.added += 1;
  plan.table = table;
  plan.added.set(suggestion.rank, row.record_id);
  input.disabled = true;
  button.disabled = true;
  button.textContent = "Added";
  input.closest("tr").classList.add("added");
  document.getElementById(`${input.id}-error`).replaceChildren();
  input.closest("td").append(el("p", { class: "hint plan-added-as", text: `added as ${row.record_id}` }));
  document.getElementById("plan-view").dataset.labRows = String(table.rows.length);
  summariseTable();
  drawChart();
}

// A text cell a spreadsheet would run as a formula is neutralised by app.js's csvCell; a plain number is kept as it
// is (csvCell would prefix a negative one, which a spreadsheet reads as a number anyway).
function tableCell(value) {
  const text = String(value ?? "");
  return PLAIN_NUMBER.test(text.trim()) ? text : csvCell(text);
}

function downloadTable() {
  const table = labTable();
  const lines = [table.header.map(tableCell).join(",")];
  for (const row of table.rows) lines.push(table.header.map((c) => tableCell(row[c])).join(","));
  const blob = new Blob([`${lines.join("\n")}\n`], { type: "text/csv" });
  const name = /\.csv$/i.test(table.name) ? table.name : `${table.name}.csv`;
  const link = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// ---------- the campaign chart ----------
function drawChart() {
  const holder = document.getElementById("plan-chart-holder");
  const points = measured(labTable());
  const next = plan.answer ? plan.answer.suggestions.filter((s) => !plan.added.has(s.rank)) : [];
  if (!points.length && !next.length) {
    holder.replaceChildren(el("p", { class: "hint", id: "plan-chart-empty",
      text: "No measured ASE threshold yet: upload the lab table, or add what you measure beside a suggestion." }));
    return;
  }
  const values = [...points.map((p) => p.value), ...next.flatMap((s) => [s.threshold_uj_cm2, ...s.interval_uj_cm2])]
    .filter((v) => v > 0);
  let lo = Math.floor(Math.log10(Math.min(...values)));
  let hi = Math.ceil(Math.log10(Math.max(...values)));
  if (hi === lo) hi += 1;
  const count = points.length + next.length;
  const width = 720, height = 330, left = 64, right = 16, top = 14, bottom = 46;
  const x = (i) => left + ((i - 0.5) / count) * (width - left - right);
  const y = (v) => top + (1 - (Math.log10(v) - lo) / (hi - lo)) * (height - top - bottom);
  const best = points.length ? Math.min(...points.map((p) => p.value)) : null;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", id: "plan-chart", role: "img",
    "aria-label": `The campaign so far: ${points.length} measured thresholds in table order` +
      `${best === null ? "" : `, the best ${fmt(best)} ${UNIT}`}${next.length ? `, and ${next.length} suggested` : ""}; ` +
      `log axis from ${decadeLabel(lo)} to ${decadeLabel(hi)} ${UNIT}` });
  for (let k = lo; k <= hi; k++) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(10 ** k), y2: y(10 ** k), class: "grid" }));
    chart.append(svg("text", { x: left - 6, y: y(10 ** k) + 4, class: "tick", "text-anchor": "end" }, decadeLabel(k)));
    if (k < hi && hi - lo <= 2) {
      for (const m of [2, 5]) {
        chart.append(svg("line", { x1: left, x2: width - right, y1: y(m * 10 ** k), y2: y(m * 10 ** k), class: "grid minor-grid" }));
        chart.append(svg("text", { x: left - 6, y: y(m * 10 ** k) + 4, class: "tick", "text-anchor": "end" }, fmt(m * 10 ** k)));
      }
    }
  }
  const axisY = height - bottom;
  chart.append(svg("line", { x1: left, x2: width - right, y1: axisY, y2: axisY, class: "axis" }));
  chart.append(svg("line", { x1: left, x2: left, y1: top, y2: axisY, class: "axis" }));
  const every = Math.max(1, Math.ceil(count / 15));
  for (let i = 1; i <= count; i += every) {
    chart.append(svg("text", { x: x(i), y: axisY + 15, class: "tick", "text-anchor": "middle" }, String(i)));
  }
  chart.append(svg("text", { x: (left + width - right) / 2, y: height - 6, class: "axis-label", "text-anchor": "middle" },
    next.length ? "measurement, in the lab table's order (then the suggested batch)" : "measurement, in the lab table's order"));
  chart.append(svg("text", { x: 14, y: (top + axisY) / 2, class: "axis-label", "text-anchor": "middle",
    transform: `rotate(-90 14 ${(top + axisY) / 2})` }, `threshold (${UNIT})`));

  if (points.length) {
    // the best (lowest) threshold so far: a step down at each measurement that improved on it
    let low = points[0].value;
    let d = `M ${x(1)} ${y(low)}`;
    points.forEach((p, i) => {
      if (i === 0) return;
      d += ` H ${x(i + 1)}`;
      if (p.value < low) { low = p.value; d += ` V ${y(low)}`; }
    });
    d += ` H ${x(points.length) + (x(2) - x(1)) / 2}`;
    chart.append(svg("path", { d, class: "plan-best", fill: "none" }));
  }
  points.forEach((p, i) => {
    const id = cell(p.row, "record_id");
    const g = svg("g", { class: `plan-point${p.added ? " added" : ""}${p.value === best ? " best" : ""}`, "data-record-id": id });
    g.append(svg("circle", { cx: x(i + 1), cy: y(p.value), r: 5 }));
    g.append(svg("title", {}, `${i + 1}. ${id}: ${cell(p.row, "material")}, ${fmt(p.value)} ${UNIT}` +
      `${p.added ? " (added on this page)" : ""}`));
    chart.append(g);
  });
  next.forEach((s, j) => {
    const cx = x(points.length + j + 1);
    const [low, high] = s.interval_uj_cm2;
    const g = svg("g", { class: "plan-next", "data-rank": String(s.rank) });
    g.append(svg("line", { x1: cx, x2: cx, y1: y(low), y2: y(high), class: "interval-bar" }));
    g.append(svg("circle", { cx, cy: y(s.threshold_uj_cm2), r: 5 }));
    g.append(svg("title", {}, `suggestion ${s.rank}: ${s.candidate.material}, predicted ${fmt(s.threshold_uj_cm2)} ${UNIT} ` +
      `(90 % ${fmt(low)} – ${fmt(high)})`));
    chart.append(g);
  });
  const item = (kind, text) => el("span", { class: "item" }, el("span", { class: `key ${kind}` }), text);
  const legend = el("p", { class: "legend" }, item("plan-measured", "measured"), item("plan-added", "added on this page"),
    item("plan-best-key", "best so far"));
  if (next.length) legend.append(item("plan-next-key", "suggested: predicted, 90 % interval"));
  holder.replaceChildren(chart, legend);
}

// ---------- start ----------
async function planStart() {
  try {
    const response = await fetch("options.json");
    if (!response.ok) throw new Error(String(response.status));
    plan.options = await response.json();
  } catch {
    showRefusal(["The page could not load its choices from the service; reload it."], []);
    return;
  }
  const limits = plan.options.suggest_batch;
  const batch = document.getElementById("plan-batch");
  Object.assign(batch, { min: limits.minimum, max: limits.maximum, value: limits.default });
  document.getElementById("plan-batch-hint").textContent =
    `How many experiments to plan at once (${limits.minimum}–${limits.maximum}); they are kept diverse.`;
  document.getElementById("plan-lab-file").addEventListener("change", loadLabFile);
  const spaceFile = document.getElementById("plan-space-file");
  for (const radio of document.querySelectorAll("input[name=plan-space]")) {
    radio.addEventListener("change", () => {
      spaceFile.disabled = !document.getElementById("plan-space-upload").checked;
    });
  }
  document.getElementById("plan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    suggest();
  });
  document.getElementById("plan-download").addEventListener("click", downloadTable);
  summariseTable();
  drawChart();
  document.body.dataset.planReady = "true";
  if (location.hash === "#plan") showView("plan-view");
}

planStart();
