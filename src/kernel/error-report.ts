/**
 * Turns what a failing cell produced (a thrown value, or TypeScript diagnostics) into the
 * `ename` / `evalue` / `traceback` of a Jupyter error. An AmpError shows its code, stage, node
 * and detail; stack frames inside tslab, this kernel and Node's internals are left out.
 */
import { format } from "node:util";

/** The error fields of an execute_reply and of the iopub `error` message. */
export interface ErrorReport {
  readonly ename: string;
  readonly evalue: string;
  readonly traceback: string[];
}

const HIDDEN_FRAME = /\(node:|at node:|[/\\]node_modules[/\\]tslab[/\\]|[/\\]dist[/\\]kernel[/\\]/;

function userFrames(stack: string | undefined): string[] {
  if (stack === undefined) return [];
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .filter((line) => !HIDDEN_FRAME.test(line));
}

function isInterrupt(error: Error): boolean {
  return error.message === "Interrupted asynchronously" || (error as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
}

/** The report of a value thrown by a cell (usually an Error). */
export function reportThrown(thrown: unknown): ErrorReport {
  if (!(thrown instanceof Error)) {
    const text = format("%o", thrown);
    return { ename: "Uncaught", evalue: text, traceback: [`Uncaught ${text}`] };
  }
  if (isInterrupt(thrown)) {
    return { ename: "Interrupted", evalue: "the cell was interrupted", traceback: ["Interrupted: the cell was interrupted"] };
  }
  const fields = thrown as Error & { code?: unknown; stage?: unknown; node?: unknown; detail?: unknown };
  const isAmp = thrown.name === "AmpError" && typeof fields.code === "string";
  const head = isAmp ? `${thrown.name} [${String(fields.code)}]: ${thrown.message}` : `${thrown.name}: ${thrown.message}`;
  const lines = head.split("\n");
  if (isAmp) {
    if (typeof fields.stage === "string" && fields.stage !== "") lines.push(`  stage: ${fields.stage}`);
    if (typeof fields.node === "string" && fields.node !== "") lines.push(`  node: ${fields.node}`);
    if (typeof fields.detail === "string" && fields.detail !== "" && fields.detail !== thrown.message)
      lines.push(`  detail: ${fields.detail}`);
  }
  return { ename: thrown.name, evalue: thrown.message, traceback: [...lines, ...userFrames(thrown.stack)] };
}

/** The report of a cell that did not compile: one line per TypeScript diagnostic. */
export function reportDiagnostics(lines: readonly string[]): ErrorReport {
  return { ename: "TypeScriptError", evalue: lines.join("\n"), traceback: [...lines] };
}
