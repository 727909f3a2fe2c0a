// The graph diagram as a notebook shows it (its text/html form in headless Chromium): a diagram
// wider than its cell shrinks to the cell's width, down to 60 % of its natural size, and only a
// wider one scrolls sideways; nothing is cut off. Chromium is required (CI installs it).
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DISPLAY_SYMBOL } from "../src/display/mime";
import { graph, type Graph } from "../src/graph/graph";
import { gain, sineOsc } from "../src/nodes/generated";
import { plot } from "../src/plot/index";
import { launchChromium } from "./helpers/chromium";

const CELL_PX = 900;

/** A chain of `length` nodes: one diagram column each. */
function chain(length: number): Graph {
  let g = graph().add("n0", sineOsc({ frequency: 220 }));
  const names = ["n0"];
  for (let i = 1; i < length; i++) {
    g = g.add(`n${i}`, gain({ gain: 0.9 }));
    names.push(`n${i}`);
  }
  return g.chain(...names).output(names[names.length - 1]!);
}

interface Fit {
  natural: number;
  drawn: number;
  scrolls: boolean;
}

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
}, 200_000);

afterAll(async () => {
  await browser?.close();
});

async function fit(g: Graph): Promise<Fit> {
  const html = plot.graph(g)[DISPLAY_SYMBOL]()["text/html"] as string;
  const page = await browser!.newPage();
  try {
    await page.setViewport({ width: 1200, height: 800 });
    await page.setContent(`<div id="cell" style="width:${CELL_PX}px">${html}</div>`);
    return (await page.evaluate(`(() => {
      const svg = document.querySelector("svg.amp-graph");
      const wrapper = svg.parentElement;
      const box = svg.getBoundingClientRect();
      return {
        natural: Number(svg.getAttribute("width")),
        drawn: box.width,
        scrolls: wrapper.scrollWidth > wrapper.clientWidth,
      };
    })()`)) as Fit;
  } finally {
    await page.close();
  }
}

describe("graph diagram in a notebook cell", () => {
  it("shrinks a diagram wider than the cell to the cell's width, without scrolling", async () => {
    const result = await fit(chain(5));
    expect(result.natural).toBeGreaterThan(CELL_PX);
    expect(result.natural * 0.6).toBeLessThan(CELL_PX);
    expect(result.drawn).toBeCloseTo(CELL_PX, 0);
    expect(result.scrolls).toBe(false);
  }, 60_000);

  it("keeps a narrow diagram at its natural size", async () => {
    const result = await fit(chain(2));
    expect(result.natural).toBeLessThan(CELL_PX);
    expect(result.drawn).toBeCloseTo(result.natural, 0);
    expect(result.scrolls).toBe(false);
  }, 60_000);

  it("scrolls (rather than cuts off) a diagram that would shrink below 60 %", async () => {
    const result = await fit(chain(10));
    expect(result.natural * 0.6).toBeGreaterThan(CELL_PX);
    expect(result.drawn).toBeCloseTo(Math.round(result.natural * 0.6), 0);
    expect(result.scrolls).toBe(true);
  }, 60_000);
});
