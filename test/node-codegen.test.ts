// The node type generator: pure text from a catalogue, and the checked-in files are not stale.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_BANNER, generateNodeFiles, parseCatalog } from "../src/nodes/codegen";
import * as pkg from "../src/index";
import { NODE_CATALOG } from "../src/nodes/generated";
import { factoryName } from "../src/nodes/names";
import { ROOT } from "./helpers/dist";

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
    expect(ts).toContain(
      "Signal: per frame, modulatable, overridable with `Runtime.setParam`. Unit: Hz. Default: 440. Range: [-1000000, 1000000].",
    );
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

  it("carries the catalogue's limits into NATIVE_LIMITS, NODE_CATALOG and the reference", () => {
    expect(ts).toContain("export const NATIVE_LIMITS = {");
    expect(ts).toContain("  oversample: { min: 1, max: 32, minExclusive: false },");
    expect(ts).toContain("  sampleRate: { min: 0, max: 192000, minExclusive: true },");
    expect(ts).toContain("A finite number in (0, 192000] Hz;");
    expect(ts).toContain("} as const satisfies CatalogLimits;");
    expect(ts).toContain('  "limits": NATIVE_LIMITS\n};');
    expect(md).toContain(
      "| `oversample` | `oversample` | internal oversampling factor, integer in [1, 32], default 1; above 1 only for nodes that oversample (none yet) |",
    );
    expect(md).toContain(
      "| `declared_delay_frames` | `declaredDelayFrames` | latency the node adds, in output frames: integer in [0, 65536] frames |",
    );
    expect(md).toContain(
      "| `modulation.channels` | `modulation.channels` | channels of every modulated parameter of the node, integer in [1, 16]: 1 (all output channels",
    );
    expect(md).toContain(
      "| `sampleRate` | graph `sample_rate`, render and runtime `sampleRate` | number | (0, 192000] | Hz | sample rate |",
    );
    expect(md).toContain(
      "| `blockFrames` | render and runtime `blockFrames` | integer | [1, 8192] | frames | largest block the scheduler runs |",
    );
  });

  it("carries limits beyond the required ones, known or not, in catalogue order", () => {
    const extra = { ...fixture.limits, "voice-count": { min: 1, max: 8.5 } };
    const catalog = parseCatalog(JSON.stringify({ apiVersion: 1, nodes: fixture.nodes, limits: extra }));
    expect(Object.keys(catalog.limits).slice(-2)).toEqual(["thermoWork", "voice-count"]);
    expect(catalog.limits["voice-count"]).toEqual({ min: 1, max: 8.5, minExclusive: false });
    const generated = generateNodeFiles(catalog);
    expect(generated["src/nodes/generated.ts"]).toContain("  threads: { min: 1, max: 16, minExclusive: false },");
    expect(generated["src/nodes/generated.ts"]).toContain('  "voice-count": { min: 1, max: 8.5, minExclusive: false },');
    expect(generated["docs/nodes.md"]).toContain(
      "| `threads` | render and runtime `threads` | integer | [1, 16] |  | threads a render may use |",
    );
    expect(generated["docs/nodes.md"]).toContain("| `voice-count` | the runtime | number | [1, 8.5] |  | runtime limit `voice-count` |");
  });

  it("requires a complete limits object and names what is wrong", () => {
    const text = (limits: unknown): string => JSON.stringify({ apiVersion: 1, nodes: fixture.nodes, limits });
    expect(parseCatalog(text(fixture.limits)).limits).toEqual(fixture.limits);
    expect(() => parseCatalog(JSON.stringify(fixture.nodes))).toThrow(/"nodes" array/);
    expect(() => parseCatalog('{"nodes": 3}')).toThrow(/nodes/);
    expect(() => parseCatalog(text(undefined))).toThrow('node catalogue: expected a "limits" object, got undefined');
    const { batches: _batches, ...withoutBatches } = fixture.limits;
    expect(() => parseCatalog(text(withoutBatches))).toThrow('node catalogue: limit "batches" is missing');
    expect(() => parseCatalog(text({ ...fixture.limits, voices: { min: 1, max: "8" } }))).toThrow(
      /limit "voices" expects \{ min, max, minExclusive \}/,
    );
    expect(() => parseCatalog(text({ ...fixture.limits, batches: { min: 1, max: "many" } }))).toThrow(
      /limit "batches" expects \{ min, max, minExclusive \}/,
    );
  });
});

describe("checked-in generated files", () => {
  it("match the catalogue compiled into the library", () => {
    const files = generateNodeFiles(NODE_CATALOG);
    expect(readFileSync(join(ROOT, "docs", "nodes.md"), "utf8")).toBe(files["docs/nodes.md"]);
    expect(readFileSync(join(ROOT, "src", "nodes", "generated.ts"), "utf8")).toBe(files["src/nodes/generated.ts"]);
  });

  it("are fresh against the native catalogue (npm run generate)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(join(ROOT, "build", "Release", "amp_kpn.node")) as { nodeCatalog(): string };
    const files = generateNodeFiles(parseCatalog(addon.nodeCatalog()));
    for (const [relative, text] of Object.entries(files)) {
      const current = readFileSync(join(ROOT, relative), "utf8");
      expect(current === text, `${relative} is stale: run \`npm run build:ts && npm run generate\``).toBe(true);
    }
  });
});

describe("the package's exports", () => {
  it("export every generated node factory under its name (no other export shadows one)", () => {
    const exported = pkg as unknown as Record<string, unknown>;
    for (const node of NODE_CATALOG.nodes) {
      const factory = exported[factoryName(node.type)] as ((options: object) => { type?: unknown }) | undefined;
      expect(typeof factory, node.type).toBe("function");
      expect(factory?.({}).type, node.type).toBe(node.type);
    }
  });
});
