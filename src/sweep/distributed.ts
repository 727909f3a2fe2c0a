/**
 * Sweep jobs through BullMQ on Redis: the client side. Each job carries the graph JSON, the
 * render settings, the measurements, its points and the sender's runtime identity; `amp-kpn
 * worker` processes (see `src/cli/worker-command.ts`) render them and return the measurements
 * through the queue. Execution is at least once (BullMQ retries a job whose worker died, once its
 * lock expires); results are keyed by point, so a point counted twice is kept once.
 */
import { randomUUID } from "node:crypto";
import type { Redis as IORedis } from "ioredis";
import { ampError } from "../errors";
import { cancelledError } from "../render/runtime";
import type { JobPointResult, SweepJob } from "./job";
import { runtimeIdentity } from "./runtime-identity";

/**
 * BullMQ and ioredis, loaded on first use: importing the library (or building graphs) never
 * loads them or the native modules they may pull in.
 */
export function loadBullmq(): typeof import("bullmq") {
  return require("bullmq") as typeof import("bullmq");
}

function newRedis(url: string, options: import("ioredis").RedisOptions): IORedis {
  const { Redis } = require("ioredis") as typeof import("ioredis");
  return new Redis(url, options);
}

/** Where the queue is. */
export interface QueueLocation {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  readonly url: string;
  /** Queue name. */
  readonly queue: string;
}

/** A point a worker refused or failed. */
export interface PointFailure {
  readonly index: number;
  readonly error: string;
}

/** How long a connection attempt to Redis may take, in ms. */
export const REDIS_CONNECT_TIMEOUT_MS = 3000;

/** Connects once without retrying; throws a clear AmpError within a few seconds when Redis cannot be reached. */
export async function probeRedis(url: string): Promise<void> {
  const client = newRedis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined); // reported below
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `cannot reach Redis at ${url}: ${error instanceof Error ? error.message : String(error)} (start it with redis-server, see docs/sweeps.md)`,
      { stage: "sweep" },
    );
  } finally {
    client.disconnect();
  }
}

/** A BullMQ connection (blocking commands need maxRetriesPerRequest null). */
export function bullConnection(url: string): IORedis {
  const connection = newRedis(url, { maxRetriesPerRequest: null, connectTimeout: REDIS_CONNECT_TIMEOUT_MS });
  connection.on("error", () => undefined); // BullMQ reports failures through its own calls
  return connection;
}

/** The job id of job `i` of sweep `sweepId`. */
function jobId(sweepId: string, i: number): string {
  return `${sweepId}-${i}`;
}

/**
 * Adds every job to the queue and waits until each has completed or failed; `onResults` sees
 * each job's point results (or the failure of each of its points) once.
 */
export async function runDistributed(
  jobs: readonly SweepJob[],
  where: QueueLocation,
  onResults: (results: readonly (JobPointResult | PointFailure)[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  await probeRedis(where.url);
  const runtime = runtimeIdentity();
  const sweepId = randomUUID();
  const { Queue, QueueEvents } = loadBullmq();
  const queueConnection = bullConnection(where.url);
  const eventsConnection = bullConnection(where.url);
  const queue = new Queue(where.queue, { connection: queueConnection });
  const events = new QueueEvents(where.queue, { connection: eventsConnection });
  const pending = new Map<string, number>(jobs.map((_, i) => [jobId(sweepId, i), i]));
  let onAbort: (() => void) | undefined;
  try {
    await events.waitUntilReady();
    await new Promise<void>((resolve, reject) => {
      const settle = (id: string, results: readonly (JobPointResult | PointFailure)[]) => {
        if (!pending.delete(id)) return;
        onResults(results);
        if (pending.size === 0) resolve();
      };
      events.on("completed", ({ jobId: id, returnvalue }) => {
        if (!pending.has(id)) return;
        const value: unknown = typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue;
        settle(id, value as JobPointResult[]);
      });
      events.on("failed", ({ jobId: id, failedReason }) => {
        const i = pending.get(id);
        if (i === undefined) return;
        settle(
          id,
          (jobs[i] as SweepJob).points.map((p) => ({ index: p.index, error: failedReason })),
        );
      });
      // Cancelling removes the jobs no worker has taken; those in flight finish and are ignored.
      onAbort = () => {
        void Promise.all([...pending.keys()].map((id) => queue.remove(id).catch(() => 0))).finally(() =>
          reject(cancelledError(signal?.reason)),
        );
      };
      if (signal?.aborted === true) onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      queue
        .addBulk(
          jobs.map((job, i) => ({
            name: "render",
            data: { ...job, runtime },
            opts: { jobId: jobId(sweepId, i), attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } },
          })),
        )
        .catch(reject);
    });
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    await Promise.allSettled([events.close(), queue.close()]);
    queueConnection.disconnect();
    eventsConnection.disconnect();
  }
}
