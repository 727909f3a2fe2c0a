// Concurrency: renders of different graphs at once (promises on the libuv pool, and worker
// threads each with their own addon instance) give the sequential results bit for bit; one
// Runtime used from two places at once answers AMP_ERR_PENDING and is not corrupted; snapshots
// are refused on a runtime that is rendering and safe on another one rendering the same graph.
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AmpError, gain, graph, Graph, mix, render, Runtime, sineOsc, type RenderResult } from "../src/index";
import { ensureDist, ROOT } from "./helpers/dist";

/** Four different graphs (sizes, channels, feedback, batches). */
function graphs(): Graph[] {
  const chain = (n: number, frequency: number): Graph => {
    let g = graph().add("o", sineOsc({ frequency, channels: 2 }));
    for (let i = 0; i < n; i += 1) g = g.add(`g${i}`, gain({ gain: 0.9 + i / 100 })).chain(i === 0 ? "o" : `g${i - 1}`, `g${i}`);
    return g.output(`g${n - 1}`);
  };
  const mixed = graph()
    .add("a", sineOsc({ frequency: 110 }))
    .add("b", sineOsc({ frequency: 660, channels: 3 }))
    .add("m", mix())
    .chain("a", "m")
    .chain("b", "m")
    .output("m");
  return [chain(3, 220), chain(12, 1000), mixed, chain(1, 55)];
}

const FRAMES = 48_000;

/** Bytes of the samples and heat of a result (compared bit for bit). */
function bits(result: RenderResult): Buffer {
  const heat = result.heat?.graph ?? new Float64Array(0);
  return Buffer.concat([
    Buffer.from(result.samples.buffer, result.samples.byteOffset, result.samples.byteLength),
    Buffer.from(heat.buffer, heat.byteOffset, heat.byteLength),
  ]);
}

async function sequential(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const [i, g] of graphs().entries()) out.push(bits(await render(g, { frames: FRAMES, batches: 1 + (i % 2), recordHeat: true })));
  return out;
}

async function expectPending(run: () => unknown): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AmpError);
  expect((caught as AmpError).code).toBe("AMP_ERR_PENDING");
}

describe("concurrent renders", () => {
  let reference: Buffer[] = [];
  beforeAll(async () => {
    reference = await sequential();
  });

  it("of different graphs at once (promises) equal the sequential results bit for bit", async () => {
    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.all(
        graphs().map((g, i) => render(g, { frames: FRAMES, batches: 1 + (i % 2), recordHeat: true, threads: 1 + (round % 2) })),
      );
      results.forEach((result, i) => expect(bits(result).equals(reference[i] as Buffer), `graph ${i}, round ${round}`).toBe(true));
    }
  });

  it("in worker threads (each with its own addon state) equal the sequential results bit for bit", async () => {
    ensureDist();
    const source = `
const { parentPort, workerData } = require("node:worker_threads");
const amp = require(workerData.dist);
(async () => {
  const g = amp.Graph.fromJSON(workerData.graph);
  const r = await amp.render(g, { frames: workerData.frames, batches: workerData.batches, recordHeat: true });
  const heat = r.heat.graph;
  parentPort.postMessage(Buffer.concat([Buffer.from(r.samples.buffer, r.samples.byteOffset, r.samples.byteLength), Buffer.from(heat.buffer, heat.byteOffset, heat.byteLength)]));
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;
    const runs = graphs().flatMap((g, i) => [i, i].map(() => ({ g, i })));
    const results = await Promise.all(
      runs.map(
        ({ g, i }) =>
          new Promise<Buffer>((resolve, reject) => {
            const worker = new Worker(source, {
              eval: true,
              workerData: { dist: join(ROOT, "dist", "index.js"), graph: g.toJSON(), frames: FRAMES, batches: 1 + (i % 2) },
            });
            worker.once("message", (message: Uint8Array | { error: string }) => {
              void worker.terminate();
              if ("error" in message) reject(new Error(message.error));
              else resolve(Buffer.from(message));
            });
            worker.once("error", reject);
          }),
      ),
    );
    results.forEach((result, k) => expect(result.equals(reference[(runs[k] as { i: number }).i] as Buffer), `worker ${k}`).toBe(true));
  });

  it("one Runtime used from two places at once: AMP_ERR_PENDING for the second, the first unharmed", async () => {
    const [g] = graphs().slice(1, 2) as [Graph];
    const busy = Runtime.create(g, { blockFrames: 64 });
    const fresh = Runtime.create(g, { blockFrames: 64 });
    try {
      const first = busy.render(FRAMES, { recordHeat: true });
      // Every use from "another place" while the render runs is refused, nothing applied.
      await expectPending(() => busy.render(10));
      await expectPending(() => busy.snapshot());
      await expectPending(() => busy.restore(new Uint8Array(8)));
      await expectPending(() => busy.describe());
      await expectPending(() => busy.setThreads(2));
      await expectPending(() => busy.setSampleRate(44_100));
      await expectPending(() => busy.clearParams());
      const result = await first;
      const expected = await fresh.render(FRAMES, { recordHeat: true });
      expect(bits(result).equals(bits(expected))).toBe(true);
      // The stream goes on as the untouched runtime's.
      expect(bits(await busy.render(333, { recordHeat: true })).equals(bits(await fresh.render(333, { recordHeat: true })))).toBe(true);
    } finally {
      busy.dispose();
      fresh.dispose();
    }
  });

  it("snapshots of one runtime taken while another renders the same graph restore to the same bits", async () => {
    const [g] = graphs().slice(2, 3) as [Graph];
    const a = Runtime.create(g);
    const b = Runtime.create(g);
    try {
      await a.render(1000);
      await b.render(1000);
      const running = a.render(FRAMES);
      const snapshot = b.snapshot(); // b is idle: allowed while a renders
      const bContinued = await b.render(FRAMES);
      await running;
      b.restore(snapshot);
      expect(bits(await b.render(FRAMES)).equals(bits(bContinued))).toBe(true);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
