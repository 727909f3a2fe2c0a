// The graph builder without the addon: round trip, hash, immutability, validation, inspect.
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { AmpError } from "../src/errors";
import { Graph, graph } from "../src/graph/graph";
import { canonicalJson } from "../src/graph/canonical";
import { constant, controller, delay, gain, mix, safety, sineOsc } from "../src/nodes/generated";
import { nodeSpec } from "../src/nodes/spec";

function example(): Graph {
  return graph()
    .add("osc", sineOsc({ frequency: 220, channels: 2, thermo: { heatParam: "thermo.heat", resistance: 2, work: 3 } }))
    .add("lfo", sineOsc({ frequency: 2, amplitude: 1 }))
    .add("amp", gain({ gain: 0.5, oversample: 1, declaredDelayFrames: 4, modulation: { mode: "multiply", channels: 2 } }))
    .add("d", delay({ frames: 3 }))
    .add("m", mix({ channels: 2, normalize: true }))
    .add("s", safety({ dcAlpha: 0.99, limit: 0.8 }))
    .chain("osc", "amp", "d", "m", "s")
    .modulate("lfo", "osc.frequency", { mode: "add", scale: 100 })
    .modulate("lfo", "amp.gain", { channel: 0 })
    .output("s");
}

/** Expects `fn` to throw an AmpError with that message (and validation fields). */
function expectValidation(fn: () => unknown, message: string | RegExp): AmpError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AmpError);
  const error = caught as AmpError;
  if (typeof message === "string") expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  expect(error.stage).toBe("validate");
  expect(error.status).toBeLessThan(0);
  return error;
}

describe("JSON form", () => {
  it("uses the snake_case keys of amp_native.h", () => {
    const json = example().toJSON();
    expect(json.output).toBe("s");
    expect(json.nodes.map((n) => n.name)).toEqual(["osc", "lfo", "amp", "d", "m", "s"]);
    expect(json.nodes[0]?.params).toEqual({ frequency: 220, channels: 2, thermo: { heat_param: "thermo.heat", resistance: 2, work: 3 } });
    expect(json.nodes[2]?.params).toEqual({
      gain: 0.5,
      oversample: 1,
      declared_delay_frames: 4,
      modulation: { mode: "multiply", channels: 2 },
    });
    expect(json.nodes[4]?.params).toEqual({ channels: 2, normalize: true });
    expect(json.nodes[5]?.params).toEqual({ dc_alpha: 0.99, limit: 0.8 });
    expect(json.edges).toEqual([
      { from: "osc", to: "amp" },
      { from: "amp", to: "d" },
      { from: "d", to: "m" },
      { from: "m", to: "s" },
    ]);
    expect(json.modulations).toEqual([
      { from: "lfo", to: "osc", param: "frequency", mode: "add", scale: 100 },
      { from: "lfo", to: "amp", param: "gain", channel: 0 },
    ]);
    expect("sample_rate" in json).toBe(false);
  });

  it("round-trips losslessly through toJSON / fromJSON, as objects and as text", () => {
    const g = example().withSampleRate(44100).withTiming(true).connect("osc", "m", { port: "in" });
    const json = g.toJSON();
    const back = Graph.fromJSON(json);
    expect(back.toJSON()).toEqual(json);
    expect(back.hash).toBe(g.hash);
    expect(back.equals(g)).toBe(true);
    const fromText = Graph.fromJSON(JSON.stringify(g));
    expect(fromText.toJSON()).toEqual(json);
    expect(JSON.parse(JSON.stringify(fromText))).toEqual(JSON.parse(JSON.stringify(json)));
    expect(json.sample_rate).toBe(44100);
    expect(json.timing).toBe(true);
  });

  it("round-trips edge delays, graph settings and an explicit schedule", () => {
    const g = graph()
      .add("c", constant({ value: 1 }))
      .add("a", gain())
      .add("d", delay({ frames: 0 }))
      .add("ctl", controller({ curve: "level", scale: 2 }))
      .connect("c", "a")
      .connect("a", "d")
      .connect("d", "a", { delayFrames: 4 })
      .modulate("ctl", "a.gain", { mode: "multiply", delayFrames: 2 })
      .output("d")
      .withLatencyCompensation(false)
      .withThermalBudget(1000)
      .withSchedule([["c", "ctl"], ["a"], ["d"]]);
    const json = g.toJSON();
    expect(json.edges[2]).toEqual({ from: "d", to: "a", delay_frames: 4 });
    expect(json.modulations[0]).toEqual({ from: "ctl", to: "a", param: "gain", mode: "multiply", delay_frames: 2 });
    expect(json).toMatchObject({ latency_compensation: false, thermal_budget: 1000, schedule: [["c", "ctl"], ["a"], ["d"]] });
    expect(json.nodes[3]?.params).toEqual({ curve: "level", scale: 2 });
    const back = Graph.fromJSON(JSON.parse(JSON.stringify(json)) as never);
    expect(back.toJSON()).toEqual(json);
    expect(back.hash).toBe(g.hash);
    expect(back.latencyCompensation).toBe(false);
    expect(back.thermalBudget).toBe(1000);
    expect(inspect(g)).toContain("latency compensation off, thermal budget 1000/s");
    expect(inspect(g)).toContain("    d -> a  delay 4 frames");
    expect(inspect(g)).toContain("  schedule\n    0: c, ctl\n    1: a\n    2: d");
    expect(g.remove("ctl").schedule).toEqual([["c"], ["a"], ["d"]]);
  });

  it("checks schedules, required text parameters and edge delays", () => {
    const g = graph().add("c", constant()).add("a", gain()).connect("c", "a").output("a");
    expectValidation(() => g.withSchedule([["c"], ["c", "a"]]), 'node "c" is listed twice in the schedule');
    expectValidation(() => g.withSchedule([["c"], ["x"]]), 'node "x" is not in the graph (schedule[1]); nodes: c, a');
    expectValidation(
      () => g.withSchedule([["c"]]).toJSON(),
      'node "a" is not in the schedule; an explicit schedule lists every node once (missing: a)',
    );
    expectValidation(() => g.withThermalBudget(0), 'graph "thermal_budget" expects a finite number in (0, inf) heat per second, got 0');
    expectValidation(
      () => g.connect("c", "a", { delayFrames: 0.5 }),
      'node "a" (gain): edge option "delayFrames" expects an integer in [0, 16777216] frames, got 0.5',
    );
    expectValidation(
      () => graph().add("k", controller({} as never)),
      'node "k" (controller): parameter "curve" is required (a non-empty string) unless "curves" is given',
    );
    expectValidation(
      () => graph().add("k", controller({ curve: "" })),
      'node "k" (controller): parameter "curve" expects a non-empty string, got ""',
    );
    expectValidation(
      () => Graph.fromJSON({ nodes: [{ name: "k", type: "controller", params: {} }], edges: [], modulations: [], output: "k" }),
      'node "k" (controller): parameter "curve" is required (a non-empty string) unless "curves" is given',
    );
    expect(
      graph()
        .add("k", controller({ curve: "x" }))
        .set("k", { scale: 3 })
        .node("k")?.params,
    ).toEqual({ curve: "x", scale: 3 });
  });

  it("reads a hand-written JSON with optional members omitted", () => {
    const g = Graph.fromJSON({
      nodes: [{ name: "c", type: "constant", params: { value: 0.75 } }],
      edges: [],
      modulations: [],
      output: "c",
    });
    expect(g.nodes[0]?.params).toEqual({ value: 0.75 });
    const minimal = Graph.fromJSON('{"nodes":[{"name":"c","type":"constant","params":{}}],"output":"c"}');
    expect(minimal.toJSON()).toEqual({ nodes: [{ name: "c", type: "constant", params: {} }], edges: [], modulations: [], output: "c" });
  });

  it("rejects malformed JSON with named keys", () => {
    expectValidation(() => Graph.fromJSON("{nope"), /^graph JSON text does not parse/);
    expectValidation(
      () => Graph.fromJSON({ nodes: [], output: "x", extra: 1 } as never),
      'graph key "extra" is unknown; a graph has nodes, edges, modulations, output, sample_rate, timing, latency_compensation, thermal_budget, schedule',
    );
    expectValidation(
      () => Graph.fromJSON({ nodes: [{ name: "o", type: "sine_osc", params: { freq: 1 } }], edges: [], modulations: [], output: "o" }),
      'node "o" (sine_osc): parameter "freq" is unknown; sine_osc accepts frequency, amplitude, phase, channels, oversample, declared_delay_frames, thermo, modulation',
    );
    expectValidation(
      () => Graph.fromJSON({ nodes: [{ name: "s", type: "safety", params: { dc_alpha: "x" } }], edges: [], modulations: [], output: "s" }),
      'node "s" (safety): parameter "dc_alpha" expects a finite number in [0, 1), got "x"',
    );
    expectValidation(
      () => Graph.fromJSON({ nodes: [{ name: "c", type: "constant", params: {} }], edges: [], modulations: [] } as never),
      /^graph has no output/,
    );
  });
});

describe("hash", () => {
  it("is a stable sha256 hex of the canonical JSON, independent of key order", () => {
    const g = example();
    expect(g.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(example().hash).toBe(g.hash);
    const json = g.toJSON();
    const reordered = JSON.parse(canonicalJson(json)) as Record<string, unknown>;
    const shuffled = { output: reordered.output, modulations: reordered.modulations, edges: reordered.edges, nodes: reordered.nodes };
    expect(Graph.fromJSON(shuffled as never).hash).toBe(g.hash);
  });

  it("changes with any value, edge, modulation or output", () => {
    const g = example();
    const variants = [
      g.set("osc", { frequency: 221 }),
      g.set("amp", { thermo: { work: 1 } }),
      g.connect("lfo", "m"),
      g.modulate("lfo", "s.limit", { scale: 0.1 }),
      g.output("m"),
      g.withSampleRate(96000),
      g.remove("d").connect("amp", "m"),
    ];
    const hashes = new Set([g.hash, ...variants.map((v) => v.hash)]);
    expect(hashes.size).toBe(variants.length + 1);
  });

  it("is the sha256 of the documented canonical text (a golden value: changing it breaks stored hashes)", () => {
    const g = graph()
      .add("osc", sineOsc({ frequency: 220 }))
      .add("amp", gain({ gain: 0.5 }))
      .connect("osc", "amp")
      .output("amp");
    const canonical =
      '{"edges":[{"from":"osc","to":"amp"}],"modulations":[],"nodes":[{"name":"osc","params":{"frequency":220},"type":"sine_osc"},{"name":"amp","params":{"gain":0.5},"type":"gain"}],"output":"amp"}';
    expect(canonicalJson(g.toJSON())).toBe(canonical);
    expect(g.hash).toBe(createHash("sha256").update(canonical).digest("hex"));
    expect(g.hash).toBe("ac53e384a68ff83597a7f65a6a85fba96e9e5d0ac0881933380dc60ed304311d");
  });

  it("canonicalJson sorts keys at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe("immutability", () => {
  it("every method returns a new graph and leaves the receiver unchanged", () => {
    const base = graph()
      .add("osc", sineOsc({ frequency: 220 }))
      .add("amp", gain());
    const before = JSON.stringify(base.nodes) + JSON.stringify(base.edges);
    const connected = base.connect("osc", "amp");
    const withOut = connected.output("amp");
    const changed = withOut.set("osc", { frequency: 330 });
    expect(connected).not.toBe(base);
    expect(JSON.stringify(base.nodes) + JSON.stringify(base.edges)).toBe(before);
    expect(base.edges).toHaveLength(0);
    expect(connected.outputName).toBeUndefined();
    expect(withOut.node("osc")?.params.frequency).toBe(220);
    expect(changed.node("osc")?.params.frequency).toBe(330);
  });

  it("exposes frozen data", () => {
    const g = example();
    expect(Object.isFrozen(g.nodes)).toBe(true);
    expect(Object.isFrozen(g.nodes[0])).toBe(true);
    expect(Object.isFrozen(g.nodes[0]?.params)).toBe(true);
    expect(Object.isFrozen(g.edges)).toBe(true);
    expect(Object.isFrozen(g)).toBe(true);
    expect(() => {
      (g.nodes as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it("branches grown from one graph each find their own nodes by name (they share a name index)", () => {
    const root = graph().add("a", constant({ value: 1 }));
    const left = root.add("x", gain({ gain: 2 }));
    const right = root.add("y", gain()).add("x", gain({ gain: 3 }));
    const removed = right.remove("y");
    expect(left.node("x")?.params.gain).toBe(2);
    expect(right.node("x")?.params.gain).toBe(3);
    expect(left.node("x")?.params.gain).toBe(2);
    expect(left.has("y")).toBe(false);
    expect(root.has("x")).toBe(false);
    expect(removed.node("x")?.params.gain).toBe(3);
    expect(removed.has("y")).toBe(false);
    expect(right.set("x", { gain: 4 }).node("x")?.params.gain).toBe(4);
    expect(right.node("x")?.params.gain).toBe(3);
    expect(() => left.add("x", gain())).toThrow(/already in the graph/);
    expect(left.add("y", gain()).connect("x", "y").edges).toEqual([{ from: "x", to: "y" }]);
  });

  it("chain adds [name, spec] links and connects in series", () => {
    const g = graph()
      .chain(["c", constant({ value: 0.75 })], ["g1", gain({ gain: 2 })], ["g2", gain()])
      .output("g2");
    expect(g.edges).toEqual([
      { from: "c", to: "g1" },
      { from: "g1", to: "g2" },
    ]);
  });

  it("remove drops the node's edges, modulations and output", () => {
    const g = example().remove("lfo").remove("s");
    expect(g.modulations).toHaveLength(0);
    expect(g.edges.some((e) => e.to === "s")).toBe(false);
    expect(g.outputName).toBeUndefined();
  });
});

describe("validation messages", () => {
  it("names node, type, parameter, expected and provided values", () => {
    const error = expectValidation(
      () => graph().add("osc", sineOsc({ frequency: "abc" as unknown as number })),
      'node "osc" (sine_osc): parameter "frequency" expects a finite number in [-1000000, 1000000] Hz, got "abc"',
    );
    expect(error.code).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect(error.status).toBe(-1);
    expect(error.node).toBe("osc");
    expect(error.detail).toBe(error.message);
    expectValidation(
      () => graph().add("osc", sineOsc({ frequency: 2e6 })),
      'node "osc" (sine_osc): parameter "frequency" expects a finite number in [-1000000, 1000000] Hz, got 2000000',
    );
    expectValidation(() => graph().add("osc", sineOsc({ frequency: Number.NaN })), /got NaN$/);
    expectValidation(
      () => graph().add("c", constant({ channels: 1.5 })),
      'node "c" (constant): parameter "channels" expects an integer in [1, 64], got 1.5',
    );
    expectValidation(
      () => graph().add("c", constant({ channels: 65 })),
      'node "c" (constant): parameter "channels" expects an integer in [1, 64], got 65',
    );
    expectValidation(
      () => graph().add("m", mix({ normalize: 1 as unknown as boolean })),
      'node "m" (mix): parameter "normalize" expects a boolean, got 1',
    );
    expectValidation(
      () => graph().add("d", delay({ frames: -1 })),
      'node "d" (delay): parameter "frames" expects an integer in [0, 16777216] frames, got -1',
    );
    expectValidation(
      () => graph().add("s", safety({ dcAlpha: 1 })),
      'node "s" (safety): parameter "dcAlpha" expects a finite number in [0, 1), got 1',
    );
    expectValidation(
      () => graph().add("s", safety({ limit: 0 })),
      'node "s" (safety): parameter "limit" expects a finite number in (0, 1000000], got 0',
    );
  });

  it("checks the common metadata", () => {
    expectValidation(
      () => graph().add("g", gain({ oversample: 0 })),
      'node "g" (gain): parameter "oversample" expects an integer in [1, 64], got 0',
    );
    expectValidation(
      () => graph().add("g", gain({ declaredDelayFrames: -2 })),
      'node "g" (gain): parameter "declaredDelayFrames" expects an integer in [0, 16777216] frames, got -2',
    );
    expectValidation(
      () => graph().add("g", gain({ thermo: { resistance: 0 } })),
      'node "g" (gain): parameter "thermo.resistance" expects a finite number in [1e-12, 1000000000000], got 0',
    );
    expectValidation(
      () => graph().add("g", gain({ thermo: { heatParam: "" } })),
      'node "g" (gain): parameter "thermo.heatParam" expects a non-empty string, got ""',
    );
    expectValidation(
      () => graph().add("g", gain({ modulation: { mode: "sub" as "add" } })),
      'node "g" (gain): parameter "modulation.mode" expects one of "add", "multiply", got "sub"',
    );
    expectValidation(
      () => graph().add("g", gain({ thermo: { heat: 1 } as never })),
      'node "g" (gain): parameter "thermo.heat" is unknown; thermo accepts heatParam, resistance, work',
    );
  });

  it("rejects unknown and duplicate names, unknown types and bad edges", () => {
    const g = graph().add("osc", sineOsc()).add("amp", gain());
    expectValidation(() => g.add("osc", gain()), 'node "osc" is already in the graph (node names are unique)');
    expectValidation(() => g.add("a.b", gain()), 'a node name expects a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, got "a.b"');
    expectValidation(() => g.connect("osc", "nope"), 'node "nope" is not in the graph (edge target); nodes: osc, amp');
    expectValidation(() => g.connect("nope", "amp"), 'node "nope" is not in the graph (edge source); nodes: osc, amp');
    expectValidation(
      () => g.connect("amp", "osc"),
      'node "osc" (sine_osc) has no audio input (it is a source), so the edge "amp" -> "osc" is invalid; use modulate() to drive its parameters',
    );
    expectValidation(
      () => g.connect("osc", "amp", { port: "side" }),
      'node "amp" (gain): edge option "port" expects one of "in", got "side"',
    );
    expectValidation(() => g.output("nope"), 'node "nope" is not in the graph (output); nodes: osc, amp');
    const unknown = expectValidation(
      () => g.add("x", nodeSpec("reverb", {})),
      /^node "x" has unknown type "reverb"; known types: adsr, .*constant, .*gain, .*mix, .*parametric_driver, .*rci, .*safety, .*sine_osc/,
    );
    expect(unknown.code).toBe("AMP_ERR_UNKNOWN_NODE_TYPE");
    expect(unknown.status).toBe(-3);
    expectValidation(() => g.add("y", { type: "gain" } as never), /^node "y" expects a node spec/);
  });

  it("rejects modulation of unknown or static parameters", () => {
    const g = graph().add("osc", sineOsc()).add("amp", gain()).connect("osc", "amp");
    expectValidation(() => g.modulate("osc", "amp"), 'modulation "target" expects "node.param" (e.g. "osc.frequency"), got "amp"');
    expectValidation(() => g.modulate("osc", "amp.level"), 'node "amp" (gain): parameter "level" is unknown; modulatable parameters: gain');
    expectValidation(
      () => g.modulate("amp", "osc.channels"),
      'node "osc" (sine_osc): parameter "channels" is not modulatable (kind integer); modulatable parameters: frequency, amplitude',
    );
    expectValidation(() => g.modulate("nope", "amp.gain"), 'node "nope" is not in the graph (modulation source); nodes: osc, amp');
    expectValidation(
      () => g.modulate("osc", "amp.gain", { scale: Number.POSITIVE_INFINITY }),
      'node "amp" (gain): modulation option "scale" expects a finite number in [-1000000000000, 1000000000000], got Infinity',
    );
    expectValidation(
      () => g.modulate("osc", "amp.gain", { channel: 64 }),
      'node "amp" (gain): modulation option "channel" expects an integer in [0, 63], got 64',
    );
    expectValidation(
      () => g.modulate("osc", "amp.gain", { mode: "mul" as "add" }),
      'node "amp" (gain): modulation option "mode" expects "add" or "multiply", got "mul"',
    );
  });

  it("rejects a graph without output and a bad sample rate", () => {
    expectValidation(
      () => graph().add("c", constant()).toJSON(),
      "graph has no output: call .output(name) with the node whose output is the graph's output",
    );
    expectValidation(() => graph().withSampleRate(0), 'graph "sample_rate" expects a finite number in (0, 10000000] Hz, got 0');
  });
});

describe("inspect", () => {
  it("prints the node list, edges, modulations and output", () => {
    const text = inspect(example());
    expect(text).toBe(example().toString());
    expect(text.split("\n")).toEqual([
      `Graph (6 nodes, output "s", sha256 ${example().hash.slice(0, 12)})`,
      "  nodes",
      '    osc  sine_osc  frequency=220 channels=2 thermo={heat_param:"thermo.heat",resistance:2,work:3}',
      "    lfo  sine_osc  frequency=2 amplitude=1",
      '    amp  gain      gain=0.5 oversample=1 declared_delay_frames=4 modulation={mode:"multiply",channels:2}',
      "    d    delay     frames=3",
      "    m    mix       channels=2 normalize=true",
      "    s    safety    dc_alpha=0.99 limit=0.8  (output)",
      "  edges",
      "    osc -> amp",
      "    amp -> d",
      "    d -> m",
      "    m -> s",
      "  modulations",
      "    lfo -> osc.frequency  add, scale 100",
      "    lfo -> amp.gain  multiply, channel 0",
    ]);
  });

  it("prints an incomplete graph without failing", () => {
    expect(inspect(graph())).toBe("Graph (0 nodes, no output yet)");
    expect(inspect(graph().add("c", constant()))).toContain("no output yet");
  });
});
