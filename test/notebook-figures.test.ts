// Acceptance: notebooks/figures.ipynb runs through the installed kernel with
// `jupyter nbconvert --execute --to html`, and the HTML, opened in headless Chromium with every
// network request refused (only file: and data: URLs load), shows every plotly figure drawn
// (an SVG with non-empty traces), every graph diagram and every audio element playable.
// Screenshots go to out/notebook-figures*.png. Jupyter and Chromium are required: CI installs
// them (.ci/run); this test fails, never skips, without them.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, ROOT } from "./helpers/dist";
import { CHROMIUM, launchChromium } from "./helpers/chromium";
import { nbconvert } from "./helpers/nbconvert";

const OUT = join(ROOT, "out");
const NOTEBOOK = join(ROOT, "notebooks", "figures.ipynb");
const HTML = join(OUT, "figures.html");

interface PageReport {
  figures: { id: string; drawn: boolean; traces: number; emptyTraces: number; heatmaps: number }[];
  audios: { readyState: number; duration: number; error: number | null; canPlay: string; srcLength: number }[];
  diagrams: number;
  diagramOverflow: number[];
  cards: number;
  blocked: string[];
  errors: string[];
}

// Browser-side code, as strings (the test's TypeScript has no DOM types).
const ALL_DRAWN = `[...document.querySelectorAll("div.amp-plotly")].every((d) => d.querySelector("svg.main-svg") !== null)`;
const AUDIO_LOADED = `Promise.all([...document.querySelectorAll("audio")].map((a) => new Promise((resolve) => {
  if (a.readyState >= 1 || a.error !== null) return resolve();
  a.addEventListener("loadedmetadata", () => resolve(), { once: true });
  a.addEventListener("error", () => resolve(), { once: true });
  a.load();
  setTimeout(resolve, 10000);
})))`;
const PAGE_REPORT = `(() => {
  const figures = [...document.querySelectorAll("div.amp-plotly")].map((div) => {
    const traces = [...div.querySelectorAll(".scatterlayer .trace")];
    const empty = traces.filter((t) => ![...t.querySelectorAll("path")].some((p) => (p.getAttribute("d") || "").length > 4)).length;
    const heatmaps = [...div.querySelectorAll(".heatmaplayer image")].filter((img) => (img.getAttribute("href") || img.getAttribute("xlink:href") || "").length > 100).length;
    return { id: div.id, drawn: div.querySelector("svg.main-svg") !== null, traces: traces.length, emptyTraces: empty, heatmaps };
  });
  const audios = [...document.querySelectorAll("audio")].map((a) => ({
    readyState: a.readyState,
    duration: a.duration,
    error: a.error === null ? null : a.error.code,
    canPlay: a.canPlayType("audio/wav"),
    srcLength: (a.getAttribute("src") || "").length,
  }));
  // A diagram fits its cell (shrunk to the cell's width when wider) rather than being cut off.
  const diagramOverflow = [...document.querySelectorAll("svg.amp-graph")].map((svg) => {
    const box = svg.getBoundingClientRect();
    const cell = svg.parentElement.getBoundingClientRect();
    return Math.max(0, Math.round(box.right - cell.right));
  });
  return { figures, audios, diagrams: document.querySelectorAll("svg.amp-graph").length, diagramOverflow, cards: document.querySelectorAll("div.amp-result").length };
})()`;

let prefix = "";
let browser: Browser | undefined;

beforeAll(() => {
  ensureDist();
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set AMP_CHROMIUM)`);
  execFileSync("jupyter", ["nbconvert", "--version"], { stdio: "pipe" });
  prefix = mkdtempSync(join(tmpdir(), "amp-nb-kernel-"));
  execFileSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "kernel", "install", "--prefix", prefix], { stdio: "pipe" });
  mkdirSync(OUT, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (prefix !== "") rmSync(prefix, { recursive: true, force: true });
});

describe("notebooks/figures.ipynb through the kernel, nbconvert and Chromium", () => {
  it("executes, and every figure draws and every player plays, offline", async () => {
    rmSync(HTML, { force: true });
    await nbconvert(
      ["--execute", "--to", "html", "--ExecutePreprocessor.timeout=600", "--output-dir", OUT, "--output", "figures", NOTEBOOK],
      {
        env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter") },
        cwd: join(ROOT, "notebooks"),
      },
    );
    const html = readFileSync(HTML, "utf8");
    // plotly.js is inlined once for the whole notebook.
    expect(html.split("plotly.js v").length - 1).toBe(1);

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    const blocked: string[] = [];
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:")) void request.continue();
      else {
        blocked.push(url);
        void request.abort();
      }
    });
    await page.goto(`file://${HTML}`, { waitUntil: "load", timeout: 120_000 });
    // Every figure div gets plotly's SVG; wait until they all have one (or time out and report).
    await page.waitForFunction(ALL_DRAWN, { timeout: 60_000 }).catch(() => undefined);
    await page.evaluate(AUDIO_LOADED);
    const report = (await page.evaluate(PAGE_REPORT)) as Omit<PageReport, "blocked" | "errors">;
    await page.screenshot({ path: join(OUT, "notebook-figures.png"), fullPage: true });
    const shots = await page.$$("div.amp-plotly, svg.amp-graph, div.amp-result, div.amp-audio");
    for (const [i, element] of shots.entries())
      await element.screenshot({ path: join(OUT, `notebook-figures-${String(i).padStart(2, "0")}.png`) });

    expect(errors).toEqual([]);
    // Only the page's optional CDN fallbacks may have been refused; nothing a figure needs.
    expect(blocked.filter((url) => !/mathjax|fonts\.googleapis|cdn/i.test(url))).toEqual([]);
    // Plotly figures: waveform, waveform (samples), spectrum, spectrogram, bands, heat, grid.
    expect(report.figures.length).toBe(7);
    for (const figure of report.figures) {
      expect(figure.drawn, figure.id).toBe(true);
      expect(figure.traces + figure.heatmaps, figure.id).toBeGreaterThan(0);
      expect(figure.emptyTraces, figure.id).toBe(0);
    }
    expect(report.figures.filter((f) => f.heatmaps > 0).length).toBe(2);
    expect(report.diagrams).toBe(2);
    expect(report.diagramOverflow).toEqual([0, 0]);
    expect(report.cards).toBe(1);
    // The card's player and the audio() cell's player.
    expect(report.audios.length).toBe(2);
    for (const a of report.audios) {
      expect(a.error).toBeNull();
      expect(a.canPlay).not.toBe("");
      expect(a.readyState).toBeGreaterThanOrEqual(1);
      expect(a.duration).toBeGreaterThan(1.9);
    }
  }, 900_000);
});
