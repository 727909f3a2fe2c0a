// Building, serialising, hashing and printing graphs never loads the native addon.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { inspect } from "node:util";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ensureDist, ROOT } from "./helpers/dist";

describe("graph building without the addon", () => {
  beforeAll(() => ensureDist(), 120_000);

  it("never calls process.dlopen in this process", async () => {
    const dlopen = vi.spyOn(process, "dlopen");
    const lib = await import("../src/index");
    const g = lib
      .graph()
      .add("osc", lib.sineOsc({ frequency: 220 }))
      .add("amp", lib.gain({ gain: 0.5 }))
      .connect("osc", "amp")
      .output("amp");
    const back = lib.Graph.fromJSON(JSON.stringify(g));
    expect(back.hash).toBe(g.hash);
    expect(inspect(g)).toContain("osc -> amp");
    expect(lib.nodeTypes()).toContain("sine_osc");
    expect(() => lib.graph().add("x", lib.gain({ gain: Number.NaN }))).toThrow(lib.AmpError);
    expect(dlopen).not.toHaveBeenCalled();
    dlopen.mockRestore();
  });

  it("requiring dist/index.js and building a graph leaves no .node module in require.cache", () => {
    const script = `
      const lib = require(${JSON.stringify(join(ROOT, "dist", "index.js"))});
      const g = lib.demoGraph();
      const text = JSON.stringify(g) + require("node:util").inspect(g) + g.hash;
      lib.Graph.fromJSON(g.toJSON());
      const loaded = Object.keys(require.cache).filter((k) => k.endsWith(".node"));
      process.stdout.write(JSON.stringify({ loaded, ok: text.length > 0 }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as { loaded: string[]; ok: boolean };
    expect(out.ok).toBe(true);
    expect(out.loaded).toEqual([]);
  });
});
