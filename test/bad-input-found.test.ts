// Bad input found while trying the runtime as a new user (issue 6, item 8), each through the
// public API: numeric ranges of the graph description in TypeScript and natively, non-finite
// renders reported (summary flag, CLI refusal and warning, WAV writer refusal), deeply nested
// graph JSON, the runtime log's order, and the latency reported without latency compensation.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmpError, constant, encodeWav, gain, Graph, graph, mix, render, Runtime, sineOsc, summarizeRender } from "../src/index";
import { loadAddon } from "../src/native/load-addon";
import { ensureDist, ROOT } from "./helpers/dist";

const dir = mkdtempSync(join(tmpdir(), "amp-bad-input-found-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nativeCreateError(json: unknown): AmpError {
  try {
    loadAddon().createRuntime(JSON.stringify(json)).destroy();
  } catch (error) {
    if (error instanceof AmpError) return error;
  }
  throw new Error("the runtime accepted the description");
}

/** constant(1e12) through `stages` gains of 1e12 (each stage within its parameter's range). */
function growing(stages: number): Graph {
  let g = graph().add("c", constant({ value: 1e12 }));
  let previous = "c";
  for (let i = 0; i < stages; i += 1) {
    g = g.add(`g${i}`, gain({ gain: 1e12 })).connect(previous, `g${i}`);
    previous = `g${i}`;
  }
  return g.output(previous);
}

describe("numeric fields of a graph description have ranges, checked in TS and natively", () => {
  it("refuses a modulation scale of 1e308", () => {
    const base = graph().add("lfo", sineOsc()).add("osc", sineOsc());
    expect(() => base.modulate("lfo", "osc.frequency", { scale: 1e308 })).toThrow(
      'node "osc" (sine_osc): modulation option "scale" expects a finite number in [-1000000000000, 1000000000000], got 1e+308',
    );
    const error = nativeCreateError({
      nodes: [
        { name: "lfo", type: "sine_osc", params: {} },
        { name: "osc", type: "sine_osc", params: {} },
      ],
      edges: [],
      modulations: [{ from: "lfo", to: "osc", param: "frequency", scale: 1e308 }],
      output: "osc",
    });
    expect(error.message).toBe('modulations[0]: "scale" expects a finite number in [-1000000000000, 1000000000000], got 1e+308');
    expect(error.node).toBe("osc");
  });

  it("refuses heat model constants that would overflow", () => {
    expect(() => graph().add("g", gain({ thermo: { resistance: 1e-300 } }))).toThrow(
      'parameter "thermo.resistance" expects a finite number in [1e-12, 1000000000000], got 1e-300',
    );
    expect(() => graph().add("g", gain({ thermo: { work: 1e300 } }))).toThrow(
      'parameter "thermo.work" expects a finite number in [0, 1000000000000], got 1e+300',
    );
    const error = nativeCreateError({
      nodes: [{ name: "g", type: "constant", params: { thermo: { work: 1e300 } } }],
      edges: [],
      modulations: [],
      output: "g",
    });
    expect(error.message).toBe(
      'node "g" (constant): parameter "thermo.work" expects a finite number in [0, 1000000000000], got 1.0000000000000001e+300',
    );
  });
});

describe("non-finite results are reported, never written silently", () => {
  it("flags non-finite samples and heat in the summary (counted natively)", async () => {
    const sound = summarizeRender(await render(growing(1), { frames: 8 }));
    expect(sound.nonFinite).toEqual({ samples: 0, heat: false });
    // 1e12^17 overflows: every sample is +Infinity.
    const overflow = summarizeRender(await render(growing(26), { frames: 8 }));
    expect(overflow.nonFinite).toEqual({ samples: 8, heat: true });
    // 1e12^14 = 1e168 is finite, its square (the heat) is not.
    const hot = summarizeRender(await render(growing(13), { frames: 8 }));
    expect(hot.nonFinite).toEqual({ samples: 0, heat: true });
  });

  it("the WAV writer refuses non-finite samples at every bit depth", () => {
    const samples = new Float64Array([0, 0.5, Number.NaN, 0]);
    for (const bitDepth of ["32f", "16", "24"] as const) {
      expect(() => encodeWav(samples, { channels: 1, sampleRate: 48000, bitDepth })).toThrow(
        'argument "samples" expects finite values for a WAV file, got NaN at index 2',
      );
    }
  });

  describe("the CLI", () => {
    beforeAll(() => {
      ensureDist();
      writeFileSync(join(dir, "overflow.json"), growing(26).toJSONText());
      writeFileSync(join(dir, "hot.json"), growing(13).toJSONText());
      writeFileSync(join(dir, "deep.json"), `{"nodes": ${"[".repeat(5000)}${"]".repeat(5000)}, "output": "a"}`);
    }, 120_000);

    function cli(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          [join(ROOT, "dist", "cli", "main.js"), ...args],
          { cwd: dir, encoding: "utf8" },
          (error, stdout, stderr) => {
            resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr });
          },
        );
      });
    }

    it("refuses samples beyond the 32-bit float range for a 32f WAV, naming them", { timeout: 30_000 }, async () => {
      const run = await cli(["render", "hot.json", "--frames", "8", "--out", "hot32.wav"]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        'amp-kpn render: cannot write hot32.wav as 32f: argument "samples" expects finite values for a WAV file, got 1e+168 at index 0 (beyond the 32-bit float range); no WAV written',
      );
      expect(existsSync(join(dir, "hot32.wav"))).toBe(false);
    });

    it("refuses to write a WAV of non-finite samples and exits 1", { timeout: 30_000 }, async () => {
      const run = await cli(["render", "overflow.json", "--frames", "8", "--out", "overflow.wav"]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("amp-kpn render: the render produced 8 non-finite sample(s) (NaN or infinite); no WAV written");
      expect(existsSync(join(dir, "overflow.wav"))).toBe(false);
    });

    it("warns about non-finite heat and flags it in the summary", { timeout: 30_000 }, async () => {
      // 64-bit float: the samples (1e168) are finite but beyond the 32-bit float range.
      const run = await cli([
        "render",
        "hot.json",
        "--frames",
        "8",
        "--bit-depth",
        "64f",
        "--out",
        "hot.wav",
        "--summary",
        "hot.summary.json",
        "--quiet",
      ]);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe("warning: a heat total of the render is not finite (written as null in the summary)\n");
      expect(existsSync(join(dir, "hot.wav"))).toBe(true);
    });

    it("reads a deeply nested graph file into a clear AmpError", { timeout: 30_000 }, async () => {
      const run = await cli(["render", "deep.json", "--frames", "8", "--out", "deep.wav"]);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(
        "amp-kpn render: graph JSON nests deeper than 64 levels (arrays and objects inside each other) (AMP_ERR_INVALID_ARGUMENT)\n",
      );
    });
  });
});

describe("other findings", () => {
  it("a deeply nested graph JSON is an AmpError in the TypeScript reader, as text or as an object", () => {
    const text = `{"nodes": [{"name": "a", "type": "gain", "params": {"gain": ${"[".repeat(20000)}${"]".repeat(20000)}}}], "output": "a"}`;
    let error: unknown;
    try {
      Graph.fromJSON(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AmpError);
    expect((error as AmpError).code).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect((error as AmpError).message).toBe("graph JSON nests deeper than 64 levels (arrays and objects inside each other)");
    let deep: unknown = 1;
    for (let i = 0; i < 100000; i += 1) deep = [deep];
    expect(() => Graph.fromJSON({ nodes: [{ name: "a", type: "gain", params: { gain: deep } }], output: "a" } as never)).toThrow(
      "graph JSON nests deeper than 64 levels",
    );
  });

  it("the runtime log lists creation before configuration", () => {
    const runtime = Runtime.create(graph().add("c", constant()).output("c"));
    try {
      const events = runtime.readLog().map((record) => record.event);
      expect(events.slice(0, 2)).toEqual(["amp_graph_runtime_created", "amp_graph_runtime_configured"]);
    } finally {
      runtime.dispose();
    }
  });

  it("without latency compensation the reported latency is where the output first shows the sources", async () => {
    const parallel = (compensate: boolean) =>
      graph()
        .add("c", constant({ value: 1 }))
        .add("slow", gain({ declaredDelayFrames: 10 }))
        .add("fast", gain({ declaredDelayFrames: 3 }))
        .add("sum", mix())
        .connect("c", "slow")
        .connect("c", "fast")
        .connect("slow", "sum")
        .connect("fast", "sum")
        .withLatencyCompensation(compensate)
        .output("sum");
    for (const compensate of [true, false]) {
      const result = await render(parallel(compensate), { frames: 16 });
      const first = Array.from(result.samples).findIndex((x) => x !== 0);
      expect(result.summary.latencyFrames).toBe(first);
      expect(first).toBe(compensate ? 10 : 3);
    }
  });
});
