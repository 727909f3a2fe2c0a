// The scheduler's behaviour (docs/scheduling.md) proven through the public TypeScript API:
// latency compensation, exact feedback for any block size, rejected cycles, control curves
// driving parameters, explicit schedules, the thermal budget, and the B x C gather rules.
// Needs build/Release/amp_kpn.node.
import { describe, expect, it } from "vitest";
import {
  AmpError,
  constant,
  controller,
  delay,
  fftDivider,
  gain,
  graph,
  mix,
  render,
  Runtime,
  sineOsc,
  type ControlHistory,
  type CurvePoint,
  type Graph,
} from "../src/index";

/** A unit impulse at frame 0: a step curve 1 at frame 0, 0 from frame 1 on. */
const IMPULSE: ControlHistory = {
  impulse: {
    points: [
      [0, 1],
      [1, 0],
    ],
    unit: "frames",
    interpolation: "step",
  },
};

/** Frames whose value is not zero. */
function nonZeroFrames(samples: Float64Array): number[] {
  const frames: number[] = [];
  samples.forEach((value, f) => {
    if (value !== 0) frames.push(f);
  });
  return frames;
}

/** The AmpError that `work` throws or rejects with. */
async function caught(work: () => unknown): Promise<AmpError> {
  let error: unknown;
  try {
    await work();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AmpError);
  return error as AmpError;
}

describe("latency compensation (declared delays on parallel paths)", () => {
  const twoPaths = graph()
    .add("impulse", controller({ curve: "impulse" }))
    .add("slow", gain({ declaredDelayFrames: 10 }))
    .add("fast", gain({ declaredDelayFrames: 3 }))
    .add("sum", mix())
    .connect("impulse", "slow")
    .connect("impulse", "fast")
    .connect("slow", "sum")
    .connect("fast", "sum")
    .output("sum");

  it.each([1, 4, 64])("aligns both paths by default: one impulse of 2 at frame 10, latency 10 (block %i)", async (blockFrames) => {
    const result = await render(twoPaths, { frames: 40, blockFrames, history: IMPULSE });
    expect(nonZeroFrames(result.samples)).toEqual([10]);
    expect(result.samples[10]).toBe(2);
    expect(result.summary.latencyFrames).toBe(10);
    expect(result.summary.latencyCompensation).toBe(true);
    expect(result.nodes.slow?.measuredDelayFrames).toBe(10);
    expect(result.nodes.fast?.measuredDelayFrames).toBe(3);
  });

  it.each([1, 4, 64])("without compensation the paths arrive apart: impulses at 3 and 10 (block %i)", async (blockFrames) => {
    const off = twoPaths.withLatencyCompensation(false);
    expect(off.toJSON().latency_compensation).toBe(false);
    const result = await render(off, { frames: 40, blockFrames, history: IMPULSE });
    expect(nonZeroFrames(result.samples)).toEqual([3, 10]);
    expect(result.samples[3]).toBe(1);
    expect(result.samples[10]).toBe(1);
    expect(result.summary.latencyCompensation).toBe(false);
  });
});

describe("latency compensation around a node with real latency (fft_divider: W - 1 = 511 frames)", () => {
  const around = graph()
    .add("impulse", controller({ curve: "impulse" }))
    .add("divider", fftDivider())
    .add("sum", mix())
    .connect("impulse", "divider")
    .connect("divider", "sum")
    .connect("impulse", "sum")
    .output("sum");

  it.each([1, 37, 512])(
    "the direct path waits for the divider: one impulse of 2 at frame 511, not 510 or 512 (block %i)",
    async (blockFrames) => {
      const result = await render(around, { frames: 1200, blockFrames, history: IMPULSE });
      const loud: number[] = [];
      result.samples.forEach((value, f) => {
        if (Math.abs(value) > 1e-9) loud.push(f);
      });
      expect(result.summary.latencyFrames).toBe(511);
      expect(loud).toEqual([511]);
      expect(Math.abs((result.samples[511] ?? 0) - 2)).toBeLessThan(1e-12);
    },
  );
});

describe("feedback: y[n] = x[n] + a * y[n - D] is exact for any block size", () => {
  const D = 3;
  const A = -0.75;
  const FRAMES = 200;
  const BLOCKS = [1, 7, 64, 4096];

  /** An impulse, then a few more step values so that several echoes overlap and add. */
  const BURST: ControlHistory = {
    impulse: {
      points: [
        [0, 1],
        [1, -0.5],
        [2, 0.3],
        [5, 0.125],
        [6, 0],
      ],
      unit: "frames",
      interpolation: "step",
    },
  };

  function input(history: ControlHistory): Float64Array {
    const curve = history.impulse as { points: readonly CurvePoint[] };
    const x = new Float64Array(FRAMES);
    for (let n = 0; n < FRAMES; n += 1) {
      let value = curve.points[0]?.[1] ?? 0;
      for (const [t, v] of curve.points) if (t <= n) value = v;
      x[n] = value;
    }
    return x;
  }

  /** The recursion, computed here. */
  function comb(x: Float64Array): Float64Array {
    const y = new Float64Array(FRAMES);
    for (let n = 0; n < FRAMES; n += 1) y[n] = (x[n] ?? 0) + (n >= D ? A * (y[n - D] ?? 0) : 0);
    return y;
  }

  /** x -> sum (mix, concatenating x and the feedback) -> delay D -> fb (gain a) -> sum. */
  const withDelayNode: Graph = graph()
    .add("x", controller({ curve: "impulse" }))
    .add("sum", mix())
    .add("d", delay({ frames: D }))
    .add("fb", gain({ gain: A }))
    .connect("x", "sum")
    .chain("sum", "d", "fb", "sum")
    .output("sum");

  /** The same loop closed by an edge delay of D frames instead of a delay node. */
  const withEdgeDelay: Graph = graph()
    .add("x", controller({ curve: "impulse" }))
    .add("sum", mix())
    .add("fb", gain({ gain: A }))
    .connect("x", "sum")
    .connect("sum", "fb", { delayFrames: D })
    .connect("fb", "sum")
    .output("sum");

  for (const [label, g] of [
    ["a delay node", withDelayNode],
    ["an edge delay", withEdgeDelay],
  ] as const) {
    it(`closes the loop with ${label}: blocks ${BLOCKS.join(", ")} equal the recursion bit for bit`, async () => {
      for (const history of [IMPULSE, BURST]) {
        const expected = comb(input(history));
        expect(expected[30]).not.toBe(0); // echoes long after the input ended: the test cannot pass on silence
        for (const blockFrames of BLOCKS) {
          const result = await render(g, { frames: FRAMES, blockFrames, history });
          expect(result.samples).toEqual(expected);
          expect(result.summary.blockFrames).toBe(blockFrames);
          expect(result.summary.schedulerBlockFrames).toBe(Math.min(blockFrames, D));
        }
      }
    });
  }
});

describe("cycles without delay are rejected, naming the nodes", () => {
  it("an audio cycle with no frame of delay", async () => {
    const g = graph()
      .add("src", constant({ value: 1 }))
      .add("p", gain())
      .add("q", gain())
      .connect("src", "p")
      .chain("p", "q", "p")
      .output("q");
    const error = await caught(() => render(g, { frames: 8 }));
    expect(error.code).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect(error.stage).not.toBe("validate");
    expect(error.message).toMatch(/cycle/);
    expect(error.message).toContain('"p"');
    expect(error.message).toContain('"q"');
    expect(error.message).toMatch(/p -> q -> p|q -> p -> q/);
  });

  it("a modulation cycle with no frame of delay, and the same loop accepted with a delay", async () => {
    const g = graph()
      .add("osc", sineOsc({ frequency: 100 }))
      .add("amp", gain({ gain: 0.5 }))
      .connect("osc", "amp")
      .modulate("amp", "osc.frequency", { scale: 10 })
      .output("amp");
    const error = await caught(() => render(g, { frames: 8 }));
    expect(error.code).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect(error.message).toMatch(/cycle/);
    expect(error.message).toContain('"osc"');
    expect(error.message).toContain('"amp"');
    expect(error.message).toContain("amp ~> osc.frequency");
    const delayed = graph()
      .add("osc", sineOsc({ frequency: 100 }))
      .add("amp", gain({ gain: 0.5 }))
      .connect("osc", "amp")
      .modulate("amp", "osc.frequency", { scale: 10, delayFrames: 1 })
      .output("amp");
    expect((await render(delayed, { frames: 8 })).shape.frames).toBe(8);
  });
});

describe("a linear control curve drives a parameter frame by frame", () => {
  const SAMPLE_RATE = 1000;
  const FRAMES = 32;
  /** Seconds: held 0.5 until 2.5 frames, up to 2 at 10.5, a jump to -1, down to 0 at 20, held. */
  const POINTS: readonly CurvePoint[] = [
    [0.0025, 0.5],
    [0.0105, 2],
    [0.0105, -1],
    [0.02, 0],
  ];

  /** The documented rule, at frame n, with times converted as `time * sampleRate`. */
  function expectedAt(n: number): number {
    const t = POINTS.map(([time]) => time * SAMPLE_RATE);
    const v = POINTS.map(([, value]) => value);
    let i = -1;
    for (let k = 0; k < t.length; k += 1) if ((t[k] ?? Infinity) <= n) i = k;
    if (i < 0) return v[0] ?? Number.NaN;
    if (i >= t.length - 1) return v[i] ?? Number.NaN;
    const t0 = t[i] ?? 0;
    const t1 = t[i + 1] ?? 0;
    const v0 = v[i] ?? 0;
    const v1 = v[i + 1] ?? 0;
    return v0 + (v1 - v0) * ((n - t0) / (t1 - t0));
  }

  // one (2 channels) -> g (gain 0); ctl ~> g.gain, mode add: the output is the curve itself.
  const driven = graph()
    .add("one", constant({ value: 1, channels: 2 }))
    .add("ctl", controller({ curve: "cutoff" }))
    .add("g", gain({ gain: 0 }))
    .connect("one", "g")
    .modulate("ctl", "g.gain", { mode: "add" })
    .output("g");

  it("equals the interpolation rule, identically for blocks 1, 7 and 512", async () => {
    const expected = Float64Array.from({ length: FRAMES }, (_, n) => expectedAt(n));
    expect(expected[0]).toBe(0.5);
    expect(expected[10]).not.toBe(expected[11]);
    const outputs: Float64Array[] = [];
    for (const blockFrames of [1, 7, 512]) {
      const result = await render(driven, {
        frames: FRAMES,
        blockFrames,
        sampleRate: SAMPLE_RATE,
        batches: 2,
        history: { cutoff: POINTS },
      });
      expect(result.shape).toEqual({ batches: 2, channels: 2, frames: FRAMES });
      for (let b = 0; b < 2; b += 1) for (let c = 0; c < 2; c += 1) expect(result.channel(b, c)).toEqual(expected);
      outputs.push(result.samples);
    }
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });
});

describe("explicit schedules", () => {
  const base = graph()
    .add("a", sineOsc({ frequency: 300 }))
    .add("b", sineOsc({ frequency: 500 }))
    .add("ga", gain({ gain: 0.5 }))
    .add("gb", gain({ gain: 0.25 }))
    .add("m", mix())
    .chain("a", "ga", "m")
    .chain("b", "gb", "m")
    .modulate("b", "a.frequency", { scale: 10 })
    .output("m");

  it("rejects a schedule that runs a node before a producer it waits for, naming the dependency", async () => {
    const wrong = base.withSchedule([["a", "b"], ["ga", "gb"], ["m"]]);
    const error = await caught(() => render(wrong, { frames: 64 }));
    expect(error.code).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect(error.stage).not.toBe("validate");
    expect(error.message).toContain('node "a" (stage 0) depends on node "b" (stage 0) through b ~> a.frequency');
  });

  it("a valid schedule gives output identical to the default order", async () => {
    const staged = base.withSchedule([["b"], ["gb", "a"], ["ga"], ["m"]]);
    const plain = await render(base, { frames: 500, batches: 2, blockFrames: 32 });
    const result = await render(staged, { frames: 500, batches: 2, blockFrames: 32 });
    expect(result.samples).toEqual(plain.samples);
    expect(nonZeroFrames(result.samples).length).toBeGreaterThan(900);
  });
});

describe("explicit schedules of feedback loops", () => {
  const loop = (closedBy: "node" | "edge"): Graph => {
    const g = graph()
      .add("x", controller({ curve: "impulse" }))
      .add("sum", mix())
      .add("fb", gain({ gain: 0.5 }))
      .connect("x", "sum");
    if (closedBy === "edge") return g.connect("sum", "fb", { delayFrames: 3 }).connect("fb", "sum").output("sum");
    return g
      .add("d", delay({ frames: 3 }))
      .chain("sum", "d", "fb", "sum")
      .output("sum");
  };

  it("a loop closed by an edge delay: the consumer of the delayed link may run first", async () => {
    const plain = await render(loop("edge"), { frames: 24, blockFrames: 2, history: IMPULSE });
    const staged = await render(loop("edge").withSchedule([["x"], ["fb"], ["sum"]]), { frames: 24, blockFrames: 2, history: IMPULSE });
    expect(staged.samples).toEqual(plain.samples);
    expect(nonZeroFrames(staged.samples)).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
  });

  it("a loop closed by a delay node: the delay node is listed where it absorbs its input", async () => {
    const plain = await render(loop("node"), { frames: 24, blockFrames: 2, history: IMPULSE });
    // d emits at the start of every block, so fb may run before it; d absorbs after sum.
    const staged = await render(loop("node").withSchedule([["x"], ["fb"], ["sum"], ["d"]]), {
      frames: 24,
      blockFrames: 2,
      history: IMPULSE,
    });
    expect(staged.samples).toEqual(plain.samples);
    expect(nonZeroFrames(staged.samples)).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
    await expect(
      render(loop("node").withSchedule([["x", "d"], ["fb"], ["sum"]]), { frames: 24, blockFrames: 2, history: IMPULSE }),
    ).rejects.toThrow('node "d" (stage 0) depends on node "sum" (stage 2) through sum -> d');
  });
});

describe("thermal budget", () => {
  it("flags (x^2 + 8) * 48000 > budget for a unit sine and leaves the samples alone", async () => {
    const base = graph()
      .add("osc", sineOsc({ frequency: 1000, amplitude: 1 }))
      .output("osc");
    const budget = 8.5 * 48000; // heat per second; W = 8 for sine_osc, R = 1, oversample 1
    const budgeted = base.withThermalBudget(budget);
    const flagged = await render(budgeted, { frames: 480, batches: 2, blockFrames: 64, recordOverBudget: true });
    const plain = await render(base, { frames: 480, batches: 2, blockFrames: 64 });
    expect(flagged.samples).toEqual(plain.samples);
    const flags = flagged.overBudget;
    expect(flags).toBeInstanceOf(Uint8Array);
    if (flags === undefined) return;
    expect(flags).toHaveLength(2 * 480);
    let over = 0;
    flagged.samples.forEach((x, i) => {
      const expected = (x * x + 8) * 48000 > budget ? 1 : 0;
      expect(flags[i], `frame ${i}`).toBe(expected);
      over += expected;
    });
    expect(over).toBeGreaterThan(100);
    expect(over).toBeLessThan(860);
    expect(flagged.summary.framesOverBudget).toBe(over);
    expect(flagged.summary.thermalBudget).toBe(budget);
  });
});

describe("gather rules with B = 2 and C = 2", () => {
  // a: 1 channel, b: 2 channels; values per batch and frame come from setParam overrides.
  const base = graph()
    .add("a", constant({ value: 0, channels: 1 }))
    .add("b", constant({ value: 0, channels: 2 }))
    .add("cat", mix({ channels: 2 }))
    .add("sum", gain({ gain: 1 }))
    .connect("a", "cat")
    .connect("b", "cat")
    .connect("a", "sum")
    .connect("b", "sum");
  const BLOCK = 4;
  const FRAMES = 8;
  const aValues = Float64Array.from([1, 2, 3, 4, 10, 20, 30, 40]); // batches x 1 x BLOCK
  const bValues = Float64Array.from([100, 100, 100, 100, 1000, 2000, 3000, 4000]);

  async function renderWithOverrides(g: Graph) {
    const runtime = Runtime.create(g, { batches: 2, blockFrames: BLOCK });
    try {
      runtime.setParam("a", "value", aValues, { batches: 2, channels: 1, frames: BLOCK });
      runtime.setParam("b", "value", bValues, { batches: 2, channels: 1, frames: BLOCK });
      return await runtime.render(FRAMES);
    } finally {
      runtime.dispose();
    }
  }

  const a = (batch: number, f: number): number => aValues[batch * BLOCK + (f % BLOCK)] ?? Number.NaN;
  const b = (batch: number, f: number): number => bValues[batch * BLOCK + (f % BLOCK)] ?? Number.NaN;

  it("concat (mix): the edges' 1 + 2 channels side by side, summed into each of 2 outputs: a + 2b", async () => {
    const result = await renderWithOverrides(base.output("cat"));
    expect(result.shape).toEqual({ batches: 2, channels: 2, frames: FRAMES });
    for (let batch = 0; batch < 2; batch += 1) {
      const expected = Float64Array.from({ length: FRAMES }, (_, f) => a(batch, f) + 2 * b(batch, f));
      for (let c = 0; c < 2; c += 1) expect(result.channel(batch, c)).toEqual(expected);
    }
    expect(result.channel(0, 0)).not.toEqual(result.channel(1, 0));
  });

  it("sum (gain): max(1, 2) = 2 channels, the 1-channel edge broadcast and added: a + b", async () => {
    const result = await renderWithOverrides(base.output("sum"));
    expect(result.shape).toEqual({ batches: 2, channels: 2, frames: FRAMES });
    for (let batch = 0; batch < 2; batch += 1) {
      const expected = Float64Array.from({ length: FRAMES }, (_, f) => a(batch, f) + b(batch, f));
      for (let c = 0; c < 2; c += 1) expect(result.channel(batch, c)).toEqual(expected);
    }
    expect(result.channel(0, 1)).not.toEqual(result.channel(1, 1));
  });
});
