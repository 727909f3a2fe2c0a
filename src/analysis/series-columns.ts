/**
 * Display reductions of per-frame series (heat curves, over-budget flags), computed natively
 * (`amp_analysis_column_stats`, `amp_analysis_running_sum`): the heat figure decimates long
 * curves to the pixel width and accumulates them without any arithmetic in TypeScript.
 */
import { validationError } from "../errors";
import { loadAddon } from "../native/load-addon";
import { checkInteger } from "../render/shape";

/** Per-column statistics of `lanes` series, each `lanes x columns` (index `lane * columns + c`). */
export interface ColumnStats {
  /** Sum of each column's values (non-finite values count as 0). */
  readonly sum: Float64Array;
  /** Mean of each column's values (sum / frames in the column). */
  readonly mean: Float64Array;
  /** Largest value of each column. */
  readonly max: Float64Array;
  /** Column edges in frames (`columns + 1` values): column c is frames [edges[c], edges[c + 1]). */
  readonly edges: Float64Array;
}

function checkSeries(data: unknown, lanes: unknown, frames: unknown): { lanes: number; frames: number } {
  if (!(data instanceof Float64Array)) throw validationError({ param: "data", label: "argument" }, "a Float64Array", data);
  const l = checkInteger({ param: "lanes", label: "argument" }, lanes, 1, 2 ** 32 - 1);
  const f = checkInteger({ param: "frames", label: "argument" }, frames, 1, 2 ** 32 - 1);
  if (l * f !== data.length)
    throw validationError({ param: "data", label: "argument" }, `lanes x frames = ${l} x ${f} = ${l * f} values`, data);
  return { lanes: l, frames: f };
}

/**
 * Sum, mean and max per column of each lane of a planar `lanes x frames` series over the span
 * [start, end) split into `columns` columns, column c covering frames
 * [start + floor(c L / columns), start + floor((c + 1) L / columns)), L = end - start.
 * @param columns - an integer in [1, min(end - start, 1000000)]
 * @param span - `[start, end)` in frames; default the whole series
 */
export function columnStats(
  data: Float64Array,
  lanes: number,
  frames: number,
  columns: number,
  span: readonly [number, number] = [0, frames],
): ColumnStats {
  const checked = checkSeries(data, lanes, frames);
  const start = checkInteger({ param: "start", label: "argument" }, span[0], 0, checked.frames - 1, "frames");
  const end = checkInteger({ param: "end", label: "argument" }, span[1], start + 1, checked.frames, "frames");
  const cols = checkInteger({ param: "columns", label: "argument" }, columns, 1, Math.min(end - start, 1_000_000));
  const stats = loadAddon().columnStats(data, checked.lanes, checked.frames, start, end, cols);
  const edges = new Float64Array(cols + 1);
  // Column edges are integer frame indices (an index computation, not a reduction of the data);
  // exact because columns x L < 2^53.
  for (let c = 0; c <= cols; c += 1) edges[c] = start + Math.floor((c * (end - start)) / cols);
  return { ...stats, edges };
}

/**
 * Running sum of each lane of a planar `lanes x n` series: `out[i] = data[0] + ... + data[i]`
 * per lane, summed in order in double precision (non-finite values count as 0).
 */
export function runningSum(data: Float64Array, lanes: number, n: number): Float64Array {
  const checked = checkSeries(data, lanes, n);
  return loadAddon().runningSum(data, checked.lanes, checked.frames);
}
