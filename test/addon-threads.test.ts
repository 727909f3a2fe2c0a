// The addon off the main thread: renders run on the libuv pool and read the cancel flag per
// block, and each worker thread gets its own addon state (error class, Runtime class).
import { Worker } from "node:worker_threads";

import { describe, expect, it } from "vitest";

import { AmpError } from "../src/errors";
import { addonPath, loadAddon } from "../src/native/load-addon";

const SINE_GAIN = JSON.stringify({
  nodes: [
    { name: "osc", type: "sine_osc", params: { frequency: 440 } },
    { name: "g", type: "gain", params: { gain: 0.5 } },
  ],
  edges: [{ from: "osc", to: "g" }],
  modulations: [],
  output: "g",
});

// Runs in a worker thread (CommonJS, eval). Registers its own error class, renders, reports.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const addon = require(workerData.addonPath);
class WorkerError extends Error {
  constructor(message, info) { super(message); this.name = "WorkerError"; this.info = info; }
}
addon.setErrorClass(WorkerError);
let errorName = "";
try { addon.createRuntime("[]"); } catch (error) { errorName = error.name; }
const runtime = addon.createRuntime(workerData.graph);
runtime.render(1000, { recordHeat: false }).then(({ samples }) => {
  parentPort.postMessage({ length: samples.length, errorName });
  // Left running: the test terminates the thread while this render is in flight.
  runtime.render(workerData.longFrames, { recordHeat: false }).catch(() => undefined);
  parentPort.postMessage({ started: true });
});
`;

describe("threads", () => {
  it("cancels a render already running on the pool with -6", async () => {
    const runtime = loadAddon().createRuntime(SINE_GAIN);
    try {
      const pending = runtime.render(9_600_000, { recordHeat: false });
      await new Promise((resolve) => setTimeout(resolve, 5));
      runtime.cancel();
      const error: unknown = await pending.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AmpError);
      expect((error as AmpError).status).toBe(-6);
      expect((error as AmpError).code).toBe("AMP_ERR_CANCELLED");
      const framesRendered = runtime.describeGraph().framesRendered;
      expect(framesRendered).toBeLessThan(9_600_000);
    } finally {
      runtime.destroy();
    }
  });

  it("gives each worker thread its own addon state and survives terminating a render", async () => {
    loadAddon();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { addonPath: addonPath(), graph: SINE_GAIN, longFrames: 4_800_000 },
    });
    const messages: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on("error", reject);
      worker.on("message", (message: unknown) => {
        messages.push(message);
        if (messages.length === 2) resolve();
      });
    });
    await worker.terminate();
    expect(messages[0]).toEqual({ length: 1000, errorName: "WorkerError" });
    // The main thread's registration is untouched.
    expect(() => loadAddon().createRuntime("[]")).toThrow(AmpError);
  });
});
