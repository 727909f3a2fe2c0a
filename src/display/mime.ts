/**
 * The rich-display protocol shared by the library and the notebook kernel.
 *
 * An object is shown richly by the kernel when it has a method under {@link DISPLAY_SYMBOL}
 * (`Symbol.for("Jupyter.display")`) returning a {@link MimeBundle}: all its MIME types travel in
 * one `execute_result` or `display_data` message. The library never imports the kernel; the
 * kernel only looks for this symbol, so users' own classes can implement it too.
 */

/** `Symbol.for("Jupyter.display")`: the method key of a displayable object. */
export const DISPLAY_SYMBOL: unique symbol = Symbol.for("Jupyter.display") as never;

/**
 * A MIME bundle: MIME type to content. Text types carry strings; `+json` types carry plain JSON
 * values (objects, not strings). `text/plain` is always present.
 */
export interface MimeBundle {
  readonly "text/plain": string;
  readonly [mime: string]: unknown;
}

/** An object the kernel shows richly. */
export interface Displayable {
  [DISPLAY_SYMBOL](): MimeBundle;
}

/** True when `value` has a display method under {@link DISPLAY_SYMBOL}. */
export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[DISPLAY_SYMBOL] === "function"
  );
}
