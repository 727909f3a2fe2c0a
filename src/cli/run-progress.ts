/**
 * Progress of `amp-kpn run` on stderr. On a terminal (or with `--progress`): one line redrawn in
 * place (`\r`, erase to end of line) with a bar of the code cells, the cell running and the time
 * elapsed, ticking while a long cell runs, erased at the end, followed by the final line. Without
 * a terminal: one line per step, as a log. `--quiet`: nothing.
 */
import type { CellProgress } from "../notebook/runner";

/** Where progress is written: stderr. */
export interface ProgressStream {
  write(text: string): boolean;
  readonly isTTY?: boolean | undefined;
}

const PREFIX = "[amp-kpn run]";
const WIDTH = 20;
const TICK_MS = 250;

/** A run's progress reporter: `report` for the runner's lines, `end` once the run is over. */
export interface RunProgress {
  report(line: string, cell?: CellProgress): void;
  end(): void;
}

function barLine(cell: CellProgress): string {
  const filled = Math.floor((WIDTH * cell.cell) / cell.cells);
  const bar = `[${"#".repeat(filled)}${".".repeat(WIDTH - filled)}]`;
  const elapsed = ((Date.now() - cell.startedAt) / 1000).toFixed(1);
  return `${PREFIX} ${bar} cell ${cell.cell} of ${cell.cells} (notebook cell ${cell.notebookCell}), ${elapsed} s elapsed`;
}

/** The reporter for `stream` with the run's `--progress` / `--quiet` flags. */
export function runProgress(stream: ProgressStream, flags: { progress: boolean; quiet: boolean }): RunProgress {
  if (flags.quiet) return { report: () => undefined, end: () => undefined };
  if (!flags.progress && stream.isTTY !== true) return { report: (line) => void stream.write(`${PREFIX} ${line}\n`), end: () => undefined };
  let shown = false;
  let current: CellProgress | undefined;
  const draw = (text: string): void => {
    stream.write(`\r${text}\x1b[K`);
    shown = true;
  };
  const clear = (): void => {
    if (shown) stream.write("\r\x1b[K");
    shown = false;
  };
  const timer = setInterval(() => {
    if (current !== undefined) draw(barLine(current));
  }, TICK_MS);
  timer.unref();
  return {
    report(line, cell) {
      current = cell;
      if (cell !== undefined) draw(barLine(cell));
      else if (/^(done|stopped)\b/.test(line)) {
        clear();
        stream.write(`${PREFIX} ${line}\n`);
      } else draw(`${PREFIX} ${line}`);
    },
    end() {
      clearInterval(timer);
      current = undefined;
      clear();
    },
  };
}
