// Notebooks are code: every notebook in notebooks/ runs through the headless runner
// (`amp-kpn run`, no Python on PATH), a `--check` re-run of its executed copy reports no
// differences, its cells type-check against the package's declarations as tslab compiles them,
// and `npm start` writes out/tour.ipynb, out/tour.html and out/tour.wav (the HTML opened in
// headless Chromium, offline: every figure drawn, every audio element with a playable source).
// Also the runner's failure paths: a failing cell, an unknown --param, a missing kernel, a timeout.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, ROOT } from "./helpers/dist";
import { launchChromium } from "./helpers/chromium";
import { nbconvert } from "./helpers/nbconvert";
import { EXPECTED_API_VERSION } from "../src/native/load-addon";

const NOTEBOOKS = readdirSync(join(ROOT, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .sort();
const CLI = join(ROOT, "dist", "cli", "main.js");

let tmp = "";
/** An environment whose PATH holds only `node`: no python3, no jupyter; no kernelspec installed. */
let noPython: NodeJS.ProcessEnv = {};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[], env: NodeJS.ProcessEnv = noPython): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, "run", ...args], { env, cwd: tmp, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

interface Nb {
  cells: {
    cell_type: string;
    source: string | string[];
    execution_count?: number | null;
    outputs?: Record<string, unknown>[];
    metadata: Record<string, unknown>;
  }[];
  metadata: Record<string, unknown>;
}

function notebook(cells: string[], kernel = "amp-kpn", parameters?: string): string {
  const file = join(tmp, `nb-${Math.random().toString(36).slice(2)}.ipynb`);
  const code = (source: string, tags?: string[]): object => ({
    cell_type: "code",
    metadata: tags === undefined ? {} : { tags },
    source,
    execution_count: null,
    outputs: [],
  });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: "AMP KPN (TypeScript)", language: "typescript" } },
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# test" },
      ...(parameters === undefined ? [] : [code(parameters, ["parameters"])]),
      ...cells.map((c) => code(c)),
    ],
  };
  writeFileSync(file, JSON.stringify(nb));
  return file;
}

beforeAll(() => {
  ensureDist();
  tmp = mkdtempSync(join(tmpdir(), "amp-notebooks-"));
  const bin = join(tmp, "bin");
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, "node"));
  const home = join(tmp, "home");
  mkdirSync(home);
  noPython = { PATH: bin, HOME: home, JUPYTER_PATH: join(tmp, "no-jupyter"), JUPYTER_DATA_DIR: join(home, "jupyter") };
  expect(() => execFileSync("python3", ["--version"], { env: noPython, stdio: "pipe" })).toThrow();
}, 300_000);

afterAll(() => {
  if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
});

describe("every notebook through the headless runner, with no Python on PATH", () => {
  it.concurrent.each(NOTEBOOKS.filter((n) => n !== "tour.ipynb"))(
    "%s executes; a --check re-run reports no differences",
    async (name) => {
      const out = join(tmp, `run-${name}`);
      const first = await run([join(ROOT, "notebooks", name), "--out", out]);
      expect(first.stderr).toMatch(/\[amp-kpn run\] cell 1 of \d+/);
      expect(first.stderr).toContain("no kernelspec installed: started directly");
      expect(first.code, first.stderr).toBe(0);
      const executed = join(out, name);
      const nb = JSON.parse(readFileSync(executed, "utf8")) as Nb;
      for (const cell of nb.cells.filter((c) => c.cell_type === "code")) {
        expect(cell.execution_count).toBeGreaterThan(0);
        expect((cell.outputs ?? []).filter((o) => o["output_type"] === "error")).toEqual([]);
      }
      const meta = nb.metadata["amp_kpn"] as Record<string, unknown>;
      expect(meta["nativeApiVersion"]).toBe(EXPECTED_API_VERSION);
      expect(meta["nativeBuildId"]).toMatch(/^[0-9a-f]{64}$/);
      expect(meta["node"]).toBe(process.version);
      expect(meta["arch"]).toBe(process.arch);
      expect(meta["tslab"]).toBe("1.0.22");
      expect(meta["package"]).toBe((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
      if (name !== "node-runner.ipynb") expect((meta["renderedGraphs"] as string[]).length).toBeGreaterThan(0);
      for (const hash of meta["renderedGraphs"] as string[]) expect(hash).toMatch(/^[0-9a-f]{64}$/);

      const check = await run([executed, "--check"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toContain("re-run matches the stored outputs");
    },
    900_000,
  );
});

describe("every notebook through Jupyter's nbconvert --execute with the installed kernelspec", () => {
  let prefix = "";
  beforeAll(() => {
    execFileSync("jupyter", ["nbconvert", "--version"], { stdio: "pipe" });
    prefix = join(tmp, "jupyter-prefix");
    execFileSync(process.execPath, [CLI, "kernel", "install", "--prefix", prefix], { stdio: "pipe" });
  }, 120_000);

  // figures.ipynb goes through nbconvert and Chromium in test/notebook-figures.test.ts.
  it.concurrent.each(NOTEBOOKS.filter((n) => n !== "figures.ipynb"))(
    "%s executes without an error output",
    async (name) => {
      const out = join(tmp, "nbconvert");
      await nbconvert(
        ["--execute", "--to", "notebook", "--ExecutePreprocessor.timeout=600", "--output-dir", out, join(ROOT, "notebooks", name)],
        {
          env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter") },
          cwd: join(ROOT, "notebooks"),
        },
      );
      const nb = JSON.parse(readFileSync(join(out, name), "utf8")) as Nb;
      const code = nb.cells.filter((c) => c.cell_type === "code");
      expect(code.every((c) => typeof c.execution_count === "number")).toBe(true);
      expect(code.flatMap((c) => c.outputs ?? []).filter((o) => o["output_type"] === "error")).toEqual([]);
    },
    900_000,
  );
});

describe("notebook type check (tslab's converter against the package's declarations)", () => {
  it.concurrent.each(NOTEBOOKS)(
    "%s compiles",
    async (name) => {
      const { typecheckNotebook } = (await import(
        join(ROOT, "dist", "notebook", "typecheck.js")
      )) as typeof import("../src/notebook/typecheck");
      expect(await typecheckNotebook(join(ROOT, "notebooks", name))).toEqual([]);
    },
    300_000,
  );

  it("reports an API a cell uses that the package does not have, with the cell", async () => {
    const { typecheckNotebook } = (await import(
      join(ROOT, "dist", "notebook", "typecheck.js")
    )) as typeof import("../src/notebook/typecheck");
    const file = notebook([
      `import { graph, sineOsc } from "amp-kpn";`,
      `const g = graph().add("o", sineOsc({ frequency: 440, detune: 3 })).output("o");`,
    ]);
    const found = await typecheckNotebook(file);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.cell === 3)).toBe(true);
    expect(found.some((d) => /detune/.test(d.message))).toBe(true);
  }, 300_000);
});

describe("runner failures", () => {
  it("a failing cell stops the run: non-zero exit, the cell number, error name and message", async () => {
    const file = notebook([`const a = 1;`, `throw new RangeError("boom at " + a);`, `console.log("never")`]);
    const result = await run([file, "--out", join(tmp, "fail")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/amp-kpn run: .*: cell 3 failed: RangeError: boom at 1\n$/);
    const nb = JSON.parse(readFileSync(join(tmp, "fail", file.split("/").pop() as string), "utf8")) as Nb;
    expect(nb.cells[3]?.outputs).toEqual([]);
    expect((nb.metadata["amp_kpn"] as Record<string, unknown>)["failure"]).toEqual({ cell: 3, ename: "RangeError", evalue: "boom at 1" });
  }, 300_000);

  it("injects --param values after the parameters cell; an unknown name is refused naming it", async () => {
    const file = notebook(
      [`console.log(JSON.stringify([seconds, label, on, list]))`],
      "amp-kpn",
      `const seconds = 2;\nlet label: string = "a";\nconst on = false;\nconst list = [1];`,
    );
    const bad = await run([file, "--param", "secs=3"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      `amp-kpn run: --param secs: the parameters cell (cell 2) declares no variable "secs"; it declares seconds, label, on, list\n`,
    );
    const wrong = await run([file, "--param", "seconds=abc"]);
    expect(wrong.stderr).toBe(`amp-kpn run: --param seconds: expected a finite number (like its default), got "abc"\n`);
    const good = await run([
      file,
      "--out",
      join(tmp, "params"),
      "--param",
      "seconds=0.5",
      "--param",
      "label=x=y",
      "--param",
      "on=true",
      "--param",
      "list=[2,3]",
    ]);
    expect(good.code, good.stderr).toBe(0);
    const nb = JSON.parse(readFileSync(join(tmp, "params", file.split("/").pop() as string), "utf8")) as Nb;
    expect(nb.cells[2]?.metadata["tags"]).toEqual(["injected-parameters"]);
    expect(nb.cells[3]?.outputs).toEqual([{ output_type: "stream", name: "stdout", text: '[0.5,"x=y",true,[2,3]]\n' }]);
  }, 300_000);

  it("progress: a bar redrawn in place on a terminal's stderr, then the final line; lines without one; --quiet silences it", async () => {
    const file = notebook(["1 + 1", "await new Promise((r) => setTimeout(r, 1500)); 2"]);
    // script(1) runs the command on a pseudo-terminal and copies what it writes.
    const command = `${process.execPath} ${CLI} run ${file} --out ${join(tmp, "tty")}`;
    const tty = spawnSync("/usr/bin/script", ["-qec", command, "/dev/null"], { cwd: tmp, env: noPython, encoding: "utf8" });
    expect(tty.status, tty.stdout).toBe(0);
    const out = tty.stdout;
    expect(out).toMatch(/\r\[amp-kpn run\] \[#+\.*\] cell 1 of 2 \(notebook cell 2\), \d+\.\d s elapsed\x1b\[K/);
    expect(out).toMatch(/\r\[amp-kpn run\] \[#+\] cell 2 of 2 \(notebook cell 3\), \d+\.\d s elapsed\x1b\[K/);
    // The elapsed time moves while a long cell runs: cell 2 is drawn more than once.
    expect(out.split("cell 2 of 2").length - 1).toBeGreaterThan(1);
    const cleared = out.lastIndexOf("\r\x1b[K");
    const done = out.indexOf("[amp-kpn run] done: 2 code cells in ");
    expect(cleared).toBeGreaterThan(0);
    expect(done).toBeGreaterThan(cleared);
    expect(out).not.toMatch(/cell 1 of 2[^\r]*\n/); // cell lines are never left on the terminal
    const plain = await run([file, "--out", join(tmp, "plain")]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/^\[amp-kpn run\] cell 1 of 2 \(notebook cell 2\), \d+\.\d s elapsed$/m);
    expect(plain.stderr).not.toContain("\r");
    const quiet = await run([file, "--out", join(tmp, "quiet"), "--quiet"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe("");
    const forced = await run([file, "--out", join(tmp, "forced"), "--progress"]);
    expect(forced.stderr).toContain("\r[amp-kpn run] [");
    expect(forced.stderr).toMatch(/\[amp-kpn run\] done: 2 code cells in \d+\.\d s\n$/);
  });

  it("a notebook for a kernel that is not installed gets a clear message", async () => {
    const file = notebook([`1`], "no-such-kernel");
    const result = await run([file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^amp-kpn run: no kernel named "no-such-kernel" \(the notebook's metadata\.kernelspec\.name\) in .*: install it with "npx amp-kpn kernel install --name no-such-kernel"/,
    );
  });

  it("--timeout interrupts a cell that runs too long and fails the run", async () => {
    const file = notebook([`await new Promise((resolve) => setTimeout(resolve, 120000));`]);
    const result = await run([file, "--timeout", "3", "--out", join(tmp, "timeout")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cell 2 failed: Timeout: the cell ran longer than 3 s \(--timeout\) and was interrupted\n$/);
  }, 300_000);

  it("--check reports a changed stored output with its cell and exits 1", async () => {
    const file = notebook([
      `import { graph, constant, render } from "amp-kpn";`,
      `(await render(graph().add("c", constant({ value: 0.25 })).output("c"), { frames: 4 })).channel(0, 0)`,
    ]);
    const out = join(tmp, "check");
    expect((await run([file, "--out", out])).code).toBe(0);
    const executed = join(out, file.split("/").pop() as string);
    const nb = JSON.parse(readFileSync(executed, "utf8")) as Nb;
    const result = nb.cells[2]?.outputs?.[0] as { data: Record<string, string> };
    expect(result.data["text/plain"]).toContain("0.25");
    result.data["text/plain"] = result.data["text/plain"]?.replace("0.25", "0.26") ?? "";
    writeFileSync(executed, JSON.stringify(nb));
    const check = await run([executed, "--check"]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^cell 3: output 1: text\/plain line 1: stored .*0\.26.*, got .*0\.25/m);
    expect(check.stderr).toMatch(/1 difference from the stored outputs\n$/);
  }, 300_000);
});

describe("npm start", () => {
  it("runs the tour and writes out/tour.ipynb, out/tour.html and out/tour.wav; the page works offline in Chromium", async () => {
    const out = join(ROOT, "out");
    for (const f of ["tour.ipynb", "tour.html", "tour.wav"]) rmSync(join(out, f), { force: true });
    const stdout = execFileSync("npm", ["start"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(stdout).toContain(join(out, "tour.html"));
    expect(stdout).toContain("npx amp-kpn kernel install");
    for (const f of ["tour.ipynb", "tour.html", "tour.wav"]) expect(existsSync(join(out, f)), f).toBe(true);
    const html = readFileSync(join(out, "tour.html"), "utf8");
    expect(html.split("plotly.js v").length - 1).toBe(1);

    const check = await run([join(out, "tour.ipynb"), "--check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    const nb = JSON.parse(readFileSync(join(out, "tour.ipynb"), "utf8")) as Nb;
    const figures = nb.cells
      .flatMap((c) => c.outputs ?? [])
      .filter((o) => "application/vnd.plotly.v1+json" in ((o["data"] as object | undefined) ?? {})).length;
    expect(figures).toBe(4);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const blocked: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.setRequestInterception(true);
      page.on("request", (request) => {
        const url = request.url();
        if (/^(file|data|blob):/.test(url)) void request.continue();
        else {
          blocked.push(url);
          void request.abort();
        }
      });
      await page.goto(`file://${join(out, "tour.html")}`, { waitUntil: "load", timeout: 120_000 });
      await page
        .waitForFunction(`[...document.querySelectorAll("div.amp-plotly")].every((d) => d.querySelector("svg.main-svg") !== null)`, {
          timeout: 60_000,
        })
        .catch(() => undefined);
      const report = (await page.evaluate(`(() => ({
        figures: [...document.querySelectorAll("main div.amp-plotly")].filter((d) => d.id.startsWith("amp-fig-")).map((d) => d.querySelectorAll(".scatterlayer .trace, .heatmaplayer image").length),
        drawn: [...document.querySelectorAll("div.amp-plotly")].filter((d) => d.querySelector("svg.main-svg") !== null).length,
        audios: [...document.querySelectorAll("audio")].map((a) => (a.getAttribute("src") || "").startsWith("data:audio/wav;base64,") && a.canPlayType("audio/wav") !== ""),
        code: document.querySelectorAll("pre code.hljs .hljs-keyword").length,
        headings: document.querySelectorAll("section.md h2").length,
      }))()`)) as { figures: number[]; drawn: number; audios: boolean[]; code: number; headings: number };
      await page.screenshot({ path: join(out, "tour.png"), fullPage: true });
      expect(errors).toEqual([]);
      expect(blocked).toEqual([]);
      expect(report.figures.length, JSON.stringify(report)).toBe(4);
      expect(report.drawn).toBe(4);
      for (const traces of report.figures) expect(traces).toBeGreaterThan(0);
      expect(report.audios.length).toBeGreaterThanOrEqual(2);
      expect(report.audios.every((ok) => ok)).toBe(true);
      expect(report.code).toBeGreaterThan(5);
      expect(report.headings).toBeGreaterThanOrEqual(5);
    } finally {
      await browser.close();
    }
  }, 900_000);
});
