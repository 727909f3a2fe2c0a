/** Human-readable text about a catalogue parameter, shared by validation messages and generated docs. */
import type { CatalogParam } from "./catalog-types";

/** A number as written in messages and docs (`1000000`, `0.995`, `-Infinity`). */
export function formatNumber(value: number): string {
  return Object.is(value, -0) ? "0" : String(value);
}

/** The range part of a parameter: bounds, and whether each is open. */
export type RangeSpec = Pick<CatalogParam, "kind" | "min" | "max" | "minExclusive" | "maxExclusive"> &
  Partial<Pick<CatalogParam, "choices" | "minLength" | "maxLength" | "increasing">>;

/** `"a", "b", "c"`: the names of an enum parameter, quoted. */
export function choicesText(param: Pick<CatalogParam, "choices">): string {
  return (param.choices ?? []).map((name) => JSON.stringify(name)).join(", ");
}

/** `1 to 64` (or `3` when both bounds agree): the item count of a list parameter. */
export function lengthText(param: Pick<CatalogParam, "minLength" | "maxLength">): string {
  const min = param.minLength ?? 0;
  const max = param.maxLength ?? 0;
  return min === max ? String(min) : `${min} to ${max}`;
}

/** `[min, max]` (`(` / `)` for open ends, `-inf` / `inf` for missing bounds); `""` for booleans. */
export function formatRange(param: RangeSpec): string {
  if (param.kind === "boolean" || param.kind === "text") return "";
  if (param.kind === "enum") return choicesText(param);
  if (param.kind === "names") return `${lengthText(param)} distinct non-empty strings`;
  if (param.kind === "list") {
    const items = formatRange({ ...param, kind: "number" });
    return `${lengthText(param)} items in ${items}${param.increasing === true ? ", strictly increasing" : ""}`;
  }
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
  if (Array.isArray(value)) return `[${value.map((item: number) => formatNumber(item)).join(", ")}]`;
  return typeof value === "number" ? formatNumber(value) : String(value);
}

/** What a valid value looks like: `a finite number in [-1000000, 1000000] Hz`, `an integer in [1, 64]`, `a boolean`. */
export function expectedText(param: RangeSpec & Pick<CatalogParam, "unit">): string {
  if (param.kind === "boolean") return "a boolean";
  if (param.kind === "text") return "a non-empty string";
  if (param.kind === "enum") return `one of ${choicesText(param)}`;
  if (param.kind === "names") return `an array of ${lengthText(param)} distinct non-empty strings`;
  if (param.kind === "list") {
    const item = expectedText({ ...param, kind: "number" });
    return `an array of ${lengthText(param)} items, each ${item}${param.increasing === true ? ", strictly increasing" : ""}`;
  }
  const what = param.kind === "integer" ? "an integer" : "a finite number";
  const unit = param.unit === "" ? "" : ` ${param.unit}`;
  return `${what} in ${formatRange(param)}${unit}`;
}

/** `Requires oversample > 1 (why); refused without it`: a parameter's requirement, for docs. */
export function requirementText(param: Pick<CatalogParam, "requires">): string {
  const rule = param.requires;
  if (rule === undefined) return "";
  return `Requires \`${rule.text}\` (${rule.why}); refused without it, since it would have no effect`;
}
