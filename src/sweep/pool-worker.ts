/**
 * Entry of a sweep pool thread (`worker_threads`): one render at a time, jobs from the parent
 * queued here and run one by one in arrival order (the parent sends the next job before this one
 * ends, so the thread starts it without waiting for a round trip). Messages in: `{ type: "job",
 * id, job }` (a job without `graph` renders the graph of the last job that came with one, which
 * has its `graphHash`); `{ type: "cancel" }` (cancels the render in flight and drops the queued jobs);
 * `{ type: "drain" }` (drops the queued jobs, the one in flight finishes). Out, once per job:
 * `{ type: "done", id, results }` (sample buffers transferred), `{ type: "failed", id, error }`
 * or `{ type: "skipped", id }` (dropped before it started). The thread keeps the runtime of its
 * last job that ended well, for the next job of the same graph (see ./job-runtimes.ts), and
 * renders on itself, in chunks into an array kept with that runtime (see ./render-here.ts): it
 * reads a cancel between chunks.
 */
import { parentPort } from "node:worker_threads";
import type { GraphJSON } from "../graph/json";
import { ampError } from "../errors";
import { executeJob, type SweepJob } from "./job";
import { JobRuntimes } from "./job-runtimes";
import { errorToJSON } from "./remote-error";

type Incoming =
  | { readonly type: "job"; readonly id: number; readonly job: Omit<SweepJob, "graph"> & { readonly graph?: GraphJSON } }
  | { readonly type: "cancel" }
  | { readonly type: "drain" };

let controller = new AbortController();
const queue: { readonly id: number; readonly job: SweepJob }[] = [];
let running = false;
const runtimes = new JobRuntimes(1);
let lastGraph: { readonly hash: string; readonly graph: GraphJSON } | undefined;

function dropQueued(): void {
  for (const { id } of queue.splice(0)) parentPort?.postMessage({ type: "skipped", id });
}

async function runQueue(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { id, job } = next;
      try {
        const results = await executeJob(job, controller.signal, runtimes, true);
        const transfer = results.flatMap((r) => (r.samples === undefined ? [] : [r.samples.buffer as ArrayBuffer]));
        parentPort?.postMessage({ type: "done", id, results }, transfer);
      } catch (error: unknown) {
        parentPort?.postMessage({ type: "failed", id, error: errorToJSON(error) });
      }
    }
  } finally {
    running = false;
  }
}

parentPort?.on("message", (message: Incoming) => {
  if (message.type === "cancel") {
    controller.abort(new Error("sweep cancelled"));
    controller = new AbortController();
    dropQueued();
    return;
  }
  if (message.type === "drain") {
    dropQueued();
    return;
  }
  const { job } = message;
  if (job.graph !== undefined) lastGraph = { hash: job.graphHash, graph: job.graph };
  else if (lastGraph?.hash !== job.graphHash) {
    const error = ampError("AMP_ERR_INTERNAL", "sweep pool: a job came without its graph", { stage: "sweep" });
    parentPort?.postMessage({ type: "failed", id: message.id, error: errorToJSON(error) });
    return;
  }
  queue.push({ id: message.id, job: job.graph !== undefined ? (job as SweepJob) : { ...job, graph: lastGraph.graph } });
  void runQueue();
});
