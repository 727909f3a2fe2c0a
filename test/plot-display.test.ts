// Figures as MIME bundles, the graph diagram, heat curves, grids and the native series
// reductions behind them (no spectral analysis needed here; see plot-figures.test.ts).
import { describe, expect, it } from "vitest";
import { columnStats, runningSum } from "../src/analysis/series-columns";
import { DISPLAY_SYMBOL, isDisplayable } from "../src/display/mime";
import { AmpError } from "../src/errors";
import { graph } from "../src/graph/graph";
import { gain, sineOsc } from "../src/nodes/generated";
import { PLOTLY_MIME } from "../src/plot/bundle";
import { Figure } from "../src/plot/figure";
import { grid } from "../src/plot/grid";
import { heatFigure } from "../src/plot/heat";
import { plot } from "../src/plot/index";
import { plotlyInlined, plotlyJs, resetPlotlyInlining } from "../src/plot/plotly-html";
import { decodeF4, f4, type PlotlyTypedArray } from "../src/plot/typed-array";
import { render } from "../src/render/render";

const feedbackGraph = () =>
  graph()
    .add("osc", sineOsc({ frequency: 220, channels: 2 }))
    .add("lfo", sineOsc({ frequency: 2, amplitude: 30 }))
    .add("amp", gain({ gain: 0.5, declaredDelayFrames: 16 }))
    .add("fb", gain({ gain: 0.3 }))
    .chain("osc", "amp", "fb")
    .connect("fb", "amp", { delayFrames: 64 })
    .modulate("lfo", "osc.frequency", { mode: "add", scale: 2 })
    .output("amp");

function tiny(): Figure {
  return new Figure({ data: [{ type: "scatter", x: [0, 1], y: [0, 1] }], layout: { title: { text: "tiny" } } });
}

describe("Figure MIME bundle", () => {
  it("carries plotly JSON as an object, offline HTML and one line of text", () => {
    const bundle = tiny()[DISPLAY_SYMBOL]();
    expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    const json = bundle[PLOTLY_MIME] as { data: unknown[]; layout: unknown; config: unknown };
    expect(typeof json).toBe("object");
    expect(json.data).toHaveLength(1);
    expect(bundle["text/plain"]).toBe("Figure: tiny (1 trace)");
    expect(bundle["text/plain"]).not.toContain("\n");
    expect(isDisplayable(tiny())).toBe(true);
  });

  it("inlines plotly.js once per process behind a window.Plotly guard; later figures wait for it", () => {
    resetPlotlyInlining();
    const first = tiny()[DISPLAY_SYMBOL]()["text/html"] as string;
    const second = tiny()[DISPLAY_SYMBOL]()["text/html"] as string;
    expect(plotlyInlined()).toBe(true);
    const lib = plotlyJs();
    expect(lib.length).toBeGreaterThan(1_000_000);
    expect(first).toContain(lib);
    expect(first).toContain("window.PlotlyConfig = {MathJaxConfig: 'local'}");
    expect(first).toContain("if (!window.Plotly)");
    expect(second).not.toContain(lib);
    expect(second.length).toBeLessThan(5000);
    expect(second).toContain("setTimeout(function () { draw(tries + 1); }, 50)");
    const ids = [first, second].map((html) => /<div id="(amp-fig-[0-9a-f]{16})"/.exec(html)?.[1]);
    expect(ids[0]).toBeDefined();
    expect(ids[0]).not.toBe(ids[1]);
    resetPlotlyInlining();
    expect(tiny()[DISPLAY_SYMBOL]()["text/html"]).toContain(lib);
  });

  it("escapes data so no string can close the script element", () => {
    const fig = new Figure({ data: [{ type: "scatter", name: "</script><b>x</b>", x: [0], y: [0] }], layout: {} });
    const html = fig[DISPLAY_SYMBOL]()["text/html"] as string;
    expect(html).not.toContain("</script><b>");
    expect(html).toContain("\\u003c/script\\u003e");
  });

  it("sends arrays as plotly typed arrays (float32, base64)", () => {
    const values = new Float64Array([0.5, -0.25, 1e-3, 123.456]);
    const encoded = f4(values);
    expect(encoded.dtype).toBe("f4");
    expect(Array.from(decodeF4(encoded))).toEqual(Array.from(Float32Array.from(values)));
  });
});

describe("graph diagram", () => {
  it("draws every node, audio edges solid, modulation dashed with mode and scale, the feedback edge curved back, delays and the output", () => {
    const g = feedbackGraph();
    const bundle = g[DISPLAY_SYMBOL]();
    expect(bundle["text/plain"]).toBe(g.toString());
    const svg = bundle["image/svg+xml"] as string;
    expect(bundle["text/html"]).toContain(svg);
    for (const node of g.nodes) {
      expect(svg).toContain(`data-node="${node.name}"`);
      expect(svg).toContain(`>${node.type}</text>`);
    }
    expect(svg.match(/class="amp-link amp-link-audio[^"]*"/g)).toHaveLength(3);
    expect(svg.match(/class="amp-link amp-link-modulation[^"]*"[^>]*stroke-dasharray/g)).toHaveLength(1);
    expect(svg.match(/amp-link-feedback/g)).toHaveLength(1);
    expect(svg).toContain("frequency: add x2");
    expect(svg).toContain("z^-64");
    expect(svg).toContain("declared delay 16 fr");
    expect(svg).toContain('class="amp-node amp-output" data-node="amp"');
    expect(svg).toContain("latency compensation on");
    // Layered left to right: lfo (0) -> osc (1) -> amp (2) -> fb (3).
    const x = (name: string) => Number(new RegExp(`data-node="${name}"><rect x="([0-9.]+)"`).exec(svg)?.[1]);
    expect(x("lfo")).toBeLessThan(x("osc"));
    expect(x("osc")).toBeLessThan(x("amp"));
    expect(x("amp")).toBeLessThan(x("fb"));
  });

  it("plot.graph(result) uses the render's resolved delays and latency", async () => {
    const r = await render(feedbackGraph(), { frames: 256 });
    const diagram = plot.graph(r);
    expect(diagram.svg).toContain(`graph latency ${r.summary.latencyFrames} frames`);
    expect(r.summary.latencyFrames).toBe(16);
    expect(String(diagram)).toContain("4 nodes, output amp");
    expect(diagram[DISPLAY_SYMBOL]()["image/svg+xml"]).toBe(diagram.svg);
  });
});

describe("native series reductions", () => {
  it("columnStats and runningSum match sums written out", () => {
    const data = new Float64Array([9, 1, 2, 3, 4, 5, 6]);
    const s = columnStats(data, 1, 7, 4, [1, 7]);
    expect(Array.from(s.sum)).toEqual([1, 5, 4, 11]);
    expect(Array.from(s.mean)).toEqual([1, 2.5, 4, 5.5]);
    expect(Array.from(s.max)).toEqual([1, 3, 4, 6]);
    expect(Array.from(s.edges)).toEqual([1, 2, 4, 5, 7]);
    expect(Array.from(runningSum(new Float64Array([1, 2, 3, 4]), 2, 2))).toEqual([1, 3, 3, 7]);
    expect(() => columnStats(data, 1, 7, 8)).toThrow(AmpError);
    expect(() => columnStats(data, 2, 7, 2)).toThrow(/lanes x frames/);
  });
});

describe("plot.heat", () => {
  it("stacks node heat per frame, draws the total, the cumulative heat and the budget with flagged frames shaded", async () => {
    const g = graph()
      .add("osc", sineOsc({ frequency: 220 }))
      .add("lfo", sineOsc({ frequency: 4, amplitude: 0.9 }))
      .add("amp", gain({ gain: 1 }))
      .chain("osc", "amp")
      .modulate("lfo", "amp.gain", { mode: "add" })
      .output("amp")
      .withThermalBudget(18 * 48000);
    const r = await render(g, { seconds: 1, recordHeat: true, recordOverBudget: true });
    expect(r.summary.framesOverBudget).toBeGreaterThan(0);
    expect(r.summary.framesOverBudget).toBeLessThan(48000);
    const fig = heatFigure(r, { width: 400 });
    const names = Object.keys(r.heat?.nodes ?? {});
    const stacked = fig.data.filter((t) => t["stackgroup"] === "nodes");
    expect(stacked).toHaveLength(names.filter((n) => (r.nodes[n]?.totalHeat ?? 0) > 0).length);
    // Legend sorted by total heat.
    const totals = stacked.map((t) => r.nodes[t["name"] as string]?.totalHeat ?? 0);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    const layout = fig.layout as Record<string, { title?: { text: string } }>;
    expect(layout["xaxis"]?.title?.text).toBe("time (s)");
    expect(layout["yaxis"]?.title?.text).toBe("heat (units/frame)");
    expect(layout["yaxis2"]?.title?.text).toBe("cumulative heat (units)");
    // Figure data equals the native reductions.
    const graphCurve = r.heat?.graph as Float64Array;
    const total = fig.data.find((t) => t["name"] === "graph total");
    expect(Array.from(decodeF4(total?.["y"] as PlotlyTypedArray))).toEqual(
      Array.from(Float32Array.from(columnStats(graphCurve, 1, 48000, 400).mean)),
    );
    const cumulative = decodeF4(fig.data.find((t) => t["yaxis"] === "y2")?.["y"] as PlotlyTypedArray);
    expect(cumulative).toHaveLength(400);
    expect(cumulative[399]).toBeCloseTo(Math.fround(r.summary.totalHeat), 0);
    expect(Math.abs((cumulative[399] ?? 0) / r.summary.totalHeat - 1)).toBeLessThan(1e-6);
    const budget = fig.data.find((t) => String(t["name"]).startsWith("thermal budget"));
    expect(budget?.["y"]).toEqual([18, 18]);
    expect(((fig.layout["shapes"] as unknown[]) ?? []).length).toBeGreaterThan(0);
    // Without the flags the figure says how to get them.
    const unflagged = heatFigure(await render(g, { seconds: 1, recordHeat: true }));
    expect(unflagged.layout["shapes"]).toBeUndefined();
    expect(unflagged.title).toContain("recordOverBudget: true");
  });

  it("refuses a result without heat curves, naming the option to set", async () => {
    const r = await render(feedbackGraph(), { frames: 128 });
    expect(() => heatFigure(r)).toThrow(/recordHeat: true/);
    expect(() => heatFigure(r, { colour: 1 } as never)).toThrow(AmpError);
  });
});

describe("plot.grid", () => {
  it("stacks figures with their own axes and shares time axes", async () => {
    const r = await render(feedbackGraph(), { frames: 4800, recordHeat: true });
    const a = heatFigure(r);
    const b = heatFigure(r, { batch: 0 });
    const combined = grid([a, b, tiny()]);
    expect(combined.data).toHaveLength(a.data.length + b.data.length + 1);
    const layout = combined.layout as Record<string, Record<string, unknown>>;
    expect(layout["xaxis"]?.["matches"]).toBeUndefined();
    expect(layout["xaxis2"]?.["matches"]).toBe("x");
    expect(layout["xaxis3"]?.["matches"]).toBeUndefined(); // tiny() has no time axis
    // The secondary axis of the second heat figure overlays that figure's own y axis.
    const ys = Object.keys(layout).filter((k) => /^yaxis\d*$/.test(k));
    expect(ys).toHaveLength(5);
    const overlaying = ys.map((k) => layout[k]?.["overlaying"]).filter((v) => v !== undefined);
    expect(overlaying).toEqual(["y", "y3"]);
    expect(() => grid([])).toThrow(AmpError);
  });
});
