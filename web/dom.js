// DOM helpers. Every text from input or from a document is set with
// text nodes, never parsed as HTML.

/** `h("p", { class: "x" }, "text", child)`: an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** A `<code>` element. */
export const code = (text) => h("code", {}, text);

/** A status chip; `tone` is ok, warn, bad or empty. */
export const chip = (text, tone = "") => h("span", { class: `chip ${tone}`.trim() }, text);

/**
 * A table with column headers and one row per item. `columns`:
 * [{ label, cell: (item) => content, class?, row? }]; the column with
 * `row: true` is the row header. At phone width the rows become cards
 * (CSS `table.stack`), each cell labelled by `data-label`.
 */
export function table(caption, columns, items, attrs = {}) {
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "stack", ...attrs },
      caption ? h("caption", { class: "sr-only" }, caption) : null,
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.label)))),
      h(
        "tbody",
        {},
        items.map((item) =>
          h(
            "tr",
            {},
            columns.map((c) =>
              h(c.row ? "th" : "td", { scope: c.row ? "row" : null, class: c.class, "data-label": c.label }, c.cell(item)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A definition list from [term, description] pairs; empty descriptions are left out. */
export function dl(pairs, cls = "kv") {
  return h(
    "dl",
    { class: cls },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}

/** Copies text to the clipboard and says so on the button. */
export async function copy(button, text) {
  let done = false;
  try {
    await navigator.clipboard.writeText(text);
    done = true;
  } catch {
    const area = h("textarea", { class: "sr-only", "aria-hidden": "true", tabindex: "-1" });
    area.value = text;
    document.body.append(area);
    area.select();
    done = document.execCommand("copy");
    area.remove();
  }
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  button.textContent = done ? "Copied" : "Select and copy by hand";
  setTimeout(() => (button.textContent = label), 2000);
}

export function copyButton(text, label = "Copy", what = "") {
  const b = h("button", { type: "button", class: "small", "aria-label": what ? `${label} ${what}` : null }, label);
  b.dataset.copy = text;
  b.addEventListener("click", () => copy(b, text));
  return b;
}
