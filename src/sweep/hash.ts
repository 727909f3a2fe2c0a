/**
 * The graph hashes of a sweep's points, fast: `Graph.hash` (sha256 of the canonical JSON) of
 * graphs that share most of their node objects. A point's graph differs from the base only in
 * the nodes its grid values set (`Graph.set` keeps every other node object), so the canonical
 * text of each node object is computed once and the graph's canonical text assembled from them;
 * the result is byte-identical to `canonicalJson(graph.toJSON())` (checked in test/sweep-lanes.test.ts).
 * The text of the rest (edges, modulations, output, settings) is reused while those are the same
 * objects and values.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../graph/canonical";
import type { Graph } from "../graph/graph";

/** `graphs.map((g) => g.hash)`, with the canonical text of shared node objects computed once. */
export function pointHashes(graphs: readonly Graph[]): string[] {
  const nodeText = new WeakMap<object, string>();
  // The text of everything but the nodes, per edges array (graphs that set node options share it).
  const restText = new WeakMap<object, { modulations: object; schedule: unknown; scalars: string; text: string }>();
  return graphs.map((graph) => {
    const json = graph.toJSON();
    const scalars = JSON.stringify([json.output, json.sample_rate, json.timing, json.latency_compensation, json.thermal_budget]);
    let rest = restText.get(json.edges);
    if (rest === undefined || rest.modulations !== json.modulations || rest.schedule !== json.schedule || rest.scalars !== scalars) {
      // "nodes":[] occurs once, as the top-level key: any other occurrence would be inside a
      // string, where the quotes are escaped.
      rest = { modulations: json.modulations, schedule: json.schedule, scalars, text: canonicalJson({ ...json, nodes: [] }) };
      restText.set(json.edges, rest);
    }
    const nodes = json.nodes.map((node) => {
      let text = nodeText.get(node);
      if (text === undefined) {
        text = canonicalJson(node);
        nodeText.set(node, text);
      }
      return text;
    });
    const text = rest.text.replace('"nodes":[]', () => `"nodes":[${nodes.join(",")}]`);
    return createHash("sha256").update(text, "utf8").digest("hex");
  });
}
