/**
 * Validation of one node's parameters at the TypeScript edge, against the node catalogue.
 * Accepts either the TypeScript options of a factory (camelCase keys) or the `params` of a graph
 * JSON (snake_case keys) and returns the frozen JSON form. Messages name the key as the caller
 * wrote it.
 */
import { invalidError, validationError, type ValidationSubject } from "../errors";
import type { CatalogNode, CatalogParam } from "../nodes/catalog-types";
import { findNodeType, nodeTypes } from "../nodes/catalog";
import { METADATA_LIMITS } from "../nodes/common";
import { camelCase } from "../nodes/names";
import { expectedText, inRange, isRequired, type RangeSpec } from "../nodes/param-text";
import type { NodeParamsJSON, ParamValueJSON } from "./json";

/** Which key spelling the input uses. */
export type KeyNaming = "ts" | "json";

const MODES = ["add", "multiply"] as const;

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Checks a node instance name: starts with a letter or `_`, then letters, digits, `_` and `-`. */
export function checkNodeName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw validationError({ label: "a node name" }, "a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/", name);
  }
  // Results (summaries, heat curves) are objects keyed by node name, where "__proto__" is no own key.
  if (name === "__proto__") throw validationError({ label: "a node name" }, 'a string other than "__proto__"', name);
}

/** Checks a string that reaches the runtime as a C string: non-empty and without NUL characters. */
export function checkCString(subject: ValidationSubject, value: unknown): string {
  if (typeof value !== "string" || value === "") throw validationError(subject, "a non-empty string", value);
  if (value.includes("\0")) throw validationError(subject, "a string without NUL characters (the runtime reads it as a C string)", value);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** Returns the catalogue entry of `type` or throws AMP_ERR_UNKNOWN_NODE_TYPE naming the node. */
export function requireNodeType(node: string | undefined, type: unknown): CatalogNode {
  const entry = typeof type === "string" ? findNodeType(type) : undefined;
  if (entry === undefined) {
    const subject: ValidationSubject = { node };
    if (typeof type !== "string") throw validationError({ ...subject, param: "type" }, "a node type name", type);
    throw invalidError(
      subject,
      `has unknown type ${JSON.stringify(type)}; known types: ${nodeTypes().join(", ")}`,
      "AMP_ERR_UNKNOWN_NODE_TYPE",
    );
  }
  return entry;
}

/** Checks a number against a kind and an inclusive range; returns it. */
export function checkNumber(subject: ValidationSubject, value: unknown, spec: RangeSpec & { unit: string }): number {
  if (typeof value !== "number" || !inRange(spec, value)) throw validationError(subject, expectedText(spec), value);
  return value;
}

function checkList(subject: ValidationSubject, param: CatalogParam, value: unknown): readonly number[] {
  const min = param.minLength ?? 0;
  const max = param.maxLength ?? 0;
  if (!Array.isArray(value) || value.length < min || value.length > max) throw validationError(subject, expectedText(param), value);
  const items: number[] = [];
  const item = { ...param, kind: "number" as const };
  for (const [i, entry] of (value as unknown[]).entries()) {
    const at: ValidationSubject = { ...subject, param: `${subject.param ?? param.name}[${i}]` };
    const checked = checkNumber(at, entry, item);
    const previous = items[items.length - 1];
    if (param.increasing === true && previous !== undefined && !(checked > previous))
      throw validationError(at, `a number above the previous item ${previous} (the items must be strictly increasing)`, entry);
    items.push(checked);
  }
  return Object.freeze(items);
}

function checkNames(subject: ValidationSubject, param: CatalogParam, value: unknown): readonly string[] {
  const min = param.minLength ?? 0;
  const max = param.maxLength ?? 0;
  if (!Array.isArray(value) || value.length < min || value.length > max) throw validationError(subject, expectedText(param), value);
  const items: string[] = [];
  for (const [i, entry] of (value as unknown[]).entries()) {
    const at: ValidationSubject = { ...subject, param: `${subject.param ?? param.name}[${i}]` };
    const checked = checkCString(at, entry);
    if (items.includes(checked)) throw validationError(at, "a name not listed before (the items must differ)", entry);
    items.push(checked);
  }
  return Object.freeze(items);
}

/** The items of a node's outputs parameter must not contain ".": edges read them as "node.output". */
function checkOutputNames(subject: ValidationSubject, names: readonly string[]): void {
  for (const [i, name] of names.entries())
    if (name.includes("."))
      throw validationError(
        { ...subject, param: `${subject.param ?? ""}[${i}]` },
        'a name without "." (the items name the node\'s outputs, read as "node.output")',
        name,
      );
}

function checkParam(subject: ValidationSubject, param: CatalogParam, value: unknown): ParamValueJSON {
  if (param.kind === "boolean") {
    if (typeof value !== "boolean") throw validationError(subject, "a boolean", value);
    return value;
  }
  if (param.kind === "text") return checkCString(subject, value);
  if (param.kind === "enum") {
    if (typeof value !== "string" || !(param.choices ?? []).includes(value)) throw validationError(subject, expectedText(param), value);
    return value;
  }
  if (param.kind === "list") return checkList(subject, param, value);
  if (param.kind === "names") return checkNames(subject, param, value);
  return checkNumber(subject, value, param);
}

function checkThermo(subject: ValidationSubject, value: unknown, naming: KeyNaming): ParamValueJSON {
  if (!isPlainObject(value)) throw validationError(subject, "an object { heatParam?, resistance?, work? }", value);
  const out: { heat_param?: string; resistance?: number; work?: number } = {};
  const heatKey = naming === "ts" ? "heatParam" : "heat_param";
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const inner: ValidationSubject = { ...subject, param: `thermo.${key}` };
    if (key === heatKey) {
      out.heat_param = checkCString(inner, item);
    } else if (key === "resistance") {
      out.resistance = checkNumber(inner, item, METADATA_LIMITS.thermoResistance);
    } else if (key === "work") {
      out.work = checkNumber(inner, item, METADATA_LIMITS.thermoWork);
    } else {
      throw invalidError(inner, `is unknown; thermo accepts ${heatKey}, resistance, work`);
    }
  }
  return Object.freeze(out);
}

/** A node that publishes its own heat refuses the shared model's constants (they would be accepted and ignored). */
function checkPublishedHeatThermo(subject: ValidationSubject, node: CatalogNode, thermo: { resistance?: number; work?: number }): void {
  if (node.publishesHeat !== true) return;
  for (const key of ["resistance", "work"] as const) {
    const value = thermo[key];
    if (value !== undefined)
      throw validationError(
        { ...subject, param: `thermo.${key}` },
        "no value (this node type publishes its own heat; thermo.resistance and thermo.work apply to the shared model only)",
        value,
      );
  }
}

/** A heat channel named like one of the node's parameters would hide it from overrides: refused. */
function checkHeatParamName(subject: ValidationSubject, node: CatalogNode, heatParam: string | undefined, naming: KeyNaming): void {
  if (heatParam === undefined) return;
  const names = node.params.flatMap((p) => [p.name, camelCase(p.name)]);
  if (names.includes(heatParam)) {
    const param = naming === "ts" ? "thermo.heatParam" : "thermo.heat_param";
    throw validationError(
      { ...subject, param },
      `a name other than the node's parameters (${node.params.map((p) => p.name).join(", ")})`,
      heatParam,
    );
  }
}

function checkModulationMeta(subject: ValidationSubject, value: unknown): ParamValueJSON {
  if (!isPlainObject(value)) throw validationError(subject, "an object { mode?, channels? }", value);
  const out: { mode?: "add" | "multiply"; channels?: number } = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const inner: ValidationSubject = { ...subject, param: `modulation.${key}` };
    if (key === "mode") {
      if (item !== "add" && item !== "multiply") throw validationError(inner, `one of ${MODES.map((m) => `"${m}"`).join(", ")}`, item);
      out.mode = item;
    } else if (key === "channels") {
      out.channels = checkNumber(inner, item, METADATA_LIMITS.modulationChannels);
    } else {
      throw invalidError(inner, "is unknown; modulation accepts mode, channels");
    }
  }
  return Object.freeze(out);
}

/** The value a requirement reads: `oversample` or a parameter's (an enum's index, a boolean's 0 / 1). */
function settingOf(node: CatalogNode, out: Readonly<Record<string, ParamValueJSON>>, key: string): number {
  if (key === "oversample") return typeof out.oversample === "number" ? out.oversample : 1;
  const param = node.params.find((p) => p.name === key);
  const value = out[key] ?? param?.default ?? 0;
  if (param?.kind === "enum") return (param.choices ?? []).indexOf(String(value));
  if (typeof value === "boolean") return value ? 1 : 0;
  return typeof value === "number" ? value : 0;
}

/**
 * A parameter given while its declared requirement (catalogue `requires`) fails is refused, as the
 * runtime does. With a preset the runtime decides (a preset may supply the setting).
 */
function checkRequirements(
  base: ValidationSubject,
  node: CatalogNode,
  out: Readonly<Record<string, ParamValueJSON>>,
  keyOf: (name: string) => string,
): void {
  if (out.preset !== undefined && out.preset !== "none") return;
  for (const param of node.params) {
    const rule = param.requires;
    if (rule === undefined || out[param.name] === undefined) continue;
    const value = settingOf(node, out, rule.key);
    const holds = rule.relation === "!=" ? value !== settingOf(node, out, rule.other ?? "") : value > (rule.bound ?? 0);
    if (holds) continue;
    const shown = (key: string): string => {
      const given = key === "oversample" ? (out.oversample ?? 1) : (out[key] ?? node.params.find((p) => p.name === key)?.default);
      return `${keyOf(key)} ${JSON.stringify(given)}`;
    };
    const provided = rule.relation === "!=" ? `${shown(rule.key)}, ${shown(rule.other ?? "")}` : shown(rule.key);
    const text = rule.relation === "!=" ? `${keyOf(rule.key)} != ${keyOf(rule.other ?? "")}` : `${keyOf(rule.key)} > ${rule.bound ?? 0}`;
    throw invalidError({ ...base, param: keyOf(param.name) }, `requires ${text} (${rule.why}), got ${provided}`);
  }
}

function knownKeys(node: CatalogNode, naming: KeyNaming): string {
  const params = node.params.map((param) => (naming === "ts" ? camelCase(param.name) : param.name));
  const meta =
    naming === "ts"
      ? ["oversample", "declaredDelayFrames", "thermo", "modulation"]
      : ["oversample", "declared_delay_frames", "thermo", "modulation"];
  return [...params, ...meta].join(", ");
}

/**
 * Validates and converts one node's parameters to their frozen JSON form.
 * @param name - node instance name (for messages)
 * @param type - registered node type
 * @param input - factory options (`naming` "ts") or JSON params (`naming` "json")
 * @param partial - true for an update of some keys (required parameters are not checked)
 */
export function toParamsJSON(name: string, type: string, input: unknown, naming: KeyNaming, partial = false): NodeParamsJSON {
  const node = requireNodeType(name, type);
  const base: ValidationSubject = { node: name, type };
  if (!isPlainObject(input)) throw validationError({ ...base, param: "params" }, "an object", input);
  const out: Record<string, ParamValueJSON> = {};
  const delayKey = naming === "ts" ? "declaredDelayFrames" : "declared_delay_frames";
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const subject: ValidationSubject = { ...base, param: key };
    if (key === "oversample") {
      out.oversample = checkNumber(subject, value, METADATA_LIMITS.oversample);
      if (out.oversample > 1 && node.oversamples !== true)
        throw validationError(
          subject,
          "1 (this node type does not oversample: a larger factor would change nothing but the reported heat)",
          value,
        );
    } else if (key === delayKey) {
      out.declared_delay_frames = checkNumber(subject, value, METADATA_LIMITS.declaredDelayFrames);
    } else if (key === "thermo") {
      out.thermo = checkThermo(base, value, naming);
      checkPublishedHeatThermo(base, node, out.thermo as { resistance?: number; work?: number });
      checkHeatParamName(base, node, (out.thermo as { heat_param?: string }).heat_param, naming);
    } else if (key === "modulation") {
      out.modulation = checkModulationMeta(base, value);
    } else {
      const param = node.params.find((p) => (naming === "ts" ? camelCase(p.name) : p.name) === key);
      if (param === undefined) throw invalidError(subject, `is unknown; ${type} accepts ${knownKeys(node, naming)}`);
      out[param.name] = checkParam(subject, param, value);
      if (param.name === node.outputsParam) checkOutputNames(subject, out[param.name] as readonly string[]);
    }
  }
  const keyOf = (paramName: string): string => (naming === "ts" ? camelCase(paramName) : paramName);
  if (!partial) checkRequirements(base, node, out, keyOf);
  for (const param of node.params) {
    const alternative = param.alternative;
    if (alternative !== undefined && param.name < alternative && out[param.name] !== undefined && out[alternative] !== undefined) {
      throw invalidError({ ...base, param: keyOf(param.name) }, `excludes ${JSON.stringify(keyOf(alternative))}; give one of them`);
    }
    if (!partial && isRequired(param) && out[param.name] === undefined && (alternative === undefined || out[alternative] === undefined)) {
      const unless = alternative === undefined ? "" : ` unless ${JSON.stringify(keyOf(alternative))} is given`;
      throw invalidError({ ...base, param: keyOf(param.name) }, `is required (${expectedText(param)})${unless}`);
    }
  }
  return Object.freeze(out);
}

/**
 * Checks the declared requirements of a node's complete JSON params (e.g. after `Graph.set`
 * merged an update), naming keys in TypeScript spelling.
 */
export function checkParamRequirements(name: string, type: string, params: NodeParamsJSON): void {
  checkRequirements({ node: name, type }, requireNodeType(name, type), params, camelCase);
}
