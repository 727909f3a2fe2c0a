#!/usr/bin/env node
// kernel.js (`node bench/kernel.js`): the notebook kernel's latency, through its kernelspec.
// - start: spawning the kernel (kernel.json argv) to the execute_result of a first cell that
//   imports amp-kpn; median of START_RUNS fresh kernels;
// - cell: a cell that renders 1 s (48 kHz, the demo graph) and shows four displayables, median of
//   CELL_RUNS after one warm-up; peers measured in the same run: the same render called directly in
//   this process (no kernel), and an empty cell (`1`) through the kernel (the protocol's floor).
// Prints medians and ranges and the ratios; timings are wall clock on this machine.
"use strict";
const { spawn, execFileSync } = require("node:child_process");
const { createHmac, randomBytes, randomUUID } = require("node:crypto");
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { createServer } = require("node:net");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const zmq = require("zeromq");
const { demoGraph, render } = require("../dist/index.js");

const ROOT = join(__dirname, "..");
const START_RUNS = Number(process.env.AMP_BENCH_KERNEL_STARTS ?? 5);
const CELL_RUNS = Number(process.env.AMP_BENCH_KERNEL_CELLS ?? 15);
const DELIM = Buffer.from("<IDS|MSG>");

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
};
const ms = (s) => `${s.median.toFixed(1)} ms (range ${s.min.toFixed(1)}-${s.max.toFixed(1)})`;

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A started kernel with a signed shell socket and an iopub subscription. */
async function startKernel(specDir, cwd) {
  const spec = JSON.parse(readFileSync(join(specDir, "kernel.json"), "utf8"));
  const dir = mkdtempSync(join(tmpdir(), "amp-bench-conn-"));
  const ports = {};
  for (const name of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"]) ports[name] = await freePort();
  const key = randomBytes(16).toString("hex");
  const file = join(dir, "conn.json");
  writeFileSync(file, JSON.stringify({ ...ports, ip: "127.0.0.1", transport: "tcp", key, signature_scheme: "hmac-sha256" }));
  const [command, ...args] = spec.argv.map((a) => a.replace("{connection_file}", file));
  const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "ignore"] });
  const shell = new zmq.Dealer();
  const iopub = new zmq.Subscriber();
  shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
  iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
  iopub.subscribe();
  const waiting = new Map();
  const parse = (frames) => {
    const at = frames.findIndex((f) => f.equals(DELIM));
    const [, header, parent, , content] = frames.slice(at + 1).map((f) => f.toString());
    return { type: JSON.parse(header).msg_type, parent: JSON.parse(parent).msg_id, content: JSON.parse(content) };
  };
  (async () => {
    try {
      for await (const frames of iopub) {
        const m = parse(frames);
        const wait = waiting.get(m.parent);
        if (wait && m.type === "status" && m.content.execution_state === "idle") wait.idle();
        if (wait && (m.type === "execute_result" || m.type === "display_data")) wait.outputs += 1;
      }
    } catch {
      // closed
    }
  })();
  const session = randomUUID();
  /** Sends code; resolves when the kernel is idle again, with the number of rich outputs. */
  const execute = async (code, timeoutMs = 60_000) => {
    const msgId = randomUUID();
    const header = JSON.stringify({
      msg_id: msgId,
      msg_type: "execute_request",
      session,
      username: "bench",
      date: new Date().toISOString(),
      version: "5.3",
    });
    const parts = [
      header,
      "{}",
      "{}",
      JSON.stringify({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }),
    ];
    const hmac = createHmac("sha256", key);
    for (const p of parts) hmac.update(p);
    const done = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("kernel timed out")), timeoutMs);
      const entry = { outputs: 0, idle: () => (clearTimeout(timer), waiting.delete(msgId), resolve(entry.outputs)) };
      waiting.set(msgId, entry);
    });
    await shell.send([DELIM, hmac.digest("hex"), ...parts]);
    return done;
  };
  const stop = () => {
    child.kill("SIGKILL");
    shell.close();
    iopub.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { execute, stop };
}

/**
 * Runs a first cell as soon as the kernel is up: the request waits in ZeroMQ's queue until the
 * kernel binds, and the kernel's idle status follows its execute_result.
 */
async function firstResult(kernel) {
  const outputs = await kernel.execute(`import { graph } from "amp-kpn";\n1`, 120_000);
  if (outputs !== 1) throw new Error(`expected one execute_result, got ${outputs}`);
}

const CELL = `{
  const result = await render(demoGraph(), { seconds: 1, sampleRate: 48000 });
  const card = (title: string) => ({
    [Symbol.for("Jupyter.display")]: () => ({ "text/plain": title + " " + result.shape.frames, "text/html": "<b>" + title + "</b>" }),
  });
  display(card("waveform"));
  display(card("spectrum"));
  display(card("spectrogram"));
  display(card("heat"));
}`;

async function main() {
  const prefix = mkdtempSync(join(tmpdir(), "amp-bench-prefix-"));
  const cwd = mkdtempSync(join(tmpdir(), "amp-bench-nb-"));
  try {
    execFileSync(process.execPath, [
      join(ROOT, "dist", "cli", "main.js"),
      "kernel",
      "install",
      "--prefix",
      prefix,
      "--name",
      "amp-kpn-bench",
    ]);
    const specDir = join(prefix, "share", "jupyter", "kernels", "amp-kpn-bench");

    const starts = [];
    for (let i = 0; i < START_RUNS; i += 1) {
      const t0 = performance.now();
      const kernel = await startKernel(specDir, cwd);
      await firstResult(kernel);
      starts.push(performance.now() - t0);
      kernel.stop();
    }

    const kernel = await startKernel(specDir, cwd);
    try {
      await firstResult(kernel);
      await kernel.execute(`import { demoGraph, render } from "amp-kpn";`);
      const cells = [];
      const empties = [];
      await kernel.execute(CELL);
      for (let i = 0; i < CELL_RUNS; i += 1) {
        let t0 = performance.now();
        const outputs = await kernel.execute(CELL);
        cells.push(performance.now() - t0);
        if (outputs !== 4) throw new Error(`expected 4 displays, got ${outputs}`);
        t0 = performance.now();
        await kernel.execute("1");
        empties.push(performance.now() - t0);
      }
      const direct = [];
      await render(demoGraph(), { seconds: 1, sampleRate: 48000 });
      for (let i = 0; i < CELL_RUNS; i += 1) {
        const t0 = performance.now();
        await render(demoGraph(), { seconds: 1, sampleRate: 48000 });
        direct.push(performance.now() - t0);
      }
      const cell = stats(cells);
      const empty = stats(empties);
      const plain = stats(direct);
      console.log(`kernel start to first result (${START_RUNS} starts): ${ms(stats(starts))}`);
      console.log(`cell: render 1 s + 4 displays, through the kernel (${CELL_RUNS} runs): ${ms(cell)}`);
      console.log(
        `peer: the same render called directly, no kernel: ${ms(plain)}  -> kernel cell / direct = ${(cell.median / plain.median).toFixed(1)}x`,
      );
      console.log(
        `peer: an empty cell ("1") through the kernel: ${ms(empty)}  -> kernel cell / empty cell = ${(cell.median / empty.median).toFixed(1)}x`,
      );
    } finally {
      kernel.stop();
    }
  } finally {
    rmSync(prefix, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
