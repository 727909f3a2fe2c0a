/** The readable text form of a graph (what `console.log(graph)` prints). */
import type { EdgeJSON, ModulationJSON, NodeJSON, ParamValueJSON } from "./json";

/** The content of a graph value, as the builder keeps it (JSON-shaped nodes and links). */
export interface GraphData {
  readonly nodes: readonly NodeJSON[];
  readonly edges: readonly EdgeJSON[];
  readonly modulations: readonly ModulationJSON[];
  readonly output: string | undefined;
  readonly sampleRate: number | undefined;
  readonly timing: boolean | undefined;
  readonly latencyCompensation: boolean | undefined;
  readonly thermalBudget: number | undefined;
  readonly schedule: readonly (readonly string[])[] | undefined;
}

/** What {@link formatGraph} needs. */
export interface FormattableGraph extends GraphData {
  /** Content hash, or `undefined` when the graph has no output yet. */
  readonly hash: string | undefined;
}

function formatValue(value: ParamValueJSON): string {
  return typeof value === "object" ? JSON.stringify(value).replace(/"([a-z_]+)":/g, "$1:") : String(value);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/**
 * Formats a graph as:
 * ```
 * Graph (3 nodes, output "amp", sha256 3f2a9c01b7de)
 *   nodes
 *     osc  sine_osc  frequency=220
 *     amp  gain      gain=0.5
 *   edges
 *     osc -> amp
 *   modulations
 *     lfo -> osc.frequency  add, scale 100
 * ```
 */
export function formatGraph(g: FormattableGraph): string {
  const head = [`${g.nodes.length} node${g.nodes.length === 1 ? "" : "s"}`];
  head.push(g.output === undefined ? "no output yet" : `output "${g.output}"`);
  if (g.sampleRate !== undefined) head.push(`${g.sampleRate} Hz`);
  if (g.timing !== undefined) head.push(`timing ${g.timing ? "on" : "off"}`);
  if (g.latencyCompensation !== undefined) head.push(`latency compensation ${g.latencyCompensation ? "on" : "off"}`);
  if (g.thermalBudget !== undefined) head.push(`thermal budget ${g.thermalBudget}/s`);
  if (g.hash !== undefined) head.push(`sha256 ${g.hash.slice(0, 12)}`);
  const lines = [`Graph (${head.join(", ")})`];
  if (g.nodes.length > 0) {
    lines.push("  nodes");
    const nameWidth = Math.max(...g.nodes.map((n) => n.name.length));
    const typeWidth = Math.max(...g.nodes.map((n) => n.type.length));
    for (const node of g.nodes) {
      const params = Object.entries(node.params).map(([key, value]) => `${key}=${formatValue(value)}`);
      const marker = node.name === g.output ? "  (output)" : "";
      lines.push(`    ${pad(node.name, nameWidth)}  ${pad(node.type, typeWidth)}  ${params.join(" ")}`.trimEnd() + marker);
    }
  }
  if (g.edges.length > 0) {
    lines.push("  edges");
    for (const edge of g.edges) {
      const extra: string[] = [];
      if (edge.port !== undefined) extra.push(`port ${edge.port}`);
      if (edge.delay_frames !== undefined) extra.push(`delay ${edge.delay_frames} frames`);
      lines.push(`    ${edge.from} -> ${edge.to}${extra.length === 0 ? "" : `  ${extra.join(", ")}`}`);
    }
  }
  if (g.modulations.length > 0) {
    lines.push("  modulations");
    for (const mod of g.modulations) {
      const meta = g.nodes.find((n) => n.name === mod.to)?.params.modulation;
      const fallback = typeof meta === "object" && "mode" in meta ? meta.mode : undefined;
      const extra: string[] = [mod.mode ?? fallback ?? "add"];
      if (mod.scale !== undefined) extra.push(`scale ${mod.scale}`);
      if (mod.channel !== undefined) extra.push(`channel ${mod.channel}`);
      if (mod.delay_frames !== undefined) extra.push(`delay ${mod.delay_frames} frames`);
      lines.push(`    ${mod.from} -> ${mod.to}.${mod.param}  ${extra.join(", ")}`);
    }
  }
  if (g.schedule !== undefined) {
    lines.push("  schedule");
    g.schedule.forEach((stage, i) => lines.push(`    ${i}: ${stage.join(", ")}`));
  }
  return lines.join("\n");
}
