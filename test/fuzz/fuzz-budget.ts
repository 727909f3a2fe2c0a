// How long a property-based fuzz test runs: a fixed number of runs from a fixed seed in
// `npm test`; a time budget from a fresh seed (printed, so a failure can be replayed) when
// AMP_FUZZ_SECONDS is set (scripts/fuzz-js.sh, run by .ci/run). AMP_FUZZ_SEED replays a seed.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Parameters } from "fast-check";

export const CORPUS_ROOT = join(__dirname, "corpus");

export function fuzzParameters<T>(name: string, quickRuns: number): Parameters<T> {
  const seconds = Number(process.env["AMP_FUZZ_SECONDS"] ?? 0);
  const seed =
    process.env["AMP_FUZZ_SEED"] !== undefined ? Number(process.env["AMP_FUZZ_SEED"]) : seconds > 0 ? Date.now() % 2 ** 31 : 20261202;
  if (seconds > 0) {
    console.log(`fuzz ${name}: seed ${seed}, ${seconds} s`);
    return { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false };
  }
  return { seed, numRuns: quickRuns };
}

/** The corpus files of a target (regression inputs and seeds), sorted by name. */
export function corpus(target: string): { name: string; bytes: Buffer }[] {
  const dir = join(CORPUS_ROOT, target);
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

/** Saves a failing input into the corpus (named by its hash) so that it becomes a regression case once fixed. */
export function saveCrash(target: string, bytes: Uint8Array): string {
  const dir = join(CORPUS_ROOT, target);
  mkdirSync(dir, { recursive: true });
  const name = `crash-${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}`;
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
}
