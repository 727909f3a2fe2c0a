/**
 * Entry of a sweep pool thread (`worker_threads`): one runtime at a time, jobs from the parent
 * one by one. Messages in: `{ type: "job", id, job }`, `{ type: "cancel" }`; out: `{ type: "done",
 * id, results }` (sample buffers transferred) or `{ type: "failed", id, error }`.
 */
import { parentPort } from "node:worker_threads";
import { executeJob, type SweepJob } from "./job";
import { errorToJSON } from "./remote-error";

type Incoming = { readonly type: "job"; readonly id: number; readonly job: SweepJob } | { readonly type: "cancel" };

let controller = new AbortController();

parentPort?.on("message", (message: Incoming) => {
  if (message.type === "cancel") {
    controller.abort(new Error("sweep cancelled"));
    controller = new AbortController();
    return;
  }
  const { id, job } = message;
  executeJob(job, controller.signal).then(
    (results) => {
      const transfer = results.flatMap((r) => (r.samples === undefined ? [] : [r.samples.buffer as ArrayBuffer]));
      parentPort?.postMessage({ type: "done", id, results }, transfer);
    },
    (error: unknown) => parentPort?.postMessage({ type: "failed", id, error: errorToJSON(error) }),
  );
});
