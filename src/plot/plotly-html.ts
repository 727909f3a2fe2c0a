/**
 * The `text/html` of a figure, working offline in classic Notebook, JupyterLab, VS Code and
 * nbconvert HTML: a div with a unique id and a script that draws into it with plotly.js.
 *
 * plotly.js (the pinned `plotly.js-dist-min` package, read from disk) is inlined once per process
 * (one kernel session): the first figure's HTML carries it behind an `if (!window.Plotly)` guard,
 * later figures carry only their data and wait until `window.Plotly` exists. plotly.js 3+ has no
 * AMD header, so it loads next to require.js (which nbconvert's and Notebook's pages include).
 * `window.PlotlyConfig = {MathJaxConfig: 'local'}` is set before loading so plotly leaves the
 * page's MathJax alone.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { ampError } from "../errors";

let plotlySource: string | undefined;
let inlined = false;

/** The pinned plotly.js bundle (`plotly.js-dist-min/plotly.min.js`), read once. */
export function plotlyJs(): string {
  if (plotlySource === undefined) {
    const path = require.resolve("plotly.js-dist-min/plotly.min.js");
    const text = readFileSync(path, "utf8");
    // Inside <script> only "</script" and "<!--<script" end or disturb the element.
    if (/<\/script|<script/i.test(text)) {
      throw ampError("AMP_ERR_INTERNAL", `${path} contains a <script> tag and cannot be inlined in HTML`, { stage: "plot" });
    }
    plotlySource = text;
  }
  return plotlySource;
}

/** The version of the inlined plotly.js (from its package.json). */
export function plotlyVersion(): string {
  const pkg = JSON.parse(readFileSync(require.resolve("plotly.js-dist-min/package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * Makes the next figure's HTML inline plotly.js again (for a page that lost the figure that
 * carried it, e.g. after clearing that cell's output and reloading).
 */
export function resetPlotlyInlining(): void {
  inlined = false;
}

/** True when this process already produced an HTML output carrying plotly.js. */
export function plotlyInlined(): boolean {
  return inlined;
}

/** JSON for a `<script>` body: `<`, `>` and `&` escaped so no text in the data can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

/** A fresh element id, unique across sessions (random), e.g. `amp-fig-3f2a9c1d0b7e4a55`. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString("hex")}`;
}

/**
 * The HTML of one plotly figure. The first call in a process includes plotly.js (about 4.8 MB);
 * later calls include only the figure.
 * @param figure - `{data, layout, config}`
 * @param height - px height of the drawing area
 */
export function plotlyHtml(figure: { data: unknown; layout: unknown; config: unknown }, height: number): string {
  const id = uniqueId("amp-fig");
  const parts: string[] = [];
  parts.push(`<div id="${id}" class="amp-plotly" style="width:100%;min-width:320px;height:${Math.round(height)}px"></div>`);
  if (!inlined) {
    parts.push(
      `<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: 'local'};\nif (!window.Plotly) {\n${plotlyJs()}\n}</script>`,
    );
    inlined = true;
  }
  parts.push(
    `<script type="text/javascript">(function () {\n` +
      `  var figure = ${scriptJson(figure)};\n` +
      `  function draw(tries) {\n` +
      `    var el = document.getElementById(${JSON.stringify(id)});\n` +
      `    if (!el) return;\n` +
      `    if (window.Plotly) { window.Plotly.newPlot(el, figure.data, figure.layout, figure.config); return; }\n` +
      `    if (tries > 600) { el.textContent = "plotly.js did not load: re-run the cell of the first figure, or call resetPlotlyInlining()"; return; }\n` +
      `    setTimeout(function () { draw(tries + 1); }, 50);\n` +
      `  }\n` +
      `  window.PlotlyConfig = window.PlotlyConfig || {MathJaxConfig: 'local'};\n` +
      `  draw(0);\n` +
      `})();</script>`,
  );
  return parts.join("\n");
}
