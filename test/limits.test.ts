// One source of limits: the native catalogue's `limits`, carried into NATIVE_LIMITS by the
// generator; every TypeScript limit and every hand-written range in the TSDoc follows it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GRAPH_LIMITS, graph, NATIVE_LIMITS, nodeCatalog, RENDER_LIMITS, sineOsc, type LimitName } from "../src/index";
import { METADATA_LIMITS } from "../src/nodes/common";
import { formatLimit, REQUIRED_LIMITS } from "../src/nodes/limit-facts";
import { ROOT } from "./helpers/dist";

describe("NATIVE_LIMITS", () => {
  it("is the catalogue's limits object, with every required limit", () => {
    expect(nodeCatalog().limits).toBe(NATIVE_LIMITS);
    expect(Object.keys(NATIVE_LIMITS)).toEqual(expect.arrayContaining([...REQUIRED_LIMITS]));
    expect(NATIVE_LIMITS.sampleRate).toEqual({ min: 0, max: NATIVE_LIMITS.sampleRate.max, minExclusive: true });
  });

  it("equals the limits the compiled runtime exports", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(join(ROOT, "build", "Release", "amp_kpn.node")) as { nodeCatalog(): string };
    expect((JSON.parse(addon.nodeCatalog()) as { limits: unknown }).limits).toEqual(NATIVE_LIMITS);
  });

  it("is where GRAPH_LIMITS, RENDER_LIMITS and the node-metadata limits come from", () => {
    const same = (range: { min: number; max: number; minExclusive: boolean }, name: LimitName): void => {
      expect({ min: range.min, max: range.max, minExclusive: range.minExclusive }).toEqual(NATIVE_LIMITS[name]);
    };
    same(GRAPH_LIMITS.sampleRate, "sampleRate");
    same(GRAPH_LIMITS.modulationChannel, "modulationChannel");
    same(GRAPH_LIMITS.edgeDelayFrames, "edgeDelayFrames");
    same(RENDER_LIMITS.batches, "batches");
    same(RENDER_LIMITS.blockFrames, "blockFrames");
    same(METADATA_LIMITS.oversample, "oversample");
    same(METADATA_LIMITS.declaredDelayFrames, "declaredDelayFrames");
    same(METADATA_LIMITS.modulationChannels, "modulationChannels");
    expect(GRAPH_LIMITS.sampleRate).toMatchObject({ kind: "number", unit: "Hz" });
    expect(RENDER_LIMITS.blockFrames).toMatchObject({ kind: "integer", unit: "frames" });
  });
});

describe("validation uses the native numbers", () => {
  it("takes any sample rate in (0, max]: open at 0, fractional rates allowed", () => {
    const range = formatLimit(NATIVE_LIMITS.sampleRate);
    expect(range).toBe(`(0, ${NATIVE_LIMITS.sampleRate.max}]`);
    const g = graph().add("osc", sineOsc());
    expect(g.withSampleRate(0.5).sampleRate).toBe(0.5);
    expect(g.withSampleRate(NATIVE_LIMITS.sampleRate.max).sampleRate).toBe(NATIVE_LIMITS.sampleRate.max);
    expect(() => g.withSampleRate(0)).toThrow(`graph "sample_rate" expects a finite number in ${range} Hz, got 0`);
    expect(() => g.withSampleRate(NATIVE_LIMITS.sampleRate.max * 2)).toThrow(range);
  });

  it("names the native ranges of the node metadata and the link options", () => {
    const { oversample, declaredDelayFrames, modulationChannels, modulationChannel, edgeDelayFrames } = NATIVE_LIMITS;
    expect(() => graph().add("o", sineOsc({ oversample: oversample.max + 1 }))).toThrow(
      `expects an integer in ${formatLimit(oversample)}, got ${oversample.max + 1}`,
    );
    expect(() => graph().add("o", sineOsc({ declaredDelayFrames: -1 }))).toThrow(
      `expects an integer in ${formatLimit(declaredDelayFrames)} frames`,
    );
    expect(() => graph().add("o", sineOsc({ modulation: { channels: 0 } }))).toThrow(
      `expects an integer in ${formatLimit(modulationChannels)}, got 0`,
    );
    const g = graph().add("a", sineOsc()).add("b", sineOsc());
    expect(() => g.modulate("a", "b.frequency", { channel: modulationChannel.max + 1 })).toThrow(
      `expects an integer in ${formatLimit(modulationChannel)}`,
    );
    expect(() => g.modulate("a", "b.frequency", { delayFrames: edgeDelayFrames.max + 1 })).toThrow(
      `expects an integer in ${formatLimit(edgeDelayFrames)} frames`,
    );
  });
});

describe("hand-written TSDoc quotes the native ranges", () => {
  /** [file, text that identifies the documented value, the limit its range must be]. Every line holding the text must quote the range. */
  const QUOTES: readonly (readonly [string, string, LimitName])[] = [
    ["src/nodes/common.ts", "Internal oversampling factor, integer in", "oversample"],
    ["src/nodes/common.ts", "Latency the node adds, in output frames, integer in", "declaredDelayFrames"],
    ["src/nodes/common.ts", "Channels of every modulated parameter of this node, integer in", "modulationChannels"],
    ["src/graph/options.ts", "Fixed source channel, integer in", "modulationChannel"],
    ["src/graph/options.ts", "integer frames in", "edgeDelayFrames"],
    ["src/graph/json.ts", "Extra delay on the edge, integer frames in", "edgeDelayFrames"],
    ["src/graph/graph.ts", "extra delay on the edge, integer frames in", "edgeDelayFrames"],
    ["src/graph/graph.ts", "graph's sample rate in Hz", "sampleRate"],
    ["src/graph/limits.ts", "the sample rate in Hz", "sampleRate"],
    ["src/graph/limits.ts", "source channel of a modulation edge, integer in", "modulationChannel"],
    ["src/render/limits.ts", "`batches` (integer in", "batches"],
    ["src/render/limits.ts", "Checks a sample rate in Hz", "sampleRate"],
    ["src/render/render.ts", "Sample rate in Hz, in", "sampleRate"],
    ["src/render/render.ts", "Independent lanes rendered together, integer in", "batches"],
    ["src/render/render.ts", "Largest block the scheduler runs, in frames, integer in", "blockFrames"],
    ["src/render/runtime.ts", "Sample rate in Hz, in", "sampleRate"],
    ["src/render/runtime.ts", "Independent lanes rendered together, integer in", "batches"],
    ["src/render/runtime.ts", "Largest block the scheduler runs, in frames, integer in", "blockFrames"],
    ["src/render/runtime.ts", "@param batches - integer in", "batches"],
    ["src/render/runtime.ts", "@param blockFrames - integer in", "blockFrames"],
    ["src/render/runtime.ts", "Changes the sample rate (Hz, in", "sampleRate"],
  ];

  it.each(QUOTES)("%s: %s -> %s", (file, marker, name) => {
    const lines = readFileSync(join(ROOT, file), "utf8")
      .split("\n")
      .filter((line) => line.includes(marker));
    expect(lines.length, `no line of ${file} contains ${JSON.stringify(marker)}`).toBeGreaterThan(0);
    for (const line of lines) expect(line).toContain(formatLimit(NATIVE_LIMITS[name]));
  });

  it("src/graph/limits.ts and src/render/limits.ts quote the delay and block ranges", () => {
    const graphLimits = readFileSync(join(ROOT, "src/graph/limits.ts"), "utf8").replace(/\s*\n\s*\*\s*/g, " ");
    expect(graphLimits).toContain(`the delay of an edge, integer frames in \`${formatLimit(NATIVE_LIMITS.edgeDelayFrames)}\``);
    const renderLimits = readFileSync(join(ROOT, "src/render/limits.ts"), "utf8").replace(/\s*\n\s*\*\s*/g, " ");
    expect(renderLimits).toContain(`\`blockFrames\` (integer frames in ${formatLimit(NATIVE_LIMITS.blockFrames)})`);
  });
});
