// The amp-kpn CLI end to end, as a child process over dist/cli/main.js.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constant, delay, gain, graph, mix, safety, sineOsc } from "../src/index";
import { readWav } from "../src/io/wav";
import type { RenderSummary } from "../src/render/summary";
import { ensureDist, ROOT } from "./helpers/dist";

const dir = mkdtempSync(join(tmpdir(), "amp-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), ...args], { encoding: "utf8", cwd: dir });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("amp-kpn CLI", () => {
  beforeAll(() => ensureDist(), 120_000);

  it("starts with a shebang", () => {
    expect(readFileSync(join(ROOT, "dist", "cli", "main.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("writes the same summary, bit for bit, for --block 1, 37, 512 and 48000 (modulation and feedback)", () => {
    const g = graph()
      .add("lfo", sineOsc({ frequency: 3, amplitude: 1 }))
      .add("osc", sineOsc({ frequency: 440, amplitude: 0.5 }))
      .add("sum", mix())
      .add("d", delay({ frames: 4000 }))
      .add("fb", gain({ gain: 0.5 }))
      .add("out", safety())
      .connect("osc", "sum")
      .connect("fb", "sum")
      .chain("sum", "d", "fb")
      .connect("sum", "out")
      .modulate("lfo", "osc.frequency", { mode: "add", scale: 50 })
      .output("out")
      .withThermalBudget(1150000);
    const graphPath = join(dir, "feedback.json");
    writeFileSync(graphPath, g.toJSONText());
    const summaries = ["1", "37", "512", "48000"].map((block) => {
      const run = cli("render", graphPath, "--frames", "9600", "--block", block, "--out", `fb${block}.wav`, "--summary", `fb${block}.json`);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      return readFileSync(join(dir, `fb${block}.json`), "utf8");
    });
    const first = JSON.parse(summaries[0] ?? "") as RenderSummary;
    expect(first.heat.graph).toBeGreaterThan(0);
    expect(Object.keys(first.heat.nodes)).toHaveLength(6);
    // JSON.stringify prints the shortest text that round-trips a double: equal text is equal bits.
    for (const text of summaries) expect(text).toBe(summaries[0]);
  });

  it("renders a graph file to a WAV and a JSON summary", async () => {
    const g = graph()
      .add("osc", sineOsc({ frequency: 1000, amplitude: 0.5, channels: 2 }))
      .add("amp", gain({ gain: 0.8, declaredDelayFrames: 2 }))
      .chain("osc", "amp")
      .output("amp");
    const graphPath = join(dir, "g.json");
    writeFileSync(graphPath, g.toJSONText());
    const run = cli(
      "render",
      graphPath,
      "--frames",
      "4800",
      "--sample-rate",
      "48000",
      "--block",
      "128",
      "--out",
      "out.wav",
      "--summary",
      "out.json",
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("rendered 1 x 2 x 4800 frames");
    const audio = await readWav(join(dir, "out.wav"));
    expect(audio).toMatchObject({ channels: 2, frames: 4800, sampleRate: 48000, bitDepth: "32f" });
    // The gain declares 2 frames of latency, which the runtime pads: the first sine sample is frame 2.
    expect(Array.from(audio.samples.subarray(0, 2))).toEqual([0, 0]);
    expect(audio.samples[2] ?? 0).toBeCloseTo(0.4 * Math.sin((2 * Math.PI * 1000) / 48000), 6);
    const summary = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as RenderSummary;
    expect(summary.graphHash).toBe(g.hash);
    expect(summary.shape).toEqual({ batches: 1, channels: 2, frames: 4800 });
    expect(summary.sampleRate).toBe(48000);
    expect(summary.latencyFrames).toBe(2);
    expect(summary.levels).toHaveLength(2);
    for (const lane of summary.levels) {
      expect(lane.peak).toBeCloseTo(0.4, 6);
      expect(lane.rms).toBeCloseTo(0.4 / Math.SQRT2, 3);
    }
    expect(Object.keys(summary.heat.nodes)).toEqual(["osc", "amp"]);
    expect(summary.heat.graph).toBeGreaterThan(0);
  });

  it("writes batches x channels WAV channels and takes --seconds and --bit-depth", async () => {
    const graphPath = join(dir, "c.json");
    writeFileSync(
      graphPath,
      graph()
        .add("c", constant({ value: 0.25, channels: 3 }))
        .output("c")
        .toJSONText(),
    );
    const run = cli("render", graphPath, "--seconds", "0.01", "--batches", "2", "--bit-depth", "16", "--out", "c.wav", "--quiet");
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("");
    const audio = await readWav(join(dir, "c.wav"));
    expect(audio).toMatchObject({ channels: 6, frames: 480, bitDepth: "16" });
  });

  it.each([
    [["render", "missing.json", "--frames", "10", "--out", "x.wav"], /^amp-kpn render: cannot read graph file missing.json: ENOENT/],
    [
      ["render", "bad.json", "--frames", "10", "--out", "x.wav"],
      /^amp-kpn render: node "o" \(sine_osc\): parameter "frequency" expects a finite number in \[-1000000, 1000000\] Hz, got "x" \(AMP_ERR_INVALID_ARGUMENT\)$/,
    ],
    [
      ["render", "ok.json", "--frames", "10", "--seconds", "1", "--out", "x.wav"],
      /^amp-kpn render: render options: give exactly one of "frames" and "seconds", got both \(AMP_ERR_INVALID_ARGUMENT\)$/,
    ],
    [["render", "ok.json", "--frames", "ten", "--out", "x.wav"], /^amp-kpn render: --frames expects a number, got "ten"$/],
    [["render", "ok.json", "--frames", "10"], /^amp-kpn render: --out is required$/],
    [
      ["render", "ok.json", "--frames", "10", "--out", "x.wav", "--bit-depth", "8"],
      /^amp-kpn render: --bit-depth expects 32f, 64f, 16, 24 or 32, got "8"$/,
    ],
    [["render", "ok.json", "--frames", "10", "--out", "x.wav", "--bogus"], /^amp-kpn render: Unknown option '--bogus'/],
    [["frobnicate"], /^amp-kpn: unknown command "frobnicate"; commands: render, demo, kernel, run, worker$/],
    [["kernel", "nope"], /^amp-kpn kernel: kernel expects install, uninstall or list, got "nope"$/],
  ])("prints one line to stderr and exits 1 for %j", (args, expected) => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ nodes: [{ name: "o", type: "sine_osc", params: { frequency: "x" } }], edges: [], modulations: [], output: "o" }),
    );
    writeFileSync(join(dir, "ok.json"), graph().add("c", constant()).output("c").toJSONText());
    const run = cli(...args);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(expected);
  });

  it("demo writes a WAV, a summary and the graph, and prints a summary", async () => {
    const run = cli("demo", "--out", join(dir, "demo"), "--seconds", "0.5");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Graph (7 nodes, output "safety"');
    expect(run.stdout).toContain("latency 0 frames");
    for (const name of ["demo.wav", "demo.summary.json", "demo.graph.json"]) expect(existsSync(join(dir, "demo", name))).toBe(true);
    const audio = await readWav(join(dir, "demo", "demo.wav"));
    expect(audio).toMatchObject({ channels: 2, frames: 24000 });
    const summary = JSON.parse(readFileSync(join(dir, "demo", "demo.summary.json"), "utf8")) as RenderSummary;
    for (const lane of summary.levels) {
      expect(lane.peak).toBeGreaterThan(0.1);
      expect(lane.peak).toBeLessThanOrEqual(0.9);
    }
  });
});
