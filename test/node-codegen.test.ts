// The node type generator: pure text from a catalogue, and the checked-in files are not stale.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_BANNER, generateNodeFiles, parseCatalog } from "../src/nodes/codegen";
import { NODE_CATALOG } from "../src/nodes/generated";
import { addonBuilt, ROOT } from "./helpers/dist";

const fixture = parseCatalog(readFileSync(join(__dirname, "fixtures", "catalog.json"), "utf8"));

describe("generateNodeFiles", () => {
  const files = generateNodeFiles(fixture);
  const ts = files["src/nodes/generated.ts"];
  const md = files["docs/nodes.md"];

  it("is deterministic and carries the banner", () => {
    expect(generateNodeFiles(fixture)).toEqual(files);
    expect(ts.startsWith(`// ${GENERATED_BANNER}\n`)).toBe(true);
    expect(md.startsWith(`<!-- ${GENERATED_BANNER} -->\n`)).toBe(true);
  });

  it("writes an options interface with TSDoc (unit, default, range) and a factory per node", () => {
    expect(ts).toContain("export interface SineOscOptions extends CommonNodeOptions {");
    expect(ts).toContain("Signal: per frame, modulatable, overridable with `Runtime.setParam`. Unit: Hz. Default: 440. Range: [-1000000, 1000000].");
    expect(ts).toContain("  readonly frequency?: number | undefined;");
    expect(ts).toContain("  readonly dcAlpha?: number | undefined;");
    expect(ts).toContain("Static number. Default: 0.995. Range: [0, 1). JSON key: `dc_alpha`.");
    expect(ts).toContain("  readonly normalize?: boolean | undefined;");
    expect(ts).toContain('export function sineOsc(options: SineOscOptions = {}): NodeSpec<"sine_osc"> {');
    expect(ts).toContain('  "sine_osc": SineOscOptions;');
    expect(ts).toContain("export const NODE_CATALOG: NodeCatalog = {");
  });

  it("writes one reference section per node with a parameter table", () => {
    for (const node of fixture.nodes) expect(md).toContain(`\n## ${node.type}\n`);
    expect(md).toContain("| `frequency` | `frequency` | signal | 440 | [-1000000, 1000000] | Hz | Oscillator frequency. |");
    expect(md).toContain("| `dc_alpha` | `dcAlpha` | number | 0.995 | [0, 1) |  | DC blocker pole. |");
    expect(md).toContain("| `normalize` | `normalize` | boolean | false |  |  | Divide by the input count. |");
  });

  it("parses the bare-array form of the catalogue too", () => {
    expect(parseCatalog(JSON.stringify(fixture.nodes)).nodes).toEqual(fixture.nodes);
    expect(() => parseCatalog('{"nodes": 3}')).toThrow(/nodes/);
  });
});

describe("checked-in generated files", () => {
  it("match the catalogue compiled into the library", () => {
    const files = generateNodeFiles(NODE_CATALOG);
    expect(readFileSync(join(ROOT, "docs", "nodes.md"), "utf8")).toBe(files["docs/nodes.md"]);
    expect(readFileSync(join(ROOT, "src", "nodes", "generated.ts"), "utf8")).toBe(files["src/nodes/generated.ts"]);
  });

  it.skipIf(!addonBuilt())("are fresh against the native catalogue (npm run generate)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(join(ROOT, "build", "Release", "amp_kpn.node")) as { nodeCatalog(): string };
    const files = generateNodeFiles(parseCatalog(addon.nodeCatalog()));
    for (const [relative, text] of Object.entries(files)) {
      const current = readFileSync(join(ROOT, relative), "utf8");
      expect(current === text, `${relative} is stale: run \`npm run build:ts && npm run generate\``).toBe(true);
    }
  });
});
