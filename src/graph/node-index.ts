/**
 * Name lookup for a graph's nodes in O(1), shared by a graph and the graphs derived from it by
 * adding nodes (so building an n-node graph costs O(n) lookups, not O(n^2) scans).
 *
 * Contract: every node of every nodes array looked up through an index was registered with it at
 * its position. Graphs that branch from a common parent share the index, so an entry may point
 * at another branch's node: a hit is trusted only when the caller's array holds that very node at
 * that position; otherwise the array is scanned (and the entry repaired). A name with no entry was
 * never registered, so no array using this index holds it.
 */
import type { NodeJSON } from "./json";

interface Entry {
  readonly node: NodeJSON;
  readonly position: number;
}

export class NodeIndex {
  readonly #entries = new Map<string, Entry>();

  /** An index of `nodes` (each registered at its position). */
  static of(nodes: readonly NodeJSON[]): NodeIndex {
    const index = new NodeIndex();
    nodes.forEach((node, position) => index.register(node, position));
    return index;
  }

  /** Records that `node` sits at `position` of the array it was added to. */
  register(node: NodeJSON, position: number): void {
    this.#entries.set(node.name, { node, position });
  }

  /** The node named `name` in `nodes`, or `undefined`. */
  find(nodes: readonly NodeJSON[], name: string): NodeJSON | undefined {
    const entry = this.#entries.get(name);
    if (entry === undefined) return undefined;
    if (nodes[entry.position] === entry.node) return entry.node;
    const position = nodes.findIndex((node) => node.name === name);
    if (position < 0) return undefined;
    const node = nodes[position] as NodeJSON;
    this.register(node, position);
    return node;
  }
}
