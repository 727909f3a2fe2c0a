// Taps: the side streams a node publishes, returned with every render as result.taps["node.tap"].
// safety publishes "clipped" and "replaced"; the values come from C++ and must not depend on the
// block size or on how a stream is split into render calls.
import { describe, expect, it } from "vitest";

import { graph, render, Runtime, safety, sineOsc } from "../src/index";
import { NODE_CATALOG, type NodeTapsByType } from "../src/nodes/generated";

function guarded(amplitude: number) {
  return graph()
    .add("osc", sineOsc({ frequency: 5000, amplitude, channels: 2 }))
    .add("guard", safety({ dcAlpha: 0.9, limit: 0.8 }))
    .connect("osc", "guard")
    .output("guard");
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe("taps", () => {
  it("come back from render() by node and tap name, shaped batches x values x frames", async () => {
    const result = await render(guarded(1.5), { frames: 1000, batches: 2 });
    expect(Object.keys(result.taps)).toEqual(["guard.clipped", "guard.replaced"]);
    const clipped = result.taps["guard.clipped"]!;
    expect(clipped).toMatchObject({ node: "guard", name: "clipped", unit: "", values: 1, batches: 2, frames: 1000 });
    expect(clipped.data).toBeInstanceOf(Float64Array);
    expect(clipped.data.length).toBe(2 * 1000);
    // An amplitude of 1.5 against a limit of 0.8 clips: the tap is positive somewhere, never negative.
    expect(clipped.data.some((v) => v > 0.1)).toBe(true);
    expect(clipped.data.every((v) => v >= 0)).toBe(true);
    // All inputs finite: nothing replaced.
    expect(result.taps["guard.replaced"]!.data.every((v) => v === 0)).toBe(true);
    // Under the limit nothing is clipped.
    const quiet = await render(guarded(0.3), { frames: 1000 });
    expect(quiet.taps["guard.clipped"]!.data.every((v) => v === 0)).toBe(true);
  });

  it("are bit-identical across block sizes and across split Runtime.render() calls", async () => {
    const whole = await render(guarded(1.5), { frames: 1200, batches: 2, blockFrames: 512 });
    for (const blockFrames of [1, 37]) {
      const other = await render(guarded(1.5), { frames: 1200, batches: 2, blockFrames });
      expect(sameBits(other.taps["guard.clipped"]!.data, whole.taps["guard.clipped"]!.data)).toBe(true);
    }
    const runtime = Runtime.create(guarded(1.5), { batches: 2, blockFrames: 64 });
    try {
      const first = await runtime.render(500);
      const second = await runtime.render(700);
      expect(first.taps["guard.clipped"]!.frames).toBe(500);
      const expected = whole.taps["guard.clipped"]!.data;
      for (let b = 0; b < 2; b++) {
        expect(
          sameBits(first.taps["guard.clipped"]!.data.subarray(b * 500, (b + 1) * 500), expected.subarray(b * 1200, b * 1200 + 500)),
        ).toBe(true);
        expect(
          sameBits(second.taps["guard.clipped"]!.data.subarray(b * 700, (b + 1) * 700), expected.subarray(b * 1200 + 500, (b + 1) * 1200)),
        ).toBe(true);
      }
    } finally {
      runtime.dispose();
    }
  });

  it("are empty for a graph whose nodes publish none", async () => {
    const result = await render(graph().add("osc", sineOsc()).output("osc"), { frames: 10 });
    expect(result.taps).toEqual({});
  });

  it("are listed in the generated catalogue and types", () => {
    const safetyEntry = NODE_CATALOG.nodes.find((node) => node.type === "safety");
    expect(safetyEntry?.taps?.map((tap) => tap.name)).toEqual(["clipped", "replaced"]);
    const name: NodeTapsByType["safety"] = "clipped";
    expect(name).toBe("clipped");
  });
});
