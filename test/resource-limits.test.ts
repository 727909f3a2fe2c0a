// Absurd sizes are refused before anything of their size is allocated, with the size they would
// need: 2^40 frames, 10^6 nodes, WAV headers declaring gigabytes, and renders beyond a
// user-set memory budget (`maxBytes`).
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AmpError, decodeWav, encodeWav, gain, graph, Graph, readWav, render, Runtime, sineOsc } from "../src/index";
import { MAX_GRAPH_NODES } from "../src/graph/limits";

const stereo = graph()
  .add("o", sineOsc({ frequency: 440, channels: 2 }))
  .add("g", gain({ gain: 0.5 }))
  .chain("o", "g")
  .output("g");

async function refusal(run: () => unknown): Promise<AmpError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AmpError);
    return error as AmpError;
  }
  throw new Error("expected a refusal");
}

const dir = mkdtempSync(join(tmpdir(), "amp-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("absurd sizes", () => {
  it("2^40 frames: refused by render() and Runtime.render() naming the bytes of the output", async () => {
    const viaRender = await refusal(() => render(stereo, { frames: 2 ** 40 }));
    expect(viaRender.code).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect(viaRender.message).toContain("1099511627776 frames x 1 batches x 2 channels would need 16384 GiB of output alone");
    const runtime = Runtime.create(stereo, { batches: 3 });
    try {
      const viaRuntime = await refusal(() => runtime.render(2 ** 40));
      expect(viaRuntime.message).toContain("x 3 batches x 2 channels would need 49152 GiB");
      expect(runtime.describe().graph.framesRendered).toBe(0);
      expect((await runtime.render(16)).samples.length).toBe(3 * 2 * 16);
    } finally {
      runtime.dispose();
    }
  });

  it(`10^6 nodes: refused before the graph is built (at most ${MAX_GRAPH_NODES}), naming the buffers they need`, async () => {
    const nodes = Array.from({ length: 1_000_000 }, (_, i) => ({ name: `n${i}`, type: "constant", params: {} }));
    const error = await refusal(() => Graph.fromJSON({ nodes, edges: [], modulations: [], output: "n0" }));
    expect(error.message).toBe(
      `graph: 1000000 nodes; a graph takes at most ${MAX_GRAPH_NODES} (1000000 nodes would need at least 7813 MiB of buffers at 1 batch x 512 frames)`,
    );
    // The builder stops at the limit too (checked per add, before the node is stored).
    expect(MAX_GRAPH_NODES).toBe(65536);
  });

  it("a WAV header declaring ~4 GiB of samples in a small file is refused as truncated, without decoding", async () => {
    const wav = Buffer.from(encodeWav(new Float64Array(64), { channels: 1, sampleRate: 8000, bitDepth: "16" }));
    const dataAt = wav.indexOf("data");
    wav.writeUInt32LE(0xfffffff0, dataAt + 4);
    wav.writeUInt32LE(0xffffffff, 4);
    const error = await refusal(() => decodeWav(wav));
    expect(error.message).toContain("truncated: the data chunk declares 4294967280 bytes");
  });

  it("readWav refuses a file whose header declares samples beyond maxBytes before reading them", async () => {
    const path = join(dir, "huge.wav");
    const wav = Buffer.from(encodeWav(new Float64Array(64), { channels: 1, sampleRate: 8000, bitDepth: "16" }));
    const dataAt = wav.indexOf("data");
    const declared = 0xfffffff0; // ~4 GiB of 16-bit samples: 16 GiB as Float64
    wav.writeUInt32LE(declared, dataAt + 4);
    writeFileSync(path, wav);
    truncateSync(path, dataAt + 8 + declared); // sparse: no disk space used
    const error = await refusal(() => readWav(path, { maxBytes: 2 ** 30 }));
    expect(error.message).toContain(`its ${declared} bytes of samples decode to 16 GiB`);
    expect(error.message).toContain('the limit "maxBytes" is 1 GiB');
  });

  it("decodeWav refuses samples beyond maxBytes before decoding, naming the decoded size", async () => {
    const wav = encodeWav(new Float64Array(1000), { channels: 1, sampleRate: 8000, bitDepth: "16" });
    const error = await refusal(() => decodeWav(wav, { maxBytes: 4000 }));
    expect(error.message).toContain("its 2000 bytes of samples decode to 8000 bytes of Float64 samples");
    expect(decodeWav(wav, { maxBytes: 8000 }).frames).toBe(1000);
    await expect(refusal(() => decodeWav(wav, { maxBytes: -1 }))).resolves.toBeInstanceOf(AmpError);
  });
});

describe("maxBytes: a user-set memory budget", () => {
  it("refuses a runtime whose buffers exceed it, naming the bytes, before configuring", async () => {
    const probe = Runtime.create(stereo);
    const buffers = probe.bufferBytes(4, 4096);
    expect(buffers).toBeGreaterThanOrEqual(4 * 4096 * (2 + 1 + 1 + 1) * 8);
    expect(probe.bufferBytes()).toBe(probe.bufferBytes(1, 512));
    probe.dispose();
    const error = await refusal(() => Runtime.create(stereo, { batches: 4, blockFrames: 4096, maxBytes: buffers - 1 }));
    expect(error.message).toContain(`a runtime of 4 batches x block 4096 needs`);
    expect(error.message).toContain(`(${buffers} bytes); the memory budget "maxBytes" is`);
  });

  it("refuses a render whose buffers plus result arrays exceed it, up front; renders within it", async () => {
    const probe = Runtime.create(stereo);
    const buffers = probe.bufferBytes();
    probe.dispose();
    const frames = 10_000;
    const output = frames * 2 * 8;
    const error = await refusal(() => render(stereo, { frames, maxBytes: buffers + output - 1 }));
    expect(error.message).toContain(`a render of ${frames} frames (runtime buffers plus result arrays) needs`);
    expect(error.message).toContain(`(${buffers + output} bytes)`);
    const ok = await render(stereo, { frames, maxBytes: buffers + output });
    expect(ok.samples.length).toBe(2 * frames);
    // Heat curves count: the same budget no longer fits them.
    await refusal(() => render(stereo, { frames, recordHeat: true, maxBytes: buffers + output }));
    await expect(refusal(() => render(stereo, { frames, maxBytes: 0 }))).resolves.toBeInstanceOf(AmpError);
  });
});
