// sweep() through BullMQ on a real redis-server (Debian's, installed by .ci/run): two `amp-kpn
// worker` processes, one killed mid-sweep; results equal the local sweep. Redis and the workers
// are stopped at the end whatever happens.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { Job, Queue } from "bullmq";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sweep } from "../src/index";
import { ensureDist, ROOT } from "./helpers/dist";
import { sweepGraph } from "./helpers/sweep-graph";

// These tests start processes (redis-server, workers); on a loaded machine that alone can take
// many seconds. Timeouts only detect hangs.
vi.setConfig({ testTimeout: 240_000 });

const dir = mkdtempSync(join(tmpdir(), "amp-sweep-redis-"));
const children: ChildProcess[] = [];
let url = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Spawns a process and resolves once a stdout line matches `ready`. */
function start(command: string, args: readonly string[], ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) resolve(child);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`${command} exited with ${code} before it was ready:\n${out}`)));
  });
}

/** Starts `amp-kpn worker`; resolves with the process and the worker name it prints. */
async function startWorker(queue: string): Promise<{ child: ChildProcess; name: string }> {
  const cli = join(ROOT, "dist", "cli", "main.js");
  const child = await start(process.execPath, [cli, "worker", "--redis", url, "--queue", queue, "--lock-ms", "1000"], /worker \S+ ready/);
  return { child, name: `${hostname()}-${child.pid}` };
}

/**
 * Kills a worker while it holds a job: freezes it (SIGSTOP), looks for an active job it
 * processes, and SIGKILLs it then; when it held none, lets it run on briefly and tries again.
 * Resolves with the id of the job it died holding.
 */
async function killMidJob(queue: Queue, worker: { child: ChildProcess; name: string }): Promise<string> {
  for (;;) {
    worker.child.kill("SIGSTOP");
    const held = (await queue.getActive()).find((job) => job.processedBy === worker.name);
    if (held?.id !== undefined) {
      worker.child.kill("SIGKILL");
      return held.id;
    }
    worker.child.kill("SIGCONT");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  ensureDist();
  const port = await freePort();
  await start(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    /Ready to accept connections/,
  );
  url = `redis://127.0.0.1:${port}`;
}, 120_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("sweep through BullMQ", () => {
  it("32 points on two workers, one killed mid-job: its job is retried, every result arrives once and equals the local sweep", async () => {
    const queueName = "kill-test";
    const [first] = await Promise.all([startWorker(queueName), startWorker(queueName)]);
    const connection = new IORedis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(queueName, { connection });
    try {
      const base = sweepGraph();
      const grid = { "osc.frequency": Array.from({ length: 16 }, (_, i) => 200 + 50 * i), "rc.resistance": [5, 20] };
      const options = { grid, frames: 48_000, pack: false, measure: { centroid: true, heat: "nodes" } } as const;
      const progress: number[] = [];
      let killed: Promise<string> | undefined;
      const distributed = await sweep(base, {
        ...options,
        redis: url,
        queue: queueName,
        onProgress: (p) => {
          progress.push(p.done);
          if (killed === undefined && p.done >= 4) killed = killMidJob(queue, first!);
        },
      });
      expect(killed).toBeDefined();
      const retried = await queue.getJob(await killed!);
      expect(retried?.stalledCounter).toBe(1); // BullMQ found it stalled and moved it back to wait
      expect(await retried?.getState()).toBe("completed");
      expect(retried?.processedBy).not.toBe(first!.name);
      expect(progress).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      const local = await sweep(base, { ...options, workers: 2 });
      expect(distributed.rows).toHaveLength(32);
      distributed.rows.forEach((row, i) => {
        expect(row.error).toBeUndefined();
        expect(row.index).toBe(i);
        expect(row.graphHash).toBe(local.rows[i]!.graphHash);
        expect(row.measurements).toEqual(local.rows[i]!.measurements);
      });
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it("a packed sweep with WAV files in a shared folder equals the local one", async () => {
    const queue = "packed";
    await startWorker(queue);
    const base = sweepGraph();
    const grid = { "osc.frequency": [220, 330, 440, 550], "out.limit": [0.1, 0.3] };
    const folder = join(dir, "shared");
    const remote = await sweep(base, { grid, frames: 4096, redis: url, queue, audio: { folder } });
    const local = await sweep(base, { grid, frames: 4096, workers: 0 });
    expect(remote.rows.map((r) => r.measurements)).toEqual(local.rows.map((r) => r.measurements));
    expect(remote.rows.every((r) => r.file?.startsWith(folder) === true)).toBe(true);
  });

  it("resumes through BullMQ a sweep interrupted locally: only the missing points become jobs", async () => {
    const queue = "resume";
    await startWorker(queue);
    const base = sweepGraph();
    const grid = { "osc.frequency": [220, 330, 440, 550, 660, 770], "rc.resistance": [5, 20] };
    const options = { grid, frames: 4096, pack: false, measure: { centroid: true } } as const;
    const resultsFile = join(dir, "resume.jsonl");
    const controller = new AbortController();
    const interrupted = sweep(base, {
      ...options,
      workers: 0,
      resultsFile,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 5) controller.abort();
      },
    });
    await expect(interrupted).rejects.toMatchObject({ code: "AMP_ERR_CANCELLED" });
    const progress: number[] = [];
    const resumed = await sweep(base, { ...options, redis: url, queue, resultsFile, onProgress: (p) => progress.push(p.done) });
    expect(progress).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    const whole = await sweep(base, { ...options, workers: 0 });
    expect(resumed.toCSV()).toBe(whole.toCSV());
    expect(resumed.rows.map((r) => r.measurements)).toEqual(whole.rows.map((r) => r.measurements));
  });

  it("a worker refuses a job sent from another runtime build, with a clear error", async () => {
    const queue = "mismatch";
    await startWorker(queue);
    const connection = new IORedis(url, { maxRetriesPerRequest: null });
    const q = new Queue(queue, { connection });
    try {
      await q.add(
        "render",
        {
          graph: sweepGraph().toJSON(),
          render: { frames: 64, sampleRate: 48000, blockFrames: 512, threads: 1 },
          measure: {},
          points: [{ index: 0, hash: "x" }],
          overrides: [],
          runtime: { packageVersion: "0.0.0-other", apiVersion: 1, buildId: "f".repeat(64) },
        },
        { jobId: "other-build" },
      );
      // The job's own state is polled (an event listener can miss a failure that happens before
      // its first stream read).
      let reason: string | undefined;
      while (reason === undefined) {
        const job = await Job.fromId(q, "other-build");
        if (job !== undefined && (await job.isFailed())) reason = job.failedReason;
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(reason).toMatch(
        /runtime mismatch: the sweep was sent by amp-kpn 0.0.0-other.*build ffffffffffff but this worker runs amp-kpn/,
      );
    } finally {
      await q.close();
      connection.disconnect();
    }
  });
});

describe("sweep through a worker of another build", () => {
  it("the worker refuses every job and each row says why", async () => {
    // A copy of the package with another version: its own dist/ and addon file, shared node_modules.
    const other = join(dir, "other-build");
    mkdirSync(join(other, "build", "Release"), { recursive: true });
    cpSync(join(ROOT, "dist"), join(other, "dist"), { recursive: true });
    cpSync(join(ROOT, "build", "Release", "amp_kpn.node"), join(other, "build", "Release", "amp_kpn.node"));
    symlinkSync(join(ROOT, "node_modules"), join(other, "node_modules"));
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    writeFileSync(join(other, "package.json"), JSON.stringify({ ...pkg, version: "0.0.0-other" }));
    const queue = "other-build";
    await start(process.execPath, [join(other, "dist", "cli", "main.js"), "worker", "--redis", url, "--queue", queue], /worker \S+ ready/);
    const table = await sweep(sweepGraph(), { grid: { "osc.frequency": [220, 440, 660] }, frames: 256, pack: false, redis: url, queue });
    expect(table.failed).toHaveLength(3);
    for (const row of table.rows) {
      expect(row.measurements).toEqual({});
      expect(row.error).toMatch(
        new RegExp(
          `runtime mismatch: the sweep was sent by amp-kpn ${pkg.version}, .* but this worker runs amp-kpn 0.0.0-other, .*refuses the job`,
        ),
      );
    }
    expect(table.toString()).toContain("runtime mismatch");
  });
});

describe("amp-kpn worker: bad input", () => {
  const cli = join(ROOT, "dist", "cli", "main.js");
  it("needs --redis, and fails clearly (no hang) when Redis cannot be reached", () => {
    const missing = spawnSync(process.execPath, [cli, "worker"], { encoding: "utf8" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/--redis is required/);
    const unreachable = spawnSync(process.execPath, [cli, "worker", "--redis", "redis://127.0.0.1:1"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach Redis at redis:\/\/127.0.0.1:1/);
    const concurrency = spawnSync(process.execPath, [cli, "worker", "--redis", url, "--concurrency", "0"], { encoding: "utf8" });
    expect(concurrency.stderr).toMatch(/--concurrency expects an integer in \[1, 256\], got 0/);
  });
});
