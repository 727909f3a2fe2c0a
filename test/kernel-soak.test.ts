// Kernel soak: one kernel session runs a long mix of cells (renders, figures, failing cells, type
// errors, bad graphs, renders interrupted mid-way, malformed wire messages). Every request gets
// its reply, the kernel never dies, its resident memory after warm-up stays within a stated
// bound, and the last cell's result equals a fresh kernel's.
// Cells: AMP_SOAK_CELLS (default 120 in `npm test`; .ci/run runs 1000, see docs/reliability.md).
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernel, kernelPrefix } from "./helpers/installed-kernel";
import { type KernelClient, type Reply, startKernel } from "./helpers/kernel-client";

const CELLS = Number(process.env["AMP_SOAK_CELLS"] ?? 120);
/**
 * Growth of the kernel's RSS allowed after warm-up (the first 20% of the cells, at least 40):
 * between the medians of the first and the last fifth of the samples (one every 10 cells), so
 * that a leak (growth with every cell) fails and a garbage collector's swing does not. Measured
 * swings: single samples up to 130 MiB above the warm-up value, on a loaded machine, in runs whose
 * samples settle within about 50 MiB of it. The peak gets a bound of its own, twice this.
 */
const RSS_GROWTH_BOUND_MIB = 128;
const RSS_PEAK_BOUND_MIB = 2 * RSS_GROWTH_BOUND_MIB;
const TIMEOUT = 60_000 + CELLS * 3_000;

const kernelspec = kernelPrefix("amp-kpn-soak");
const { prefix, specDir } = kernelspec;
const notebookDir = mkdtempSync(join(tmpdir(), "amp-soak-nb-"));
afterAll(() => {
  rmSync(prefix, { recursive: true, force: true });
  rmSync(notebookDir, { recursive: true, force: true });
});

const SETUP = `import { graph, sineOsc, gain, mix, render, plot, Runtime } from "amp-kpn";
import { createHash } from "node:crypto";
const small = graph().add("o", sineOsc({ frequency: 440 })).add("g", gain({ gain: 0.5 })).chain("o", "g").output("g");
let long = graph().add("o", sineOsc({ frequency: 440, channels: 64 }));
for (let i = 0; i < 32; i += 1) long = long.add("g" + i, gain({ gain: 0.999 })).chain(i === 0 ? "o" : "g" + (i - 1), "g" + i);
long = long.add("m", mix()).chain("g31", "m").output("m");
const digest = (samples: Float64Array): string => createHash("sha256").update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)).digest("hex");
"ready"`;

/** The result cell compared with a fresh kernel's at the end. */
const FINAL = `const final = await render(graph().add("o", sineOsc({ frequency: 330, channels: 2 })).add("g", gain({ gain: 0.25 })).chain("o", "g").output("g"), { frames: 4800, batches: 2 });
digest(final.samples)`;

type Kind = "render" | "figure" | "throw" | "typeError" | "badGraph" | "noOutput" | "expression" | "malformed" | "interrupt";
const CYCLE: readonly Kind[] = ["render", "figure", "throw", "render", "typeError", "badGraph", "expression", "noOutput", "malformed"];

function kindOf(i: number): Kind {
  return i % 100 === 50 ? "interrupt" : (CYCLE[i % CYCLE.length] as Kind);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function text(reply: Reply): string | undefined {
  const result = reply.iopub.find((m) => m.header.msg_type === "execute_result");
  return (result?.content["data"] as Record<string, string> | undefined)?.["text/plain"];
}

const EXECUTE = { silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false };

async function runCell(kernel: KernelClient, i: number): Promise<void> {
  const kind = kindOf(i);
  const exec = async (code: string): Promise<Reply> => {
    const msgId = await kernel.send("execute_request", { ...EXECUTE, code });
    try {
      return await kernel.collect(msgId, { timeoutMs: 120_000 });
    } catch (error) {
      throw new Error(
        `${String(error)}; iopub of the cell: ${kernel.iopubTypes(msgId).join(", ")}; unreadable messages: ${kernel.readErrors.join("; ")}`,
      );
    }
  };
  const expectError = (reply: Reply, ename?: string): void => {
    expect(reply.reply.content["status"], `cell ${i} (${kind})`).toBe("error");
    if (ename !== undefined) expect(reply.reply.content["ename"], `cell ${i} (${kind})`).toBe(ename);
  };
  switch (kind) {
    case "render": {
      const reply = await exec(`(await render(small, { frames: ${256 + (i % 7) * 64} })).shape.frames`);
      expect(reply.reply.content["status"], `cell ${i}`).toBe("ok");
      expect(text(reply)).toBe(String(256 + (i % 7) * 64));
      return;
    }
    case "figure": {
      const reply = await exec(`plot.waveform(await render(small, { frames: 2048 }))`);
      expect(reply.reply.content["status"], `cell ${i}`).toBe("ok");
      const bundle = reply.iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"] as Record<string, unknown>;
      expect(Object.keys(bundle)).toContain("application/vnd.plotly.v1+json");
      return;
    }
    case "throw":
      return expectError(await exec(`throw new RangeError("soak ${i}")`), "RangeError");
    case "typeError":
      return expectError(await exec(`const wrong${i}: number = "text";`));
    case "badGraph":
      return expectError(await exec(`graph().add("a", gain({ gain: "loud" as unknown as number }))`), "AmpError");
    case "noOutput":
      return expectError(await exec(`await render(graph().add("o", sineOsc({})), { frames: 64 })`), "AmpError");
    case "expression": {
      const reply = await exec(`${i} * 2`);
      expect(text(reply)).toBe(String(i * 2));
      return;
    }
    case "malformed": {
      // Correctly signed, but frames that are not JSON objects: dropped and logged, no reply.
      const parts = [JSON.stringify({ msg_id: `m${i}`, msg_type: "execute_request" }), "[]", "{", "null"];
      const hmac = createHmac("sha256", kernel.key);
      for (const part of parts) hmac.update(part);
      await kernel.sendRaw([Buffer.from("<IDS|MSG>"), Buffer.from(hmac.digest("hex")), ...parts.map((p) => Buffer.from(p))]);
      const after = await exec(`"alive ${i}"`);
      expect(text(after)).toBe(`alive ${i}`);
      return;
    }
    case "interrupt": {
      const cell = await kernel.send("execute_request", {
        ...EXECUTE,
        code: `const p${i} = render(long, { seconds: 300 });\nawait new Promise((resolve) => setImmediate(resolve));\nconsole.log("rendering");\nawait p${i};`,
      });
      await kernel.waitForIopub(cell, (m) => m.header.msg_type === "stream", 120_000);
      kernel.interrupt();
      let reply: Reply;
      try {
        reply = await kernel.collect(cell, { timeoutMs: 120_000 });
      } catch (error) {
        throw new Error(
          `${String(error)}; iopub of the cell: ${kernel.iopubTypes(cell).join(", ")}; unreadable messages: ${kernel.readErrors.join("; ")}`,
        );
      }
      expectError(reply, "Interrupted");
      return;
    }
  }
}

describe("kernel soak", () => {
  beforeAll(() => installKernel(kernelspec), 120_000);

  it(
    `one session runs ${CELLS} cells: every reply arrives, the kernel lives, RSS stays bounded, the last result is a fresh kernel's`,
    async () => {
      const kernel = await startKernel({ specDir, cwd: notebookDir });
      let soakFinal: string | undefined;
      const rss: number[] = [];
      const warmUp = Math.max(40, Math.floor(CELLS / 5));
      const started = Date.now();
      try {
        expect(text(await kernel.execute(SETUP))).toBe("ready");
        for (let i = 0; i < CELLS; i += 1) {
          try {
            await runCell(kernel, i);
          } catch (error) {
            const why = error instanceof Error ? error.message : String(error);
            throw new Error(`cell ${i} (${kindOf(i)}): ${why}\nkernel stderr (tail): ${kernel.stderr.slice(-3000)}`);
          }
          expect(kernel.exited, `the kernel died at cell ${i}: ${kernel.stderr.slice(-2000)}`).toBe(false);
          expect(kernel.readErrors, `cell ${i}`).toEqual([]);
          if (i >= warmUp - 1 && i % 10 === 9) rss.push(rssMiB(kernel.pid ?? 0));
        }
        soakFinal = text(await kernel.execute(FINAL));
        expect(kernel.exited).toBe(false);
      } finally {
        await kernel.shutdown();
      }
      const base = rss[0] ?? Number.NaN;
      const peak = Math.max(...rss);
      const fifth = Math.max(1, Math.floor(rss.length / 5));
      const early = median(rss.slice(0, fifth));
      const late = median(rss.slice(-fifth));
      console.log(
        `kernel soak: ${CELLS} cells in ${((Date.now() - started) / 1000).toFixed(0)} s; RSS after warm-up (cell ${warmUp}) ` +
          `${base.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB, last ${(rss[rss.length - 1] ?? Number.NaN).toFixed(0)} MiB; ` +
          `median of the first fifth ${early.toFixed(0)} MiB, of the last ${late.toFixed(0)} MiB ` +
          `(bounds: +${RSS_GROWTH_BOUND_MIB} MiB between the medians, +${RSS_PEAK_BOUND_MIB} MiB peak)`,
      );
      expect(late - early).toBeLessThanOrEqual(RSS_GROWTH_BOUND_MIB);
      expect(peak - base).toBeLessThanOrEqual(RSS_PEAK_BOUND_MIB);

      const fresh = await startKernel({ specDir, cwd: notebookDir });
      try {
        expect(text(await fresh.execute(SETUP))).toBe("ready");
        const freshFinal = text(await fresh.execute(FINAL));
        expect(freshFinal).toMatch(/^[0-9a-f]{64}$/);
        expect(soakFinal).toBe(freshFinal);
      } finally {
        await fresh.shutdown();
      }
    },
    TIMEOUT,
  );
});
