/**
 * The standalone HTML page of an executed notebook (`amp-kpn run --html`), of our own making:
 * markdown cells rendered with `marked`, code highlighted with `highlight.js` (TypeScript, the
 * highlight.js "github" theme inlined), outputs as Jupyter front ends show them. A rich output
 * shows its richest type: `text/html` (figures carry plotly.js inlined once per session and
 * draw offline; audio players carry their WAV as a data URI), then SVG, PNG/JPEG, markdown,
 * plain text. Streams and errors are preformatted text (ANSI colours removed). One file, no
 * network access needed.
 */
import { readFileSync } from "node:fs";
import hljs from "highlight.js/lib/core";
import typescriptLanguage from "highlight.js/lib/languages/typescript";
import { Marked } from "marked";
import { cellSource, type Notebook, type Output, type OutputData } from "./nbformat";

hljs.registerLanguage("typescript", typescriptLanguage);

const marked = new Marked({ gfm: true, async: false });

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function stripAnsi(value: string): string {
  return value.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

function joined(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value, null, 1);
}

function richOutput(data: OutputData): string {
  if ("text/html" in data) return `<div class="out-html">${joined(data["text/html"])}</div>`;
  if ("image/svg+xml" in data) return `<div class="out-html">${joined(data["image/svg+xml"])}</div>`;
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    if (mime in data) return `<img alt="" src="data:${mime};base64,${joined(data[mime]).replace(/\s/g, "")}">`;
  }
  if ("text/markdown" in data) return `<div class="out-md">${marked.parse(joined(data["text/markdown"])) as string}</div>`;
  return `<pre class="out-text">${escapeHtml(joined(data["text/plain"] ?? ""))}</pre>`;
}

function outputHtml(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="out-stream ${output.name}">${escapeHtml(stripAnsi(joined(output.text)))}</pre>`;
    case "error":
      return `<pre class="out-error">${escapeHtml(stripAnsi(output.traceback.length > 0 ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`))}</pre>`;
    default:
      return richOutput(output.data);
  }
}

const PAGE_CSS = `
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; background: #fff; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 64px; }
.cell { margin: 10px 0; }
.md h1, .md h2, .md h3 { margin: 1.1em 0 0.4em; }
.md code { background: #f2f4f7; padding: 1px 4px; border-radius: 4px; }
.md pre code { display: block; padding: 8px; }
.code { display: flex; gap: 8px; }
.prompt { flex: 0 0 64px; color: #6b7280; font: 12px/1.5 ui-monospace, monospace; text-align: right; padding-top: 9px; }
.code pre { flex: 1; margin: 0; padding: 8px 10px; background: #f6f8fa; border: 1px solid #e5e7eb; border-radius: 6px; overflow-x: auto; font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, monospace; }
.outputs { margin: 4px 0 0 72px; overflow-x: auto; }
.outputs pre { margin: 4px 0; font: 13px/1.45 ui-monospace, monospace; white-space: pre-wrap; }
.out-stream.stderr { background: #fff5f5; }
.out-error { background: #fdecec; color: #8b1a1a; padding: 6px; }
nav.site { position: fixed; top: 0; left: 0; bottom: 0; width: 250px; overflow-y: auto; padding: 18px 14px; background: #f6f8fa; border-right: 1px solid #e5e7eb; font-size: 14px; box-sizing: border-box; }
nav.site h2 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: #6b7280; margin: 16px 0 4px; }
nav.site ul { list-style: none; margin: 0; padding: 0; }
nav.site li { margin: 2px 0; }
nav.site a { color: #1f2328; text-decoration: none; }
nav.site a:hover { text-decoration: underline; }
nav.site a.current { font-weight: 600; color: #0b5cad; }
body.with-nav main { margin-left: 270px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
footer { color: #6b7280; font-size: 12px; margin-top: 40px; border-top: 1px solid #e5e7eb; padding-top: 8px; }
`;

function themeCss(): string {
  return readFileSync(require.resolve("highlight.js/styles/github.css"), "utf8");
}

/** The page's title: the first markdown heading, else `fallback`. */
export function notebookTitle(notebook: Notebook, fallback: string): string {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "markdown") continue;
    const heading = /^#\s+(.+)$/m.exec(cellSource(cell));
    if (heading?.[1] !== undefined) return heading[1].trim();
  }
  return fallback;
}

/** Options of a page: `footer` is plain text; `nav` an HTML navigation shown beside the page. */
export interface PageOptions {
  readonly title: string;
  readonly footer?: string;
  readonly nav?: string;
}

/** A whole standalone page around `body` (the notebook pages' and the docs site's shell). */
export function htmlPage(body: string, options: PageOptions): string {
  const footer = options.footer === undefined ? "" : `<footer>${escapeHtml(options.footer)}</footer>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${themeCss()}${PAGE_CSS}</style>
</head>
<body${options.nav === undefined ? "" : ' class="with-nav"'}>
${options.nav ?? ""}
<main>
${body}
${footer}
</main>
</body>
</html>
`;
}

/**
 * The whole page for an executed notebook. `markdown` renders markdown cells (default: `marked`
 * as is; the docs site passes one that rewrites links).
 */
export function notebookHtml(notebook: Notebook, options: PageOptions & { markdown?: (text: string) => string }): string {
  const markdown = options.markdown ?? ((text: string): string => marked.parse(text) as string);
  const cells: string[] = [];
  for (const cell of notebook.cells) {
    const source = cellSource(cell);
    if (cell.cell_type === "markdown") cells.push(`<section class="cell md">${markdown(source)}</section>`);
    else if (cell.cell_type !== "code") cells.push(`<section class="cell raw"><pre>${escapeHtml(source)}</pre></section>`);
    else {
      const code = hljs.highlight(source, { language: "typescript" }).value;
      const count = cell.execution_count === null ? " " : String(cell.execution_count);
      const outputs = cell.outputs.map(outputHtml).join("\n");
      cells.push(
        `<section class="cell code-cell"><div class="code"><div class="prompt">[${count}]:</div><pre><code class="hljs language-typescript">${code}</code></pre></div>` +
          (outputs === "" ? "" : `<div class="outputs">${outputs}</div>`) +
          `</section>`,
      );
    }
  }
  return htmlPage(cells.join("\n"), options);
}
