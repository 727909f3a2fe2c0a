/** Human-readable text about a catalogue parameter, shared by validation messages and generated docs. */
import type { CatalogParam } from "./catalog-types";

/** A number as written in messages and docs (`1000000`, `0.995`, `-Infinity`). */
export function formatNumber(value: number): string {
  return Object.is(value, -0) ? "0" : String(value);
}

/** The range part of a parameter: bounds, and whether each is open. */
export type RangeSpec = Pick<CatalogParam, "kind" | "min" | "max" | "minExclusive" | "maxExclusive">;

/** `[min, max]` (`(` / `)` for open ends, `-inf` / `inf` for missing bounds); `""` for booleans. */
export function formatRange(param: RangeSpec): string {
  if (param.kind === "boolean" || param.kind === "text") return "";
  const lo = param.min === null ? "(-inf" : `${param.minExclusive === true ? "(" : "["}${formatNumber(param.min)}`;
  const hi = param.max === null ? "inf)" : `${formatNumber(param.max)}${param.maxExclusive === true ? ")" : "]"}`;
  return `${lo}, ${hi}`;
}

/** True when the parameter has no default and must be given. */
export function isRequired(param: Pick<CatalogParam, "default">): boolean {
  return param.default === null;
}

/** True when `value` is finite, of the right kind (integers: whole) and inside the range. */
export function inRange(param: RangeSpec, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (param.kind === "integer" && !Number.isInteger(value)) return false;
  if (param.min !== null && (param.minExclusive === true ? !(value > param.min) : !(value >= param.min))) return false;
  if (param.max !== null && (param.maxExclusive === true ? !(value < param.max) : !(value <= param.max))) return false;
  return true;
}

/** The default as TypeScript would write it (`440`, `false`), or `""` when there is none. */
export function formatDefault(param: Pick<CatalogParam, "kind" | "default">): string {
  const value = param.default;
  if (value === null) return "";
  if (param.kind === "boolean") return String(value === true || value === 1);
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "number" ? formatNumber(value) : String(value);
}

/** What a valid value looks like: `a finite number in [-1000000, 1000000] Hz`, `an integer in [1, 64]`, `a boolean`. */
export function expectedText(param: RangeSpec & Pick<CatalogParam, "unit">): string {
  if (param.kind === "boolean") return "a boolean";
  if (param.kind === "text") return "a non-empty string";
  const what = param.kind === "integer" ? "an integer" : "a finite number";
  const unit = param.unit === "" ? "" : ` ${param.unit}`;
  return `${what} in ${formatRange(param)}${unit}`;
}
