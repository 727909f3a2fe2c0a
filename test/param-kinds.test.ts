// Enum and list parameters (the parametric driver's `mode` and `harmonics`) and the descriptor
// rules for `oversample` and `modulation.channels`, through the public TypeScript API: the
// generated types and reference, validation at the TypeScript edge, and renders (needs the addon).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AmpError, constant, findNodeType, gain, Graph, graph, NodeRunner, parametricDriver, render, sineOsc } from "../src/index";
import type { ParametricDriverOptions } from "../src/index";
import { loadAddon } from "../src/native/load-addon";
import { ROOT } from "./helpers/dist";

/** sum_h c_h sin(2 pi (h + 1) phi_f) with phi_f = frac((f + 1) f0 / 48000): the test's own oracle. */
function driverReference(c: readonly number[], f0: number, f: number): number {
  const cycles = ((f + 1) * f0) / 48000;
  const phi = cycles - Math.floor(cycles);
  return c.reduce((sum, ch, h) => sum + ch * Math.sin(2 * Math.PI * (h + 1) * phi), 0);
}

describe("enum and list parameters", () => {
  it("are in the catalogue, the generated types and the node reference", () => {
    const node = findNodeType("parametric_driver");
    const mode = node?.params.find((p) => p.name === "mode");
    const harmonics = node?.params.find((p) => p.name === "harmonics");
    expect(mode).toMatchObject({ kind: "enum", default: "quartz", choices: ["quartz", "piezo", "custom"] });
    expect(harmonics).toMatchObject({ kind: "list", default: [1], minLength: 1, maxLength: 64, min: -1000000, max: 1000000 });
    const ts = readFileSync(join(ROOT, "src", "nodes", "generated.ts"), "utf8");
    expect(ts).toContain('  readonly mode?: "quartz" | "piezo" | "custom" | undefined;');
    expect(ts).toContain("  readonly harmonics?: readonly number[] | undefined;");
    const md = readFileSync(join(ROOT, "docs", "nodes.md"), "utf8");
    expect(md).toContain('| `mode` | `mode` | enum | "quartz" | "quartz", "piezo", "custom" |');
    expect(md).toContain("| `harmonics` | `harmonics` | list | [1] | 1 to 64 items in [-1000000, 1000000] |");
    // A string-literal union: a wrong name does not type-check.
    // @ts-expect-error "quarz" is not one of the modes
    const typo: ParametricDriverOptions = { mode: "quarz" };
    expect(typo.mode).toBe("quarz");
  });

  it("refuse other names and bad lists at the TypeScript edge, naming node, key, allowed values", () => {
    const add = (options: Record<string, unknown>) => () => graph().add("drv", parametricDriver(options as ParametricDriverOptions));
    expect(add({ mode: "quarz" })).toThrow(
      'node "drv" (parametric_driver): parameter "mode" expects one of "quartz", "piezo", "custom", got "quarz"',
    );
    expect(add({ mode: 2 })).toThrow('parameter "mode" expects one of "quartz", "piezo", "custom", got 2');
    expect(add({ mode: "custom", harmonics: [] })).toThrow(
      'node "drv" (parametric_driver): parameter "harmonics" expects an array of 1 to 64 items, each a finite number in [-1000000, 1000000], got []',
    );
    expect(add({ mode: "custom", harmonics: 0.5 })).toThrow('parameter "harmonics" expects an array of 1 to 64 items');
    expect(add({ mode: "custom", harmonics: [1, Number.NaN] })).toThrow(
      'parameter "harmonics[1]" expects a finite number in [-1000000, 1000000], got NaN',
    );
    expect(add({ mode: "custom", harmonics: new Array(65).fill(0) })).toThrow('parameter "harmonics" expects an array of 1 to 64 items');
    const e = (() => {
      try {
        add({ mode: "custom", harmonics: [1, "x"] })();
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(AmpError);
    expect((e as AmpError).code).toBe("AMP_ERR_INVALID_ARGUMENT");
  });

  it("serialise as JSON strings and arrays and read back from JSON", () => {
    const g = graph()
      .add("drv", parametricDriver({ mode: "custom", harmonics: [0.5, -0.25], frequency: 100 }))
      .output("drv");
    const json = g.toJSON();
    expect(json.nodes[0]?.params).toEqual({ mode: "custom", harmonics: [0.5, -0.25], frequency: 100 });
    const back = Graph.fromJSON(JSON.stringify(json));
    expect(back.equals(g)).toBe(true);
    expect(g.toString()).toContain("mode=custom harmonics=[0.5,-0.25]");
  });

  it("render the documented sums natively, graph and single-node call alike", async () => {
    const c = [0.5, 0, -0.25, 0.125];
    const result = await render(
      graph()
        .add("drv", parametricDriver({ mode: "custom", harmonics: c, frequency: 97.5 }))
        .output("drv"),
      {
        frames: 512,
      },
    );
    const lane = result.channel(0, 0);
    for (const f of [0, 1, 100, 511]) expect(Math.abs((lane[f] ?? Number.NaN) - driverReference(c, 97.5, f))).toBeLessThan(1e-12);
    const runner = NodeRunner.create("drv", parametricDriver({ mode: "piezo", frequency: 220 }));
    try {
      const out = runner.forward([], { frames: 64 }).samples;
      expect(Math.abs((out[10] ?? Number.NaN) - driverReference([1, 0.35, 0.12], 220, 10))).toBeLessThan(1e-12);
    } finally {
      runner.dispose();
    }
  });

  it("refuse a list that the chosen mode would ignore, natively (the cross-parameter rule)", async () => {
    const g = graph()
      .add("drv", parametricDriver({ mode: "piezo", harmonics: [1, 2] }))
      .output("drv");
    await expect(render(g, { frames: 16 })).rejects.toThrow(
      'node "drv" (parametric_driver): parameter "harmonics" applies with mode "custom" only (mode "piezo" fixes the amplitudes)',
    );
  });
});

describe("descriptor metadata is honoured or refused", () => {
  it("refuses oversample above 1 on a node that does not oversample, naming it", () => {
    expect(findNodeType("gain")?.oversamples).toBe(false);
    expect(() => graph().add("amp", gain({ oversample: 4 }))).toThrow(
      'node "amp" (gain): parameter "oversample" expects 1 (this node type does not oversample: a larger factor would change nothing but the reported heat), got 4',
    );
    expect(() => graph().add("amp", gain({ oversample: 1 }))).not.toThrow();
    const md = readFileSync(join(ROOT, "docs", "nodes.md"), "utf8");
    expect(md).toContain("Oversampling: none (`oversample` above 1 is refused).");
  });

  it("refuses it natively too (a graph JSON that skipped the TypeScript checks)", () => {
    const json = JSON.stringify({
      nodes: [
        { name: "src", type: "sine_osc", params: {} },
        { name: "amp", type: "gain", params: { oversample: 4 } },
      ],
      edges: [{ from: "src", to: "amp" }],
      modulations: [],
      output: "amp",
    });
    let error: unknown;
    try {
      loadAddon().createRuntime(json).destroy();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AmpError);
    expect((error as AmpError).node).toBe("amp");
    expect(String((error as AmpError).message)).toContain('node "amp" (gain): parameter "oversample" expects 1');
  });

  it("refuses modulation metadata in a single-node call, which has no modulation edges", () => {
    expect(() => NodeRunner.create("g", gain({ modulation: { mode: "multiply" } }))).toThrow(
      'node "g" (gain): parameter "modulation" applies to the modulation edges of a graph; a single-node call has none (pass parameter tensors instead)',
    );
  });

  it("applies modulation.channels: 1 or the output count, any other count refused", async () => {
    const stereo = (channels: number) =>
      graph()
        .add("one", constant({ value: 1, channels: 2 }))
        .add("lfo", sineOsc({ frequency: 5, channels: 2 }))
        .add("g", gain({ gain: 0, modulation: { channels } }))
        .connect("one", "g")
        .modulate("lfo", "g.gain")
        .output("g");
    expect((await render(stereo(1), { frames: 32 })).shape.channels).toBe(2);
    expect((await render(stereo(2), { frames: 32 })).shape.channels).toBe(2);
    await expect(render(stereo(3), { frames: 32 })).rejects.toThrow(
      `node "g" (gain): parameter "modulation.channels" expects 1 or the node's output channel count 2, got 3`,
    );
  });
});
