/** Names of the per-frame parameter tensors a caller may hand a node (`Runtime.setParam`, `NodeRunner` params). */
import { invalidError } from "../errors";
import { requireNodeType } from "../graph/validate-params";
import type { CatalogParam } from "../nodes/catalog-types";
import { camelCase } from "../nodes/names";

/** A node as the graph JSON holds it (only the fields read here). */
export interface NamedNode {
  readonly name: string;
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** What a per-frame tensor named `param` feeds: a signal parameter, or the node's heat channel. */
export type SignalTarget =
  { readonly kind: "param"; readonly name: string; readonly spec: CatalogParam } | { readonly kind: "heat"; readonly name: string };

/**
 * Resolves `param` to a signal parameter of the node (JSON or camelCase name) or to its heat
 * channel (`thermo.heat_param`, `"thermo.heat"` unless renamed). Throws a TypeScript-edge
 * {@link AmpError} naming what is overridable when `param` is unknown or static.
 */
export function signalTarget(node: NamedNode, param: string): SignalTarget {
  const entry = requireNodeType(node.name, node.type);
  const thermo = node.params.thermo as { heat_param?: string } | undefined;
  const heatParam = thermo?.heat_param ?? "thermo.heat";
  if (param === heatParam) return { kind: "heat", name: param };
  const spec = entry.params.find((p) => p.name === param || camelCase(p.name) === param);
  const signals = entry.params.filter((p) => p.kind === "signal").map((p) => p.name);
  const allowed = [...signals, heatParam].join(", ");
  const subject = { node: node.name, type: node.type, param };
  if (spec === undefined) throw invalidError(subject, `is unknown; overridable: ${allowed}`);
  if (spec.kind !== "signal")
    throw invalidError(subject, `is static (kind ${spec.kind}) and cannot be overridden per block; overridable: ${allowed}`);
  return { kind: "param", name: spec.name, spec };
}
