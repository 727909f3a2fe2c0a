// The kernel end to end: installed into a temp prefix by the CLI, started through its kernelspec
// in a folder without node_modules, driven over ZeroMQ by a small signed client.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIND_FAILURE_EXIT } from "../src/kernel/exit-status";
import { installKernel, kernelPrefix } from "./helpers/installed-kernel";
import { type KernelClient, type Message, startKernel } from "./helpers/kernel-client";

const kernelspec = kernelPrefix("amp-kpn-test");
const { prefix, specDir } = kernelspec;
const notebookDir = mkdtempSync(join(tmpdir(), "amp-kernel-nb-"));
afterAll(() => {
  rmSync(prefix, { recursive: true, force: true });
  rmSync(notebookDir, { recursive: true, force: true });
});

const PROTOCOL_TIMEOUT = 120_000;

function types(messages: readonly Message[]): string[] {
  return messages.map((m) => m.header.msg_type);
}

async function withKernel(
  run: (kernel: KernelClient) => Promise<void>,
  options: { key?: string; signatureScheme?: string } = {},
): Promise<void> {
  const kernel = await startKernel({ specDir, cwd: notebookDir, ...options });
  try {
    await run(kernel);
  } finally {
    await kernel.shutdown();
  }
}

/** A displayable whose bundle has the three MIME types of a figure (a plotly object, not a string). */
const FIGURE_LIKE = `({
  [Symbol.for("Jupyter.display")]() {
    return {
      "text/plain": "figure of " + rendered.shape.frames + " frames",
      "text/html": "<div>figure</div>",
      "application/vnd.plotly.v1+json": { data: [{ type: "scatter", y: [0, 1] }], layout: { title: { text: "t" } } },
    };
  },
})`;

/** A graph heavy enough that a 300 s render runs for tens of seconds (interrupted long before). */
const LONG_GRAPH = `
let long = graph().add("o", sineOsc({ frequency: 440, channels: 64 }));
for (let i = 0; i < 32; i += 1) long = long.add("g" + i, gain({ gain: 0.999 })).chain(i === 0 ? "o" : "g" + (i - 1), "g" + i);
long = long.add("m", mix()).chain("g31", "m").output("m");
`;

describe("AMP KPN kernel over its kernelspec", () => {
  beforeAll(() => installKernel(kernelspec), PROTOCOL_TIMEOUT);

  it(
    "answers kernel_info (status, the checker's TypeScript version), comm_info and history requests",
    async () => {
      await withKernel(async (kernel) => {
        const info = await kernel.request("kernel_info_request", {});
        expect(info.reply.header.msg_type).toBe("kernel_info_reply");
        expect(info.reply.content["status"]).toBe("ok");
        const tslabRequire = createRequire(require.resolve("tslab/dist/main.js"));
        const tsVersion = (tslabRequire("@tslab/typescript-for-tslab") as { version: string }).version;
        expect(info.reply.content["language_info"]).toMatchObject({ name: "typescript", version: tsVersion, file_extension: ".ts" });
        const comm = await kernel.request("comm_info_request", { target_name: "jupyter.widget" });
        expect(comm.reply.header.msg_type).toBe("comm_info_reply");
        expect(comm.reply.content).toEqual({ status: "ok", comms: {} });
        const history = await kernel.request("history_request", { output: false, raw: true, hist_access_type: "tail", n: 10 });
        expect(history.reply.header.msg_type).toBe("history_reply");
        expect(history.reply.content).toEqual({ status: "ok", history: [] });
        // An unknown request is logged to the kernel log (not into a cell) and the kernel carries on.
        await kernel.send("frobnicate_request", {});
        const after = await kernel.execute(`"alive"`);
        expect(after.iopub.map((m) => m.header.msg_type)).toEqual(["execute_input", "execute_result"]);
        expect(kernel.stderr).toContain("ignored a frobnicate_request (not supported)");
      });
    },
    PROTOCOL_TIMEOUT,
  );

  it(
    "renders a graph and sends one execute_result carrying the whole bundle; display() sends one display_data",
    async () => {
      await withKernel(async (kernel) => {
        const cell = `import { graph, sineOsc, gain, render, plot } from "amp-kpn";
const g = graph().add("osc", sineOsc({ frequency: 220 })).add("amp", gain({ gain: 0.5 })).chain("osc", "amp").output("amp");
const rendered = await render(g, { seconds: 0.1 });
plot.spectrum(rendered)`;
        const run = await kernel.execute(cell);
        expect(run.reply.content["status"]).toBe("ok");
        expect(types(run.iopub)).toEqual(["execute_input", "execute_result"]);
        const result = run.iopub[1];
        expect(result?.content["execution_count"]).toBe(run.reply.content["execution_count"]);
        const data = result?.content["data"] as Record<string, unknown>;
        expect(Object.keys(data).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
        // A real figure: the plotly entry is an object with traces and a frequency axis in Hz.
        expect(data["text/plain"]).toMatch(/^Figure: .+ \(\d+ traces?\)$/);
        const figure = data["application/vnd.plotly.v1+json"] as { data: unknown[]; layout: { xaxis: { title: { text: string } } } };
        expect(figure.data.length).toBeGreaterThan(0);
        expect(figure.layout.xaxis.title.text).toBe("frequency (Hz)");
        expect(String(data["text/html"])).toContain("Plotly.newPlot");

        const shown = await kernel.execute(`display(${FIGURE_LIKE}); console.log("after")`);
        expect(shown.reply.content["status"]).toBe("ok");
        expect(types(shown.iopub)).toEqual(["execute_input", "display_data", "stream"]);
        expect(Object.keys(shown.iopub[1]?.content["data"] as object).sort()).toEqual([
          "application/vnd.plotly.v1+json",
          "text/html",
          "text/plain",
        ]);

        // Not displayable: text/plain as console.log prints it.
        const plain = await kernel.execute(`({ a: 1, b: "x" })`);
        expect(plain.iopub[1]?.content["data"]).toEqual({ "text/plain": "{ a: 1, b: 'x' }" });
      });
    },
    PROTOCOL_TIMEOUT,
  );

  it(
    "reports errors with ename, evalue and traceback (an AmpError with its code, node and detail)",
    async () => {
      await withKernel(async (kernel) => {
        const run = await kernel.execute(`import { graph, gain } from "amp-kpn";
graph().add("amp", gain({ gain: 1, bogus: 2 } as never))`);
        expect(run.reply.content).toMatchObject({ status: "error", ename: "AmpError" });
        const error = run.iopub.find((m) => m.header.msg_type === "error");
        expect(error?.content["ename"]).toBe("AmpError");
        const traceback = (error?.content["traceback"] as string[]).join("\n");
        expect(traceback).toContain("AMP_ERR_INVALID_ARGUMENT");
        expect(traceback).toContain("node: amp");
        expect(traceback).toContain('"bogus"');
        expect(String(run.reply.content["evalue"])).toContain('parameter "bogus" is unknown');

        const typeError = await kernel.execute(`const n: number = "text";`);
        expect(typeError.reply.content).toMatchObject({ status: "error", ename: "TypeScriptError" });
        expect(String(typeError.reply.content["evalue"])).toContain("not assignable to type 'number'");
      });
    },
    PROTOCOL_TIMEOUT,
  );

  it(
    "runs a cell sent right after a failing cell's reply, and aborts only requests queued before it",
    async () => {
      await withKernel(async (kernel) => {
        // The second request is sent while the first still runs: it is queued before the error reply.
        const failing = await kernel.send("execute_request", {
          code: `await new Promise((resolve) => setTimeout(resolve, 500)); throw new Error("fails on purpose")`,
          silent: false,
          store_history: true,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: true,
        });
        const queued = await kernel.send("execute_request", {
          code: `"queued"`,
          silent: false,
          store_history: true,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: true,
        });
        const failed = await kernel.collect(failing, { timeoutMs: PROTOCOL_TIMEOUT });
        expect(failed.reply.content["status"]).toBe("error");
        const aborted = await kernel.collect(queued, { timeoutMs: PROTOCOL_TIMEOUT });
        expect(aborted.reply.content["status"]).toBe("aborted");
        // Sent right after the error reply: runs.
        const after = await kernel.execute(`"runs"`);
        expect(after.reply.content["status"]).toBe("ok");
        expect(after.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"]).toEqual({ "text/plain": "runs" });
      });
    },
    PROTOCOL_TIMEOUT,
  );

  it(
    "interrupting a cell during a render cancels the native render and the kernel stays usable",
    async () => {
      await withKernel(async (kernel) => {
        const setup = await kernel.execute(`import { graph, sineOsc, gain, mix, render } from "amp-kpn";${LONG_GRAPH}`);
        expect(setup.reply.content["status"]).toBe("ok");
        const cell = await kernel.send("execute_request", {
          code: `const pending = render(long, { seconds: 300 });
(globalThis as { outcome?: unknown }).outcome = pending.then(
  () => ({ code: "finished", at: Date.now() }),
  (e: { code: string }) => ({ code: e.code, at: Date.now() }),
);
// Print once the cell is awaiting (tslab's synchronous part has returned).
await new Promise((resolve) => setImmediate(resolve));
console.log("rendering");
await pending;`,
          silent: false,
          store_history: true,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: true,
        });
        await kernel.waitForIopub(cell, (m) => m.header.msg_type === "stream", PROTOCOL_TIMEOUT);
        const interruptedAt = Date.now();
        kernel.interrupt();
        const interrupted = await kernel.collect(cell, { timeoutMs: PROTOCOL_TIMEOUT });
        expect(interrupted.reply.content).toMatchObject({ status: "error", ename: "Interrupted" });
        const outcome = await kernel.execute(
          `const outcome = (globalThis as { outcome?: unknown }).outcome;\nconst settled = await outcome;\nJSON.stringify(settled)`,
        );
        expect(outcome.reply.content["status"], JSON.stringify(outcome.reply.content)).toBe("ok");
        const text = (outcome.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"] as Record<string, string>)[
          "text/plain"
        ];
        const parsed = JSON.parse(text ?? "{}") as { code: string; at: number };
        expect(parsed.code).toBe("AMP_ERR_CANCELLED");
        console.log(`kernel interrupt to render rejection: ${parsed.at - interruptedAt} ms`);
        const usable = await kernel.execute(`1 + 1`);
        expect(usable.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"]).toEqual({ "text/plain": "2" });
      });
    },
    PROTOCOL_TIMEOUT,
  );

  it(
    "shows a long render's progress in one display updated in place, ending in the summary; an interrupt with partial: true returns the frames so far",
    async () => {
      await withKernel(async (kernel) => {
        const setup = await kernel.execute(`import { graph, sineOsc, gain, mix, render } from "amp-kpn";${LONG_GRAPH}`);
        expect(setup.reply.content["status"]).toBe("ok");
        const cell = await kernel.execute(`const done = await render(long, { seconds: 60 });\ndone.shape.frames`, {
          timeoutMs: PROTOCOL_TIMEOUT,
        });
        expect(cell.reply.content["status"], JSON.stringify(cell.reply.content)).toBe("ok");
        const progress = cell.iopub.filter((m) => {
          const id = (m.content["transient"] as { display_id?: string } | undefined)?.display_id;
          return typeof id === "string" && id.startsWith("amp-kpn-progress");
        });
        const kinds = types(progress);
        expect(kinds[0]).toBe("display_data");
        expect(kinds.slice(1).every((k) => k === "update_display_data")).toBe(true);
        expect(kinds.length).toBeGreaterThanOrEqual(3); // shown, updated while running, summary
        for (const m of progress) expect(m.content["metadata"]).toEqual({ amp_kpn: { progress: true } });
        const ids = new Set(progress.map((m) => (m.content["transient"] as { display_id: string }).display_id));
        expect(ids.size).toBe(1);
        const texts = progress.map((m) => (m.content["data"] as Record<string, string>)["text/plain"] ?? "");
        expect(texts[0]).toMatch(/^render \[[#.]+\] \d+\/2880000 frames \d+%  [\d.]+x realtime/);
        expect(texts[0]).toContain("interrupt the kernel to stop");
        expect(texts[texts.length - 1]).toMatch(
          /^render: 2880000 frames \(1 min 0 s of audio\) in .*x realtime, peak .* dBFS, heat total /,
        );
        const result = cell.iopub.find((m) => m.header.msg_type === "execute_result");
        expect(result?.content["data"]).toEqual({ "text/plain": "2880000" });

        const stopped = await kernel.send("execute_request", {
          code: `const pending = render(long, { seconds: 300, partial: true });
(globalThis as { outcome?: unknown }).outcome = pending.then((r) => ({ partial: r.partial, frames: r.shape.frames }));
await new Promise((resolve) => setImmediate(resolve));
console.log("rendering");
await pending;`,
          silent: false,
          store_history: true,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: true,
        });
        await kernel.waitForIopub(stopped, (m) => m.header.msg_type === "stream", PROTOCOL_TIMEOUT);
        kernel.interrupt();
        await kernel.collect(stopped, { timeoutMs: PROTOCOL_TIMEOUT });
        const outcome = await kernel.execute(
          `const stoppedAt = (globalThis as { outcome?: unknown }).outcome;\nconst stoppedResult = await stoppedAt;\nJSON.stringify(stoppedResult)`,
        );
        expect(outcome.reply.content["status"], JSON.stringify(outcome.reply.content)).toBe("ok");
        const text = (outcome.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"] as Record<string, string>)[
          "text/plain"
        ];
        const parsed = JSON.parse(text ?? "{}") as { partial: boolean; frames: number };
        expect(parsed.partial).toBe(true);
        expect(parsed.frames).toBeGreaterThan(0);
        expect(parsed.frames).toBeLessThan(300 * 48000);
      });
    },
    PROTOCOL_TIMEOUT * 2,
  );

  it(
    "shows a long analysis and a long backward pass like a render (one display updated in place, ending in the summary); an interrupt stops each",
    async () => {
      /** The progress messages of a cell: display_data, then updates with the same id; their text/plain. */
      const progressTexts = (messages: readonly Message[]): string[] => {
        const progress = messages.filter((m) => {
          const id = (m.content["transient"] as { display_id?: string } | undefined)?.display_id;
          return typeof id === "string" && id.startsWith("amp-kpn-progress");
        });
        const kinds = types(progress);
        expect(kinds[0]).toBe("display_data");
        expect(kinds.slice(1).every((k) => k === "update_display_data")).toBe(true);
        expect(kinds.length).toBeGreaterThanOrEqual(3); // shown, updated while running, summary
        expect(new Set(progress.map((m) => (m.content["transient"] as { display_id: string }).display_id)).size).toBe(1);
        return progress.map((m) => (m.content["data"] as Record<string, string>)["text/plain"] ?? "");
      };
      /** Runs `code` (which prints once its work started), interrupts, and returns how the work ended. */
      let stops = 0;
      const interrupted = async (kernel: KernelClient, code: string): Promise<string> => {
        const cell = await kernel.send("execute_request", {
          code: `const pending = (async () => {\n${code}\n})();
(globalThis as { outcome?: unknown }).outcome = pending.then(() => "finished", (e: { code: string }) => e.code);
await new Promise((resolve) => setImmediate(resolve));
console.log("running");
await pending;`,
          silent: false,
          store_history: false,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: true,
        });
        await kernel.waitForIopub(cell, (m) => m.header.msg_type === "stream", PROTOCOL_TIMEOUT);
        kernel.interrupt();
        await kernel.collect(cell, { timeoutMs: PROTOCOL_TIMEOUT });
        stops += 1;
        const outcome = await kernel.execute(
          `const pending${stops} = (globalThis as { outcome?: Promise<string> }).outcome;\nconst stop${stops} = await pending${stops};\nstop${stops}`,
        );
        expect(outcome.reply.content["status"], JSON.stringify(outcome.reply.content)).toBe("ok");
        return (
          (outcome.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"] as Record<string, string>)["text/plain"] ?? ""
        );
      };
      await withKernel(async (kernel) => {
        const setup = await kernel.execute(`import { biquad, graph, render, sineOsc, spectrogramAsync } from "amp-kpn";
const frames = 48000 * 600;
const samples = new Float64Array(frames);
for (let f = 0; f < frames; f += 1) samples[f] = 0.5 * Math.sin(0.0577 * f);
const tone = { samples, shape: { batches: 1, channels: 1, frames }, sampleRate: 48000 };
let filters = graph().add("lfo", sineOsc({ frequency: 3, amplitude: 300 })).add("o", sineOsc({ frequency: 440 }));
for (let i = 0; i < 6; i += 1)
  filters = filters.add("f" + i, biquad({ frequency: 1200 + 100 * i, q: 2 })).chain(i === 0 ? "o" : "f" + (i - 1), "f" + i).modulate("lfo", "f" + i + ".frequency", { mode: "add" });
filters = filters.output("f5");`);
        expect(setup.reply.content["status"], JSON.stringify(setup.reply.content)).toBe("ok");

        const analysis = await kernel.execute(`const picture = await spectrogramAsync(tone, { overlap: 0.95 });\npicture.frames`, {
          timeoutMs: PROTOCOL_TIMEOUT,
        });
        expect(analysis.reply.content["status"], JSON.stringify(analysis.reply.content)).toBe("ok");
        const analysisTexts = progressTexts(analysis.iopub);
        expect(analysisTexts[0]).toMatch(/^spectrogram \[[#.]+\] \d+\/28800000 frames \d+%  [\d.]+x realtime/);
        expect(analysisTexts[0]).toContain("interrupt the kernel to stop");
        expect(analysisTexts[analysisTexts.length - 1]).toMatch(/^spectrogram: 28800000 frames \(10 min 0 s of audio\) in .*x realtime$/);

        const backward = await kernel.execute(
          `const recorded = await render(filters, { seconds: 30, record: true, progress: false });
const dLdy = new Float64Array(recorded.samples.length).fill(1e-3);
const grads = await recorded.backward(dLdy, { wrt: ["f0.frequency", "lfo.amplitude"], summed: true });
grads["f0.frequency"].data.length`,
          { timeoutMs: PROTOCOL_TIMEOUT },
        );
        expect(backward.reply.content["status"], JSON.stringify(backward.reply.content)).toBe("ok");
        const backwardTexts = progressTexts(backward.iopub);
        expect(backwardTexts[0]).toMatch(/^backward \[[#.]+\] \d+\/1440000 frames \d+%  [\d.]+x realtime/);
        expect(backwardTexts[backwardTexts.length - 1]).toMatch(/^backward: 1440000 frames \(30 s of audio\) in .*x realtime$/);

        expect(await interrupted(kernel, `await spectrogramAsync(tone, { overlap: 0.98 });`)).toBe("AMP_ERR_CANCELLED");
        expect(await interrupted(kernel, `await recorded.backward(dLdy, { wrt: ["f0.frequency"] });`)).toBe("AMP_ERR_CANCELLED");
        // The recording is intact after the stop.
        const again = await kernel.execute(
          `const again = await recorded.backward(dLdy, { wrt: ["f0.frequency", "lfo.amplitude"], summed: true, progress: false });
again["lfo.amplitude"].data[0] === grads["lfo.amplitude"].data[0] && again["f0.frequency"].data[0] === grads["f0.frequency"].data[0]`,
          { timeoutMs: PROTOCOL_TIMEOUT },
        );
        expect(again.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"]).toEqual({ "text/plain": "true" });
      });
    },
    PROTOCOL_TIMEOUT * 2,
  );

  it(
    "drops a message with a wrong signature (logged) and stays alive; binds only the connection file's address",
    async () => {
      await withKernel(async (kernel) => {
        await kernel.send(
          "execute_request",
          {
            code: `(globalThis as any).forged = 1`,
            silent: false,
            store_history: true,
            user_expressions: {},
            allow_stdin: false,
            stop_on_error: true,
          },
          { key: "not-the-key" },
        );
        const check = await kernel.execute(`typeof (globalThis as any).forged`);
        expect(check.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"]).toEqual({ "text/plain": "undefined" });
        expect(kernel.stderr).toContain("dropped a message: invalid signature");
        expect(kernel.exited).toBe(false);

        // Every kernel port listens on 127.0.0.1 only (Linux /proc/net/tcp: local address hex, state 0A = LISTEN).
        const listening = readFileSync("/proc/net/tcp", "utf8")
          .split("\n")
          .slice(1)
          .map((line) => line.trim().split(/\s+/))
          .filter((fields) => fields[3] === "0A")
          .map((fields) => (fields[1] ?? "").split(":"));
        for (const port of Object.values(kernel.ports)) {
          const hex = port.toString(16).toUpperCase().padStart(4, "0");
          const addresses = listening.filter(([, p]) => p === hex).map(([address]) => address);
          expect(addresses, `port ${port}`).toEqual(["0100007F"]);
        }
      });
    },
    PROTOCOL_TIMEOUT,
  );

  it(
    "imports amp-kpn next to a notebook's own node_modules (packages and @types stay visible)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "amp-kernel-nm-"));
      try {
        const modules = join(dir, "node_modules");
        mkdirSync(join(modules, "local-pkg"), { recursive: true });
        writeFileSync(
          join(modules, "local-pkg", "package.json"),
          JSON.stringify({ name: "local-pkg", main: "index.js", types: "index.d.ts" }),
        );
        writeFileSync(join(modules, "local-pkg", "index.js"), "globalThis.localAnswer = 21; exports.twice = (n) => 2 * n;\n");
        writeFileSync(join(modules, "local-pkg", "index.d.ts"), "export declare function twice(n: number): number;\n");
        mkdirSync(join(modules, "@types", "local-globals"), { recursive: true });
        writeFileSync(join(modules, "@types", "local-globals", "index.d.ts"), "declare const localAnswer: number;\n");
        const kernel = await startKernel({ specDir, cwd: dir });
        try {
          const run = await kernel.execute(`import { twice } from "local-pkg";
import { graph } from "amp-kpn";
const n: number = localAnswer;
[twice(n), typeof graph, typeof display, typeof clearOutput]`);
          expect(run.reply.content["status"], JSON.stringify(run.reply.content)).toBe("ok");
          expect(run.iopub[1]?.content["data"]).toEqual({ "text/plain": "[ 42, 'function', 'function', 'function' ]" });
          // The type checker sees amp-kpn's declarations (a wrong argument type is a compile error).
          const typed = await kernel.execute(`graph().add("o", 42)`);
          expect(typed.reply.content).toMatchObject({ status: "error", ename: "TypeScriptError" });
          expect(String(typed.reply.content["evalue"])).toContain("Argument of type 'number' is not assignable");
        } finally {
          await kernel.shutdown();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    PROTOCOL_TIMEOUT,
  );

  it(
    "refuses an empty key unless the connection file asks for unsigned messages",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "amp-kernel-key-"));
      try {
        const file = join(dir, "conn.json");
        writeFileSync(
          file,
          JSON.stringify({
            transport: "tcp",
            ip: "127.0.0.1",
            shell_port: 1,
            iopub_port: 2,
            stdin_port: 3,
            control_port: 4,
            hb_port: 5,
            key: "",
            signature_scheme: "hmac-sha256",
          }),
        );
        const spec = JSON.parse(readFileSync(join(specDir, "kernel.json"), "utf8")) as { argv: string[] };
        const argv = spec.argv.map((arg) => arg.replace("{connection_file}", file));
        const run = spawnSync(argv[0] ?? "node", argv.slice(1), { encoding: "utf8", cwd: notebookDir, timeout: 60_000 });
        expect(run.status).toBe(1);
        expect(run.stderr).toContain('"key" is empty but "signature_scheme" is "hmac-sha256": refusing to run unsigned');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await withKernel(
        async (kernel) => {
          const run = await kernel.execute(`6 * 7`);
          expect(run.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"]).toEqual({ "text/plain": "42" });
        },
        { key: "", signatureScheme: "" },
      );
    },
    PROTOCOL_TIMEOUT,
  );

  it(
    "exits with status 3 and names the port when a port it must bind is taken (clients start it again on other ports)",
    async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      const port = (taken.address() as AddressInfo).port;
      const dir = mkdtempSync(join(tmpdir(), "amp-kernel-taken-"));
      try {
        const file = join(dir, "connection.json");
        const free = [port + 1, port + 2, port + 3, port + 4];
        writeFileSync(
          file,
          JSON.stringify({
            transport: "tcp",
            ip: "127.0.0.1",
            shell_port: port,
            iopub_port: free[0],
            stdin_port: free[1],
            control_port: free[2],
            hb_port: free[3],
            key: "k",
            signature_scheme: "hmac-sha256",
          }),
        );
        const spec = JSON.parse(readFileSync(join(specDir, "kernel.json"), "utf8")) as { argv: string[] };
        const argv = spec.argv.map((arg) => arg.replace("{connection_file}", file));
        const run = spawnSync(argv[0] ?? "node", argv.slice(1), { encoding: "utf8", cwd: notebookDir, timeout: 60_000 });
        expect(run.stderr).toContain(`cannot bind port ${port}`);
        expect(run.status).toBe(BIND_FAILURE_EXIT);
      } finally {
        taken.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    PROTOCOL_TIMEOUT,
  );
});
