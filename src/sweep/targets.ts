/**
 * What each grid path names: `"node.param"` resolved against the graph to a node and one of its
 * parameters (JSON or camelCase name), signal or static. Every distinct value is checked by
 * applying it to the graph once, up front, so a bad value fails before anything renders.
 */
import { invalidError } from "../errors";
import type { Graph } from "../graph/graph";
import { requireNodeType } from "../graph/validate-params";
import type { CatalogParam } from "../nodes/catalog-types";
import { camelCase } from "../nodes/names";
import type { GridValue, SweepPoint } from "./grid";

/** One resolved grid path. */
export interface SweepTarget {
  /** The path as given, e.g. `"lp.frequency"`. */
  readonly path: string;
  readonly node: string;
  /** Parameter name in the graph JSON (snake case). */
  readonly param: string;
  /** Option key for `graph.set` (camelCase). */
  readonly key: string;
  /**
   * True when every value of the path can be set per batch lane (`Runtime.setParam`): a signal
   * parameter with finite numeric values. Points that differ only in such values share a render.
   */
  readonly packable: boolean;
}

/** Resolves every path of the points (all points have the same paths) and checks every distinct value. */
export function resolveTargets(graph: Graph, points: readonly SweepPoint[]): SweepTarget[] {
  const paths = Object.keys(points[0] ?? {});
  return paths.map((path) => {
    const dot = path.indexOf(".");
    const nodeName = dot < 0 ? path : path.slice(0, dot);
    const paramName = dot < 0 ? "" : path.slice(dot + 1);
    const node = graph.node(nodeName);
    if (node === undefined)
      throw invalidError(
        { param: path, label: "sweep grid path" },
        `names no node of the graph: grid paths are "node.param"; nodes: ${graph.nodes.map((n) => n.name).join(", ")}`,
      );
    const entry = requireNodeType(node.name, node.type);
    const spec: CatalogParam | undefined = entry.params.find((p) => p.name === paramName || camelCase(p.name) === paramName);
    if (spec === undefined)
      throw invalidError(
        { node: node.name, type: node.type, param: paramName === "" ? path : paramName },
        `is not a parameter of ${node.type}; parameters: ${entry.params.map((p) => p.name).join(", ")}`,
      );
    const key = camelCase(spec.name);
    const distinct = new Set<GridValue>(points.map((p) => p[path] as GridValue));
    for (const value of distinct) graph.set(node.name, { [key]: value }); // throws a named AmpError for a bad value
    const packable = spec.kind === "signal" && [...distinct].every((v) => typeof v === "number" && Number.isFinite(v));
    return Object.freeze({ path, node: node.name, param: spec.name, key, packable });
  });
}

/** The graph of one point: every path's value set on the base graph. */
export function pointGraph(graph: Graph, targets: readonly SweepTarget[], point: SweepPoint, only?: (t: SweepTarget) => boolean): Graph {
  let g = graph;
  for (const target of targets) {
    if (only !== undefined && !only(target)) continue;
    g = g.set(target.node, { [target.key]: point[target.path] });
  }
  return g;
}
