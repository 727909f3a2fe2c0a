/**
 * The session list of rendered graphs: every successful render (through `render()` or
 * `Runtime.render()`) appends its graph's content hash (`graph.hash`, lower-case hex sha256 of
 * the canonical JSON) once, in the order first rendered. The notebook runner reads it at the end
 * of a run and stores it in the executed notebook's metadata (`amp_kpn.renderedGraphs`).
 * One list per process (per kernel session).
 */
const hashes: string[] = [];
const seen = new Set<string>();

/** Records that the graph with content hash `hash` was rendered (kept once, first-render order). */
export function recordRenderedGraph(hash: string): void {
  if (seen.has(hash)) return;
  seen.add(hash);
  hashes.push(hash);
}

/** Content hashes of the graphs rendered in this process so far, in first-render order. */
export function renderedGraphs(): readonly string[] {
  return [...hashes];
}
