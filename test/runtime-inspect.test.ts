// A Runtime prints its configuration and stream position (console.log in a notebook cell).
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { graph, Runtime, sineOsc } from "../src/index";

describe("Runtime text form", () => {
  it("shows configuration, position and the graph; survives rendering and disposal", async () => {
    const runtime = Runtime.create(graph().add("o", sineOsc()).output("o"), { batches: 2, blockFrames: 256, threads: 2 });
    const pending = runtime.render(48000);
    expect(String(runtime)).toBe("Runtime (rendering)");
    await pending;
    expect(String(runtime)).toBe("Runtime (1 node, 2 batches x block 256, 48000 Hz, threads 2, frame 48000, latency 0 frames)");
    expect(inspect(runtime)).toContain('Graph (1 node, output "o"');
    runtime.dispose();
    expect(String(runtime)).toBe("Runtime (disposed)");
  });
});
