// Parameters with a declared requirement (catalogue `requires`) through the public API: the
// oscillator's `quality` needs `oversample` > 1 and the resampler's `quality` needs `up` != `down`.
// Given without it they are refused with an AmpError naming the node, the parameter, the
// condition and the values that fail it (at the factory, and natively for what only the runtime
// can see, e.g. a preset); a shipped preset's quality is dropped when `oversample: 1` overrides
// its oversampling; the generated docs state the rule.
import { describe, expect, it } from "vitest";

import { AmpError, findNodeType, Graph, graph, oscillator, render, resampler } from "../src/index";
import { OscillatorOptions } from "../src/nodes/generated";
import { readFileSync } from "node:fs";
import { join } from "node:path";

function thrown(fn: () => unknown): AmpError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AmpError);
    return error as AmpError;
  }
  throw new Error("expected a throw");
}

describe("parameter requirements", () => {
  it("the catalogue declares them", () => {
    const quality = findNodeType("oscillator")?.params.find((p) => p.name === "quality");
    expect(quality?.requires).toMatchObject({ key: "oversample", relation: ">", bound: 1, text: "oversample > 1" });
    const rsQuality = findNodeType("resampler")?.params.find((p) => p.name === "quality");
    expect(rsQuality?.requires).toMatchObject({ key: "up", relation: "!=", other: "down", text: "up != down" });
    expect(findNodeType("resampler")?.linearPhase).toBe(true);
  });

  it("oscillator quality without oversampling is refused at the factory, naming node, parameter, expected and provided", () => {
    const error = thrown(() => graph().add("osc", oscillator({ quality: "best" })));
    expect(error.code).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect(error.message).toMatch(/"osc".*quality.*requires oversample > 1 \(.*\), got oversample 1/);
    expect(thrown(() => graph().add("osc", oscillator({ quality: "fast", oversample: 1 }))).message).toMatch(/requires oversample > 1/);
    expect(() => graph().add("osc", oscillator({ quality: "best", oversample: 2 }))).not.toThrow();
    // Graph.set checks the merged options: turning oversampling off under a given quality is refused.
    const g = graph().add("osc", oscillator({ quality: "best", oversample: 2 }));
    expect(thrown(() => g.set("osc", { oversample: 1 })).message).toMatch(/quality.*requires oversample > 1/);
    // A graph JSON goes through the same check (snake_case keys).
    const json = { nodes: [{ name: "rs", type: "resampler", params: { quality: "best" } }], edges: [], modulations: [], output: "rs" };
    expect(thrown(() => Graph.fromJSON(json)).message).toMatch(/"rs".*quality.*requires up != down/);
  });

  it("resampler quality with up = down is refused", () => {
    const error = thrown(() => graph().add("rs", resampler({ up: 3, down: 3, quality: "linear" })));
    expect(error.message).toMatch(/"rs".*quality.*requires up != down \(.*\), got up 3, down 3/);
    expect(thrown(() => graph().add("rs", resampler({ quality: "best" }))).message).toMatch(/got up 1, down 1/);
    expect(() => graph().add("rs", resampler({ up: 2, down: 4, quality: "best" }))).not.toThrow();
  });

  it("the runtime refuses what only it can see: a preset's own quality without oversampling", async () => {
    const g = graph()
      .add("osc", oscillator({ preset: JSON.stringify({ waveform: "saw", quality: "best" }) }))
      .output("osc");
    await expect(render(g, { frames: 8 })).rejects.toThrow(/"preset\.quality" requires oversample > 1.*got oversample 1/);
    await expect(render(g, { frames: 8 })).rejects.toBeInstanceOf(AmpError);
  });

  it("a shipped preset's quality is dropped when oversample 1 overrides its oversampling", async () => {
    const frames = 400;
    const viaPreset = await render(
      graph()
        .add("osc", oscillator({ preset: "warm-saw", oversample: 1 }))
        .output("osc"),
      { frames },
    );
    const spelled = await render(
      graph()
        .add("osc", oscillator({ waveform: "saw", driver: "polyblep", amplitude: 0.4 }))
        .output("osc"),
      { frames },
    );
    expect(Array.from(viaPreset.channel())).toEqual(Array.from(spelled.channel()));
  });

  it("the generated TSDoc and reference state the rule", () => {
    const generated = readFileSync(join(__dirname, "../src/nodes/generated.ts"), "utf8");
    expect(generated).toContain("Requires `oversample > 1` (the decimation filter runs only when oversampling)");
    expect(generated).toContain("Requires `up != down`");
    const reference = readFileSync(join(__dirname, "../docs/nodes.md"), "utf8");
    expect(reference).toContain("`quality`: Requires `oversample > 1`");
    const options: OscillatorOptions = { quality: "best", oversample: 4 };
    expect(options.quality).toBe("best");
  });
});
