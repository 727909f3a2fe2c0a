/**
 * What tslab's executor reports about the cell it runs: its last expression value (tslab prints
 * it with `console.log`) and its failure (a thrown value or TypeScript diagnostics, printed with
 * `console.error`). The kernel hands the executor this capture as its console, so the value and
 * the error reach the kernel as values, not as text on stdout/stderr.
 */
import { format } from "node:util";

/** What one cell produced. */
export interface CellOutcome {
  /** True when the executor printed a last-expression value (`null`/`undefined` are not printed). */
  hasValue: boolean;
  value: unknown;
  /** Values the executor threw at (one per failure; normally at most one). */
  thrown: unknown[];
  /** TypeScript diagnostics, one formatted line each. */
  diagnostics: string[];
}

/** A fresh, empty outcome. */
export function emptyOutcome(): CellOutcome {
  return { hasValue: false, value: undefined, thrown: [], diagnostics: [] };
}

/** The console object given to tslab's executor, writing into the outcome of the running cell. */
export class CellCapture {
  #outcome: CellOutcome | undefined;

  /** Starts capturing for a new cell; returns its outcome (filled while the cell runs). */
  begin(): CellOutcome {
    this.#outcome = emptyOutcome();
    return this.#outcome;
  }

  /** Stops capturing (later reports go to the real console). */
  end(): void {
    this.#outcome = undefined;
  }

  /** tslab calls `log(value)` with the cell's last expression value. */
  readonly log = (...args: unknown[]): void => {
    const outcome = this.#outcome;
    if (outcome === undefined || args.length !== 1) {
      console.log(...args);
      return;
    }
    outcome.hasValue = true;
    outcome.value = args[0];
  };

  /** tslab calls `error(thrown)` for a runtime failure, `error(fmt, file, line, col, text)` per diagnostic. */
  readonly error = (...args: unknown[]): void => {
    const outcome = this.#outcome;
    if (outcome === undefined) {
      console.error(...args);
      return;
    }
    if (args.length === 1) outcome.thrown.push(args[0]);
    else outcome.diagnostics.push(format(...args));
  };
}
