/**
 * Sweep grids: named axes of parameter values (`"node.param"` to a list or a range), combined
 * crossed (every combination, the first axis slowest) or zipped (the i-th value of every axis),
 * or sampled at random with a seed. Only values are computed here; nothing is rendered.
 */
import { ampError, checkOptionKeys, validationError } from "../errors";

/** One value a grid gives a parameter. */
export type GridValue = number | string | boolean;

/**
 * Evenly spaced numbers from `from` to `to` (both included): linear, or evenly spaced in log
 * (`from` and `to` > 0). Random sampling draws one of those values uniformly when `steps` is
 * given, else uniformly in [from, to] (in log for `"log"`).
 */
export interface GridRange {
  /** First value. */
  readonly from: number;
  /** Last value. */
  readonly to: number;
  /** Values, integer in [1, 1000000] (1 gives `from`); required unless the grid is sampled. */
  readonly steps?: number;
  /** Spacing; default `"linear"`. */
  readonly scale?: "linear" | "log";
}

/** One axis: the values of one parameter, listed or as a {@link GridRange}. */
export type GridAxis = readonly GridValue[] | GridRange;

/** A grid: `"node.param"` (JSON or camelCase parameter name) to its axis, e.g. `{ "lp.frequency": [250, 500, 1000] }`. */
export type SweepGrid = Readonly<Record<string, GridAxis>>;

/** How the axes combine. */
export type GridCombine = "cross" | "zip";

/** Random points instead of the grid's combinations. */
export interface GridSampling {
  /** Points drawn, integer in [1, 1000000]. */
  readonly count: number;
  /** Seed, integer in [0, 4294967295]: the same seed gives the same points on every machine. */
  readonly seed: number;
}

/** One point of a sweep: a value per grid path. */
export type SweepPoint = Readonly<Record<string, GridValue>>;

/** Most points one sweep may have. */
export const MAX_SWEEP_POINTS = 1_000_000;

const SUBJECT = (param: string) => ({ param, label: "sweep grid" });

function isRange(axis: GridAxis): axis is GridRange {
  return typeof axis === "object" && axis !== null && !Array.isArray(axis);
}

function checkRange(path: string, range: GridRange, needSteps: boolean): void {
  const known = ["from", "to", "steps", "scale"];
  for (const key of Object.keys(range))
    if (!known.includes(key)) throw validationError(SUBJECT(`${path}.${key}`), `one of the range keys ${known.join(", ")}`, key);
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  if (!finite(range.from)) throw validationError(SUBJECT(`${path}.from`), "a finite number", range.from);
  if (!finite(range.to)) throw validationError(SUBJECT(`${path}.to`), "a finite number", range.to);
  if (range.scale !== undefined && range.scale !== "linear" && range.scale !== "log")
    throw validationError(SUBJECT(`${path}.scale`), '"linear" or "log"', range.scale);
  if (range.scale === "log" && !(range.from > 0 && range.to > 0))
    throw validationError(SUBJECT(path), "from > 0 and to > 0 for a log range", `${range.from} .. ${range.to}`);
  if (needSteps || range.steps !== undefined) {
    const s = range.steps;
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > MAX_SWEEP_POINTS)
      throw validationError(SUBJECT(`${path}.steps`), `an integer in [1, ${MAX_SWEEP_POINTS}]`, s);
  }
}

function checkAxis(path: string, axis: unknown, needSteps: boolean): GridAxis {
  if (Array.isArray(axis)) {
    if (axis.length === 0) throw validationError(SUBJECT(path), "a non-empty list of values or a range { from, to, steps }", axis);
    axis.forEach((v: unknown, i) => {
      const ok = (typeof v === "number" && Number.isFinite(v)) || typeof v === "string" || typeof v === "boolean";
      if (!ok) throw validationError(SUBJECT(`${path}[${i}]`), "a finite number, a string or a boolean", v);
    });
    return axis as GridValue[];
  }
  if (typeof axis !== "object" || axis === null)
    throw validationError(SUBJECT(path), "a non-empty list of values or a range { from, to, steps }", axis);
  checkRange(path, axis as GridRange, needSteps);
  return axis as GridRange;
}

/** The values of a range with steps: exact endpoints. */
function rangeValues(range: GridRange): number[] {
  const steps = range.steps ?? 1;
  const values: number[] = [];
  for (let i = 0; i < steps; i += 1) {
    if (i === steps - 1 && steps > 1) values.push(range.to);
    else if (range.scale === "log") values.push(range.from * Math.pow(range.to / range.from, steps === 1 ? 0 : i / (steps - 1)));
    else values.push(range.from + (range.to - range.from) * (steps === 1 ? 0 : i / (steps - 1)));
  }
  return values;
}

/** A small seeded generator (mulberry32): uniform numbers in [0, 1), the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The points of a grid, in order: crossed (first axis slowest), zipped, or `sample.count`
 * random draws (each axis independently: a list uniformly, a range uniformly in its scale).
 * Throws an AmpError naming the axis for an empty grid, an empty or malformed axis, zipped axes
 * of different lengths or more than {@link MAX_SWEEP_POINTS} points.
 */
export function expandGrid(grid: SweepGrid, combine: GridCombine = "cross", sample?: GridSampling): SweepPoint[] {
  if (typeof grid !== "object" || grid === null || Array.isArray(grid))
    throw validationError({ param: "grid", label: "sweep option" }, 'an object { "node.param": values }', grid);
  const paths = Object.keys(grid);
  if (paths.length === 0)
    throw ampError("AMP_ERR_INVALID_ARGUMENT", 'sweep option "grid" is empty: give at least one "node.param": values', { stage: "sweep" });
  if (combine !== "cross" && combine !== "zip")
    throw validationError({ param: "combine", label: "sweep option" }, '"cross" or "zip"', combine);
  const axes = paths.map((path) => checkAxis(path, grid[path], sample === undefined));
  if (sample !== undefined) return samplePoints(paths, axes, sample);
  const lists = axes.map((axis) => (isRange(axis) ? rangeValues(axis) : axis));
  if (combine === "zip") {
    const length = lists[0]?.length ?? 0;
    lists.forEach((list, i) => {
      if (list.length !== length)
        throw validationError(
          SUBJECT(paths[i] ?? ""),
          `${length} values (zipped axes need equal lengths, as ${paths[0]})`,
          `${list.length} values`,
        );
    });
    return Array.from({ length }, (_, k) => Object.freeze(Object.fromEntries(paths.map((p, i) => [p, lists[i]?.[k] as GridValue]))));
  }
  const total = lists.reduce((n, list) => n * list.length, 1);
  if (total > MAX_SWEEP_POINTS)
    throw validationError(
      { param: "grid", label: "sweep option" },
      `at most ${MAX_SWEEP_POINTS} points`,
      `${total} points (${lists.map((l) => l.length).join(" x ")})`,
    );
  const points: SweepPoint[] = [];
  for (let k = 0; k < total; k += 1) {
    const point: Record<string, GridValue> = {};
    let rest = k;
    for (let i = paths.length - 1; i >= 0; i -= 1) {
      const list = lists[i] as readonly GridValue[];
      point[paths[i] as string] = list[rest % list.length] as GridValue;
      rest = Math.floor(rest / list.length);
    }
    points.push(Object.freeze(Object.fromEntries(paths.map((p) => [p, point[p] as GridValue]))));
  }
  return points;
}

function samplePoints(paths: readonly string[], axes: readonly GridAxis[], sample: GridSampling): SweepPoint[] {
  if (typeof sample !== "object" || sample === null)
    throw validationError({ param: "sample", label: "sweep option" }, "{ count, seed }", sample);
  checkOptionKeys({ label: "sweep option" }, sample, ["count", "seed"], "sweep() sample");
  const { count, seed } = sample;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_SWEEP_POINTS)
    throw validationError({ param: "sample.count", label: "sweep option" }, `an integer in [1, ${MAX_SWEEP_POINTS}]`, count);
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 4294967295)
    throw validationError({ param: "sample.seed", label: "sweep option" }, "an integer in [0, 4294967295]", seed);
  const random = seededRandom(seed);
  // Each axis draws from a list (values, or a range's steps) or continuously in a range.
  const draws = axes.map((axis): ((u: number) => GridValue) => {
    const list = isRange(axis) ? (axis.steps === undefined ? undefined : rangeValues(axis)) : axis;
    if (list !== undefined) return (u) => list[Math.min(list.length - 1, Math.floor(u * list.length))] as GridValue;
    const range = axis as GridRange;
    if (range.scale === "log") return (u) => range.from * Math.pow(range.to / range.from, u);
    return (u) => range.from + (range.to - range.from) * u;
  });
  const points: SweepPoint[] = [];
  for (let k = 0; k < count; k += 1) {
    const point: Record<string, GridValue> = {};
    paths.forEach((path, i) => {
      point[path] = (draws[i] as (u: number) => GridValue)(random());
    });
    points.push(Object.freeze(point));
  }
  return points;
}
