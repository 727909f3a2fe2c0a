// runNode / NodeState / liveStateCount: amp_run_node_v2, amp_release_state,
// amp_run_node_last_error and amp_live_state_count through the addon.
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";

import { AmpError } from "../src/errors";
import type { NativeNodeDescriptor, NativeNodeInputs, NativeNodeState } from "../src/native/addon-types";
import { addonPath, loadAddon } from "../src/native/load-addon";

const GAIN: NativeNodeDescriptor = { name: "g", type: "gain", paramsJson: '{"gain":2}' };

const states: NativeNodeState[] = [];
function newState(): NativeNodeState {
  const state = new (loadAddon().NodeState)();
  states.push(state);
  return state;
}
afterEach(() => {
  for (const state of states.splice(0)) state.release();
});

function audio(data: Float64Array, batches: number, channels: number, frames: number): NativeNodeInputs {
  return { audio: [{ data, batches, channels, frames }], params: [] };
}

/** The addon with its argument types loosened, to pass what TypeScript would refuse. */
function untyped(): { runNode(...args: unknown[]): unknown } {
  return loadAddon() as unknown as { runNode(...args: unknown[]): unknown };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("runNode", () => {
  it("runs a window and returns a copy of the native output with the output channels and metrics", () => {
    const x = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]); // B 2 x C 2 x F 2
    const result = loadAddon().runNode(GAIN, audio(x, 2, 2, 2), 2, 2, 2, 48000, newState(), { mode: 0 });
    expect(Array.from(result.samples)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(result.outputChannels).toBe(2);
    expect(result.metrics.reserved).toHaveLength(6);
    expect(result.metrics.accumulatedHeat).toBeGreaterThan(0);
  });

  it("keeps the current state in the NodeState: a replacement releases the old state", () => {
    const addon = loadAddon();
    const start = addon.liveStateCount();
    const state = newState();
    expect(state.live).toBe(false);
    addon.runNode(GAIN, audio(new Float64Array(2), 1, 1, 2), 1, 1, 2, 48000, state, { mode: 0 });
    expect(state.live).toBe(true);
    expect(addon.liveStateCount()).toBe(start + 1);
    // Other batches: the runtime returns a new state; the binding releases the replaced one.
    addon.runNode(GAIN, audio(new Float64Array(4), 2, 1, 2), 2, 1, 2, 48000, state, { mode: 0 });
    addon.runNode(GAIN, audio(new Float64Array(4), 2, 1, 2), 2, 1, 2, 44100, state, { mode: 0 });
    expect(addon.liveStateCount()).toBe(start + 1);
    state.release();
    state.release();
    expect(state.live).toBe(false);
    expect(addon.liveStateCount()).toBe(start);
  });

  it("throws the runtime's last error as an AmpError", () => {
    const addon = loadAddon();
    const unknown = thrown(() =>
      addon.runNode({ name: "n", type: "nope", paramsJson: "" }, { audio: [], params: [] }, 1, 0, 4, 48000, newState(), { mode: 0 }),
    );
    expect(unknown).toBeInstanceOf(AmpError);
    expect((unknown as AmpError).code).toBe("AMP_ERR_UNKNOWN_NODE_TYPE");
    expect((unknown as AmpError).status).toBe(-3);
    expect((unknown as AmpError).stage).toBe("run_node");
    expect((unknown as AmpError).node).toBe("n");
    expect((unknown as AmpError).message).toBe('unknown node type "nope"');

    const state = newState();
    addon.runNode(GAIN, audio(new Float64Array(2), 1, 1, 2), 1, 1, 2, 48000, state, { mode: 0 });
    const other = thrown(() =>
      addon.runNode({ name: "o", type: "sine_osc", paramsJson: "" }, { audio: [], params: [] }, 1, 0, 2, 48000, state, { mode: 0 }),
    );
    expect((other as AmpError).status).toBe(-1);
    expect((other as AmpError).message).toMatch(/state belongs to node type "gain"/);
    expect(state.live).toBe(true); // a failed call leaves the state as it was

    const bad = thrown(() =>
      addon.runNode(
        { name: "g", type: "gain", paramsJson: '{"gian":1}' },
        audio(new Float64Array(2), 1, 1, 2),
        1,
        1,
        2,
        48000,
        newState(),
        { mode: 0 },
      ),
    );
    expect((bad as AmpError).status).toBe(-1);
    expect((bad as AmpError).message).toMatch(/gian/);
  });

  it("passes the history frame offset: the stream frame where curve time 0 lies", () => {
    const history = [
      { name: "ramp", timesFrames: new Float64Array([0, 64]), values: new Float64Array([0, 64]), interpolation: 1 as const },
    ];
    const descriptor = { name: "c", type: "controller", paramsJson: '{"curve":"ramp"}' };
    const run = (offset?: number): number[] =>
      Array.from(
        loadAddon().runNode(
          descriptor,
          { audio: [], params: [] },
          1,
          0,
          16,
          48000,
          newState(),
          offset === undefined ? { mode: 0, history } : { mode: 0, history, historyFrameOffset: offset },
        ).samples,
      );
    expect(run()).toEqual(Array.from({ length: 16 }, (_, f) => f));
    expect(run(10)).toEqual(Array.from({ length: 16 }, (_, f) => Math.max(0, f - 10)));
  });

  it("throws a TypeError naming a mistyped argument", () => {
    const x = new Float64Array(2);
    const inputs = audio(x, 1, 1, 2);
    const call = (...args: unknown[]): unknown => untyped().runNode(...args);
    expect(() => call("gain", inputs, 1, 1, 2, 48000, newState(), { mode: 0 })).toThrow(/runNode: argument "descriptor" must be an object/);
    expect(() => call({ name: "g", type: "gain" }, inputs, 1, 1, 2, 48000, newState(), { mode: 0 })).toThrow(
      /argument "descriptor.paramsJson" must be a string/,
    );
    expect(() =>
      call(GAIN, { audio: [{ data: [1, 2], batches: 1, channels: 1, frames: 2 }], params: [] }, 1, 1, 2, 48000, newState(), { mode: 0 }),
    ).toThrow(/argument "inputs.audio\[0\].data" must be a Float64Array/);
    expect(() =>
      call(GAIN, { audio: [], params: [{ data: x, batches: 1, channels: 1, frames: 2 }] }, 1, 1, 2, 48000, newState(), { mode: 0 }),
    ).toThrow(/argument "inputs.params\[0\].name" must be a string/);
    expect(() => call(GAIN, { audio: {} }, 1, 1, 2, 48000, newState(), { mode: 0 })).toThrow(/argument "inputs.audio" must be an array/);
    expect(() => call(GAIN, inputs, 1.5, 1, 2, 48000, newState(), { mode: 0 })).toThrow(
      /argument "batches" must be an integer in \[-2147483648, 2147483647\]/,
    );
    expect(() => call(GAIN, inputs, 1, 1, 2, "48000", newState(), { mode: 0 })).toThrow(/argument "sampleRate" must be a number/);
    expect(() => call(GAIN, inputs, 1, 1, 2, 48000, {}, { mode: 0 })).toThrow(/argument "state" must be a NodeState/);
    expect(() => call(GAIN, inputs, 1, 1, 2, 48000, newState(), { mode: 2 })).toThrow(
      /argument "options.mode" must be 0 \(forward\) or 1 \(backward\)/,
    );
    expect(() => call(GAIN, inputs, 1, 1, 2, 48000, newState(), { mode: 0, historyFrameOffset: -1 })).toThrow(
      /argument "options.historyFrameOffset" must be an integer/,
    );
    expect(() => call(GAIN, inputs, 1, 1, 2, 48000, newState(), { mode: 0, history: {} })).toThrow(
      /argument "options.history" must be an array of history curves/,
    );
    expect(thrown(() => call(GAIN, inputs, 1, 1, 2, 48000, newState(), { mode: "forward" }))).toBeInstanceOf(TypeError);
  });

  it("refuses another native object as the state (type tag, not instanceof)", () => {
    const runtime = loadAddon().createRuntime(
      JSON.stringify({ nodes: [{ name: "c", type: "constant", params: {} }], edges: [], modulations: [], output: "c" }),
    );
    const destroy = runtime.destroy.bind(runtime);
    try {
      const NodeState = loadAddon().NodeState;
      Object.setPrototypeOf(runtime, NodeState.prototype);
      expect(runtime instanceof NodeState).toBe(true);
      expect(() => untyped().runNode(GAIN, audio(new Float64Array(2), 1, 1, 2), 1, 1, 2, 48000, runtime, { mode: 0 })).toThrow(
        /argument "state" must be a NodeState/,
      );
      expect(() => (runtime as unknown as NativeNodeState).release()).toThrow(TypeError);
    } finally {
      destroy();
    }
  });

  it("refuses a data array whose length is not batches x channels x frames (RangeError)", () => {
    const addon = loadAddon();
    const start = addon.liveStateCount();
    expect(() => addon.runNode(GAIN, audio(new Float64Array(3), 1, 2, 2), 1, 2, 2, 48000, newState(), { mode: 0 })).toThrow(
      new RangeError('runNode: argument "inputs.audio[0].data" has 3 values but batches x channels x frames is 1 x 2 x 2'),
    );
    const params = [{ name: "gain", data: new Float64Array(1), batches: 1, channels: 1, frames: 2 }];
    expect(() =>
      addon.runNode(
        GAIN,
        { audio: [{ data: new Float64Array(2), batches: 1, channels: 1, frames: 2 }], params },
        1,
        1,
        2,
        48000,
        newState(),
        { mode: 0 },
      ),
    ).toThrow(/argument "inputs.params\[0\].data" has 1 values/);
    expect(addon.liveStateCount()).toBe(start);
  });

  it("checks lengths after every getter ran: a buffer shrunk by a getter is refused", () => {
    // A resizable ArrayBuffer (ES2024; the project's lib is ES2022, hence the local type).
    const Resizable = ArrayBuffer as unknown as new (
      length: number,
      options: { maxByteLength: number },
    ) => ArrayBuffer & { resize(length: number): void };
    const buffer = new Resizable(8 * 1024, { maxByteLength: 8 * 1024 });
    const data = new Float64Array(buffer); // length-tracking: shrinks with the buffer
    const view = { data, batches: 1, channels: 1, frames: 1024 };
    const inputs = {
      audio: [view],
      get params() {
        buffer.resize(8);
        return [];
      },
    };
    expect(() => loadAddon().runNode(GAIN, inputs, 1, 1, 1024, 48000, newState(), { mode: 0 })).toThrow(
      /has 1 values but batches x channels x frames is 1 x 1 x 1024/,
    );
  });

  it("a NodeState collected without release() releases its state in the finalizer", () => {
    const script = `
      const addon = require(${JSON.stringify(addonPath())});
      const start = addon.liveStateCount();
      (() => {
        for (let i = 0; i < 8; i += 1) {
          addon.runNode({ name: "g", type: "gain", paramsJson: "" },
            { audio: [{ data: new Float64Array(4), batches: 1, channels: 1, frames: 4 }], params: [] },
            1, 1, 4, 48000, new addon.NodeState(), { mode: 0 });
        }
      })();
      const held = addon.liveStateCount() - start;
      (async () => {
        for (let round = 0; round < 50 && addon.liveStateCount() !== start; round += 1) {
          globalThis.gc();
          await new Promise((resolve) => setImmediate(resolve));
        }
        process.stdout.write(JSON.stringify({ held, left: addon.liveStateCount() - start }));
      })();`;
    const output = execFileSync(process.execPath, ["--expose-gc", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({ held: 8, left: 0 });
  });
});
