/**
 * Executes a notebook's code cells in order through a kernel (see ./kernel-locate.ts) and
 * stores their outputs as Jupyter does. Stops at the first failing cell (its error output is
 * kept, later cells keep no outputs). Progress goes to `progress` (the CLI: stderr). At the
 * end it asks the kernel for the session facts recorded in the notebook's metadata (see
 * ./run-metadata.ts).
 */
import { dirname, resolve } from "node:path";
import { KernelClient, KernelTimeoutError } from "./kernel-client";
import { locateKernel, type KernelChoice } from "./kernel-locate";
import { cellSource, type CodeCell, type ErrorOutput, type Notebook } from "./nbformat";
import { OutputCollector } from "./outputs";
import { PROBE_CODE, readProbe, runMetadata, type SessionProbe } from "./run-metadata";

/** Options of {@link runNotebook}. */
export interface RunOptions {
  /** The notebook's path: the kernel runs in its folder, as Jupyter does. */
  readonly path: string;
  /** Seconds one cell may run before it is interrupted and the run fails; default 600. */
  readonly timeoutSeconds?: number;
  /**
   * Receives progress lines: the kernel starting, each cell as it starts (with `cell`: its
   * 1-based position among the code cells, and when the run started), and the final line.
   */
  readonly progress?: (line: string, cell?: CellProgress) => void;
  /** Parameters injected (recorded in the metadata). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Jupyter's environment (JUPYTER_PATH, ...) used to find the kernelspec; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Which code cell a run is at. */
export interface CellProgress {
  /** 1-based position among the code cells, of `cells`. */
  readonly cell: number;
  readonly cells: number;
  /** 1-based index of the cell in the notebook. */
  readonly notebookCell: number;
  /** When the run started (`Date.now()` ms). */
  readonly startedAt: number;
}

/** Where and why a run stopped. */
export interface CellFailure {
  /** 1-based index of the cell in the notebook. */
  readonly cell: number;
  readonly ename: string;
  readonly evalue: string;
}

/** The outcome of a run: the executed notebook (changed in place) and the failure, if any. */
export interface RunOutcome {
  readonly notebook: Notebook;
  readonly failure: CellFailure | undefined;
  readonly seconds: number;
  readonly kernel: KernelChoice;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Runs every code cell of `notebook`; outputs and execution counts are replaced in place. */
export async function runNotebook(notebook: Notebook, options: RunOptions): Promise<RunOutcome> {
  const progress = options.progress ?? ((): void => undefined);
  const timeoutMs = (options.timeoutSeconds ?? 600) * 1000;
  const kernel = locateKernel(notebook, options.env);
  const started = Date.now();
  const codeCells = notebook.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ cell, index }] : []));
  for (const { cell } of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  progress(
    `starting kernel "${kernel.name}" (${kernel.source === "direct" ? "no kernelspec installed: started directly" : kernel.source})`,
  );
  const client = await KernelClient.start({ argv: kernel.argv, env: kernel.env, cwd: dirname(resolve(options.path)) });
  let failure: CellFailure | undefined;
  let probe: SessionProbe | undefined;
  let info: Record<string, unknown> = {};
  try {
    info = (await client.request("kernel_info_request", {})).reply.content;
    const collector = new OutputCollector();
    for (const [i, { cell, index }] of codeCells.entries()) {
      const code = cellSource(cell);
      progress(`cell ${i + 1} of ${codeCells.length} (notebook cell ${index + 1}), ${seconds(started)} elapsed`, {
        cell: i + 1,
        cells: codeCells.length,
        notebookCell: index + 1,
        startedAt: started,
      });
      if (code.trim() === "") continue;
      let reply;
      try {
        reply = await client.execute(code, { timeoutMs, onIopub: collector.cell(cell.outputs) });
      } catch (error) {
        if (!(error instanceof KernelTimeoutError)) throw error;
        const evalue = `the cell ran longer than ${timeoutMs / 1000} s (--timeout) and was interrupted`;
        cell.outputs.push({ output_type: "error", ename: "Timeout", evalue, traceback: [`Timeout: ${evalue}`] });
        failure = { cell: index + 1, ename: "Timeout", evalue };
        break;
      }
      const count = reply.reply.content["execution_count"];
      cell.execution_count = typeof count === "number" ? count : null;
      if (reply.reply.content["status"] !== "ok") {
        const shown = cell.outputs.find((o): o is ErrorOutput => o.output_type === "error");
        const ename = shown?.ename ?? String(reply.reply.content["ename"] ?? "Error");
        const evalue = shown?.evalue ?? String(reply.reply.content["evalue"] ?? `status ${String(reply.reply.content["status"])}`);
        failure = { cell: index + 1, ename, evalue };
        break;
      }
    }
    if (failure === undefined) {
      const reply = await client.execute(PROBE_CODE, { timeoutMs, storeHistory: false });
      probe = readProbe(reply);
    }
  } finally {
    await client.shutdown();
  }
  const elapsed = (Date.now() - started) / 1000;
  notebook.metadata = {
    ...notebook.metadata,
    ...(typeof info["language_info"] === "object" ? { language_info: info["language_info"] as Record<string, unknown> } : {}),
    amp_kpn: runMetadata({ info, probe, kernel, parameters: options.parameters ?? {}, seconds: elapsed, failure }),
  };
  progress(
    failure === undefined
      ? `done: ${codeCells.length} code cells in ${elapsed.toFixed(1)} s`
      : `stopped at cell ${failure.cell} after ${elapsed.toFixed(1)} s`,
  );
  return { notebook, failure, seconds: elapsed, kernel };
}

/** A code cell, for callers that index the notebook. */
export type { CodeCell };
