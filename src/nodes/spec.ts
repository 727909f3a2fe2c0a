/**
 * A node value before it has a name: what a factory such as `sineOsc({ frequency: 220 })`
 * returns. Options are validated when the spec is added to a graph, where the node's name is
 * known and can be put in the message.
 */
import { validationError } from "../errors";

/** An unnamed node: a type and its TypeScript options (camelCase keys). Immutable. */
export interface NodeSpec<Type extends string = string> {
  readonly type: Type;
  /** Options as given to the factory: the node's parameters (camelCase) plus the common metadata. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Creates a frozen {@link NodeSpec}; `undefined` options are dropped. */
export function nodeSpec<Type extends string>(type: Type, options: object = {}): NodeSpec<Type> {
  if (typeof options !== "object" || options === null || Array.isArray(options) || ArrayBuffer.isView(options))
    throw validationError({ type, param: "options", label: "argument" }, `an object of ${type} options`, options);
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) copy[key] = value;
  }
  return Object.freeze({ type, options: Object.freeze(copy) });
}

/** True when `value` looks like a {@link NodeSpec}. */
export function isNodeSpec(value: unknown): value is NodeSpec {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string" &&
    typeof (value as { options?: unknown }).options === "object"
  );
}
