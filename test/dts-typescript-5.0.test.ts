// The emitted declarations (dist/**/*.d.ts) type-check under TypeScript 5.0, the oldest we support.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, ROOT } from "./helpers/dist";

const TSC_50 = join(ROOT, "node_modules", "typescript-5.0", "bin", "tsc");

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Runs tsc (5.0 unless `compiler` says otherwise) over `files` with skipLibCheck off; returns [exit status, output]. */
function tsc50(dir: string, files: string[], compiler: string = TSC_50): [number, string] {
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      module: "commonjs",
      moduleResolution: "node10",
      target: "ES2022",
      lib: ["ES2022"],
      types: ["node"],
      typeRoots: [join(ROOT, "node_modules", "@types")],
    },
    files,
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
  try {
    const out = execFileSync(process.execPath, [compiler, "-p", join(dir, "tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
    return [0, out];
  } catch (error) {
    const e = error as { status?: number; stdout?: string };
    return [e.status ?? 1, e.stdout ?? String(error)];
  }
}

describe("declarations under TypeScript 5.0", () => {
  let dir = "";
  beforeAll(() => {
    ensureDist();
    dir = mkdtempSync(join(tmpdir(), "amp-ts50-"));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is really TypeScript 5.0", () => {
    expect(execFileSync(process.execPath, [TSC_50, "--version"], { encoding: "utf8" })).toMatch(/Version 5\.0\./);
  });

  it("type-checks every emitted .d.ts and a consumer of the public API", () => {
    const consumer = join(dir, "consumer.ts");
    writeFileSync(
      consumer,
      `import { graph, sineOsc, gain, render, Runtime, Graph, AmpError, RenderResult, readWav, NATIVE_LIMITS, type ControlHistory, type GraphJSON } from ${JSON.stringify(join(ROOT, "dist", "index"))};
const g: Graph = graph().add("osc", sineOsc({ frequency: 220 })).add("amp", gain({ gain: 0.5 })).chain("osc", "amp").output("amp");
const json: GraphJSON = g.toJSON();
async function use(): Promise<RenderResult> {
  const rt = Runtime.create(Graph.fromJSON(json), { batches: 2 });
  rt.dispose();
  await readWav("x.wav");
  const history: ControlHistory = { cutoff: [[0, 200], [1.5, 4000]], gate: { points: [[0, 1], [480, 0]], unit: "frames", interpolation: "step" } };
  await render(g, { frames: 10, history });
  // @ts-expect-error the old automation option is gone: history is the one way
  await render(g, { frames: 10, automation: [] });
  return render(g, { frames: 10, signal: new AbortController().signal });
}
void use;
const openAtZero: true = NATIVE_LIMITS.sampleRate.minExclusive;
void openAtZero;
// @ts-expect-error a curve's unit is seconds or frames
const badUnit: ControlHistory = { cutoff: { points: [[0, 1]], unit: "ms" } };
void badUnit;
void AmpError;
// @ts-expect-error an option the node does not have
sineOsc({ freq: 1 });
// @ts-expect-error a parameter of the wrong type
gain({ gain: "0.5" });
// @ts-expect-error graphs are immutable
g.nodes.push(json.nodes[0]!);
`,
    );
    const [status, output] = tsc50(dir, [consumer, ...declarationFiles(join(ROOT, "dist"))]);
    expect(output).toBe("");
    expect(status).toBe(0);
  }, 120_000);

  it.each([
    ["syntax (import attributes, 5.3)", `export type { Other } from "./other" with { "resolution-mode": "require" };\n`, /error TS1005/],
    ["types (NoInfer, 5.4)", `export declare function pick<T>(values: T[], fallback: NoInfer<T>): T;\n`, /Cannot find name 'NoInfer'/],
  ])(
    "fails on declarations that use newer %s, which the current compiler accepts",
    (_label, text, expected) => {
      const canary = join(dir, "canary.d.ts");
      writeFileSync(canary, text);
      writeFileSync(join(dir, "other.d.ts"), "export type Other = number;\n");
      const [status, output] = tsc50(dir, [canary]);
      expect(status).not.toBe(0);
      expect(output).toMatch(expected);
      const [currentStatus, currentOutput] = tsc50(dir, [canary], join(ROOT, "node_modules", "typescript", "bin", "tsc"));
      expect(currentOutput).toBe("");
      expect(currentStatus).toBe(0);
    },
    120_000,
  );
});
