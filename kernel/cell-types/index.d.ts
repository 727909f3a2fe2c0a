// Globals of cells in the AMP KPN kernel (the kernel defines them at run time; see docs/kernel.md).

/**
 * Shows `value` in the notebook as one `display_data` message. A value with a
 * `[Symbol.for("Jupyter.display")]()` method (a Graph, a RenderResult, a figure, your own class)
 * sends its whole MIME bundle; any other value is shown as `console.log` prints it.
 */
declare function display(value: unknown): void;

/**
 * Clears the output of the cell that ran last. With `wait = true` the output is cleared when the
 * next output arrives (no flicker when redrawing). Default false.
 */
declare function clearOutput(wait?: boolean): void;
