// Sweep results on disk: the table as Apache Arrow IPC (typed columns, read back with the
// apache-arrow reader), and resuming an interrupted sweep from its results file (only the missing
// points render; the table equals an uninterrupted sweep's), in this thread and on the pool.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC, Type } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmpError, sweep, SweepTable, type SweepOptions } from "../src/index";
import { ensureDist } from "./helpers/dist";
import { sweepGraph } from "./helpers/sweep-graph";

const base = sweepGraph();
const dir = mkdtempSync(join(tmpdir(), "amp-sweep-files-"));
beforeAll(() => ensureDist());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bit-level equality of two numbers (Object.is: -0 differs from 0, NaN equals NaN). */
function sameNumber(a: unknown, b: unknown): boolean {
  return typeof a === "number" && typeof b === "number" && Object.is(a, b);
}

describe("sweep results as Apache Arrow IPC", () => {
  it("writes typed columns that read back as the table's values", async () => {
    const table = await sweep(base, {
      grid: { "osc.frequency": [220, 440], "rc.output": ["voltage", "current"] },
      frames: 2048,
      workers: 0,
      measure: { centroid: true },
    });
    const path = join(dir, "table.arrow");
    writeFileSync(path, table.toArrow());
    const back = tableFromIPC(readFileSync(path));
    expect(back.numRows).toBe(4);
    expect(back.schema.fields.map((f) => f.name)).toEqual(table.columns);
    const typeOf = (name: string) => back.schema.fields.find((f) => f.name === name)?.type;
    expect(typeOf("index")?.typeId).toBe(Type.Int);
    expect(typeOf("index")?.toString()).toBe("Int32");
    expect(typeOf("osc.frequency")?.toString()).toBe("Float64");
    expect(typeOf("rc.output")?.typeId).toBe(Type.Utf8);
    expect(typeOf("graphHash")?.typeId).toBe(Type.Utf8);
    for (const m of table.measures) expect(typeOf(m)?.toString()).toBe("Float64");
    for (const name of table.columns) {
      const column = back.getChild(name)!;
      table.rows.forEach((row, i) => {
        const expected = table.cell(row, name);
        const got: unknown = column.get(i);
        if (typeof expected === "number") expect(sameNumber(got, expected)).toBe(true);
        else expect(got).toBe(expected);
      });
    }
  });

  it("keeps booleans, mixed axes as text, nulls where a row has no value, and non-finite numbers", () => {
    const table = new SweepTable(
      ["m.normalize", "x.mixed"],
      [
        {
          index: 0,
          params: { "m.normalize": true, "x.mixed": 1 },
          graphHash: "a".repeat(64),
          measurements: { peak: -0, crestDb: Infinity },
        },
        {
          index: 1,
          params: { "m.normalize": false, "x.mixed": "b" },
          graphHash: "b".repeat(64),
          measurements: {},
          error: "worker refused",
        },
        { index: 2, params: { "m.normalize": true, "x.mixed": 2.5 }, graphHash: "c".repeat(64), measurements: { peak: NaN, crestDb: 3 } },
      ],
    );
    const back = tableFromIPC(table.toArrow());
    expect(back.schema.fields.map((f) => [f.name, f.type.toString(), f.nullable])).toEqual([
      ["index", "Int32", false],
      ["m.normalize", "Bool", true],
      ["x.mixed", "Utf8", true],
      ["graphHash", "Utf8", false],
      ["peak", "Float64", true],
      ["crestDb", "Float64", true],
      ["error", "Utf8", true],
    ]);
    expect([...back.getChild("m.normalize")!]).toEqual([true, false, true]);
    expect([...back.getChild("x.mixed")!]).toEqual(["1", "b", "2.5"]);
    const peak = back.getChild("peak")!;
    expect(Object.is(peak.get(0), -0)).toBe(true);
    expect(peak.get(1)).toBeNull();
    expect(Number.isNaN(peak.get(2))).toBe(true);
    expect(back.getChild("crestDb")!.get(0)).toBe(Infinity);
    expect([...back.getChild("error")!]).toEqual([null, "worker refused", null]);
  });
});

describe("resuming a sweep from its results file", () => {
  const grid = { "osc.frequency": [220, 330, 440, 550, 660, 770], "rc.resistance": [5, 20], "out.limit": [0.1, 0.3] };
  const common = { grid, frames: 24_000, measure: { centroid: true, heat: "nodes" } } as const satisfies Partial<SweepOptions>;

  /** The table's rows as comparable data (numbers compared with Object.is through toEqual). */
  const rowsOf = (t: SweepTable) => t.rows.map((r) => ({ ...r }));

  for (const workers of [0, 2]) {
    it(`an interrupted sweep restarted with the same file renders only the missing points, and equals an uninterrupted one (workers ${workers})`, async () => {
      const folder = join(dir, `audio-${workers}`);
      const options = { ...common, workers, pack: workers === 0 ? false : true, packSize: 4, audio: { folder } } as const;
      const whole = await sweep(base, options);
      rmSync(folder, { recursive: true, force: true });

      const resultsFile = join(dir, `resume-${workers}.jsonl`);
      const controller = new AbortController();
      const first = sweep(base, {
        ...options,
        resultsFile,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done >= 4) controller.abort();
        },
      });
      await expect(first).rejects.toMatchObject({ code: "AMP_ERR_CANCELLED" });
      const kept = readFileSync(resultsFile, "utf8").trim().split("\n").length - 1; // less the header line
      expect(kept).toBeGreaterThanOrEqual(4);
      // At most the renders in flight (one per worker thread, 4 points each) finish after the stop.
      expect(kept).toBeLessThan(24);

      const progress: { done: number; total: number; resumed: number }[] = [];
      const resumed = await sweep(base, { ...options, resultsFile, onProgress: (p) => progress.push({ ...p }) });
      // The first report counts the points taken from the file; renders then add the rest.
      expect(progress[0]).toEqual({ done: kept, total: 24, resumed: kept });
      expect(progress[progress.length - 1]).toEqual({ done: 24, total: 24, resumed: kept });
      expect(rowsOf(resumed)).toEqual(rowsOf(whole));
      expect(resumed.toCSV()).toBe(whole.toCSV());
      for (const row of resumed.rows) expect(existsSync(row.file!)).toBe(true);

      // A finished file renders nothing more.
      const again: number[] = [];
      const complete = await sweep(base, { ...options, resultsFile, onProgress: (p) => again.push(p.done) });
      expect(again).toEqual([24]);
      expect(complete.toCSV()).toBe(whole.toCSV());
    });
  }

  it("takes the recorded measurements as they are: a point in the file is not rendered again", async () => {
    const small = { "osc.frequency": [220, 440, 880] };
    const resultsFile = join(dir, "tampered.jsonl");
    const options = { grid: small, frames: 2048, workers: 0, pack: false, resultsFile } as const;
    const first = await sweep(base, options);
    const lines = readFileSync(resultsFile, "utf8").trim().split("\n");
    expect(lines).toHaveLength(4);
    // Point 1 gets another peak; point 2 is dropped, as if the sweep had stopped before it.
    const edited = JSON.parse(lines[2]!) as { index: number; measurements: Record<string, unknown> };
    expect(edited.index).toBe(1);
    edited.measurements["peak"] = 123;
    writeFileSync(resultsFile, `${lines[0]}\n${lines[1]}\n${JSON.stringify(edited)}\n${lines[3]!.slice(0, 20)}`); // a torn last line
    const rendered: number[] = [];
    const resumed = await sweep(base, { ...options, onProgress: (p) => rendered.push(p.done) });
    expect(rendered).toEqual([2, 3]);
    expect(resumed.rows[1]!.measurements["peak"]).toBe(123);
    expect(resumed.rows[0]!.measurements).toEqual(first.rows[0]!.measurements);
    expect(resumed.rows[2]!.measurements).toEqual(first.rows[2]!.measurements);
    expect(readFileSync(resultsFile, "utf8").trim().split("\n")).toHaveLength(4);
  });

  it("refuses a results file of another sweep, and options it cannot keep", async () => {
    const resultsFile = join(dir, "other.jsonl");
    await sweep(base, { grid: { "osc.frequency": [220, 440] }, frames: 1024, workers: 0, resultsFile });
    const other = sweep(base, { grid: { "osc.frequency": [220, 440] }, frames: 2048, workers: 0, resultsFile });
    await expect(other).rejects.toThrow(AmpError);
    await expect(other).rejects.toThrow(/results file .*other\.jsonl belongs to another sweep/);
    const moved = sweep(base, { grid: { "osc.frequency": [220, 441] }, frames: 1024, workers: 0, resultsFile });
    await expect(moved).rejects.toThrow(/point 1 .*graph hash/);
    await expect(sweep(base, { grid: { "osc.frequency": [220] }, frames: 64, resultsFile, audio: "memory" })).rejects.toThrow(
      /"resultsFile" cannot keep audio in memory/,
    );
    await expect(sweep(base, { grid: { "osc.frequency": [220] }, frames: 64, resultsFile: 3 as never })).rejects.toThrow(
      'sweep option "resultsFile" expects a file path',
    );
    writeFileSync(join(dir, "junk.jsonl"), "not json\n");
    await expect(sweep(base, { grid: { "osc.frequency": [220] }, frames: 64, resultsFile: join(dir, "junk.jsonl") })).rejects.toThrow(
      /junk\.jsonl.* line 1/,
    );
  });
});
