// Verbatim quotes as the page shows them, everywhere: the seed's <sup>…</sup> and <sub>…</sub> become superscripts
// and subscripts; every other tag stays text, as written. TeX units ($\mu$J cm$^{-2}$) read as µJ cm⁻². The quote is
// never parsed as HTML: the nodes are built one by one, text as text.
"use strict";

const QUOTE_TAGS = new Set(["sup", "sub"]);
const SUPERSCRIPT = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³" };

function texUnits(text) {
  return text
    .replace(/\^\{?([-0-3]+)\}?/g, (_, s) => [...s].map((c) => SUPERSCRIPT[c]).join(""))
    .replace(/\\mu\s*/g, "µ")
    .replace(/\\(?:text|mathrm)\{([^}]*)\}/g, "$1")
    .replace(/\$\s*|\s*\$/g, "")
    .replace(/\s+/g, " ");
}

function quoteNodes(quote) {
  const root = document.createDocumentFragment();
  const open = [root];
  const text = texUnits(String(quote ?? "")).trim();
  const pattern = /<(\/?)(sup|sub)>/gi;
  let last = 0;
  let match;
  const addText = (chunk) => { if (chunk) open[open.length - 1].append(document.createTextNode(chunk)); };
  while ((match = pattern.exec(text)) !== null) {
    addText(text.slice(last, match.index));
    last = pattern.lastIndex;
    const [tag, closing, rawName] = match;
    const name = rawName.toLowerCase();
    const current = open[open.length - 1];
    if (!closing && open.length === 1 && QUOTE_TAGS.has(name)) {
      const node = document.createElement(name);
      current.append(node);
      open.push(node);
    } else if (closing && open.length > 1 && current.tagName.toLowerCase() === name) {
      open.pop();
    } else {
      addText(tag); // nested or unmatched: shown as written
    }
  }
  addText(text.slice(last));
  return root;
}

// A blockquote of ``quote`` between typographic quotation marks.
function quoteBlock(quote, attrs = {}) {
  const block = document.createElement("blockquote");
  for (const [key, value] of Object.entries(attrs)) block.setAttribute(key, value);
  block.append("“", quoteNodes(quote), "”");
  return block;
}
