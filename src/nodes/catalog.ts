/** Lookups over the node catalogue compiled into the library (see `generated.ts`). */
import type { CatalogNode, CatalogParam, NodeCatalog } from "./catalog-types";
import { NODE_CATALOG } from "./generated";
import { camelCase } from "./names";

const byType = new Map<string, CatalogNode>(NODE_CATALOG.nodes.map((node) => [node.type, node]));

/** The catalogue the library was generated from (no addon needed). */
export function nodeCatalog(): NodeCatalog {
  return NODE_CATALOG;
}

/** The catalogue entry of a node type, or `undefined` for an unknown type. */
export function findNodeType(type: string): CatalogNode | undefined {
  return byType.get(type);
}

/** Every registered node type name, sorted. */
export function nodeTypes(): string[] {
  return [...byType.keys()].sort();
}

/** A parameter by its JSON (snake_case) name. */
export function findParam(node: CatalogNode, jsonName: string): CatalogParam | undefined {
  return node.params.find((param) => param.name === jsonName);
}

/** A parameter by its TypeScript (camelCase) option name. */
export function findParamByOption(node: CatalogNode, optionName: string): CatalogParam | undefined {
  return node.params.find((param) => camelCase(param.name) === optionName);
}
