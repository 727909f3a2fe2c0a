/** Parsing and checking the JSON text of the native node catalogue (`amp_node_catalog_json()`). */
import type { CatalogLimit, CatalogLimits, NodeCatalog } from "./catalog-types";
import { REQUIRED_LIMITS } from "./limit-facts";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseLimit(name: string, value: unknown): CatalogLimit {
  if (
    !isObject(value) ||
    typeof value.min !== "number" ||
    typeof value.max !== "number" ||
    !Number.isFinite(value.min) ||
    !Number.isFinite(value.max)
  ) {
    throw new Error(`node catalogue: limit "${name}" expects { min, max, minExclusive } with finite numbers, got ${JSON.stringify(value)}`);
  }
  if (value.minExclusive !== undefined && typeof value.minExclusive !== "boolean") {
    throw new Error(`node catalogue: limit "${name}" expects a boolean minExclusive, got ${JSON.stringify(value.minExclusive)}`);
  }
  return { min: value.min, max: value.max, minExclusive: value.minExclusive === true };
}

function parseLimits(value: unknown): CatalogLimits {
  if (!isObject(value)) throw new Error(`node catalogue: expected a "limits" object, got ${JSON.stringify(value)}`);
  for (const name of REQUIRED_LIMITS) {
    if (value[name] === undefined) throw new Error(`node catalogue: limit "${name}" is missing`);
  }
  const limits: Record<string, CatalogLimit> = {};
  for (const [name, limit] of Object.entries(value)) limits[name] = parseLimit(name, limit);
  return limits as CatalogLimits;
}

/**
 * Parses and checks the catalogue: an object `{ apiVersion, nodes, limits }`. Limits are
 * returned in catalogue order with `minExclusive` always present; limits beyond the required
 * ones are kept.
 */
export function parseCatalog(json: string): NodeCatalog {
  const value = JSON.parse(json) as unknown;
  if (!isObject(value) || !Array.isArray(value.nodes)) throw new Error('node catalogue: expected an object with a "nodes" array');
  for (const node of value.nodes as unknown[]) {
    if (!isObject(node) || typeof node.type !== "string" || !Array.isArray(node.params) || !Array.isArray(node.inputs)) {
      throw new Error(`node catalogue: malformed entry ${JSON.stringify(node).slice(0, 120)}`);
    }
  }
  const apiVersion = typeof value.apiVersion === "number" ? value.apiVersion : 1;
  return { apiVersion, nodes: value.nodes as NodeCatalog["nodes"], limits: parseLimits(value.limits) };
}
