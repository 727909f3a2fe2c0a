/**
 * The rich display of a RenderResult: a summary card (text/html) with what was rendered, levels
 * per lane, latency and heat, a waveform thumbnail (an SVG of the native envelope of batch 0)
 * and an audio player of its first seconds; `text/plain` stays the one-line summary.
 */
import { envelope } from "../analysis/envelope";
import { analyzeLevels } from "../analysis/levels";
import { audio } from "../audio/player";
import type { MimeBundle } from "../display/mime";
import type { RenderResult } from "../render/result";
import { channelColor } from "./colors";
import { short } from "./common";

const THUMB_W = 360;
const THUMB_H = 90;
const CARD_PREVIEW_SECONDS = 10;
const MAX_LANES_LISTED = 8;

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** SVG of batch 0's min/max envelope, one filled band per channel (values from the native envelope). */
export function waveformThumbnail(result: RenderResult): string {
  const { channels, frames } = result.shape;
  const columns = Math.min(THUMB_W, frames);
  const env = envelope(result, columns, { batches: [0] });
  const half = THUMB_H / 2;
  // y pixel of a value, clamped to the box (values beyond full scale touch the edge).
  const y = (v: number) => (half - Math.max(-1, Math.min(1, v)) * (half - 2)).toFixed(1);
  const x = (c: number) => ((c + 0.5) * (THUMB_W / columns)).toFixed(1);
  const bands: string[] = [];
  for (let c = 0; c < channels; c += 1) {
    const at = c * columns;
    const points: string[] = [];
    for (let k = 0; k < columns; k += 1) points.push(`${x(k)},${y(env.max[at + k] ?? 0)}`);
    for (let k = columns - 1; k >= 0; k -= 1) points.push(`${x(k)},${y(env.min[at + k] ?? 0)}`);
    bands.push(
      `<polygon points="${points.join(" ")}" fill="${channelColor(c)}" fill-opacity="0.55" stroke="${channelColor(c)}" stroke-width="0.5"/>`,
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="amp-thumb" width="${THUMB_W}" height="${THUMB_H}" viewBox="0 0 ${THUMB_W} ${THUMB_H}">` +
    `<rect width="${THUMB_W}" height="${THUMB_H}" fill="#fafafa" stroke="#ddd"/>` +
    `<line x1="0" y1="${half}" x2="${THUMB_W}" y2="${half}" stroke="#ccc" stroke-width="0.5"/>` +
    bands.join("") +
    `</svg>`
  );
}

/** The summary card's HTML. */
export function resultCardHtml(result: RenderResult): string {
  const { batches, channels, frames } = result.shape;
  const g = result.graph;
  const levels = analyzeLevels(result.samples, result.shape);
  const rows: string[] = [];
  const row = (k: string, v: string) =>
    rows.push(`<tr><th style="text-align:left;padding-right:12px;font-weight:normal;color:#555">${esc(k)}</th><td>${esc(v)}</td></tr>`);
  row("graph", `${g.hash.slice(0, 12)} · output ${g.outputName ?? "?"} · ${g.nodes.length} nodes`);
  row("shape", `${batches} batch${batches === 1 ? "" : "es"} x ${channels} channel${channels === 1 ? "" : "s"} x ${frames} frames`);
  row("rate, duration", `${short(result.sampleRate, 6)} Hz · ${result.durationSeconds.toFixed(3)} s`);
  row("latency", `${result.summary.latencyFrames} frames`);
  row(
    "heat",
    `total ${short(result.summary.totalHeat, 6)}${result.summary.thermalBudget > 0 ? ` · budget ${short(result.summary.thermalBudget)}/s · ${result.summary.framesOverBudget} frames over` : ""}`,
  );
  const lanes: string[] = [];
  for (let i = 0; i < Math.min(batches * channels, MAX_LANES_LISTED); i += 1) {
    lanes.push(`b${Math.floor(i / channels)} c${i % channels}: peak ${short(levels.peak[i] ?? 0)}, rms ${short(levels.rms[i] ?? 0)}`);
  }
  if (batches * channels > MAX_LANES_LISTED) lanes.push(`... ${batches * channels - MAX_LANES_LISTED} more lanes`);
  row("levels", lanes.join("; "));
  let player: string;
  try {
    player = audio(result, { batches: [0], maxSeconds: CARD_PREVIEW_SECONDS, title: "batch 0" }).html();
  } catch (error) {
    player = `<div style="color:#b35900">&#9888; no preview: ${esc(error instanceof Error ? error.message : String(error))}</div>`;
  }
  return [
    `<div class="amp-result" style="font-family:sans-serif;font-size:12px;border:1px solid #ddd;border-radius:6px;padding:8px 10px;max-width:760px">`,
    `<div style="font-weight:bold;font-size:13px;margin-bottom:4px">RenderResult</div>`,
    `<div style="display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start">`,
    `<table style="border-collapse:collapse">${rows.join("")}</table>`,
    `<div>${waveformThumbnail(result)}<div style="color:#777">batch 0, min/max per column</div></div>`,
    `</div>`,
    player,
    `</div>`,
  ].join("\n");
}

/** The MIME bundle of a RenderResult. */
export function resultBundle(result: RenderResult): MimeBundle {
  return { "text/html": resultCardHtml(result), "text/plain": result.toString() };
}
