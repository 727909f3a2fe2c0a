// Oversized renders are refused before anything is allocated, with the size named.
import { describe, expect, it } from "vitest";
import { AmpError, graph, render, sineOsc } from "../src/index";
import { checkRenderOutputSize, renderOutputBytes } from "../src/render/output-size";

describe("render output size", () => {
  it("counts samples, heat rows and budget flags", () => {
    const size = { frames: 100, batches: 2, channels: 3, nodes: 4, recordHeat: false, recordOverBudget: false };
    expect(renderOutputBytes(size)).toBe(100 * 2 * 3 * 8);
    expect(renderOutputBytes({ ...size, recordHeat: true })).toBe(100 * 2 * 3 * 8 + 5 * 100 * 2 * 8);
    expect(renderOutputBytes({ ...size, recordOverBudget: true })).toBe(100 * 2 * 3 * 8 + 100 * 2);
    expect(() => checkRenderOutputSize(size, 4799)).toThrow("needs 1 MiB of output arrays; the limit is 1 MiB");
    expect(() => checkRenderOutputSize(size, 4800)).not.toThrow();
  });

  it("refuses a render larger than half the machine's memory with an AmpError", async () => {
    const g = graph()
      .add("osc", sineOsc({ channels: 64 }))
      .output("osc");
    const attempt = render(g, { frames: 2 ** 31 - 1 });
    await expect(attempt).rejects.toBeInstanceOf(AmpError);
    await expect(render(g, { frames: 2 ** 31 - 1 })).rejects.toThrow(
      /render of 2147483647 frames x 1 batches x 64 channels needs \d+ MiB of output arrays; the limit is \d+ MiB/,
    );
  });
});
