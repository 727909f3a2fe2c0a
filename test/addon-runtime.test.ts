// The Runtime object of the addon: create, render, busy, cancel, destroy, errors.
import { afterEach, describe, expect, it } from "vitest";

import { AmpError } from "../src/errors";
import type { NativeRuntime } from "../src/native/addon-types";
import { loadAddon } from "../src/native/load-addon";

const SINE_GAIN = JSON.stringify({
  nodes: [
    { name: "osc", type: "sine_osc", params: { frequency: 440, amplitude: 1 } },
    { name: "g", type: "gain", params: { gain: 0.5 } },
  ],
  edges: [{ from: "osc", to: "g" }],
  modulations: [],
  output: "g",
});

const CONSTANT = JSON.stringify({
  nodes: [{ name: "c", type: "constant", params: { value: 0.25, channels: 2 } }],
  edges: [],
  modulations: [],
  output: "c",
});

/** Frames of a render long enough to be still running when the test acts on it. */
const LONG_RENDER_FRAMES = 4_800_000;

const created: NativeRuntime[] = [];
function create(json: string): NativeRuntime {
  const runtime = loadAddon().createRuntime(json);
  created.push(runtime);
  return runtime;
}
afterEach(() => {
  for (const runtime of created.splice(0)) runtime.destroy();
});

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function expectAmpError(error: unknown, status: number, code: string, stage: string): AmpError {
  expect(error).toBeInstanceOf(AmpError);
  const ampError = error as AmpError;
  expect(ampError.status).toBe(status);
  expect(ampError.code).toBe(code);
  expect(ampError.stage).toBe(stage);
  return ampError;
}

describe("createRuntime", () => {
  it("throws an AmpError carrying the runtime's error for bad JSON", () => {
    const error = expectAmpError(
      thrown(() => loadAddon().createRuntime("{not json")),
      -1,
      "AMP_ERR_INVALID_ARGUMENT",
      "parse",
    );
    expect(error.detail.length).toBeGreaterThan(0);
    expect(error.message).toBe(error.detail);
    expect(error.node).toBe("");
    expect(error.stack).toContain("addon-runtime.test.ts");
  });

  it("names the node of an unknown type", () => {
    const json = JSON.stringify({
      nodes: [{ name: "x", type: "no_such_type", params: {} }],
      edges: [],
      modulations: [],
      output: "x",
    });
    const error = thrown(() => loadAddon().createRuntime(json)) as AmpError;
    expect(error).toBeInstanceOf(AmpError);
    expect(error.code).toBe("AMP_ERR_UNKNOWN_NODE_TYPE");
    expect(error.status).toBe(-3);
    expect(error.node).toBe("x");
    expect(error.detail).toContain("no_such_type");
  });

  it("throws a TypeError for a non-string", () => {
    const addon = loadAddon() as unknown as { createRuntime(json: unknown): unknown };
    expect(() => addon.createRuntime(42)).toThrow(/createRuntime: argument "graphJson" must be a string/);
  });

  it("cannot be bypassed by constructing the class directly", () => {
    const runtime = create(CONSTANT);
    const Runtime = runtime.constructor as new () => unknown;
    expect(() => new Runtime()).toThrow(TypeError);
  });
});

describe("render", () => {
  it("resolves with batches x channels x frames samples", async () => {
    const runtime = create(SINE_GAIN);
    const graph = runtime.describeGraph();
    const { samples, heat } = await runtime.render(1000, { recordHeat: false });
    expect(samples).toBeInstanceOf(Float64Array);
    expect(samples.length).toBe(graph.batches * graph.outputChannels * 1000);
    expect(heat).toBeUndefined();
    expect(Math.max(...Array.from(samples, Math.abs))).toBeLessThanOrEqual(0.5 + 1e-12);
    expect(Math.max(...Array.from(samples, Math.abs))).toBeGreaterThan(0.4);
    expect(runtime.describeGraph().framesRendered).toBe(1000);
  });

  it("renders a constant exactly and continues the stream", async () => {
    const runtime = create(CONSTANT);
    const first = await runtime.render(700, { recordHeat: false });
    expect(first.samples.length).toBe(2 * 700);
    expect(first.samples.every((x) => x === 0.25)).toBe(true);
    await runtime.render(300, { recordHeat: false });
    expect(runtime.describeGraph().framesRendered).toBe(1000);
  });

  it("records heat as (nodeCount + 1) x batches x frames", async () => {
    const runtime = create(SINE_GAIN);
    runtime.configure(3, 128);
    const { samples, heat } = await runtime.render(200, { recordHeat: true });
    expect(samples.length).toBe(3 * 1 * 200);
    expect(heat).toBeInstanceOf(Float64Array);
    expect(heat?.length).toBe((2 + 1) * 3 * 200);
  });

  it("accepts automation curves", async () => {
    const runtime = create(SINE_GAIN);
    const { samples } = await runtime.render(64, {
      recordHeat: false,
      history: [{ name: "ramp", timesFrames: new Float64Array([0, 63]), values: new Float64Array([0, 1]), interpolation: 1 }],
    });
    expect(samples.length).toBe(64);
  });

  it("renders zero frames", async () => {
    const runtime = create(SINE_GAIN);
    const { samples } = await runtime.render(0, { recordHeat: false });
    expect(samples.length).toBe(0);
  });

  it("throws a TypeError naming a badly typed argument", () => {
    const runtime = create(SINE_GAIN) as unknown as { render(...args: unknown[]): unknown };
    expect(() => runtime.render(-1, { recordHeat: false })).toThrow(/render: argument "frames" must be an integer/);
    expect(() => runtime.render(1.5, { recordHeat: false })).toThrow(TypeError);
    expect(() => runtime.render(10)).toThrow(/render: argument "options" must be an object/);
    expect(() => runtime.render(10, {})).toThrow(/argument "options.recordHeat" must be a boolean/);
    expect(() => runtime.render(10, { recordHeat: false, history: [{ name: "a" }] })).toThrow(
      /argument "options.history\[0\].timesFrames" must be a Float64Array/,
    );
    expect(() =>
      runtime.render(10, {
        recordHeat: false,
        history: [{ name: "a", timesFrames: new Float64Array(2), values: new Float64Array(3), interpolation: 0 }],
      }),
    ).toThrow(RangeError);
  });
});

describe("busy, cancel, destroy", () => {
  it("throws busy for every other call while a render is in flight", async () => {
    const runtime = create(SINE_GAIN);
    const pending = runtime.render(48_000, { recordHeat: false });
    const busy = expectAmpError(
      thrown(() => runtime.configure(1, 256)),
      -5,
      "AMP_ERR_PENDING",
      "binding",
    );
    expect(busy.detail).toBe("runtime busy: a render is in progress; await it (or abort it) first");
    expect(busy.message).toBe(busy.detail);
    for (const call of [
      () => runtime.render(10, { recordHeat: false }),
      () => runtime.reset(),
      () => runtime.setSampleRate(44_100),
      () => runtime.clearParams(),
      () => runtime.nodeNames(),
      () => runtime.describeGraph(),
      () => runtime.describeNode("osc"),
      () => runtime.lastError(),
      () => runtime.readLog(),
    ]) {
      expect((thrown(call) as AmpError).detail).toBe("runtime busy: a render is in progress; await it (or abort it) first");
      expect((thrown(call) as AmpError).code).toBe("AMP_ERR_PENDING");
    }
    const { samples } = await pending;
    expect(samples.length).toBe(48_000);
    expect(() => runtime.describeGraph()).not.toThrow();
  });

  it("rejects a cancelled render with -6 and renders again after reset()", async () => {
    const runtime = create(SINE_GAIN);
    const pending = runtime.render(LONG_RENDER_FRAMES, { recordHeat: false });
    runtime.cancel();
    const error = expectAmpError(
      await pending.then(
        () => undefined,
        (e: unknown) => e,
      ),
      -6,
      "AMP_ERR_CANCELLED",
      "execute",
    );
    expect(error.message.length).toBeGreaterThan(0);
    runtime.reset();
    const { samples } = await runtime.render(256, { recordHeat: false });
    expect(samples.length).toBe(256);
    expect(samples.some((x) => x !== 0)).toBe(true);
  });

  it("treats cancel() with no render in flight as a no-op", async () => {
    const runtime = create(CONSTANT);
    runtime.cancel();
    const { samples } = await runtime.render(16, { recordHeat: false });
    expect(samples.length).toBe(32);
  });

  it("is destroyed idempotently; later calls throw 'runtime destroyed'", () => {
    const runtime = create(CONSTANT);
    runtime.destroy();
    runtime.destroy();
    runtime.cancel();
    const error = expectAmpError(
      thrown(() => runtime.describeGraph()),
      -1,
      "AMP_ERR_INVALID_ARGUMENT",
      "binding",
    );
    expect(error.detail).toBe("runtime destroyed");
    expect((thrown(() => runtime.render(1, { recordHeat: false })) as AmpError).detail).toBe("runtime destroyed");
    expect((thrown(() => runtime.reset()) as AmpError).detail).toBe("runtime destroyed");
  });

  it("defers destroy() until the render in flight settles", async () => {
    const runtime = create(SINE_GAIN);
    const pending = runtime.render(48_000, { recordHeat: true });
    runtime.destroy();
    expect((thrown(() => runtime.describeGraph()) as AmpError).detail).toBe("runtime destroyed");
    const { samples, heat } = await pending;
    expect(samples.length).toBe(48_000);
    expect(heat?.length).toBe(3 * 48_000);
    runtime.destroy();
  });
});

describe("runtime queries and errors", () => {
  it("describes the graph and its nodes", () => {
    const runtime = create(SINE_GAIN);
    expect(runtime.nodeNames()).toEqual(["osc", "g"]);
    const graph = runtime.describeGraph();
    expect(graph).toMatchObject({ nodeCount: 2, batches: 1, blockFrames: 512, outputChannels: 1, sampleRate: 48_000, framesRendered: 0 });
    const node = runtime.describeNode("g");
    expect(node).toMatchObject({ name: "g", type: "gain", index: 1, outputChannels: 1 });
    expect(node.lastMetrics.reserved).toHaveLength(6);
    expect(runtime.lastError()).toEqual({ code: 0, stage: "", node: "", detail: "" });
    expect(typeof runtime.readLog()).toBe("string");
  });

  it("throws the runtime's error for an unknown node", () => {
    const runtime = create(SINE_GAIN);
    const error = thrown(() => runtime.describeNode("nope")) as AmpError;
    expect(error).toBeInstanceOf(AmpError);
    expect(error.status).toBeLessThan(0);
    expect(runtime.lastError().code).toBe(error.status);
  });

  it("reports a set_param shape mismatch with its stage and node", () => {
    const runtime = create(SINE_GAIN);
    const error = thrown(() => runtime.setParam("g", "gain", new Float64Array(10), 1, 1, 10)) as AmpError;
    expectAmpError(error, -2, "AMP_ERR_SHAPE_MISMATCH", "set_param");
    expect(error.node).toBe("g");
    expect(runtime.readLog()).toContain("amp_graph_runtime_set_param_shape_mismatch");
  });

  it("applies a set_param override of the configured shape", async () => {
    const gainGraph = create(
      JSON.stringify({
        nodes: [
          { name: "c", type: "constant", params: { value: 1 } },
          { name: "g", type: "gain", params: { gain: 1 } },
        ],
        edges: [{ from: "c", to: "g" }],
        modulations: [],
        output: "g",
      }),
    );
    gainGraph.configure(1, 64);
    gainGraph.setParam("g", "gain", new Float64Array(64).fill(0.125), 1, 1, 64);
    const { samples } = await gainGraph.render(128, { recordHeat: false });
    expect(samples.every((x) => x === 0.125)).toBe(true);
    gainGraph.clearParams("g");
    const after = await gainGraph.render(64, { recordHeat: false });
    expect(after.samples.every((x) => x === 1)).toBe(true);
  });

  it("refuses a setParam buffer shorter than its declared shape", () => {
    const runtime = create(SINE_GAIN);
    expect(() => runtime.setParam("g", "gain", new Float64Array(3), 1, 1, 512)).toThrow(RangeError);
  });

  it("throws TypeErrors naming the argument", () => {
    const runtime = create(SINE_GAIN) as unknown as Record<string, (...args: unknown[]) => unknown>;
    expect(() => runtime.configure?.("1", 64)).toThrow(/configure: argument "batches" must be an integer/);
    expect(() => runtime.setSampleRate?.("fast")).toThrow(/setSampleRate: argument "sampleRate" must be a number/);
    expect(() => runtime.setParam?.("g", "gain", [1], 1, 1, 1)).toThrow(/setParam: argument "data" must be a Float64Array/);
    expect(() => runtime.clearParams?.(3)).toThrow(/clearParams: argument "node" must be a string/);
    expect(() => runtime.describeNode?.()).toThrow(/describeNode: argument "node" must be a string/);
  });
});
