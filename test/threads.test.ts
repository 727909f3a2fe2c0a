// Rendering with several threads: the same bits as one thread, through the public API.
import { describe, expect, it } from "vitest";
import { delay, gain, graph, mix, render, Runtime, sineOsc } from "../src/index";

// 12 oscillators into gains into one mix, with a feedback echo: levels wide enough to split.
function wide() {
  let g = graph()
    .add("sum", mix({ channels: 2 }))
    .add("echo", delay({ frames: 700 }))
    .add("fb", gain({ gain: 0.3 }));
  for (let i = 0; i < 12; i += 1) {
    g = g.add(`o${i}`, sineOsc({ frequency: 100 + 31 * i, channels: 1 + (i % 2) })).add(`g${i}`, gain({ gain: 1 / (i + 1) }));
    g = g.chain(`o${i}`, `g${i}`, "sum");
  }
  return g.chain("sum", "echo", "fb", "sum").output("sum");
}

describe("threads", () => {
  it("give bit-identical samples, heat and summaries for 1, 2 and 16 threads", async () => {
    const options = { frames: 6000, batches: 2, blockFrames: 512, recordHeat: true } as const;
    const one = await render(wide(), { ...options, threads: 1 });
    for (const threads of [2, 16]) {
      const many = await render(wide(), { ...options, threads });
      expect(many.samples).toEqual(one.samples);
      expect(many.heat?.graph).toEqual(one.heat?.graph);
      expect(many.summary.totalHeat).toBe(one.summary.totalHeat);
      expect(many.summary.parallelLevels).toBeGreaterThan(0);
    }
    expect(one.summary.parallelLevels).toBe(0);
  });

  it("are validated with the uniform message and can change between renders", async () => {
    await expect(render(wide(), { frames: 10, threads: 0 })).rejects.toThrow(
      'render option "threads" expects an integer in [1, 16], got 0',
    );
    const runtime = Runtime.create(wide(), { blockFrames: 512, threads: 2 });
    try {
      const first = await runtime.render(3000);
      runtime.reset();
      runtime.setThreads(1);
      const second = await runtime.render(3000);
      expect(second.samples).toEqual(first.samples);
      expect(() => runtime.setThreads(17)).toThrow('argument "threads" expects an integer in [1, 16], got 17');
    } finally {
      runtime.dispose();
    }
  });
});
