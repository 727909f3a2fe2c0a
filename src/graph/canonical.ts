/** Canonical JSON (object keys sorted, no whitespace) and the content hash built on it. */
import { createHash } from "node:crypto";

/** JSON text of `value` with every object's keys sorted; `undefined` members are dropped as in JSON.stringify. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  });
}

/** Lower-case hex sha256 of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value), "utf8").digest("hex");
}
