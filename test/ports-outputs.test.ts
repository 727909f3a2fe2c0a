// Optional ports and named outputs through the public TypeScript API, with the adsr (envelope) node:
// "env" / "env.amplitude" / "env.reset" as edge and modulation sources, unknown outputs refused
// by the builder and natively, an adsr with only one of its optional inputs, the catalogue,
// the generated reference and the JSON round trip.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AmpError, constant, adsr, findNodeType, gain, Graph, graph, render } from "../src/index";
import { loadAddon } from "../src/native/load-addon";
import { ROOT } from "./helpers/dist";

const ENV = adsr({ attackMs: 4, holdMs: 2, decayMs: 4, sustain: 0.5, releaseMs: 4 });

/** one (1.0) -> env.<port>; <from> -> out (gain 1); at 1000 Hz a millisecond is one frame. */
function chain(port: "gate" | "trigger", from: string): Graph {
  return graph()
    .withSampleRate(1000)
    .add("one", constant({ value: 1 }))
    .add("env", ENV)
    .add("out", gain())
    .connect("one", "env", { port })
    .connect(from, "out")
    .output("out");
}

describe("named outputs and optional ports", () => {
  it("are in the catalogue and the reference", () => {
    const node = findNodeType("adsr");
    expect(node?.outputs?.map((o) => o.name)).toEqual(["amplitude", "reset"]);
    expect(node?.inputs.map((p) => [p.name, p.optional])).toEqual([
      ["gate", true],
      ["trigger", true],
    ]);
    expect(findNodeType("gain")?.inputs[0]?.optional).toBe(false);
    const md = readFileSync(join(ROOT, "docs", "nodes.md"), "utf8");
    expect(md).toContain("`gate` (Gate, on above 0.5; several edges: summed; optional)");
    expect(md).toContain("Named outputs, equal channel groups in this order: `amplitude` (The envelope), `reset`");
  });

  it("route each named output to its consumer; the bare name reads the first", async () => {
    const frames = { frames: 14 };
    const amplitude = Array.from((await render(chain("gate", "env"), frames)).samples);
    expect(amplitude).toEqual([0.25, 0.5, 0.75, 1, 1, 1, 0.875, 0.75, 0.625, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(Array.from((await render(chain("gate", "env.amplitude"), frames)).samples)).toEqual(amplitude);
    const reset = Array.from((await render(chain("gate", "env.reset"), frames)).samples);
    expect(reset).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Only the trigger connected: attack, hold, decay, then release (no gate holds the sustain).
    const oneShot = Array.from((await render(chain("trigger", "env"), { frames: 15 })).samples);
    expect(oneShot).toEqual([0.25, 0.5, 0.75, 1, 1, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0, 0]);
  });

  it("drive modulation edges from a named output", async () => {
    const g = graph()
      .withSampleRate(1000)
      .add("one", constant({ value: 1 }))
      .add("env", ENV)
      .add("out", gain({ gain: 0 }))
      .connect("one", "env", { port: "gate" })
      .connect("one", "out")
      .modulate("env.amplitude", "out.gain")
      .output("out");
    expect(Array.from((await render(g, { frames: 4 })).samples)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(g.toJSON().modulations[0]?.from).toBe("env.amplitude");
    expect(Graph.fromJSON(g.toJSONText()).equals(g)).toBe(true);
    // Removing the node removes the edges from its outputs.
    expect(g.remove("env").modulations).toEqual([]);
  });

  it("refuse unknown output names in the builder and natively", () => {
    expect(() => chain("gate", "env.pulse")).toThrow(
      'node "env" (adsr) has no output "pulse" (edge source); outputs: "amplitude", "reset"',
    );
    expect(() => chain("gate", "one.reset")).toThrow(
      'node "one" (constant) has no output "reset" (edge source); it has one unnamed output (write "one")',
    );
    const json = JSON.stringify({
      nodes: [
        { name: "one", type: "constant", params: {} },
        { name: "env", type: "adsr", params: {} },
        { name: "out", type: "gain", params: {} },
      ],
      edges: [
        { from: "one", to: "env", port: "gate" },
        { from: "env.pulse", to: "out" },
      ],
      modulations: [],
      output: "out",
    });
    let error: unknown;
    try {
      loadAddon().createRuntime(json).destroy();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AmpError);
    expect((error as AmpError).message).toContain('edges[1]: node "env" (adsr) has no output "pulse"; outputs: "amplitude", "reset"');
  });

  it("leave optional ports open, but not all of the adsr's", async () => {
    const lonely = graph().add("env", ENV).output("env");
    await expect(render(lonely, { frames: 4 })).rejects.toThrow('node "env" (adsr): needs an edge into input "gate" or "trigger"');
    await expect(render(graph().add("g", gain()).output("g"), { frames: 4 })).rejects.toThrow('input "in" has no incoming edge');
  });
});
