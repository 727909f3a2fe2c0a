/**
 * Layout of a graph diagram: each node's column (stage) and row, and which links run backwards
 * (feedback). Columns follow the graph's explicit schedule when it has one; otherwise the
 * longest chain of forward links from a source (the order the scheduler must respect).
 * Drawing only: this decides where boxes go, never what the runtime computes.
 */
import type { EdgeJSON, ModulationJSON, NodeJSON } from "../graph/json";

/** A link of the diagram: an audio edge or a modulation edge. */
export type DiagramLink =
  { readonly kind: "audio"; readonly edge: EdgeJSON } | { readonly kind: "modulation"; readonly edge: ModulationJSON };

/** Where each node goes and which links close loops. */
export interface GraphLayout {
  /** Column of each node (by name), 0 = leftmost. */
  readonly column: ReadonlyMap<string, number>;
  /** Row of each node inside its column, 0 = top. */
  readonly row: ReadonlyMap<string, number>;
  /** Number of columns and the most rows of any column. */
  readonly columns: number;
  readonly rows: number;
  /** Links drawn curved back: their target's column is not right of their source's. */
  readonly feedback: ReadonlySet<DiagramLink>;
  readonly links: readonly DiagramLink[];
}

/** Links whose removal leaves no cycle: the edges a depth-first search (in insertion order) finds pointing back. */
function backLinks(nodes: readonly NodeJSON[], links: readonly DiagramLink[]): Set<DiagramLink> {
  const out = new Map<string, DiagramLink[]>();
  for (const node of nodes) out.set(node.name, []);
  for (const link of links) out.get(link.edge.from)?.push(link);
  const state = new Map<string, 1 | 2>();
  const back = new Set<DiagramLink>();
  const visit = (name: string): void => {
    state.set(name, 1);
    for (const link of out.get(name) ?? []) {
      const s = state.get(link.edge.to);
      if (s === 1) back.add(link);
      else if (s === undefined) visit(link.edge.to);
    }
    state.set(name, 2);
  };
  for (const node of nodes) if (!state.has(node.name)) visit(node.name);
  return back;
}

/** Lays out nodes left to right (schedule stages or longest forward chains), rows in insertion order. */
export function layoutGraph(
  nodes: readonly NodeJSON[],
  edges: readonly EdgeJSON[],
  modulations: readonly ModulationJSON[],
  schedule: readonly (readonly string[])[] | undefined,
): GraphLayout {
  const links: DiagramLink[] = [
    ...edges.map((edge) => ({ kind: "audio" as const, edge })),
    ...modulations.map((edge) => ({ kind: "modulation" as const, edge })),
  ];
  const column = new Map<string, number>();
  const complete = schedule !== undefined && schedule.reduce((n, stage) => n + stage.length, 0) === nodes.length;
  if (complete) {
    schedule.forEach((stage, i) => stage.forEach((name) => column.set(name, i)));
  } else {
    const back = backLinks(nodes, links);
    for (const node of nodes) column.set(node.name, 0);
    // Longest path over the acyclic links: at most n rounds of relaxation.
    for (let round = 0; round < nodes.length; round += 1) {
      let changed = false;
      for (const link of links) {
        if (back.has(link)) continue;
        const next = (column.get(link.edge.from) ?? 0) + 1;
        if (next > (column.get(link.edge.to) ?? 0)) {
          column.set(link.edge.to, next);
          changed = true;
        }
      }
      if (!changed) break;
    }
  }
  const row = new Map<string, number>();
  const filled: number[] = [];
  for (const node of nodes) {
    const c = column.get(node.name) ?? 0;
    row.set(node.name, filled[c] ?? 0);
    filled[c] = (filled[c] ?? 0) + 1;
  }
  const feedback = new Set(links.filter((link) => (column.get(link.edge.to) ?? 0) <= (column.get(link.edge.from) ?? 0)));
  return {
    column,
    row,
    columns: filled.length,
    rows: Math.max(0, ...filled.map((n) => n ?? 0)),
    feedback,
    links,
  };
}
