// Figures from spectral analysis and the audio player: structure (axes with units, trace
// counts), payload bounds, and that every drawn number equals the native analysis output.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { bandEnergy } from "../src/analysis/band-energy";
import { envelope } from "../src/analysis/envelope";
import { spectrogram } from "../src/analysis/spectrogram";
import { spectrum } from "../src/analysis/spectrum";
import { audio } from "../src/audio/player";
import { DISPLAY_SYMBOL } from "../src/display/mime";
import { AmpError } from "../src/errors";
import { graph } from "../src/graph/graph";
import { decodeWav } from "../src/io/wav";
import { gain, sineOsc } from "../src/nodes/generated";
import { PLOTLY_MIME } from "../src/plot/bundle";
import type { Figure, PlotlyTrace } from "../src/plot/figure";
import { plot } from "../src/plot/index";
import { plotlyJs } from "../src/plot/plotly-html";
import { decodeF4, type PlotlyTypedArray } from "../src/plot/typed-array";
import { render } from "../src/render/render";
import type { RenderResult } from "../src/render/result";

const stereo = (amplitude = 0.5) =>
  graph()
    .add("osc", sineOsc({ frequency: 440, amplitude: 1, channels: 2 }))
    .add("amp", gain({ gain: amplitude }))
    .chain("osc", "amp")
    .output("amp");

function values(trace: PlotlyTrace | undefined, key: string): number[] {
  return Array.from(decodeF4(trace?.[key] as PlotlyTypedArray));
}
const f32 = (a: ArrayLike<number>) => Array.from(Float32Array.from(a));
function axisTitle(fig: Figure, key: string): string | undefined {
  return (fig.layout[key] as { title?: { text?: string } } | undefined)?.title?.text;
}
/** Bytes of the bundle as Jupyter stores it, plotly.js itself excluded (it travels once per session). */
function bundleBytes(fig: Figure): number {
  const bundle = fig[DISPLAY_SYMBOL]();
  return (
    Buffer.byteLength(JSON.stringify(bundle)) -
    (String(bundle["text/html"]).includes(plotlyJs()) ? Buffer.byteLength(JSON.stringify(plotlyJs())) : 0)
  );
}

vi.setConfig({ testTimeout: 120_000 });

let r: RenderResult;
let long: RenderResult;
beforeAll(async () => {
  r = await render(stereo(), { seconds: 1, batches: 2 });
  long = await render(stereo(), { seconds: 60 });
}, 120_000);

describe("plot.waveform", () => {
  it("draws min/max bands with RMS inside per channel, one row per batch, data equal to the native envelope", () => {
    const fig = plot.waveform(r, { width: 400 });
    // 4 traces (max, min, rms, -rms) per channel and batch.
    expect(fig.data).toHaveLength(2 * 2 * 4);
    expect(axisTitle(fig, "xaxis")).toBe("time (s)");
    expect(axisTitle(fig, "yaxis")).toBe("amplitude (FS)");
    expect(axisTitle(fig, "yaxis2")).toBe("amplitude (FS)");
    expect((fig.layout["yaxis"] as { range?: number[] }).range).toEqual([-1, 1]);
    expect(fig.title).toContain(`graph ${r.graph.hash.slice(0, 12)} · output amp · 48000 Hz · 1.000 s`);
    const env = envelope(r, 400, { batches: [0, 1], channels: [0, 1] });
    const lane = (l: number, a: Float64Array) => f32(a.subarray(l * 400, (l + 1) * 400));
    // Batch 1, channel 1 is lane 3: traces 12..15.
    expect(values(fig.data[12], "y")).toEqual(lane(3, env.max));
    expect(values(fig.data[13], "y")).toEqual(lane(3, env.min));
    expect(values(fig.data[14], "y")).toEqual(lane(3, env.rms));
    expect(values(fig.data[12], "x")).toEqual(f32(env.times));
    expect(fig.data[13]?.["fill"]).toBe("tonexty");
    expect(fig.data[12]?.["yaxis"]).toBe("y2");
    // Same colour per channel in every row.
    expect((fig.data[0]?.["line"] as { color: string }).color).toBe((fig.data[8]?.["line"] as { color: string }).color);
  });

  it("draws the samples themselves when there are fewer than two per pixel", () => {
    const fig = plot.waveform(r, { span: [0.5, 0.503], width: 800, batches: [1], channels: [0] });
    expect(fig.data).toHaveLength(1);
    const trace = fig.data[0];
    expect(trace?.["mode"]).toBe("lines+markers");
    const start = Math.floor(0.5 * 48000);
    expect(trace?.["x0"]).toBe(start / 48000);
    expect(trace?.["dx"]).toBe(1 / 48000);
    expect(values(trace, "y")).toEqual(f32(r.channel(1, 0).subarray(start, start + 144)));
    expect(plot.waveform(r, { span: [0.5, 0.505], width: 800 }).data[0]?.["mode"]).toBe("lines");
  });

  it("widens the y range and marks full scale when the signal exceeds [-1, 1]", async () => {
    const loud = await render(stereo(1.5), { frames: 4800 });
    const fig = plot.waveform(loud);
    expect((fig.layout["yaxis"] as { autorange?: boolean }).autorange).toBe(true);
    expect((fig.layout["shapes"] as unknown[]).length).toBe(2);
    expect(fig.title).toContain("exceeds [-1, 1]");
  });

  it("keeps a 60 s stereo waveform under 300 kB", () => {
    const bytes = bundleBytes(plot.waveform(long));
    expect(bytes).toBeLessThan(300_000);
  });

  it("refuses bad options with AmpErrors naming them", () => {
    expect(() => plot.waveform(r, { span: [0.5, 2] })).toThrow(/option "span"/);
    expect(() => plot.waveform(r, { batches: [2] })).toThrow(AmpError);
    expect(() => plot.waveform(r, { colour: "red" } as never)).toThrow(/"colour" is unknown/);
  });
});

describe("plot.spectrum", () => {
  it("draws Welch power in dBFS on a log frequency axis, data equal to the native spectrum", () => {
    const fig = plot.spectrum(r, { width: 400, batches: [0] });
    expect(fig.data).toHaveLength(2);
    expect(axisTitle(fig, "xaxis")).toBe("frequency (Hz)");
    expect(axisTitle(fig, "yaxis")).toBe("level (dBFS)");
    expect((fig.layout["xaxis"] as { type: string }).type).toBe("log");
    const s = spectrum(r, { batches: [0], channels: [0, 1], scale: "log", points: 400, floorDb: -140 });
    expect(values(fig.data[1], "y")).toEqual(f32(s.powerDb.subarray(400, 800)));
    expect(values(fig.data[0], "x")).toEqual(f32(s.frequencies));
    expect(s.frequencies[0]).toBeCloseTo(20, 6);
    expect(s.frequencies[399]).toBeCloseTo(24000, 6);
    expect((fig.layout["yaxis"] as { range: unknown[] }).range[0]).toBe(-140);
  });

  it("annotates peaks and draws the PSD with its unit on request", () => {
    const fig = plot.spectrum(r, { peaks: 1, batches: [0], channels: [0] });
    const notes = fig.layout["annotations"] as { text: string }[];
    expect(notes.some((a) => /^44\d(\.\d+)? Hz<br>-6\.\d dBFS$/.test(a.text))).toBe(true);
    const psd = plot.spectrum(r, { kind: "psd", scale: "linear", batches: [0] });
    expect(axisTitle(psd, "yaxis")).toBe("level (dB re 1 FS²/Hz)");
    expect((psd.layout["xaxis"] as { type: string }).type).toBe("linear");
  });
});

describe("plot.spectrogram", () => {
  it("draws a dB heatmap with time and frequency axes and a fixed dynamic range, data equal to the native spectrogram", () => {
    const fig = plot.spectrogram(r, { batches: [0], channels: [1], rows: 64, rangeDb: 80, width: 300 });
    expect(fig.data).toHaveLength(1);
    const trace = fig.data[0] as PlotlyTrace;
    expect(trace["type"]).toBe("heatmap");
    expect(axisTitle(fig, "xaxis")).toBe("time (s)");
    expect(axisTitle(fig, "yaxis")).toBe("frequency (Hz)");
    expect((trace["colorbar"] as { title: { text: string } }).title.text).toBe("dBFS");
    const sg = spectrogram(r, { batches: [0], channels: [1], scale: "log", rows: 64, maxColumns: 300, floorDb: -300 });
    expect(values(trace, "z")).toEqual(f32(sg.db));
    expect((trace["z"] as PlotlyTypedArray).shape).toBe(`${sg.shape.columns},64`);
    expect(values(trace, "x")).toEqual(f32(sg.times));
    expect(values(trace, "y")).toEqual(f32(sg.frequencies));
    expect((trace["zmax"] as number) - (trace["zmin"] as number)).toBe(80);
    expect(trace["zmax"]).toBe(Math.max(...sg.db));
  });

  it("keeps a 60 s spectrogram under 1 MB", () => {
    const bytes = bundleBytes(plot.spectrogram(long, { channels: [0] }));
    expect(bytes).toBeLessThan(1_000_000);
    const stereoBytes = bundleBytes(plot.spectrogram(long));
    expect(stereoBytes).toBeLessThan(1_000_000);
  });
});

describe("plot.bands", () => {
  it("draws the band over time and the in-band and out-of-band levels from bandEnergy", () => {
    const fig = plot.bands(r, { band: [400, 500] });
    const names = fig.data.map((t) => t["name"]);
    expect(names).toEqual(["upper edge", "band", "in band", "below (0-400 Hz)", "above (500-24000 Hz)"]);
    expect(axisTitle(fig, "yaxis")).toBe("frequency (Hz)");
    expect(axisTitle(fig, "yaxis2")).toBe("level (dBFS)");
    const e = bandEnergy(r, {
      bands: [
        [400, 500],
        [0, 400],
        [500, 24000],
      ],
      batches: [0],
      channels: [0],
      floorDb: -140,
    });
    const n = e.shape.frames;
    expect(values(fig.data[2], "y")).toEqual(f32(e.levelDb.subarray(0, n)));
    expect(values(fig.data[4], "y")).toEqual(f32(e.levelDb.subarray(2 * n, 3 * n)));
    expect(values(fig.data[2], "x")).toEqual(f32(e.times));
    // A 440 Hz sine at 0.5: about -6 dBFS in band, far lower outside.
    expect(values(fig.data[2], "y")[2]).toBeCloseTo(-6.02, 0);
    expect(values(fig.data[4], "y")[2]).toBeLessThan(-40);
  });

  it("draws band tracks a node reports (bounds, intensity, phase) as given", () => {
    const times = new Float64Array([0, 0.1, 0.2]);
    const fig = plot.bands({
      times,
      lowerHz: new Float64Array([100, 200, 300]),
      upperHz: new Float64Array([400, 500, 600]),
      intensity: new Float64Array([0.2, 0.5, 1]),
      phase: new Float64Array([0, 0.5, 1]),
      levels: [{ name: "in band", db: new Float64Array([-3, -4, -5]) }],
      levelUnit: "dBFS",
    });
    expect(fig.data.map((t) => t["name"])).toEqual(["upper edge", "band", "intensity", "phase offset (rad)", "in band"]);
    expect(values(fig.data[1], "y")).toEqual([100, 200, 300]);
    expect(axisTitle(fig, "yaxis3")).toBe("phase (rad)");
  });
});

describe("plot.grid", () => {
  it("combines waveform, spectrogram and heat with one shared time axis", async () => {
    const h = await render(stereo(), { seconds: 1, recordHeat: true });
    const fig = plot.grid([plot.waveform(h), plot.spectrogram(h, { channels: [0] }), plot.heat(h)]);
    const layout = fig.layout as Record<string, Record<string, unknown>>;
    const xs = Object.keys(layout).filter((k) => /^xaxis\d*$/.test(k));
    expect(xs).toHaveLength(3);
    expect(xs.slice(1).map((k) => layout[k]?.["matches"])).toEqual(["x", "x"]);
    expect(fig.data.some((t) => t["type"] === "heatmap")).toBe(true);
  });
});

describe("audio()", () => {
  it("embeds a 16-bit WAV of the selected lanes with a caption: duration, rate, peak", () => {
    const player = audio(r, { batches: [1], channels: [1, 0] });
    expect(player.clips).toHaveLength(1);
    const bundle = player[DISPLAY_SYMBOL]();
    expect(Object.keys(bundle).sort()).toEqual(["text/html", "text/plain"]);
    const html = bundle["text/html"] as string;
    expect(html.match(/<audio controls/g)).toHaveLength(1);
    expect(html).toContain("batch 1 · channels 1, 0 · 0-1 s · 48000 Hz · peak 0.5");
    const clip = player.clips[0];
    const wav = decodeWav(Buffer.from(clip?.src.replace("data:audio/wav;base64,", "") ?? "", "base64"));
    expect(wav.channels).toBe(2);
    expect(wav.sampleRate).toBe(48000);
    expect(wav.frames).toBe(48000);
    const ch1 = r.channel(1, 1);
    for (const i of [0, 100, 4321, 47999]) expect(Math.abs((wav.samples[i] ?? 0) - (ch1[i] ?? 0))).toBeLessThan(1 / 4096);
    expect(String(player)).toMatch(/^Audio: 1 player, 1 s at 48000 Hz, peak 0\.5/);
    expect(player.notes).toEqual([]);
  });

  it("never rescales silently: clipping is noted, normalize is opt-in and native", async () => {
    const loud = await render(stereo(1.5), { frames: 4800 });
    const clipped = audio(loud);
    expect(clipped.clips[0]?.clipped).toBe(true);
    expect(clipped.notes[0]).toMatch(/exceed \[-1, 1\] \(peak 1\.5\): the preview is clipped at full scale/);
    const wav = decodeWav(Buffer.from(clipped.clips[0]?.src.split(",")[1] ?? "", "base64"));
    expect(Math.max(...wav.samples)).toBeLessThanOrEqual(1);
    expect(Math.max(...wav.samples)).toBeGreaterThan(0.999);
    const normalized = audio(loud, { normalize: true });
    expect(normalized.clips[0]?.gain).toBeCloseTo(1 / 1.5, 12);
    expect(normalized.clips[0]?.clipped).toBe(false);
    expect(normalized.notes).toEqual([]);
    const nwav = decodeWav(Buffer.from(normalized.clips[0]?.src.split(",")[1] ?? "", "base64"));
    expect(Math.abs((nwav.samples[1234] ?? 0) - (loud.channel(0, 0)[1234] ?? 0) / 1.5)).toBeLessThan(1 / 4096);
  });

  it("cuts long clips to maxSeconds with a note, and previews a span on request", () => {
    const cut = audio(long, { maxSeconds: 2 });
    expect(cut.end).toBe(2);
    expect(cut.notes[0]).toContain("previewing the first 2 s of 60 s");
    expect(audio(long, { channels: [0] }).end).toBe(10); // the default preview length
    const span = audio(long, { span: [40, 41] });
    expect([span.start, span.end]).toEqual([40, 41]);
    expect(span.notes).toEqual([]);
  });

  it("refuses NaN samples and bad options with AmpErrors", () => {
    const samples = new Float64Array(100).fill(0.1);
    samples[50] = Number.NaN;
    expect(() => audio({ samples, shape: { batches: 1, channels: 1, frames: 100 }, sampleRate: 8000 })).toThrow(
      /1 NaN\/Inf samples in batch 0, channel 0/,
    );
    expect(() => audio(r, { normalize: "yes" } as never)).toThrow(AmpError);
    expect(() => audio(r, { channels: [0, 0] })).toThrow(/distinct integers/);
  });
});

describe("RenderResult display", () => {
  it("shows a summary card with a waveform thumbnail and a player, text/plain as console.log", () => {
    const bundle = r[DISPLAY_SYMBOL]();
    expect(bundle["text/plain"]).toBe(r.toString());
    const html = bundle["text/html"] as string;
    expect(html).toContain('class="amp-result"');
    expect(html).toContain('class="amp-thumb"');
    expect(html.match(/<polygon /g)).toHaveLength(2);
    expect(html.match(/<audio controls/g)).toHaveLength(1);
    expect(html).toContain(r.graph.hash.slice(0, 12));
    expect(bundle[PLOTLY_MIME]).toBeUndefined();
  });
});
