// Fuzzing the WAV reader (decodeWav: wavefile's parser behind this package's header checks):
// mutated corpus files (bytes set, 32-bit size fields replaced with edge values, cuts, splices).
// Oracle: decodeWav returns planar audio whose shape agrees with itself, or throws an AmpError
// (AMP_ERR_INVALID_ARGUMENT, stage "wav"); never another exception. Corpus:
// test/fuzz/corpus/wav (seed files of every format read, and every input that ever failed).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AmpError } from "../src/errors";
import { decodeWav } from "../src/io/wav";
import { corpus, fuzzParameters, saveCrash } from "./fuzz/fuzz-budget";

const SEEDS = corpus("wav");
const EDGE_SIZES = [0, 1, 2, 3, 4, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0xfffffff0, 65535, 65536];

type Edit =
  | { kind: "byte"; at: number; value: number }
  | { kind: "u32"; at: number; value: number }
  | { kind: "u16"; at: number; value: number }
  | { kind: "cut"; at: number }
  | { kind: "splice"; at: number; bytes: Uint8Array };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("byte" as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant("u32" as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...EDGE_SIZES), fc.nat()) }),
  fc.record({
    kind: fc.constant("u16" as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 1, 3, 6, 7, 17, 64, 65534, 65535), fc.nat(65535)),
  }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("splice" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 24 }) }),
);

function mutate(seed: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let bytes = Uint8Array.from(seed);
  for (const e of edits) {
    if (bytes.length === 0) break;
    const at = e.at % bytes.length;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (e.kind === "byte") bytes[at] = e.value;
    else if (e.kind === "u32" && at + 4 <= bytes.length) view.setUint32(at & ~3, e.value >>> 0, true);
    else if (e.kind === "u16" && at + 2 <= bytes.length) view.setUint16(at & ~1, e.value, true);
    else if (e.kind === "cut") bytes = bytes.slice(0, at);
    else if (e.kind === "splice") bytes = Uint8Array.from([...bytes.subarray(0, at), ...e.bytes, ...bytes.subarray(at)]);
  }
  return bytes;
}

/** The oracle: a consistent decode or an AmpError of stage "wav". */
function checkDecode(bytes: Uint8Array): void {
  let audio;
  try {
    audio = decodeWav(bytes);
  } catch (error) {
    if (!(error instanceof AmpError) || error.code !== "AMP_ERR_INVALID_ARGUMENT" || error.stage !== "wav") {
      throw new Error(`decodeWav threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    return;
  }
  const { samples, channels, frames, sampleRate } = audio;
  if (!(samples instanceof Float64Array)) throw new Error("samples is not a Float64Array");
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`channels ${channels}`);
  if (!Number.isInteger(frames) || frames < 0 || samples.length !== channels * frames)
    throw new Error(`${samples.length} samples for ${channels} x ${frames}`);
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new Error(`sample rate ${sampleRate}`);
}

describe("fuzz: WAV reader", () => {
  it("replays the corpus: seeds decode, regression inputs are refused cleanly", () => {
    expect(SEEDS.length).toBeGreaterThan(0);
    for (const { name, bytes } of SEEDS) expect(() => checkDecode(bytes), name).not.toThrow();
    for (const { name, bytes } of SEEDS.filter((s) => s.name.endsWith(".wav") && !s.name.startsWith("crash-")))
      expect(decodeWav(bytes).frames, name).toBeGreaterThan(0);
  });

  it("decodes or refuses every mutated file", () => {
    const input = fc.record({ seed: fc.nat(SEEDS.length - 1), edits: fc.array(edit, { minLength: 1, maxLength: 4 }) });
    const result = fc.check(
      fc.property(input, ({ seed, edits }) => checkDecode(mutate((SEEDS[seed] as { bytes: Buffer }).bytes, edits))),
      fuzzParameters("wav", 1500),
    );
    console.log(`fuzz wav: ${result.numRuns} files`);
    if (result.failed && result.counterexample !== null) {
      const [{ seed, edits }] = result.counterexample;
      const path = saveCrash("wav", mutate((SEEDS[seed] as { bytes: Buffer }).bytes, edits));
      throw new Error(`WAV fuzz failed (seed ${result.seed}, saved ${path}): ${String(result.errorInstance)}`);
    }
  }, 600_000);
});
