/**
 * The MIME bundle the kernel sends for a value: a displayable's whole bundle (binary entries as
 * base64, as Jupyter expects for images), else `text/plain` exactly as `console.log` prints it.
 */
import { format } from "node:util";
import { DISPLAY_SYMBOL, isDisplayable } from "../display/mime";

/** A Jupyter `data` dictionary: MIME type to content. */
export type DisplayData = Record<string, unknown>;

/** Thrown when a displayable's display method returns something that is not a bundle. */
export class DisplayBundleError extends Error {
  override readonly name = "DisplayBundleError";
}

function describe(value: unknown): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== "string" || name === "" || name === "Object") return "an object";
  return `a ${name}`;
}

/** The bundle to show for `value`; throws {@link DisplayBundleError} for a malformed bundle. */
export function displayData(value: unknown): DisplayData {
  if (!isDisplayable(value)) return { "text/plain": format(value) };
  const bundle: unknown = value[DISPLAY_SYMBOL]();
  if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle))
    throw new DisplayBundleError(
      `the display method of ${describe(value)} returned ${format("%o", bundle)}, expected a MIME bundle object`,
    );
  const data: DisplayData = {};
  for (const [mime, content] of Object.entries(bundle)) {
    data[mime] =
      content instanceof Uint8Array ? Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString("base64") : content;
  }
  if (typeof data["text/plain"] !== "string")
    throw new DisplayBundleError(`the display method of ${describe(value)} returned a bundle without a "text/plain" string`);
  return data;
}
