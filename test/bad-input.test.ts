// Adversarial input at every public entry point. The standard (README "Clear errors"): bad input
// gets an AmpError whose message names the node / parameter / option, what was expected and what
// was given; the process survives; nothing is half-applied (graphs are immutable values, a
// Runtime or NodeRunner renders exactly as if the failed call had not been made).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AmpError,
  constant,
  controller,
  decodeWav,
  delay,
  encodeWav,
  gain,
  Graph,
  graph,
  mix,
  NodeRunner,
  readWav,
  render,
  Runtime,
  safety,
  sineOsc,
  writeWav,
  type NodeTensor,
} from "../src/index";
import { ensureDist, ROOT } from "./helpers/dist";

const dir = mkdtempSync(join(tmpdir(), "amp-bad-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INVALID = "AMP_ERR_INVALID_ARGUMENT";

/** Checks that `caught` is an AmpError with that code and exactly that message (or one matching the pattern). */
function checkAmpError(caught: unknown, message: string | RegExp, code: string): AmpError {
  expect(caught).toBeInstanceOf(AmpError);
  const error = caught as AmpError;
  if (typeof message === "string") expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  expect(error.code).toBe(code);
  return error;
}

/** `fn()` throws an AmpError with that message and code. */
function throwsAmp(fn: () => unknown, message: string | RegExp, code = INVALID): AmpError {
  let caught: unknown = "nothing was thrown";
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  return checkAmpError(caught, message, code);
}

/** `promise` rejects with an AmpError with that message and code. */
async function rejectsAmp(promise: Promise<unknown>, message: string | RegExp, code = INVALID): Promise<AmpError> {
  let caught: unknown = "the promise resolved";
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  return checkAmpError(caught, message, code);
}

/** Everything a graph holds, as text: equal before and after a failed builder call. */
function snapshot(g: Graph): string {
  const { nodes, edges, modulations, outputName, sampleRate, timing, latencyCompensation, thermalBudget, schedule } = g;
  return JSON.stringify({ nodes, edges, modulations, outputName, sampleRate, timing, latencyCompensation, thermalBudget, schedule });
}

/** A wrongly typed value, passed where the types would not allow it. */
function bad<T>(value: unknown): T {
  return value as T;
}

const base = graph()
  .add("osc", sineOsc({ frequency: 440 }))
  .add("lfo", sineOsc({ frequency: 2, amplitude: 10 }))
  .add("amp", gain({ gain: 0.5 }))
  .add("out", safety({ limit: 0.9 }))
  .chain("osc", "amp", "out")
  .modulate("lfo", "osc.frequency")
  .output("out");

describe("node factories", () => {
  it("refuse options that are not an object, at the factory call", () => {
    throwsAmp(() => gain(bad(null)), 'gain: argument "options" expects an object of gain options, got null');
    throwsAmp(() => sineOsc(bad(440)), 'sine_osc: argument "options" expects an object of sine_osc options, got 440');
    throwsAmp(() => mix(bad([2])), 'mix: argument "options" expects an object of mix options, got [2]');
    throwsAmp(() => constant(bad("0.5")), 'constant: argument "options" expects an object of constant options, got "0.5"');
  });

  it("have their options checked by add(): wrong types, extra keys, missing required, out of range", () => {
    const cases: [() => unknown, string][] = [
      [
        () => graph().add("o", sineOsc(bad({ frequency: "440" }))),
        'node "o" (sine_osc): parameter "frequency" expects a finite number in [-1000000, 1000000] Hz, got "440"',
      ],
      [
        () => graph().add("o", sineOsc({ frequency: Number.NaN })),
        'node "o" (sine_osc): parameter "frequency" expects a finite number in [-1000000, 1000000] Hz, got NaN',
      ],
      [
        () => graph().add("o", sineOsc({ amplitude: -Infinity })),
        'node "o" (sine_osc): parameter "amplitude" expects a finite number in [-1000000, 1000000], got -Infinity',
      ],
      [
        () => graph().add("o", sineOsc({ channels: 1e300 })),
        'node "o" (sine_osc): parameter "channels" expects an integer in [1, 64], got 1e+300',
      ],
      [() => graph().add("o", sineOsc({ channels: -0 })), 'node "o" (sine_osc): parameter "channels" expects an integer in [1, 64], got 0'],
      [
        () => graph().add("o", sineOsc({ channels: 2.5 })),
        'node "o" (sine_osc): parameter "channels" expects an integer in [1, 64], got 2.5',
      ],
      [() => graph().add("s", safety({ dcAlpha: 1 })), 'node "s" (safety): parameter "dcAlpha" expects a finite number in [0, 1), got 1'],
      [() => graph().add("m", mix(bad({ normalize: 1 }))), 'node "m" (mix): parameter "normalize" expects a boolean, got 1'],
      [
        () => graph().add("g", gain(bad({ gain: 1, gian: 2 }))),
        'node "g" (gain): parameter "gian" is unknown; gain accepts gain, oversample, declaredDelayFrames, thermo, modulation',
      ],
      [
        () => graph().add("g", gain(bad({ declared_delay_frames: 2 }))),
        'node "g" (gain): parameter "declared_delay_frames" is unknown; gain accepts gain, oversample, declaredDelayFrames, thermo, modulation',
      ],
      [
        () => graph().add("k", controller(bad({}))),
        'node "k" (controller): parameter "curve" is required (a non-empty string) unless "curves" is given',
      ],
      [() => graph().add("k", controller({ curve: "" })), 'node "k" (controller): parameter "curve" expects a non-empty string, got ""'],
      [
        () => graph().add("k", controller({ curve: "a\u0000b" })),
        'node "k" (controller): parameter "curve" expects a string without NUL characters (the runtime reads it as a C string), got "a\\u0000b"',
      ],
      [
        () => graph().add("d", delay({ frames: 16777217 })),
        'node "d" (delay): parameter "frames" expects an integer in [0, 16777216] frames, got 16777217',
      ],
      [() => graph().add("g", gain({ oversample: 0 })), 'node "g" (gain): parameter "oversample" expects an integer in [1, 64], got 0'],
      [
        () => graph().add("g", gain({ declaredDelayFrames: -1 })),
        'node "g" (gain): parameter "declaredDelayFrames" expects an integer in [0, 16777216] frames, got -1',
      ],
      [
        () => graph().add("g", gain(bad({ thermo: null }))),
        'node "g" (gain) expects an object { heatParam?, resistance?, work? }, got null',
      ],
      [
        () => graph().add("g", gain({ thermo: { resistance: 0 } })),
        'node "g" (gain): parameter "thermo.resistance" expects a finite number in [1e-12, 1000000000000], got 0',
      ],
      [
        () => graph().add("g", gain({ thermo: { work: -1 } })),
        'node "g" (gain): parameter "thermo.work" expects a finite number in [0, 1000000000000], got -1',
      ],
      [
        () => graph().add("g", gain({ thermo: { heatParam: "h\u0000" } })),
        'node "g" (gain): parameter "thermo.heatParam" expects a string without NUL characters (the runtime reads it as a C string), got "h\\u0000"',
      ],
      [
        () => graph().add("g", gain({ thermo: { heatParam: "gain" } })),
        'node "g" (gain): parameter "thermo.heatParam" expects a name other than the node\'s parameters (gain), got "gain"',
      ],
      [
        () => graph().add("g", gain(bad({ thermo: { heat: 1 } }))),
        'node "g" (gain): parameter "thermo.heat" is unknown; thermo accepts heatParam, resistance, work',
      ],
      [
        () => graph().add("g", gain(bad({ modulation: { mode: "xor" } }))),
        'node "g" (gain): parameter "modulation.mode" expects one of "add", "multiply", got "xor"',
      ],
      [
        () => graph().add("g", gain({ modulation: { channels: 65 } })),
        'node "g" (gain): parameter "modulation.channels" expects an integer in [1, 64], got 65',
      ],
    ];
    for (const [fn, message] of cases) throwsAmp(fn, message);
  });

  it("keep unicode text parameters intact", () => {
    const g = graph()
      .add("k", controller({ curve: "κ🎵 cut-off" }))
      .output("k");
    expect(g.node("k")?.params.curve).toBe("κ🎵 cut-off");
    expect(Graph.fromJSON(g.toJSONText()).equals(g)).toBe(true);
  });
});

describe("graph builder", () => {
  it("add() refuses bad names and specs and leaves the graph unchanged", () => {
    const before = snapshot(base);
    const cases: [() => unknown, string][] = [
      [() => base.add(bad(5), gain()), "a node name expects a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, got 5"],
      [() => base.add("", gain()), 'a node name expects a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, got ""'],
      [() => base.add("a.b", gain()), 'a node name expects a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, got "a.b"'],
      [() => base.add("ósc", gain()), 'a node name expects a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, got "ósc"'],
      [() => base.add("__proto__", gain()), 'a node name expects a string other than "__proto__", got "__proto__"'],
      [() => base.add("osc", gain()), 'node "osc" is already in the graph (node names are unique)'],
      [() => base.add("g", bad(undefined)), 'node "g" expects a node spec from a factory such as sineOsc({ ... }), got undefined'],
      [
        () => base.add("g", bad({ type: "gain" })),
        'node "g" expects a node spec from a factory such as sineOsc({ ... }), got {"type":"gain"}',
      ],
    ];
    for (const [fn, message] of cases) throwsAmp(fn, message);
    throwsAmp(
      () => base.add("g", bad({ type: "reverb", options: {} })),
      'node "g" has unknown type "reverb"; known types: adsr, biquad, constant, controller, delay, fft_divider, gain, integrator, lfo, mix, oscillator, oscillator_pitch, parametric_driver, pitch_quantizer, pitch_shift, rci, resampler, safety, sampler, sine_osc, subharmonic',
      "AMP_ERR_UNKNOWN_NODE_TYPE",
    );
    expect(snapshot(base)).toBe(before);
  });

  it("cuts a very long provided value in messages but names a long node in full", () => {
    const long = `${"a".repeat(100_000)}.b`;
    const error = throwsAmp(
      () => graph().add(long, gain()),
      /^a node name expects a string matching .*, got "a{77}"\.\.\. \(100002 characters\)$/,
    );
    expect(error.message.length).toBeLessThan(200);
    const name = "n".repeat(100_000);
    const g = graph().add(name, gain()).output(name);
    expect(Graph.fromJSON(g.toJSON()).equals(g)).toBe(true);
  });

  it("connect() and chain() refuse unknown nodes, bad options and bad links", () => {
    const before = snapshot(base);
    const cases: [() => unknown, string][] = [
      [() => base.connect("nope", "amp"), 'node "nope" is not in the graph (edge source); nodes: osc, lfo, amp, out'],
      [() => base.connect("osc", bad(undefined)), 'node name for "edge target" expects a node name, got undefined'],
      [
        () => base.connect("amp", "osc"),
        'node "osc" (sine_osc) has no audio input (it is a source), so the edge "amp" -> "osc" is invalid; use modulate() to drive its parameters',
      ],
      [
        () => base.connect("osc", "amp", bad(null)),
        'node "amp" (gain): argument "options" expects an object { port?, delayFrames? }, got null',
      ],
      [
        () => base.connect("osc", "amp", bad("x")),
        'node "amp" (gain): argument "options" expects an object { port?, delayFrames? }, got "x"',
      ],
      [
        () => base.connect("osc", "amp", bad({ delay: 1 })),
        'node "amp" (gain): edge option "delay" is unknown; connect() accepts port, delayFrames',
      ],
      [() => base.connect("osc", "amp", { port: "side" }), 'node "amp" (gain): edge option "port" expects one of "in", got "side"'],
      [
        () => base.connect("osc", "amp", { delayFrames: Number.POSITIVE_INFINITY }),
        'node "amp" (gain): edge option "delayFrames" expects an integer in [0, 16777216] frames, got Infinity',
      ],
      [
        () => base.connect("osc", "amp", { delayFrames: 0.5 }),
        'node "amp" (gain): edge option "delayFrames" expects an integer in [0, 16777216] frames, got 0.5',
      ],
      [() => base.chain(bad(null)), 'chain() argument "links[0]" expects a node name or a [name, spec] pair, got null'],
      [() => base.chain("osc", bad(5)), 'chain() argument "links[1]" expects a node name or a [name, spec] pair, got 5'],
      [() => base.chain("osc", bad(["g"])), 'chain() argument "links[1]" expects a node name or a [name, spec] pair, got ["g"]'],
      // fails at the third link, after the second was added: the receiver is still unchanged
      [() => base.chain("osc", ["g2", gain()], "nope"), 'node "nope" is not in the graph (edge target); nodes: osc, lfo, amp, out, g2'],
    ];
    for (const [fn, message] of cases) throwsAmp(fn, message);
    expect(snapshot(base)).toBe(before);
  });

  it("modulate() refuses bad targets, parameters and options", () => {
    const before = snapshot(base);
    const cases: [() => unknown, string][] = [
      [() => base.modulate("lfo", "osc"), 'modulation "target" expects "node.param" (e.g. "osc.frequency"), got "osc"'],
      [() => base.modulate("lfo", bad(7)), 'modulation "target" expects "node.param" (e.g. "osc.frequency"), got 7'],
      [() => base.modulate("lfo", "osc."), 'node "osc" (sine_osc): modulation "param" expects a parameter name, got ""'],
      [() => base.modulate("lfo", "nope.gain"), 'node "nope" is not in the graph (modulation target); nodes: osc, lfo, amp, out'],
      [
        () => base.modulate("lfo", "osc.detune"),
        'node "osc" (sine_osc): parameter "detune" is unknown; modulatable parameters: frequency, amplitude',
      ],
      [
        () => base.modulate("lfo", "osc.channels"),
        'node "osc" (sine_osc): parameter "channels" is not modulatable (kind integer); modulatable parameters: frequency, amplitude',
      ],
      [
        () => base.modulate("lfo", "osc.frequency", bad(null)),
        'node "osc" (sine_osc): argument "options" expects an object { mode?, scale?, channel?, delayFrames? }, got null',
      ],
      [
        () => base.modulate("lfo", "osc.frequency", bad({ depth: 2 })),
        'node "osc" (sine_osc): modulation option "depth" is unknown; modulate() accepts mode, scale, channel, delayFrames',
      ],
      [
        () => base.modulate("lfo", "osc.frequency", bad({ mode: "xor" })),
        'node "osc" (sine_osc): modulation option "mode" expects "add" or "multiply", got "xor"',
      ],
      [
        () => base.modulate("lfo", "osc.frequency", { scale: Number.NaN }),
        'node "osc" (sine_osc): modulation option "scale" expects a finite number in [-1000000000000, 1000000000000], got NaN',
      ],
      [
        () => base.modulate("lfo", "osc.frequency", { channel: 64 }),
        'node "osc" (sine_osc): modulation option "channel" expects an integer in [0, 63], got 64',
      ],
    ];
    for (const [fn, message] of cases) throwsAmp(fn, message);
    expect(snapshot(base)).toBe(before);
  });

  it("output(), set(), remove() and the graph-level setters refuse bad values", () => {
    const before = snapshot(base);
    const cases: [() => unknown, string][] = [
      [() => base.output("nope"), 'node "nope" is not in the graph (output); nodes: osc, lfo, amp, out'],
      [() => base.output(bad(undefined)), 'node name for "output" expects a node name, got undefined'],
      [() => base.set("nope", {}), 'node "nope" is not in the graph (set); nodes: osc, lfo, amp, out'],
      [() => base.set("amp", bad(null)), 'node "amp" (gain): parameter "params" expects an object, got null'],
      [
        () => base.set("amp", { gain: "2" }),
        'node "amp" (gain): parameter "gain" expects a finite number in [-1000000000000, 1000000000000], got "2"',
      ],
      [() => base.remove("nope"), 'node "nope" is not in the graph (remove); nodes: osc, lfo, amp, out'],
      [() => base.withSampleRate(0), 'graph "sample_rate" expects a finite number in (0, 10000000] Hz, got 0'],
      [() => base.withSampleRate(-0), 'graph "sample_rate" expects a finite number in (0, 10000000] Hz, got 0'],
      [() => base.withSampleRate(10_000_001), 'graph "sample_rate" expects a finite number in (0, 10000000] Hz, got 10000001'],
      [() => base.withSampleRate(Number.NaN), 'graph "sample_rate" expects a finite number in (0, 10000000] Hz, got NaN'],
      [() => base.withSampleRate(bad("48000")), 'graph "sample_rate" expects a finite number in (0, 10000000] Hz, got "48000"'],
      [() => base.withThermalBudget(0), 'graph "thermal_budget" expects a finite number in (0, inf) heat per second, got 0'],
      [() => base.withThermalBudget(Infinity), 'graph "thermal_budget" expects a finite number in (0, inf) heat per second, got Infinity'],
      [() => base.withLatencyCompensation(bad("yes")), 'graph "latency_compensation" expects a boolean, got "yes"'],
      [() => base.withTiming(bad(1)), 'graph "timing" expects a boolean, got 1'],
      [() => base.withSchedule(bad("osc,amp")), 'graph "schedule" expects an array of stages (arrays of node names), got "osc,amp"'],
      [() => base.withSchedule(bad(["osc"])), 'graph "schedule[0]" expects an array of node names, got "osc"'],
      [() => base.withSchedule([["osc", "nope"]]), 'node "nope" is not in the graph (schedule[0]); nodes: osc, lfo, amp, out'],
      [() => base.withSchedule([["osc"], ["osc"]]), 'node "osc" is listed twice in the schedule'],
      [
        () => base.withSchedule([["osc", "lfo"], ["amp"]]).toJSON(),
        'node "out" is not in the schedule; an explicit schedule lists every node once (missing: out)',
      ],
      [
        () => graph().add("c", constant()).toJSON(),
        "graph has no output: call .output(name) with the node whose output is the graph's output",
      ],
    ];
    for (const [fn, message] of cases) throwsAmp(fn, message);
    expect(snapshot(base)).toBe(before);
  });
});

describe("Graph.fromJSON", () => {
  const json = () => JSON.parse(base.toJSONText()) as Record<string, unknown> & { nodes: Record<string, unknown>[] };
  const withNode = (node: unknown) => ({ nodes: [node], output: "a" });

  it("reads back what toJSON wrote", () => {
    expect(Graph.fromJSON(base.toJSON()).equals(base)).toBe(true);
    expect(Graph.fromJSON(base.toJSONText()).equals(base)).toBe(true);
  });

  it.each([
    ["JSON text that does not parse", '{"nodes": [', "graph JSON text does not parse: Unexpected end of JSON input"],
    ["empty text", "", "graph JSON text does not parse: Unexpected end of JSON input"],
    ["null", null, 'value "graph" expects a graph JSON object, got null'],
    ["an array", [], 'value "graph" expects a graph JSON object, got []'],
    ["a number", 5, 'value "graph" expects a graph JSON object, got 5'],
    ["no nodes", { output: "a" }, 'graph key "nodes" expects an array, got undefined'],
    ["nodes as an object", { nodes: {}, output: "a" }, 'graph key "nodes" expects an array, got {}'],
    [
      "no output",
      { nodes: [{ name: "a", type: "constant" }] },
      "graph has no output: call .output(name) with the node whose output is the graph's output",
    ],
    ["an empty output", { nodes: [{ name: "a", type: "constant" }], output: "" }, 'node "" is not in the graph (output); nodes: a'],
    ["a numeric output", { nodes: [{ name: "a", type: "constant" }], output: 5 }, 'node name for "output" expects a node name, got 5'],
    ["a null node", withNode(null), 'graph key "nodes[]" expects an object { name, type, params }, got null'],
    ["a node without a name", withNode({ type: "gain" }), 'a node\'s "name" expects a node name, got undefined'],
    [
      "an empty node name",
      withNode({ name: "", type: "gain" }),
      'a node name expects a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, got ""',
    ],
    [
      "a unicode node name",
      withNode({ name: "ósc", type: "gain" }),
      'a node name expects a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, got "ósc"',
    ],
    ["a node without a type", withNode({ name: "a" }), 'node "a": parameter "type" expects a node type name, got undefined'],
    [
      "null params",
      withNode({ name: "a", type: "constant", params: null }),
      'node "a" (constant): parameter "params" expects an object, got null',
    ],
    [
      "array params",
      withNode({ name: "a", type: "constant", params: [] }),
      'node "a" (constant): parameter "params" expects an object, got []',
    ],
    [
      "NaN",
      withNode({ name: "a", type: "constant", params: { value: Number.NaN } }),
      'node "a" (constant): parameter "value" expects a finite number in [-1000000000000, 1000000000000], got NaN',
    ],
    [
      "a number beyond double range",
      '{"nodes": [{"name": "a", "type": "constant", "params": {"value": 1e400}}], "output": "a"}',
      'node "a" (constant): parameter "value" expects a finite number in [-1000000000000, 1000000000000], got Infinity',
    ],
    [
      "a huge integer",
      withNode({ name: "a", type: "constant", params: { channels: 2 ** 53 + 2 } }),
      'node "a" (constant): parameter "channels" expects an integer in [1, 64], got 9007199254740994',
    ],
    [
      "negative zero sample rate",
      { ...withNode({ name: "a", type: "constant" }), sample_rate: -0 },
      'graph "sample_rate" expects a finite number in (0, 10000000] Hz, got 0',
    ],
    [
      "camelCase keys in JSON params",
      withNode({ name: "a", type: "gain", params: { declaredDelayFrames: 2 } }),
      'node "a" (gain): parameter "declaredDelayFrames" is unknown; gain accepts gain, oversample, declared_delay_frames, thermo, modulation',
    ],
    [
      "a heat channel named like a parameter",
      withNode({ name: "a", type: "sine_osc", params: { thermo: { heat_param: "frequency" } } }),
      'node "a" (sine_osc): parameter "thermo.heat_param" expects a name other than the node\'s parameters (frequency, amplitude, phase, channels), got "frequency"',
    ],
    [
      "a top-level __proto__ key",
      '{"__proto__": {"output": "a"}, "nodes": [{"name": "a", "type": "constant"}], "output": "a"}',
      'graph key "__proto__" is unknown; a graph has nodes, edges, modulations, output, sample_rate, timing, latency_compensation, thermal_budget, schedule',
    ],
    [
      "a __proto__ key in a node",
      '{"nodes": [{"name": "a", "type": "constant", "__proto__": {"params": {"value": 2}}}], "output": "a"}',
      'node key "__proto__" is unknown; a node has name, type, params',
    ],
    [
      "a __proto__ key in params",
      '{"nodes": [{"name": "a", "type": "constant", "params": {"__proto__": {"value": 2}}}], "output": "a"}',
      'node "a" (constant): parameter "__proto__" is unknown; constant accepts value, channels, oversample, declared_delay_frames, thermo, modulation',
    ],
    [
      "a node named __proto__",
      withNode({ name: "__proto__", type: "constant" }),
      'a node name expects a string other than "__proto__", got "__proto__"',
    ],
  ])("refuses %s", (_label, input, message) => {
    throwsAmp(() => Graph.fromJSON(input as never), message);
  });

  it("refuses bad edges, modulations, settings and schedules", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ edges: null }, 'graph key "edges" expects an array, got null'],
      [{ edges: [null] }, 'graph key "edges[]" expects an object { from, to }, got null'],
      [{ edges: [{ from: "osc", to: "amp", delay: 1 }] }, 'edge key "delay" is unknown; an edge has from, to, port, delay_frames'],
      [{ edges: [{ from: "osc", to: "zz" }] }, 'node "zz" is not in the graph (edge target); nodes: osc, lfo, amp, out'],
      [
        { edges: [{ from: "osc", to: "amp", delay_frames: "1" }] },
        'node "amp" (gain): edge option "delayFrames" expects an integer in [0, 16777216] frames, got "1"',
      ],
      [{ edges: [{ from: "osc", to: "amp", port: null }] }, 'node "amp" (gain): edge option "port" expects one of "in", got null'],
      [{ modulations: [{ from: "lfo", to: "osc" }] }, 'node "osc" (sine_osc): modulation "param" expects a parameter name, got undefined'],
      [
        { modulations: [{ from: "lfo", to: "osc", param: "frequency", mode: null }] },
        'node "osc" (sine_osc): modulation option "mode" expects "add" or "multiply", got null',
      ],
      [{ sample_rate: "48000" }, 'graph "sample_rate" expects a finite number in (0, 10000000] Hz, got "48000"'],
      [{ timing: 1 }, 'graph "timing" expects a boolean, got 1'],
      [{ latency_compensation: null }, 'graph "latency_compensation" expects a boolean, got null'],
      [{ thermal_budget: -0 }, 'graph "thermal_budget" expects a finite number in (0, inf) heat per second, got 0'],
      [{ schedule: [["osc"]] }, 'node "lfo" is not in the schedule; an explicit schedule lists every node once (missing: lfo, amp, out)'],
      [{ schedule: [[["osc"]]] }, 'node name for "schedule[0]" expects a node name, got ["osc"]'],
    ];
    for (const [patch, message] of cases) throwsAmp(() => Graph.fromJSON({ ...json(), ...patch } as never), message);
  });

  it("ignores inherited properties of a hostile object (only own keys are read)", () => {
    const hostile = Object.create({ sample_rate: -1, edges: "nope" }) as Record<string, unknown>;
    Object.assign(hostile, json());
    expect(Graph.fromJSON(hostile as never).equals(base)).toBe(true);
  });
});

describe("render() options", () => {
  const g = graph()
    .add("c", constant({ value: 0.5 }))
    .add("a", gain({ gain: 2 }))
    .chain("c", "a")
    .output("a");

  it.each([
    [
      "a graph that is not a Graph",
      undefined,
      { frames: 4 },
      'argument "graph" expects a Graph from graph() or Graph.fromJSON(), got undefined',
    ],
    [
      "a plain object as graph",
      { toJSON: (): object => ({}) },
      { frames: 4 },
      'argument "graph" expects a Graph from graph() or Graph.fromJSON(), got {}',
    ],
    ["null options", g, null, 'argument "options" expects an object with frames or seconds, got null'],
    ["neither frames nor seconds", g, {}, 'render options: give exactly one of "frames" and "seconds", got neither'],
    ["both", g, { frames: 4, seconds: 1 }, 'render options: give exactly one of "frames" and "seconds", got both'],
    [
      "a typo",
      g,
      { frames: 4, blocksize: 64 },
      /^render option "blocksize" is unknown; render\(\) accepts frames, seconds, sampleRate, batches/,
    ],
    ["frames 0", g, { frames: 0 }, 'render option "frames" expects an integer in [1, 2147483647] frames, got 0'],
    ["frames 1.5", g, { frames: 1.5 }, 'render option "frames" expects an integer in [1, 2147483647] frames, got 1.5'],
    ["frames as text", g, { frames: "4" }, 'render option "frames" expects an integer in [1, 2147483647] frames, got "4"'],
    [
      "frames 2^31",
      g,
      { frames: 2 ** 31 },
      'render option "frames" expects an integer in [1, 2147483647] frames per render call (render in parts: the runtime streams); 2147483648 frames x 1 batches x 1 channels would need 16 GiB of output alone, got 2147483648',
    ],
    ["seconds NaN", g, { seconds: Number.NaN }, 'render option "seconds" expects a finite number > 0, got NaN'],
    ["seconds -0", g, { seconds: -0 }, 'render option "seconds" expects a finite number > 0, got 0'],
    [
      "seconds 1e308",
      g,
      { seconds: 1e308 },
      'render option "seconds" expects a duration of 1 to 2147483647 frames at 48000 Hz, got 1e+308',
    ],
    [
      "seconds below a frame",
      g,
      { seconds: 1e-6 },
      'render option "seconds" expects a duration of 1 to 2147483647 frames at 48000 Hz, got 0.000001',
    ],
    ["sampleRate 0", g, { frames: 4, sampleRate: 0 }, 'render option "sampleRate" expects a finite number in (0, 10000000] Hz, got 0'],
    [
      "sampleRate Infinity",
      g,
      { frames: 4, sampleRate: Infinity },
      'render option "sampleRate" expects a finite number in (0, 10000000] Hz, got Infinity',
    ],
    ["batches 0", g, { frames: 4, batches: 0 }, 'render option "batches" expects an integer in [1, 4096], got 0'],
    ["batches 4097", g, { frames: 4, batches: 4097 }, 'render option "batches" expects an integer in [1, 4096], got 4097'],
    [
      "blockFrames 2^20 + 1",
      g,
      { frames: 4, blockFrames: 2 ** 20 + 1 },
      'render option "blockFrames" expects an integer in [1, 1048576] frames, got 1048577',
    ],
    ["threads 17", g, { frames: 4, threads: 17 }, 'render option "threads" expects an integer in [1, 16], got 17'],
    ["threads null", g, { frames: 4, threads: null }, 'render option "threads" expects an integer in [1, 16], got null'],
    ["recordHeat as text", g, { frames: 4, recordHeat: "yes" }, 'render option "recordHeat" expects a boolean, got "yes"'],
    [
      "over-budget flags without a budget",
      g,
      { frames: 4, recordOverBudget: true },
      'render option "recordOverBudget" needs a graph with a thermal budget: use graph.withThermalBudget(heatPerSecond)',
    ],
    [
      "a signal that is not an AbortSignal",
      g,
      { frames: 4, signal: {} },
      'render option "signal" expects an AbortSignal (e.g. new AbortController().signal), got {}',
    ],
    [
      "a history that is not an object",
      g,
      { frames: 4, history: [[0, 1]] },
      'render option "history" expects an object of curves by name, e.g. { cutoff: [[0, 200], [1.5, 4000]] }, got [[0,1]]',
    ],
    [
      "a history point with NaN",
      g,
      { frames: 4, history: { c: [[0, Number.NaN]] } },
      'render option "history.c" point 0 expects a finite value, got NaN',
    ],
    [
      "descending history times",
      g,
      {
        frames: 4,
        history: {
          c: [
            [1, 0],
            [0, 1],
          ],
        },
      },
      'render option "history.c" point 1 expects a time >= 1 seconds (times ascend), got 0',
    ],
    [
      "a history curve of no points",
      g,
      { frames: 4, history: { c: [] } },
      'render option "history.c" expects at least one [time, value] point, got []',
    ],
    [
      "a curve named with NUL",
      g,
      { frames: 4, history: { "a\u0000b": [[0, 1]] } },
      'render option "history" has a curve named "a\\u0000b"; curve names have no NUL characters',
    ],
    [
      "a graph without output",
      graph().add("c", constant()),
      { frames: 4 },
      "graph has no output: call .output(name) with the node whose output is the graph's output",
    ],
  ])("rejects %s", async (_label, target, options, message) => {
    await rejectsAmp(render(target as never, options as never), message);
  });

  it("rejects an aborted signal with AMP_ERR_CANCELLED", async () => {
    await rejectsAmp(render(g, { frames: 4, signal: AbortSignal.abort("stop") }), "render cancelled: stop", "AMP_ERR_CANCELLED");
  });

  it("rejects what only the runtime can check, naming the node", async () => {
    const loop = graph().add("a", gain()).add("b", gain()).connect("a", "b").connect("b", "a").output("b");
    await rejectsAmp(
      render(loop, { frames: 4 }),
      /^graph: cycle without a delay of at least one frame through nodes "b", "a": a -> b -> a/,
    );
    await rejectsAmp(render(graph().add("a", gain()).output("a"), { frames: 4 }), 'node "a" (gain): input "in" has no incoming edge');
    const wrongOrder = Graph.fromJSON({ ...base.toJSON(), schedule: [["out"], ["amp"], ["osc", "lfo"]] });
    await rejectsAmp(
      render(wrongOrder, { frames: 4 }),
      /^graph: invalid "schedule": node "amp" \(stage 1\) depends on node "osc" \(stage 2\) through osc -> amp; every producer must be/,
    );
    const ctl = graph()
      .add("k", controller({ curve: "cutoff" }))
      .output("k");
    await rejectsAmp(
      render(ctl, { frames: 4 }),
      'node "k" (controller): no control-history curve named "cutoff" in this call; supplied: none',
    );
    await rejectsAmp(
      render(ctl, { frames: 4, history: { cutof: [[0, 1]] } }),
      'node "k" (controller): no control-history curve named "cutoff" in this call; supplied: "cutof"',
    );
  });
});

describe("Runtime", () => {
  /** A sine through a gain and a safety node: any change of state shows in the samples. */
  const g = graph()
    .add("osc", sineOsc({ frequency: 997, channels: 2 }))
    .add("amp", gain({ gain: 0.5 }))
    .add("out", safety({ limit: 0.9 }))
    .chain("osc", "amp", "out")
    .output("out");
  const shape = { batches: 2, channels: 1, frames: 8 };
  const override = new Float64Array(16).map((_, i) => 0.25 + i / 32);

  it("create() refuses bad graphs and options", () => {
    throwsAmp(() => Runtime.create(bad(undefined)), 'argument "graph" expects a Graph from graph() or Graph.fromJSON(), got undefined');
    throwsAmp(
      () => Runtime.create(g, bad(null)),
      'argument "options" expects an object { sampleRate?, batches?, blockFrames?, threads?, maxBytes? }, got null',
    );
    throwsAmp(
      () => Runtime.create(g, bad({ batch: 2 })),
      'render option "batch" is unknown; Runtime.create() accepts sampleRate, batches, blockFrames, threads, maxBytes',
    );
    throwsAmp(() => Runtime.create(g, { blockFrames: 0 }), 'render option "blockFrames" expects an integer in [1, 1048576] frames, got 0');
    throwsAmp(
      () => Runtime.create(g, { sampleRate: -48000 }),
      'render option "sampleRate" expects a finite number in (0, 10000000] Hz, got -48000',
    );
  });

  it("is unchanged by every failed call: same samples, overrides, configuration and stream position", async () => {
    const victim = Runtime.create(g, { batches: 2, blockFrames: 8 });
    const reference = Runtime.create(g, { batches: 2, blockFrames: 8 });
    try {
      for (const rt of [victim, reference]) {
        rt.setParam("amp", "gain", override, shape);
        await rt.render(5);
      }
      const failures: [() => unknown, string | RegExp, string?][] = [
        [() => victim.setParam("nope", "gain", override, shape), 'node "nope" is not in the graph; nodes: osc, amp, out'],
        [
          () => victim.setParam("amp", "level", override, shape),
          'node "amp" (gain): parameter "level" is unknown; overridable: gain, thermo.heat',
        ],
        [
          () => victim.setParam("osc", "channels", override, shape),
          'node "osc" (sine_osc): parameter "channels" is static (kind integer) and cannot be overridden per block; overridable: frequency, amplitude, thermo.heat',
        ],
        [() => victim.setParam("amp", "gain", bad([1, 2]), shape), 'node "amp": argument "data" expects a Float64Array, got [1,2]'],
        [
          () => victim.setParam("amp", "gain", override, bad(null)),
          'node "amp": argument "shape" expects an object { batches, channels, frames }, got null',
        ],
        [
          () => victim.setParam("amp", "gain", override, { batches: 2, channels: 1, frames: 7 }),
          'node "amp": argument "data" expects 2x1x7 = 14 values (batches x channels x frames), got a Float64Array of length 16',
        ],
        [
          () => victim.setParam("amp", "gain", new Float64Array(16).fill(Number.NaN), shape),
          'node "amp": override of parameter "gain" expects finite values, got NaN at index 0',
        ],
        // the runtime's checks: a shape other than batches x 1 x blockFrames, a value out of range
        // after valid ones (nothing of it may be applied)
        [
          () => victim.setParam("amp", "gain", new Float64Array(8), { batches: 1, channels: 1, frames: 8 }),
          'node "amp" (gain): parameter "gain" expects a tensor of shape 2x1x8 (batches x 1 x block_frames), got 1x1x8; the previous value stays in force',
          "AMP_ERR_SHAPE_MISMATCH",
        ],
        [
          () => victim.setParam("amp", "gain", new Float64Array(16).fill(3).fill(2e12, 15), shape),
          'node "amp" (gain): parameter "gain" expects a finite number in [-1000000000000, 1000000000000], got 2000000000000 at batch 1, frame 7',
        ],
        [() => victim.clearParams("nope"), 'node "nope" is not in the graph; nodes: osc, amp, out'],
        [() => victim.configure(0, 8), 'argument "batches" expects an integer in [1, 4096], got 0'],
        [() => victim.configure(2, 1.5), 'argument "blockFrames" expects an integer in [1, 1048576] frames, got 1.5'],
        [() => victim.setSampleRate(Number.NaN), 'argument "sampleRate" expects a finite number in (0, 10000000] Hz, got NaN'],
        [() => victim.setThreads(0), 'argument "threads" expects an integer in [1, 16], got 0'],
      ];
      for (const [fn, message, code] of failures) throwsAmp(fn, message, code);
      const renderFailures: [Promise<unknown>, string | RegExp][] = [
        [victim.render(0), 'render option "frames" expects an integer in [1, 2147483647] frames, got 0'],
        [
          victim.render(4, bad(null)),
          'argument "options" expects an object { recordHeat?, recordOverBudget?, signal?, history?, record?, onProgress?, progress?, partial? }, got null',
        ],
        [
          victim.render(4, bad({ frames: 4 })),
          'render option "frames" is unknown; Runtime.render() accepts recordHeat, recordOverBudget, signal, history, record, onProgress, progress, partial',
        ],
        [
          victim.render(4, bad({ signal: "abort" })),
          'render option "signal" expects an AbortSignal (e.g. new AbortController().signal), got "abort"',
        ],
        [
          victim.render(4, { history: { c: { points: [[0, 1]], unit: bad("ms") } } }),
          'render option "history.c.unit" expects "seconds" or "frames", got "ms"',
        ],
        [
          victim.render(2 ** 31 - 1, { recordHeat: true }),
          /^render of 2147483647 frames x 2 batches x 2 channels with heat curves needs \d+ MiB/,
        ],
      ];
      for (const [promise, message] of renderFailures) await rejectsAmp(promise, message);
      expect([victim.batches, victim.blockFrames, victim.sampleRate]).toEqual([2, 8, 48000]);
      const after = await victim.render(11);
      const expected = await reference.render(11);
      expect(after.shape).toEqual({ batches: 2, channels: 2, frames: 11 });
      expect(Buffer.from(after.samples.buffer)).toEqual(Buffer.from(expected.samples.buffer));
      expect(victim.describe().graph.framesRendered).toBe(16);
    } finally {
      victim.dispose();
      reference.dispose();
    }
  });

  it.skipIf(totalmem() / 2 >= 4096 * 2 ** 20 * 8 * 4)(
    "keeps its configuration when the runtime refuses an oversized configure",
    async () => {
      const victim = Runtime.create(g, { blockFrames: 4 });
      const reference = Runtime.create(g, { blockFrames: 4 });
      try {
        await victim.render(3);
        await reference.render(3);
        throwsAmp(
          () => victim.configure(4096, 2 ** 20),
          /^batches 4096 x block_frames 1048576 needs \d+ MiB of buffers; the limit is \d+ MiB/,
        );
        expect([victim.batches, victim.blockFrames]).toEqual([1, 4]);
        const after = await victim.render(6);
        expect(Array.from(after.samples)).toEqual(Array.from((await reference.render(6)).samples));
      } finally {
        victim.dispose();
        reference.dispose();
      }
    },
  );

  it("answers busy while a render runs and renders the same afterwards", async () => {
    let slow = graph().add("osc", sineOsc());
    for (let i = 0; i < 8; i += 1) slow = slow.add(`g${i}`, gain()).connect(i === 0 ? "osc" : `g${i - 1}`, `g${i}`);
    slow = slow.output("g7");
    const victim = Runtime.create(slow, { blockFrames: 1 });
    const reference = Runtime.create(slow, { blockFrames: 1 });
    try {
      const running = victim.render(4800);
      const BUSY = "runtime busy: a render is in progress; await it (or abort it) first";
      throwsAmp(() => victim.configure(1, 2), BUSY, "AMP_ERR_PENDING");
      throwsAmp(() => victim.setParam("g0", "gain", new Float64Array(1), { batches: 1, channels: 1, frames: 1 }), BUSY, "AMP_ERR_PENDING");
      throwsAmp(() => victim.reset(), BUSY, "AMP_ERR_PENDING");
      // A second render on a busy Runtime answers with the pending status.
      const second = await rejectsAmp(victim.render(4), BUSY, "AMP_ERR_PENDING");
      expect(second.status).toBe(-5);
      const first = await running;
      expect(Array.from(first.samples)).toEqual(Array.from((await reference.render(4800)).samples));
      expect(Array.from((await victim.render(7)).samples)).toEqual(Array.from((await reference.render(7)).samples));
    } finally {
      victim.dispose();
      reference.dispose();
    }
  });

  it("refuses every call after dispose()", async () => {
    const rt = Runtime.create(g);
    rt.dispose();
    const message = "this Runtime was disposed; create a new one";
    throwsAmp(() => rt.configure(1, 8), message);
    throwsAmp(() => rt.setParam("amp", "gain", override, shape), message);
    throwsAmp(() => rt.describe(), message);
    await rejectsAmp(rt.render(4), message);
    expect(() => rt.dispose()).not.toThrow();
  });
});

describe("NodeRunner", () => {
  const T = (values: readonly number[], batches: number, channels: number, frames: number): NodeTensor => ({
    samples: Float64Array.from(values),
    shape: { batches, channels, frames },
  });

  it("create() refuses bad names and specs", () => {
    throwsAmp(() => NodeRunner.create("", gain()), 'a node name expects a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, got ""');
    throwsAmp(() => NodeRunner.create("g", bad(5)), 'node "g" expects a node spec from a factory such as sineOsc({ ... }), got 5');
    throwsAmp(() => NodeRunner.create("g", gain(bad({ gian: 1 }))), /^node "g" \(gain\): parameter "gian" is unknown; gain accepts gain,/);
    throwsAmp(
      () => NodeRunner.create("g", bad({ type: "reverb", options: {} })),
      /^node "g" has unknown type "reverb"; known types: /,
      "AMP_ERR_UNKNOWN_NODE_TYPE",
    );
  });

  it("forward() and backward() refuse bad inputs and options", () => {
    const runner = NodeRunner.create("g", gain({ gain: 2 }));
    try {
      const x = T([1, 2], 1, 1, 2);
      const cases: [() => unknown, string, string?][] = [
        [
          () => runner.forward(bad(x)),
          'node "g" (gain): argument "inputs" expects an array of { samples, shape }, one per audio input, got {"samples":{"0":1,"1":2},"shape":{"batches":1,"channels":1,"frames":2}}',
        ],
        [() => runner.forward([x, x]), 'node "g" (gain) expects 1 audio input(s) (in), got 2'],
        [() => runner.forward([bad(null)]), 'node "g" (gain): argument "inputs[0]" expects an object { samples, shape }, got null'],
        [
          () => runner.forward([bad({ samples: [1, 2], shape: x.shape })]),
          'node "g" (gain): argument "inputs[0].samples" expects a Float64Array, got [1,2]',
        ],
        [
          () => runner.forward([T([1, 2, 3], 1, 1, 2)]),
          'node "g" (gain): argument "inputs[0].samples" expects 1x1x2 = 2 values (batches x channels x frames), got a Float64Array of length 3',
        ],
        [
          () => runner.forward([T([], 1, 0, 2)]),
          'node "g" (gain): argument "inputs[0].shape.channels" expects an integer in [1, 2147483647], got 0',
        ],
        [() => runner.forward([x], bad(null)), 'node "g" (gain): argument "options" expects an object of forward options, got null'],
        [
          () => runner.forward([x], bad({ sample_rate: 44100 })),
          'node "g" (gain): option "sample_rate" is unknown; NodeRunner.forward() accepts batches, frames, sampleRate, params, history',
        ],
        [
          () => runner.forward([x], { frames: 3 }),
          'node "g" (gain): argument "inputs[0].shape.frames" expects 3 (the call\'s frames), got 2',
        ],
        [
          () => runner.forward([x], { sampleRate: Number.NaN }),
          'node "g" (gain): option "sampleRate" expects a finite number in (0, 10000000] Hz, got NaN',
        ],
        [
          () => runner.forward([x], { params: bad([1]) }),
          'node "g" (gain): option "params" expects an object of parameter values by name, got [1]',
        ],
        [
          () => runner.forward([x], { params: { level: 1 } }),
          'node "g" (gain): parameter "level" is unknown; overridable: gain, thermo.heat',
        ],
        [
          () => runner.forward([x], { params: { gain: bad("2") } }),
          'node "g" (gain): argument "params.gain" expects a number or { samples, shape }, got "2"',
        ],
        [
          () => runner.forward([x], { params: { gain: 2e12 } }),
          'node "g" (gain): parameter "gain" expects a finite number in [-1000000000000, 1000000000000], got 2000000000000',
        ],
        [
          () => runner.forward([x], { params: { gain: T([1, Infinity], 1, 1, 2) } }),
          'node "g" (gain): parameter "gain" expects finite values, got Infinity at index 1',
        ],
        [
          () => runner.forward([T([1], 1, 1, 1)], { params: { gain: T([1, 1], 1, 1, 2) } }),
          'node "g" (gain): argument "params.gain.shape.frames" expects 1 (the call\'s frames), got 2',
        ],
        [
          () => runner.forward([x], { params: { gain: T([1, 1, 1], 1, 3, 1) } }),
          'node "g" (gain): parameter "gain": channels is 3; expected 1',
          "AMP_ERR_SHAPE_MISMATCH",
        ],
        [() => runner.forward([x], { history: { "": [[0, 1]] } }), 'option "history" has a curve named ""; curve names are non-empty'],
        [() => runner.backward(bad(undefined)), 'node "g" (gain): argument "gradient" expects an object { samples, shape }, got undefined'],
        [
          () => runner.backward(x),
          'node "g" (gain): option "inputChannels" is required before the first forward call (the channels of the node\'s audio input)',
        ],
        [
          () => runner.backward(x, bad({ history: {} })),
          'node "g" (gain): option "history" is unknown; NodeRunner.backward() accepts batches, frames, sampleRate, params, inputChannels',
        ],
        [
          () => runner.backward(x, { inputChannels: -1 }),
          'node "g" (gain): option "inputChannels" expects an integer in [0, 2147483647], got -1',
        ],
      ];
      for (const [fn, message, code] of cases) throwsAmp(fn, message, code);
      throwsAmp(
        () => NodeRunner.create("o", sineOsc()).backward(T([1], 1, 1, 1)),
        'node type "sine_osc" has no audio input to return a gradient for; its parameter gradients come from a graph backward pass (amp_graph_runtime_record, amp_graph_runtime_backward)',
        "AMP_ERR_UNSUPPORTED",
      );
    } finally {
      runner.dispose();
    }
  });

  it("continues its stream unchanged after failed calls, including ones that would start a fresh stream", () => {
    const make = () => NodeRunner.create("o", sineOsc({ frequency: 1000, channels: 2 }));
    const victim = make();
    const reference = make();
    try {
      const head = victim.forward([], { frames: 5 });
      const wide = T([1, 2, 3], 1, 3, 1); // 3 channels for a 2-channel node: refused by the runtime
      for (const options of [{ frames: 4 }, { frames: 4, batches: 2 }, { frames: 4, sampleRate: 44100 }]) {
        throwsAmp(
          () => victim.forward([], { ...options, params: { frequency: wide } }),
          /channels is 3; expected 1 or 2$/,
          "AMP_ERR_SHAPE_MISMATCH",
        );
      }
      throwsAmp(
        () => victim.forward([], { frames: 4, params: { frequency: 2e6 } }),
        /^node "o" \(sine_osc\): parameter "frequency" expects/,
      );
      throwsAmp(
        () => victim.forward([]),
        'node "o" (sine_osc): option "frames" is required for a node without audio inputs (an integer in [1, 2147483647] frames)',
      );
      const tail = victim.forward([], { frames: 6 });
      const whole = reference.forward([], { frames: 11 });
      const joined = new Float64Array(22);
      for (let c = 0; c < 2; c += 1) {
        joined.set(head.samples.subarray(c * 5, c * 5 + 5), c * 11);
        joined.set(tail.samples.subarray(c * 6, c * 6 + 6), c * 11 + 5);
      }
      expect(Buffer.from(joined.buffer)).toEqual(Buffer.from(whole.samples.buffer));
    } finally {
      victim.dispose();
      reference.dispose();
    }
  });

  it("refuses a controller whose curve is missing, as a graph render does", () => {
    const runner = NodeRunner.create("k", controller({ curve: "cutoff" }));
    try {
      throwsAmp(
        () => runner.forward([], { frames: 2 }),
        'node "k" (controller): no control-history curve named "cutoff" in this call; supplied: none',
      );
    } finally {
      runner.dispose();
    }
  });

  it("refuses every call after dispose()", () => {
    const runner = NodeRunner.create("g", gain());
    runner.dispose();
    throwsAmp(() => runner.forward([T([1], 1, 1, 1)]), 'NodeRunner "g" was disposed; create a new one');
    throwsAmp(() => runner.reset(), 'NodeRunner "g" was disposed; create a new one');
  });
});

describe("WAV", () => {
  const good = encodeWav(new Float64Array([0, 0.5, -0.5, 1, 0.25, -1]), { channels: 2, sampleRate: 48000 });
  const patched = (offset: number, value: number, bytes: 2 | 4 = 2): Uint8Array => {
    const copy = Uint8Array.from(good);
    const view = new DataView(copy.buffer);
    if (bytes === 2) view.setUint16(offset, value, true);
    else view.setUint32(offset, value, true);
    return copy;
  };

  it("decodes the untouched file", () => {
    expect(decodeWav(good)).toMatchObject({ channels: 2, frames: 3, sampleRate: 48000, bitDepth: "32f" });
  });

  it.each([
    ["null", null, 'argument "bytes" expects a Uint8Array (or Buffer), got null'],
    ["a string", "RIFF", 'argument "bytes" expects a Uint8Array (or Buffer), got "RIFF"'],
    ["an empty buffer", new Uint8Array(0), 'not a readable WAV file: no "RIFF" / "WAVE" header'],
    ["garbage", new Uint8Array(100).fill(7), 'not a readable WAV file: no "RIFF" / "WAVE" header'],
    ["a file cut in the header", good.slice(0, 12), 'not a readable WAV file: no "data" chunk in the first bytes of the file'],
    [
      "a file cut before the samples",
      good.slice(0, 44),
      "not a readable WAV file: truncated: the data chunk declares 24 bytes, the file holds 0",
    ],
    [
      "a file cut in a frame",
      good.slice(0, good.length - 1),
      "not a readable WAV file: truncated: the data chunk declares 24 bytes, the file holds 23",
    ],
    [
      "a data size that is no whole frame",
      patched(40, 22, 4),
      "not a readable WAV file: the data chunk holds 22 bytes, not a whole number of 8-byte frames",
    ],
    ["zero channels", patched(22, 0), 'not a readable WAV file: header "numChannels" expects an integer >= 1, got 0'],
    ["zero bits per sample", patched(34, 0), 'not a readable WAV file: header "bitsPerSample" expects 32 or 64 for float, got 0'],
    ["a zero sample rate", patched(24, 0, 4), 'not a readable WAV file: header "sampleRate" expects an integer >= 1 Hz, got 0'],
    [
      "an unknown format code",
      patched(20, 99),
      'not a readable WAV file: header "audioFormat" expects one of 1 (PCM), 3 (float), 6 (A-law), 7 (mu-law), 17 (IMA ADPCM), 65534 (extensible), got 99',
    ],
  ])("decodeWav refuses %s", (_label, bytes, message) => {
    const error = throwsAmp(() => decodeWav(bytes as never), message);
    if (bytes instanceof Uint8Array) expect(error.stage).toBe("wav");
  });

  it("encodeWav refuses bad samples and options", () => {
    const samples = new Float64Array([0, 0.5]);
    const cases: [() => unknown, string][] = [
      [
        () => encodeWav(bad(new Float32Array(2)), { channels: 1, sampleRate: 48000 }),
        'argument "samples" expects a Float64Array, got a Float32Array of length 2',
      ],
      [() => encodeWav(samples, bad(undefined)), 'argument "options" expects an object { channels, sampleRate, bitDepth? }, got undefined'],
      [
        () => encodeWav(samples, bad({ channels: 1, sampleRate: 48000, bitdepth: "16" })),
        'WAV option "bitdepth" is unknown; encodeWav() accepts channels, sampleRate, bitDepth, dither, ditherSeed',
      ],
      [() => encodeWav(samples, { channels: 0, sampleRate: 48000 }), 'WAV option "channels" expects an integer in [1, 65535], got 0'],
      [
        () => encodeWav(samples, { channels: 1, sampleRate: 44100.5 }),
        'WAV option "sampleRate" expects an integer in [1, 4294967295] Hz, got 44100.5',
      ],
      [
        () => encodeWav(samples, { channels: 1, sampleRate: 48000, bitDepth: bad(16) }),
        'WAV option "bitDepth" expects one of "32f", "16", "24", "32", "64f", got 16',
      ],
      [
        () => encodeWav(new Float64Array(3), { channels: 2, sampleRate: 48000 }),
        'argument "samples" expects a length that is a multiple of 2 channels, got a Float64Array of length 3',
      ],
      [
        () => encodeWav(new Float64Array([0, Infinity]), { channels: 1, sampleRate: 48000, bitDepth: "16" }),
        'argument "samples" expects finite values for a WAV file, got Infinity at index 1',
      ],
    ];
    for (const [fn, message] of cases) throwsAmp(fn, message);
    // 32-bit float files refuse them too: a WAV never carries non-finite samples silently.
    throwsAmp(
      () => encodeWav(new Float64Array([Infinity]), { channels: 1, sampleRate: 48000 }),
      'argument "samples" expects finite values for a WAV file, got Infinity at index 0',
    );
  });

  it("readWav and writeWav name the file they cannot read or write, and write nothing for bad options", async () => {
    const missing = join(dir, "missing", "x.wav");
    await rejectsAmp(readWav(missing), `cannot read WAV file ${missing}: ENOENT: no such file or directory, open '${missing}'`);
    await rejectsAmp(
      writeWav(missing, new Float64Array(2), { channels: 1, sampleRate: 48000 }),
      `cannot write WAV file ${missing}: ENOENT: no such file or directory, open '${missing}'`,
    );
    const garbage = join(dir, "garbage.wav");
    writeFileSync(garbage, "RIFF....WAVEfmt nonsense");
    await rejectsAmp(readWav(garbage), /^not a readable WAV file: /);
    const never = join(dir, "never.wav");
    await rejectsAmp(
      writeWav(never, new Float64Array(2), { channels: 3, sampleRate: 48000 }),
      /^argument "samples" expects a length that is a multiple of 3 channels/,
    );
    expect(existsSync(never)).toBe(false);
  });
});

describe("amp-kpn CLI", () => {
  beforeAll(() => {
    ensureDist();
    writeFileSync(
      join(dir, "ok.json"),
      graph()
        .add("c", constant({ value: 0.25 }))
        .output("c")
        .toJSONText(),
    );
    writeFileSync(join(dir, "broken.json"), '{"nodes": [');
    writeFileSync(join(dir, "proto.json"), '{"__proto__": {}, "nodes": [{"name": "c", "type": "constant"}], "output": "c"}');
    writeFileSync(join(dir, "unknown.json"), JSON.stringify({ nodes: [{ name: "r", type: "reverb" }], output: "r" }));
    writeFileSync(join(dir, "nan.json"), '{"nodes": [{"name": "c", "type": "constant", "params": {"value": 1e999}}], "output": "c"}');
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

  const cases: [string[], string | RegExp][] = [
    [["render", "missing.json", "--frames", "4", "--out", "a.wav"], /^amp-kpn render: cannot read graph file missing\.json: ENOENT/],
    [
      ["render", "broken.json", "--frames", "4", "--out", "b.wav"],
      "amp-kpn render: graph JSON text does not parse: Unexpected end of JSON input (AMP_ERR_INVALID_ARGUMENT)",
    ],
    [
      ["render", "proto.json", "--frames", "4", "--out", "c.wav"],
      /^amp-kpn render: graph key "__proto__" is unknown; a graph has nodes, edges, /,
    ],
    [
      ["render", "unknown.json", "--frames", "4", "--out", "d.wav"],
      /^amp-kpn render: node "r" has unknown type "reverb"; known types: .* \(AMP_ERR_UNKNOWN_NODE_TYPE\)$/,
    ],
    [
      ["render", "nan.json", "--frames", "4", "--out", "e.wav"],
      'amp-kpn render: node "c" (constant): parameter "value" expects a finite number in [-1000000000000, 1000000000000], got Infinity (AMP_ERR_INVALID_ARGUMENT)',
    ],
    [
      ["render", "ok.json", "--frames", "1.5", "--out", "f.wav"],
      'amp-kpn render: render option "frames" expects an integer in [1, 2147483647] frames, got 1.5 (AMP_ERR_INVALID_ARGUMENT)',
    ],
    [
      ["render", "ok.json", "--frames", "-5", "--out", "g.wav"],
      'amp-kpn render: render option "frames" expects an integer in [1, 2147483647] frames, got -5 (AMP_ERR_INVALID_ARGUMENT)',
    ],
    [
      ["render", "ok.json", "--frames", "4", "--sample-rate", "-48000", "--out", "g2.wav"],
      'amp-kpn render: render option "sampleRate" expects a finite number in (0, 10000000] Hz, got -48000 (AMP_ERR_INVALID_ARGUMENT)',
    ],
    [
      ["render", "ok.json", "--frames", "4", "--block", "0", "--out", "h.wav"],
      'amp-kpn render: render option "blockFrames" expects an integer in [1, 1048576] frames, got 0 (AMP_ERR_INVALID_ARGUMENT)',
    ],
    [
      ["render", "ok.json", "--frames", "4", "--sample-rate", "NaN", "--out", "i.wav"],
      'amp-kpn render: --sample-rate expects a number, got "NaN"',
    ],
    [
      ["render", "ok.json", "--frames", "4", "--batches", "1e9", "--out", "j.wav"],
      'amp-kpn render: render option "batches" expects an integer in [1, 4096], got 1000000000 (AMP_ERR_INVALID_ARGUMENT)',
    ],
    [
      ["render", "ok.json", "--frames", "4", "--out", join("no-such-dir", "k.wav")],
      `amp-kpn render: cannot write WAV file ${join("no-such-dir", "k.wav")}: ENOENT: no such file or directory, open '${join("no-such-dir", "k.wav")}' (AMP_ERR_INVALID_ARGUMENT)`,
    ],
    [
      ["demo", "--seconds", "0", "--out", "demo"],
      'amp-kpn demo: render option "seconds" expects a finite number > 0, got 0 (AMP_ERR_INVALID_ARGUMENT)',
    ],
  ];

  it("exits 1 with one clear stderr line, prints nothing on stdout and writes no WAV", async () => {
    const runs = await Promise.all(cases.map(([args]) => cli(args)));
    runs.forEach((run, i) => {
      const [args, expected] = cases[i] ?? [[], ""];
      expect({ args, status: run.status, stdout: run.stdout }).toEqual({ args, status: 1, stdout: "" });
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      if (typeof expected === "string") expect(lines[0]).toBe(expected);
      else expect(lines[0]).toMatch(expected);
      const out = args[args.indexOf("--out") + 1] ?? "";
      if (out.endsWith(".wav")) expect(existsSync(join(dir, out))).toBe(false);
    });
  });
});

describe("after all of the above", () => {
  it("the process still renders", async () => {
    const result = await render(base, { frames: 64, batches: 2 });
    expect(result.shape).toEqual({ batches: 2, channels: 1, frames: 64 });
    expect(result.samples.some((x) => x !== 0)).toBe(true);
  });
});
