/**
 * A figure as a MIME bundle, in one place: `application/vnd.plotly.v1+json` (the plotly object,
 * for JupyterLab, VS Code and nteract), `text/html` (offline plotly.js, for classic Notebook and
 * nbconvert HTML, which drops the plotly type) and `text/plain` (one line).
 */
import type { MimeBundle } from "../display/mime";
import type { Figure } from "./figure";
import { plotlyHtml } from "./plotly-html";

/** MIME type of plotly figures. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** The MIME bundle of a figure (the first one in a process inlines plotly.js in its HTML). */
export function figureBundle(figure: Figure): MimeBundle {
  const json = figure.toJSON();
  return {
    [PLOTLY_MIME]: json,
    "text/html": plotlyHtml(json, figure.height),
    "text/plain": figure.toString(),
  };
}
