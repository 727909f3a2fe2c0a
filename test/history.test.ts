// Control history through the public API: curves per render, seconds or frames, step or linear,
// validated at the TypeScript edge (needs build/Release/amp_kpn.node).
import { describe, expect, it } from "vitest";
import { AmpError, controller, graph, render, Runtime, type ControlHistory } from "../src/index";

const level = graph()
  .add("ctl", controller({ curve: "level", scale: 2 }))
  .output("ctl");

async function rejection(history: unknown): Promise<AmpError> {
  const error = await render(level, { frames: 4, history: history as ControlHistory }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AmpError);
  return error as AmpError;
}

describe("control history", () => {
  it("takes [time, value] pairs in seconds, linear by default, held at both ends", async () => {
    const result = await render(level, {
      frames: 14,
      blockFrames: 4,
      sampleRate: 1000,
      history: {
        level: [
          [0.002, 0],
          [0.012, 1],
        ],
      },
    });
    const expected = [0, 0, 0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8, 2, 2];
    result.samples.forEach((value, f) => expect(value).toBeCloseTo(expected[f] ?? Number.NaN, 12));
  });

  it("converts seconds to frames without rounding (fractional frame times)", async () => {
    // 0.5 and 2.5 frames at 1000 Hz: frame 1 is a quarter of the way, frame 2 three quarters.
    const result = await render(level, {
      frames: 4,
      sampleRate: 1000,
      history: {
        level: [
          [0.0005, 0],
          [0.0025, 1],
        ],
      },
    });
    expect(Array.from(result.samples)).toEqual([0, 0.5, 1.5, 2]);
  });

  it("takes points in frames with step interpolation, and a jump at equal times", async () => {
    const step = await render(level, {
      frames: 4,
      history: {
        level: {
          points: [
            [0, 1],
            [2, 3],
          ],
          unit: "frames",
          interpolation: "step",
        },
      },
    });
    expect(Array.from(step.samples)).toEqual([2, 2, 6, 6]);
    const jump = await render(level, {
      frames: 6,
      history: {
        level: {
          points: [
            [0, 0],
            [3, 1.5],
            [3, -1],
            [5, 0],
          ],
          unit: "frames",
        },
      },
    });
    expect(Array.from(jump.samples)).toEqual([0, 1, 2, -2, -1, 0]);
  });

  it("starts the curves again at every render call", async () => {
    const runtime = Runtime.create(level, { blockFrames: 3 });
    try {
      const history: ControlHistory = {
        level: {
          points: [
            [0, 0],
            [4, 1],
          ],
          unit: "frames",
        },
      };
      const first = await runtime.render(6, { history });
      const second = await runtime.render(6, { history });
      expect(Array.from(first.samples)).toEqual([0, 0.5, 1, 1.5, 2, 2]);
      expect(second.samples).toEqual(first.samples);
    } finally {
      runtime.dispose();
    }
  });

  it("validates curves at the TypeScript edge with the curve name, point index, expected and got", async () => {
    expect(
      (
        await rejection({
          level: [
            [1, 0],
            [0.5, 1],
          ],
        })
      ).message,
    ).toBe('render option "history.level" point 1 expects a time >= 1 seconds (times ascend), got 0.5');
    expect(
      (
        await rejection({
          level: {
            points: [
              [0, 0],
              [4, 1],
              [3, 2],
            ],
            unit: "frames",
          },
        })
      ).message,
    ).toBe('render option "history.level" point 2 expects a time >= 4 frames (times ascend), got 3');
    expect((await rejection({ level: [] })).message).toBe('render option "history.level" expects at least one [time, value] point, got []');
    expect((await rejection({ level: [[0, Number.NaN]] })).message).toBe(
      'render option "history.level" point 0 expects a finite value, got NaN',
    );
    expect(
      (
        await rejection({
          level: [
            [0, 1],
            [Number.POSITIVE_INFINITY, 1],
          ],
        })
      ).message,
    ).toBe('render option "history.level" point 1 expects a finite time in seconds, got Infinity');
    expect((await rejection({ level: [[0]] })).message).toBe(
      'render option "history.level" point 0 expects a [time, value] pair of numbers, got [0]',
    );
    expect((await rejection({ level: 3 })).message).toBe(
      'render option "history.level" expects an array of [time, value] pairs or { points, unit?, interpolation? }, got 3',
    );
    expect((await rejection({ level: { points: [[0, 1]], unit: "ms" } })).message).toBe(
      'render option "history.level.unit" expects "seconds" or "frames", got "ms"',
    );
    expect((await rejection({ level: { points: [[0, 1]], interpolation: "cubic" } })).message).toBe(
      'render option "history.level.interpolation" expects "step" or "linear", got "cubic"',
    );
    expect((await rejection({ level: { points: [[0, 1]], interp: "step" } })).message).toBe(
      'render option "history.level.interp" is unknown; a curve has points, unit, interpolation',
    );
    expect((await rejection([[0, 1]])).message).toMatch(/^render option "history" expects an object of curves by name/);
    const edge = await rejection({ level: [[1e308, 1]] });
    expect(edge.message).toBe('render option "history.level" point 0 expects a time that is finite in frames at 48000 Hz, got 1e+308');
    expect(edge.stage).toBe("validate");
  });

  it("a render without a curve some controller needs is refused by the runtime, naming node and curves", async () => {
    const error = await rejection({ other: [[0, 1]] });
    expect(error.stage).not.toBe("validate");
    expect(error.message).toContain('node "ctl" (controller): no control-history curve named "level"');
    expect(error.message).toContain('supplied: "other"');
  });
});
