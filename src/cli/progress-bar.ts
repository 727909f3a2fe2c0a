/**
 * The CLI's progress bar: one line on stderr rewritten in place (`\r`, erase to end of line),
 * shown only when stderr is a terminal (or forced with `--progress`), cleared when the job ends.
 */
import { progressLine, type ProgressEvent } from "../render/progress";

/** Where the bar is drawn: a stream with `write` (stderr). */
export interface BarStream {
  write(text: string): boolean;
}

export class TerminalBar {
  readonly #stream: BarStream;
  #shown = false;

  constructor(stream: BarStream) {
    this.#stream = stream;
  }

  /** Redraws the bar for a running job's event. */
  update(event: ProgressEvent): void {
    this.#stream.write(`\r${progressLine(event)}  (Ctrl-C stops)\x1b[K`);
    this.#shown = true;
  }

  /** Erases the bar (when one was drawn). */
  clear(): void {
    if (this.#shown) this.#stream.write("\r\x1b[K");
    this.#shown = false;
  }
}
