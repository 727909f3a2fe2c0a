/**
 * A pool of worker threads running sweep jobs, each thread with its own runtime. Jobs are handed
 * out one at a time to the next free thread; results come back in any order, keyed by point.
 * The threads load the compiled library (`dist/sweep/pool-worker.js`).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { ampError } from "../errors";
import type { JobPointResult, SweepJob } from "./job";
import { errorFromJSON, type ErrorJSON } from "./remote-error";

type Outgoing =
  | { readonly type: "done"; readonly id: number; readonly results: JobPointResult[] }
  | { readonly type: "failed"; readonly id: number; readonly error: ErrorJSON };

/** The worker script: next to this file when running compiled, else the package's dist/. */
export function poolWorkerScript(): string {
  const here = join(__dirname, "pool-worker.js");
  if (existsSync(here)) return here;
  const built = join(__dirname, "..", "..", "dist", "sweep", "pool-worker.js");
  if (existsSync(built)) return built;
  throw ampError("AMP_ERR_INTERNAL", `sweep pool: the worker script ${built} is missing; run npm run build`, { stage: "sweep" });
}

/**
 * Runs `jobs` on `size` threads; `onResult` sees each job's results as they arrive. Rejects with
 * the first failure (after stopping the other threads); `signal` cancels the renders in flight.
 */
export async function runPool(
  jobs: readonly SweepJob[],
  size: number,
  onResult: (results: JobPointResult[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  const script = poolWorkerScript();
  const threads = Array.from({ length: Math.min(size, jobs.length) }, () => new Worker(script));
  let next = 0;
  let failure: unknown;
  let closing = false; // terminate() below makes threads exit with code 1: not a failure
  const onAbort = () => {
    for (const t of threads) t.postMessage({ type: "cancel" });
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.all(
      threads.map(
        (thread) =>
          new Promise<void>((resolve) => {
            const feed = () => {
              // After a stop no new job starts (the cancel reaches only the renders in flight).
              if (failure !== undefined || next >= jobs.length || signal?.aborted === true) {
                resolve();
                return;
              }
              const id = next;
              next += 1;
              thread.postMessage({ type: "job", id, job: jobs[id] });
            };
            thread.on("message", (message: Outgoing) => {
              if (message.type === "done") onResult(message.results);
              else failure ??= errorFromJSON(message.error);
              feed();
            });
            thread.on("error", (error) => {
              failure ??= error;
              resolve();
            });
            thread.on("exit", (code) => {
              if (code !== 0 && !closing)
                failure ??= ampError("AMP_ERR_INTERNAL", `sweep pool: a worker thread exited with code ${code}`, { stage: "sweep" });
              resolve();
            });
            feed();
          }),
      ),
    );
  } finally {
    signal?.removeEventListener("abort", onAbort);
    closing = true;
    await Promise.all(threads.map((t) => t.terminate()));
  }
  if (failure !== undefined) throw failure;
}
