/** `amp-kpn worker --redis URL [--concurrency N] [--queue NAME] [--lock-ms MS]`: serves sweep jobs from BullMQ. */
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import type { Job } from "bullmq";
import { executeJob, type JobPointResult, type SweepJob } from "../sweep/job";
import { JobRuntimes } from "../sweep/job-runtimes";
import { bullConnection, loadBullmq, probeRedis } from "../sweep/distributed";
import { runtimeIdentity, runtimeMismatch } from "../sweep/runtime-identity";
import { numberFlag, requiredFlag, usageError } from "./args";

export const WORKER_USAGE = `amp-kpn worker --redis URL [options]
  --redis URL         Redis holding the sweep queue, e.g. redis://127.0.0.1:6379
  --concurrency N     jobs rendered at once (default 1; each job holds one runtime)
  --queue NAME        BullMQ queue (default amp-kpn-sweep, the sweep() default)
  --lock-ms MS        job lock in ms (default 30000): a job whose worker died is retried
                      elsewhere once its lock expires (BullMQ stalled-job check, every MS)
  Runs until SIGINT or SIGTERM; refuses jobs sent from another runtime build.`;

/** Renders one job (no samples travel back: audio goes to the job's folder) on a kept runtime when one fits. */
async function serveJob(job: Job<SweepJob>, runtimes: JobRuntimes): Promise<JobPointResult[]> {
  const mismatch = runtimeMismatch(job.data.runtime, runtimeIdentity());
  if (mismatch !== undefined) throw new (loadBullmq().UnrecoverableError)(mismatch);
  const results = await executeJob(job.data, undefined, runtimes);
  return results.map(({ samples: _samples, ...rest }) => rest);
}

/** Serves jobs until the process is told to stop; resolves when the worker has closed. */
export async function workerCommand(args: readonly string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      redis: { type: "string" },
      concurrency: { type: "string" },
      queue: { type: "string" },
      "lock-ms": { type: "string" },
    },
  });
  if (positionals.length !== 0) throw usageError(`worker takes no positional arguments, got ${positionals.join(" ")}\n${WORKER_USAGE}`);
  const url = requiredFlag("redis", values.redis);
  if (!/^rediss?:\/\//.test(url)) throw usageError(`--redis expects a URL such as redis://127.0.0.1:6379, got ${JSON.stringify(url)}`);
  const concurrency = numberFlag("concurrency", values.concurrency) ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw usageError(`--concurrency expects an integer in [1, 256], got ${concurrency}`);
  const lockMs = numberFlag("lock-ms", values["lock-ms"]) ?? 30000;
  if (!Number.isInteger(lockMs) || lockMs < 500 || lockMs > 3_600_000)
    throw usageError(`--lock-ms expects an integer in [500, 3600000], got ${lockMs}`);
  const queue = values.queue ?? "amp-kpn-sweep";
  await probeRedis(url);
  const own = runtimeIdentity();
  const connection = bullConnection(url);
  const name = `${hostname()}-${globalThis.process.pid}`;
  const { Worker } = loadBullmq();
  // One kept runtime per job slot: concurrent jobs each take their own.
  const runtimes = new JobRuntimes(concurrency);
  const worker = new Worker<SweepJob, JobPointResult[]>(queue, (job) => serveJob(job, runtimes), {
    name,
    connection,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 1,
  });
  worker.on("failed", (job, error) => print(`job ${job?.id ?? "?"} failed: ${error.message}`));
  worker.on("error", (error) => print(`worker error: ${error.message}`));
  await worker.waitUntilReady();
  print(`amp-kpn worker ${name} ready: queue ${queue} on ${url}, concurrency ${concurrency}, build ${own.buildId.slice(0, 12)}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      void worker.close().finally(() => {
        runtimes.clear();
        connection.disconnect();
        resolve();
      });
    };
    globalThis.process.once("SIGINT", stop);
    globalThis.process.once("SIGTERM", stop);
  });
}
