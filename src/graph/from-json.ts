/**
 * Reading a graph JSON description (an object or JSON text) into plain lists: checks the shape
 * and the keys; the values are validated when {@link Graph.fromJSON} builds the graph from them.
 */
import { ampError, invalidError, validationError } from "../errors";
import type { ModulationMode } from "../nodes/common";
import type { GraphJSON } from "./json";
import type { ConnectOptions, ModulateOptions } from "./options";

const TOP_LEVEL_KEYS = [
  "nodes",
  "edges",
  "modulations",
  "output",
  "sample_rate",
  "timing",
  "latency_compensation",
  "thermal_budget",
  "schedule",
];
const NODE_KEYS = ["name", "type", "params"];
const EDGE_KEYS = ["from", "to", "port", "delay_frames"];
const MODULATION_KEYS = ["from", "to", "param", "mode", "scale", "channel", "delay_frames"];

/** A description whose shape and keys are checked; values are still unchecked. */
export interface GraphDescription {
  readonly nodes: readonly { readonly name: unknown; readonly type: unknown; readonly params: unknown }[];
  readonly edges: readonly { readonly from: unknown; readonly to: unknown; readonly options: ConnectOptions }[];
  readonly modulations: readonly {
    readonly from: unknown;
    readonly to: unknown;
    readonly param: unknown;
    readonly options: ModulateOptions;
  }[];
  readonly output: unknown;
  readonly sampleRate: unknown;
  readonly timing: unknown;
  readonly latencyCompensation: unknown;
  readonly thermalBudget: unknown;
  readonly schedule: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The own enumerable properties of `value` in a null-prototype object: inherited values are never read. */
function ownProperties(value: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw ampError("AMP_ERR_INVALID_ARGUMENT", `graph JSON text does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function arrayField(value: Record<string, unknown>, key: string, required: boolean): readonly unknown[] {
  const field = value[key];
  if (field === undefined && !required) return [];
  if (!Array.isArray(field)) throw validationError({ param: key, label: "graph key" }, "an array", field);
  return field;
}

function checkedObject(item: unknown, field: string, shape: string, label: string, keys: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(item)) throw validationError({ param: `${field}[]`, label: "graph key" }, `an object ${shape}`, item);
  for (const key of Object.keys(item)) {
    if (!keys.includes(key))
      throw invalidError(
        { param: key, label: `${label} key` },
        `is unknown; ${/^[aeiou]/.test(label) ? "an" : "a"} ${label} has ${keys.join(", ")}`,
      );
  }
  return ownProperties(item);
}

/** Nesting the runtime's JSON reader accepts (`native/runtime/json.cpp`); deeper input is refused here too. */
export const MAX_JSON_DEPTH = 64;

/** Refuses values nested deeper than {@link MAX_JSON_DEPTH} levels (checked without recursion; a cycle counts as too deep). */
function checkDepth(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== "object" || item === null || ArrayBuffer.isView(item)) continue;
    if (depth > MAX_JSON_DEPTH)
      throw ampError(
        "AMP_ERR_INVALID_ARGUMENT",
        `graph JSON nests deeper than ${MAX_JSON_DEPTH} levels (arrays and objects inside each other)`,
      );
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
}

/** Checks the shape and keys of a graph JSON description; messages name keys as the JSON has them. */
export function readGraphJSON(json: GraphJSON | string): GraphDescription {
  const input: unknown = typeof json === "string" ? parseJsonText(json) : json;
  checkDepth(input);
  if (!isPlainObject(input)) throw validationError({ param: "graph", label: "value" }, "a graph JSON object", input);
  const value = ownProperties(input);
  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_KEYS.includes(key))
      throw invalidError({ param: key, label: "graph key" }, `is unknown; a graph has ${TOP_LEVEL_KEYS.join(", ")}`);
  }
  const nodes = arrayField(value, "nodes", true).map((item) => {
    const node = checkedObject(item, "nodes", "{ name, type, params }", "node", NODE_KEYS);
    return { name: node.name, type: node.type, params: node.params === undefined ? {} : node.params };
  });
  const edges = arrayField(value, "edges", false).map((item) => {
    const edge = checkedObject(item, "edges", "{ from, to }", "edge", EDGE_KEYS);
    return {
      from: edge.from,
      to: edge.to,
      options: { port: edge.port as string | undefined, delayFrames: edge.delay_frames as number | undefined },
    };
  });
  const modulations = arrayField(value, "modulations", false).map((item) => {
    const mod = checkedObject(item, "modulations", "{ from, to, param, mode, scale?, channel? }", "modulation", MODULATION_KEYS);
    const options: ModulateOptions = {
      mode: mod.mode as ModulationMode | undefined,
      scale: mod.scale as number | undefined,
      channel: mod.channel as number | undefined,
      delayFrames: mod.delay_frames as number | undefined,
    };
    return { from: mod.from, to: mod.to, param: mod.param, options };
  });
  return {
    nodes,
    edges,
    modulations,
    output: value.output,
    sampleRate: value.sample_rate,
    timing: value.timing,
    latencyCompensation: value.latency_compensation,
    thermalBudget: value.thermal_budget,
    schedule: value.schedule,
  };
}
