/**
 * Compiled runtimes kept between sweep jobs. Jobs of one graph structure carry the same graph
 * (and its hash) and differ only in their overrides, so a runtime compiled for one of them can
 * render the next: {@link JobRuntimes.take} hands out an idle runtime compiled for the same key
 * (graph hash, lanes, render settings, lane sharing), with its overrides cleared and its stream
 * reset to frame 0 (every node's state, every delay FIFO, the heat totals and the frame counter,
 * as right after compiling), and {@link JobRuntimes.give} takes it back after a job that ended
 * well. A job's results therefore do not depend on which jobs a runtime rendered before
 * (test/sweep-reuse.test.ts checks it). Each runtime is used by one job at a time (taken out
 * while in use), so one cache may serve jobs that run concurrently.
 */
import type { NodeParamsJSON } from "../graph/json";
import type { Runtime } from "../render/runtime";

/** What a job reads about its runtime's graph, fixed once compiled (read once per runtime). */
export interface CompiledFacts {
  readonly outputChannels: number;
  readonly latencyFrames: number;
  /** Each node's parameters in the compiled graph JSON, by node name. */
  readonly params: ReadonlyMap<string, NodeParamsJSON>;
}

/** A runtime with the facts read when it was compiled. */
export interface HeldRuntime {
  readonly runtime: Runtime;
  readonly facts: CompiledFacts;
  /**
   * The output array of its last render (on libuv's pool or on the calling thread, see
   * ./render-here.ts), reused by the next job of the same length whose samples are not kept (no
   * audio in memory). Used by one job at a time, as the runtime is.
   */
  output?: Float64Array | undefined;
}

/** Idle compiled runtimes by key; at most `capacity` kept, the least recently given back dropped first. */
export class JobRuntimes {
  readonly #capacity: number;
  readonly #idle: { readonly key: string; readonly held: HeldRuntime }[] = [];

  /** @param capacity - idle runtimes kept, integer >= 0 (0 keeps none) */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** An idle runtime compiled for `key`, cleared and reset (taken out of the cache), or undefined. */
  take(key: string): HeldRuntime | undefined {
    const at = this.#idle.findIndex((entry) => entry.key === key);
    if (at < 0) return undefined;
    const [{ held }] = this.#idle.splice(at, 1) as [{ key: string; held: HeldRuntime }];
    try {
      held.runtime.clearParams();
      held.runtime.reset();
    } catch (error) {
      held.runtime.dispose();
      throw error;
    }
    return held;
  }

  /** Keeps `held` for the next job of `key` (disposing the oldest idle runtime beyond capacity). */
  give(key: string, held: HeldRuntime): void {
    this.#idle.push({ key, held });
    while (this.#idle.length > this.#capacity) this.#idle.shift()?.held.runtime.dispose();
  }

  /** Disposes every idle runtime. */
  clear(): void {
    for (const { held } of this.#idle.splice(0)) held.runtime.dispose();
  }
}
