// The CLI's long-work behaviour, as child processes over dist/cli/main.js: the progress bar on a
// pseudo-terminal (drawn on stderr, cleared at the end), nothing but the final line without one,
// --progress forcing it, Ctrl-C keeping a valid partial WAV (exit 130), and constant memory for a
// 10-minute stereo render streamed to a WAV file.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graph, readWav, sineOsc } from "../src/index";
import type { RenderSummary } from "../src/render/summary";
import { ensureDist, ROOT } from "./helpers/dist";

const dir = mkdtempSync(join(tmpdir(), "amp-long-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MAIN = join(ROOT, "dist", "cli", "main.js");

/** Peak RSS bound of a 10-minute stereo render streamed to WAV (the whole render alone would be 230 MB). */
const RSS_BOUND_MB = 150;

describe("amp-kpn render, long work", () => {
  beforeAll(() => {
    ensureDist();
    writeFileSync(
      join(dir, "stereo.json"),
      graph()
        .add("o", sineOsc({ frequency: 440, channels: 2 }))
        .output("o")
        .toJSONText(),
    );
  }, 120_000);

  it("draws the bar on a pseudo-terminal's stderr and clears it; the summary line follows", { timeout: 180_000 }, () => {
    // script(1) runs the command on a pseudo-terminal and copies what it writes.
    const command = `${process.execPath} ${MAIN} render stereo.json --seconds 300 --out tty.wav`;
    const run = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: dir, encoding: "utf8" });
    expect(run.status).toBe(0);
    const out = run.stdout;
    const bar = out.indexOf("(Ctrl-C stops)");
    expect(bar).toBeGreaterThan(0);
    expect(out).toMatch(/\r\w+ \[[#.]+\] \d+\/14400000 frames/);
    const cleared = out.lastIndexOf("\r\x1b[K");
    expect(cleared).toBeGreaterThan(bar);
    const summary = out.indexOf("stream: 14400000 frames");
    expect(summary).toBeGreaterThan(cleared);
    expect(out.slice(summary)).toMatch(/x realtime, peak -6\.0 dBFS, heat total/);
  });

  it("without a terminal prints nothing on stderr, and the summary line on stdout; --progress forces the bar", { timeout: 180_000 }, () => {
    const plain = spawnSync(process.execPath, [MAIN, "render", "stereo.json", "--seconds", "60", "--out", "plain.wav"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe("");
    expect(plain.stdout).toMatch(/^stream: 2880000 frames \(1 min 0 s of audio\) in .*x realtime, peak -6\.0 dBFS, heat total /m);
    const forced = spawnSync(process.execPath, [MAIN, "render", "stereo.json", "--seconds", "300", "--out", "forced.wav", "--progress"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(forced.status).toBe(0);
    expect(forced.stderr).toContain("(Ctrl-C stops)");
    expect(forced.stderr.endsWith("\r\x1b[K")).toBe(true);
    const quiet = spawnSync(
      process.execPath,
      [MAIN, "render", "stereo.json", "--seconds", "60", "--out", "q.wav", "--progress", "--quiet"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).toBe("");
  });

  it("Ctrl-C stops the render and keeps a valid WAV of exactly the frames rendered (exit 130)", { timeout: 180_000 }, async () => {
    const child = spawn(
      process.execPath,
      [MAIN, "render", "stereo.json", "--seconds", "3600", "--out", "stopped.wav", "--summary", "stopped.json", "--progress"],
      { cwd: dir },
    );
    let stderr = "";
    let stdout = "";
    let sent = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!sent && stderr.includes("Ctrl-C stops")) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      child.on("close", (code) => resolve(code));
    });
    expect(status).toBe(130);
    expect(stdout).toMatch(/stopped early: \d+ of 172800000 frames/);
    const summary = JSON.parse(readFileSync(join(dir, "stopped.json"), "utf8")) as RenderSummary;
    const frames = summary.shape.frames;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(172_800_000);
    expect(statSync(join(dir, "stopped.wav")).size).toBe(44 + frames * 2 * 4);
    const audio = await readWav(join(dir, "stopped.wav"));
    expect(audio).toMatchObject({ channels: 2, frames, sampleRate: 48000 });
  });

  it(`streams a 10-minute stereo render to WAV with a peak RSS under ${RSS_BOUND_MB} MB`, { timeout: 300_000 }, () => {
    // A child process, so the bound is the CLI's alone: maxRSS of the process that rendered.
    const script = `require(${JSON.stringify(MAIN)}).main(["render", "stereo.json", "--seconds", "600", "--out", "ten.wav", "--quiet"])
      .then((status) => { process.stdout.write(JSON.stringify({ status, maxRssKb: process.resourceUsage().maxRSS })); });`;
    const run = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
    expect(run.stderr).toBe("");
    const { status, maxRssKb } = JSON.parse(run.stdout) as { status: number; maxRssKb: number };
    expect(status).toBe(0);
    console.log(`peak RSS of a 10-minute stereo render streamed to WAV: ${(maxRssKb / 1024).toFixed(1)} MB`);
    expect(maxRssKb / 1024).toBeLessThan(RSS_BOUND_MB);
    expect(statSync(join(dir, "ten.wav")).size).toBe(44 + 600 * 48000 * 2 * 4);
    rmSync(join(dir, "ten.wav"));
  });
});
