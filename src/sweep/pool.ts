/**
 * A pool of worker threads running sweep jobs, each thread with its own runtime. Each thread
 * holds up to {@link POOL_DEPTH} jobs (one running, the next queued in the thread), so it starts
 * its next job without waiting for this thread to answer; once no more jobs remain than threads,
 * a thread gets a job only when it is free, so the last ones go to whichever thread frees first.
 * Results come back in any order, keyed by point. A job travels without its graph when the last
 * job sent to that thread had the same graph (the thread keeps it).
 * The threads load the compiled library (`dist/sweep/pool-worker.js`), which costs each thread
 * about as much as tens of renders of a small graph, so threads are kept between sweeps: a sweep
 * takes idle threads (starting more when it needs them) and gives them back when it ends; idle
 * threads do not keep the process alive and exit after {@link POOL_IDLE_MS} unused. A thread
 * that failed (an error or exit, not a failed job) is never reused.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { ampError } from "../errors";
import type { JobPointResult, SweepJob } from "./job";
import { errorFromJSON, type ErrorJSON } from "./remote-error";

type Outgoing =
  | { readonly type: "done"; readonly id: number; readonly results: JobPointResult[] }
  | { readonly type: "failed"; readonly id: number; readonly error: ErrorJSON }
  | { readonly type: "skipped"; readonly id: number };

/** Jobs a thread holds at once (running and queued) while more jobs remain than threads. */
export const POOL_DEPTH = 2;

/** The worker script: next to this file when running compiled, else the package's dist/. */
export function poolWorkerScript(): string {
  const here = join(__dirname, "pool-worker.js");
  if (existsSync(here)) return here;
  const built = join(__dirname, "..", "..", "dist", "sweep", "pool-worker.js");
  if (existsSync(built)) return built;
  throw ampError("AMP_ERR_INTERNAL", `sweep pool: the worker script ${built} is missing; run npm run build`, { stage: "sweep" });
}

/** Idle threads exit after this many milliseconds without a sweep. */
export const POOL_IDLE_MS = 30_000;

const idle: Worker[] = [];
let reaper: ReturnType<typeof setTimeout> | undefined;

function spawn(script: string): Worker {
  const thread = new Worker(script);
  // A thread that dies while idle leaves the pool.
  thread.once("exit", () => {
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
  });
  return thread;
}

/** Starts threads now (idle, unreferenced) so that at least `count` are ready for the next sweep. */
export function prestartPool(count: number): void {
  if (count < 1 || idle.length >= count) return;
  const script = poolWorkerScript();
  while (idle.length < count) {
    const thread = spawn(script);
    thread.unref();
    idle.push(thread);
  }
  scheduleReaper();
}

function scheduleReaper(): void {
  if (reaper !== undefined) clearTimeout(reaper);
  reaper = setTimeout(() => {
    reaper = undefined;
    for (const thread of idle.splice(0)) void thread.terminate();
  }, POOL_IDLE_MS);
  reaper.unref();
}

/** Threads for one sweep: idle ones first, then new ones; referenced while in use. */
function acquire(count: number): Worker[] {
  const threads = idle.splice(0, count);
  if (threads.length < count) {
    const script = poolWorkerScript();
    while (threads.length < count) threads.push(spawn(script));
  }
  for (const thread of threads) thread.ref();
  return threads;
}

/**
 * Runs `jobs` on `size` threads; `onResult` sees each job's results as they arrive. Rejects with
 * the first failure (after the other threads dropped their queued jobs and finished the one in
 * flight); `signal` cancels the renders in flight and drops the queued jobs. The threads go back to the pool (those that failed are terminated).
 */
export async function runPool(
  jobs: readonly SweepJob[],
  size: number,
  onResult: (results: JobPointResult[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  const threads = acquire(Math.min(size, jobs.length));
  const broken = new Set<Worker>();
  const detach: (() => void)[] = [];
  let next = 0;
  let failure: unknown;
  const onAbort = () => {
    for (const t of threads) t.postMessage({ type: "cancel" });
  };
  // After a failure the threads drop their queued jobs (the ones running finish).
  const stop = (error: unknown) => {
    if (failure !== undefined) return;
    failure = error;
    for (const t of threads) if (!broken.has(t)) t.postMessage({ type: "drain" });
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.all(
      threads.map(
        (thread) =>
          new Promise<void>((resolve) => {
            let held = 0;
            let lastGraph: string | undefined; // graphHash of the last graph sent to this thread
            const feed = () => {
              // After a stop no new job starts (the cancel reaches only the renders in flight).
              const stopped = failure !== undefined || signal?.aborted === true;
              while (!stopped && next < jobs.length && held < (jobs.length - next > threads.length ? POOL_DEPTH : 1)) {
                const id = next;
                next += 1;
                held += 1;
                const job = jobs[id] as SweepJob;
                // The thread keeps the last graph it was sent: the next jobs of that graph travel without it.
                if (job.graphHash === lastGraph) {
                  const { graph: _graph, ...rest } = job;
                  thread.postMessage({ type: "job", id, job: rest });
                } else {
                  lastGraph = job.graphHash;
                  thread.postMessage({ type: "job", id, job });
                }
              }
              if (held === 0) resolve();
            };
            const onMessage = (message: Outgoing) => {
              held -= 1;
              if (message.type === "done") onResult(message.results);
              else if (message.type === "failed") stop(errorFromJSON(message.error));
              feed();
            };
            const onError = (error: Error) => {
              broken.add(thread);
              stop(error);
              resolve();
            };
            const onExit = (code: number) => {
              broken.add(thread);
              stop(ampError("AMP_ERR_INTERNAL", `sweep pool: a worker thread exited with code ${code}`, { stage: "sweep" }));
              resolve();
            };
            thread.on("message", onMessage);
            thread.on("error", onError);
            thread.on("exit", onExit);
            detach.push(() => {
              thread.off("message", onMessage);
              thread.off("error", onError);
              thread.off("exit", onExit);
            });
            feed();
          }),
      ),
    );
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const off of detach) off();
    // Every live thread has answered every job it held: none has work in flight or queued.
    for (const thread of threads) {
      if (broken.has(thread)) {
        void thread.terminate();
        continue;
      }
      thread.unref();
      idle.push(thread);
    }
    scheduleReaper();
  }
  if (failure !== undefined) throw failure;
}
