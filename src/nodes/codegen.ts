/**
 * Pure generator: node catalogue -> the texts of `src/nodes/generated.ts` and `docs/nodes.md`.
 * `scripts/generate-node-types.js` writes them; a test regenerates them from the native catalogue
 * and fails when the checked-in files are stale.
 */
import type { NodeCatalog } from "./catalog-types";
import { generateMarkdown } from "./codegen-markdown";
import { generateTypeScript } from "./codegen-typescript";

export { GENERATED_BANNER } from "./codegen-text";
export { parseCatalog } from "./parse-catalog";

/** The generated files, by path relative to the repository root. */
export interface GeneratedFiles {
  readonly "src/nodes/generated.ts": string;
  readonly "docs/nodes.md": string;
}

/** Generates every file from a catalogue. Deterministic: the same catalogue gives the same text. */
export function generateNodeFiles(catalog: NodeCatalog): GeneratedFiles {
  return {
    "src/nodes/generated.ts": generateTypeScript(catalog),
    "docs/nodes.md": generateMarkdown(catalog),
  };
}
