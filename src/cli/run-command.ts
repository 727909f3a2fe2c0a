/**
 * `amp-kpn run <notebook.ipynb> [--out DIR] [--html] [--param k=v ...] [--check] [--timeout S] [--progress] [--quiet]`:
 * executes a notebook through the AMP KPN kernel (no Python needed) and writes the executed
 * notebook (and an HTML page), or with `--check` compares a re-run with the stored outputs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { ampError } from "../errors";
import { compareNotebooks } from "../notebook/compare";
import { notebookHtml, notebookTitle } from "../notebook/html-export";
import { notebookText, readNotebook, type Notebook } from "../notebook/nbformat";
import { injectParameters } from "../notebook/parameters";
import { runNotebook } from "../notebook/runner";
import { numberFlag, usageError } from "./args";
import { runProgress } from "./run-progress";

export const RUN_USAGE = `amp-kpn run <notebook.ipynb> [--out DIR] [--html] [--param name=value ...] [--check] [--timeout S] [--progress] [--quiet]
  executes a notebook through the AMP KPN kernel (its kernelspec, or the launcher directly when
  none is installed; no Python needed); progress on stderr: a bar redrawn in place on a terminal
  (cell i of n, time elapsed), one line per cell otherwise
  --out DIR         folder for <name>.ipynb (and <name>.html); default "out" (with --check: nothing written unless given)
  --html            also write a standalone HTML page (figures and audio work offline)
  --param k=v       inject a value after the cell tagged "parameters" (repeatable); k must be declared there
  --check           re-execute and compare every output with the stored one; exit 1 on any difference
  --timeout S       seconds a cell may run before it is interrupted and the run fails (default 600)
  --progress        draw the bar even when stderr is not a terminal
  --quiet           no progress on stderr`;

/** Files written by a run. */
export interface RunFiles {
  notebook?: string;
  html?: string;
}

function runFooter(notebook: Notebook): string {
  const m = (notebook.metadata["amp_kpn"] ?? {}) as Record<string, unknown>;
  return (
    `Executed by amp-kpn run: amp-kpn ${String(m["package"])}, native API ${String(m["nativeApiVersion"])}, ` +
    `build ${String(m["nativeBuildId"]).slice(0, 12)}, ${String(m["platform"])}-${String(m["arch"])}, Node ${String(m["node"])}, ` +
    `tslab ${String(m["tslab"])}, in ${String(m["seconds"])} s.`
  );
}

/** Writes `<dir>/<name>.ipynb` (and `.html`). */
export function writeRunFiles(notebook: Notebook, dir: string, name: string, html: boolean): RunFiles {
  mkdirSync(dir, { recursive: true });
  const files: RunFiles = { notebook: join(dir, `${name}.ipynb`) };
  writeFileSync(files.notebook as string, notebookText(notebook));
  if (html) {
    files.html = join(dir, `${name}.html`);
    writeFileSync(files.html, notebookHtml(notebook, { title: notebookTitle(notebook, name), footer: runFooter(notebook) }));
  }
  return files;
}

/** Runs the command; throws (exit 1) on a failing cell, a difference or bad usage. */
export async function runCommand(args: readonly string[], print: (line: string) => void): Promise<RunFiles> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      out: { type: "string" },
      html: { type: "boolean", default: false },
      param: { type: "string", multiple: true },
      check: { type: "boolean", default: false },
      timeout: { type: "string" },
      progress: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1)
    throw usageError(`run expects one notebook path, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`);
  const path = positionals[0] as string;
  const timeout = numberFlag("timeout", values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw usageError(`--timeout expects a number of seconds > 0, got ${String(timeout)}`);
  const params = values.param ?? [];
  if (values.check && params.length > 0)
    throw usageError("--check re-runs the stored notebook as it is: --param cannot be combined with it");
  const notebook = readNotebook(path);
  const stored = values.check ? (JSON.parse(JSON.stringify(notebook)) as Notebook) : undefined;
  const parameters = injectParameters(notebook, params);
  const reporter = runProgress(process.stderr, { progress: values.progress === true, quiet: values.quiet === true });
  let outcome;
  try {
    outcome = await runNotebook(notebook, {
      path,
      progress: (line, cell) => reporter.report(line, cell),
      parameters,
      ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
    });
  } finally {
    reporter.end();
  }
  const name = basename(path).replace(/\.ipynb$/i, "");
  const dir = values.out ?? (values.check ? undefined : "out");
  const files = dir === undefined ? {} : writeRunFiles(outcome.notebook, dir, name, values.html === true);
  if (files.notebook !== undefined) print(`wrote ${files.notebook}${files.html === undefined ? "" : ` and ${files.html}`}`);
  if (outcome.failure !== undefined) {
    const f = outcome.failure;
    throw ampError("AMP_ERR_INVALID_ARGUMENT", `${path}: cell ${f.cell} failed: ${f.ename}: ${f.evalue}`, { stage: "cli" });
  }
  if (stored !== undefined) {
    const differences = compareNotebooks(stored, outcome.notebook);
    for (const d of differences) print(d.cell === 0 ? `notebook: ${d.what}` : `cell ${d.cell}: ${d.what}`);
    if (differences.length > 0)
      throw ampError(
        "AMP_ERR_INVALID_ARGUMENT",
        `${path}: ${differences.length} difference${differences.length === 1 ? "" : "s"} from the stored outputs`,
        {
          stage: "cli",
        },
      );
    print(`${path}: re-run matches the stored outputs (${outcome.notebook.cells.filter((c) => c.cell_type === "code").length} code cells)`);
  }
  return files;
}
