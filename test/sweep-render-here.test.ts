// A pool thread renders a sweep job's samples on its own thread, in chunks, into a kept array
// (src/sweep/render-here.ts): the samples and heat totals must be the bits one render of the
// whole span gives, for one row and for several (lanes), and a cancel arriving while it renders
// must stop it between chunks (needs the addon).
import { describe, expect, it } from "vitest";
import { biquad, graph, lfo, Runtime, sineOsc, type Graph } from "../src/index";
import { renderHere } from "../src/sweep/render-here";

function modulated(): Graph {
  return graph()
    .add("lfo", lfo({ rateHz: 5, depth: 200, slewMs: 3 }))
    .add("osc", sineOsc({ frequency: 500, amplitude: 0.7 }))
    .add("lp", biquad({ frequency: 1200, q: 1.3 }))
    .modulate("lfo", "osc.frequency", { mode: "add" })
    .chain("osc", "lp")
    .output("lp");
}

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const SAMPLE_RATE = 48000;
const BLOCK = 256;

describe("renderHere", () => {
  for (const batches of [1, 3]) {
    it(`gives the bits of one render of the whole span, ${batches} lane(s), frames not a multiple of the chunk`, async () => {
      const frames = 11_111; // 2 chunks of 4864 frames and a partial one
      const here = Runtime.create(modulated(), { sampleRate: SAMPLE_RATE, batches, blockFrames: BLOCK });
      const whole = Runtime.create(modulated(), { sampleRate: SAMPLE_RATE, batches, blockFrames: BLOCK });
      try {
        const out = new Float64Array(batches * frames).fill(NaN);
        await renderHere(here, { out, rows: batches, frames, sampleRate: SAMPLE_RATE, blockFrames: BLOCK }, undefined);
        const reference = await whole.renderSamples(frames);
        expect(bytes(out).equals(bytes(reference))).toBe(true);
        expect(bytes(here.heatByBatch().graph).equals(bytes(whole.heatByBatch().graph))).toBe(true);
        expect(here.describe().graph.framesRendered).toBe(frames);
      } finally {
        here.dispose();
        whole.dispose();
      }
    });
  }

  it("stops between chunks when the signal aborts while it renders, with AMP_ERR_CANCELLED", async () => {
    const runtime = Runtime.create(modulated(), { sampleRate: SAMPLE_RATE, batches: 1, blockFrames: BLOCK });
    try {
      const frames = SAMPLE_RATE * 20;
      const controller = new AbortController();
      // Fires on the event loop's first turn after the render started: between two chunks.
      setImmediate(() => controller.abort(new Error("stop")));
      const run = renderHere(
        runtime,
        { out: new Float64Array(frames), rows: 1, frames, sampleRate: SAMPLE_RATE, blockFrames: BLOCK },
        controller.signal,
      );
      await expect(run).rejects.toMatchObject({ code: "AMP_ERR_CANCELLED", message: expect.stringMatching(/stop/) });
      const rendered = runtime.describe().graph.framesRendered;
      expect(rendered).toBeGreaterThan(0);
      expect(rendered).toBeLessThan(frames);
    } finally {
      runtime.dispose();
    }
  });
});
