/**
 * Taps of a render (see {@link Tap}): the native tap buffer cut into one typed view per tap, with
 * each tap's record times and named columns. No copies; no numbers computed here.
 */
import { ampError, invalidError } from "../errors";
import type { NativeRenderOutput, NativeTapInfo } from "../native/addon-types";
import type { Tap } from "./result";

function makeTap(info: NativeTapInfo, batches: number, frames: number, records: number, data: Float64Array, times: Float64Array): Tap {
  const columns = Object.freeze([...info.valueNames]);
  const width = columns.length > 0 ? columns.length : info.values;
  const groups = info.values / width;
  const label = `tap "${info.node}.${info.name}"`;
  const index = (name: string, value: number | undefined, limit: number): number => {
    const chosen = value ?? 0;
    if (!Number.isInteger(chosen) || chosen < 0 || chosen >= limit) {
      throw invalidError({ param: name, label: `${label} series()` }, `expects an integer in [0, ${limit - 1}], got ${String(value)}`);
    }
    return chosen;
  };
  return Object.freeze({
    node: info.node,
    name: info.name,
    unit: info.unit,
    values: info.values,
    batches,
    frames,
    records,
    period: info.period,
    columns,
    groups,
    times,
    data,
    series(column: string, batch?: number, group?: number): Float64Array {
      const k = columns.indexOf(column);
      if (k < 0) {
        throw invalidError(
          { param: "column", label: `${label} series()` },
          `expects one of ${columns.map((c) => JSON.stringify(c)).join(", ") || "(no named columns)"}, got ${JSON.stringify(column)}`,
        );
      }
      const b = index("batch", batch, batches);
      const g = index("group", group, groups);
      const row = b * info.values + g * width + k;
      return data.subarray(row * records, (row + 1) * records);
    },
  });
}

/** The taps of one render, by `"node.tap"`, from the native output (every tap in `infos` order). */
export function makeTaps(
  infos: readonly NativeTapInfo[],
  output: Pick<NativeRenderOutput, "taps" | "tapTimes" | "tapRecords">,
  batches: number,
  frames: number,
): Record<string, Tap> {
  const taps: Record<string, Tap> = {};
  let offset = 0;
  let timeOffset = 0;
  infos.forEach((info, i) => {
    const records = output.tapRecords?.[i];
    const length = batches * info.values * (records ?? 0);
    if (records === undefined || output.taps === undefined || output.tapTimes === undefined || offset + length > output.taps.length) {
      throw ampError("AMP_ERR_INTERNAL", `render returned no room for tap "${info.node}.${info.name}"`, { stage: "render" });
    }
    const data = output.taps.subarray(offset, offset + length);
    const times = output.tapTimes.subarray(timeOffset, timeOffset + records);
    taps[`${info.node}.${info.name}`] = makeTap(info, batches, frames, records, data, times);
    offset += length;
    timeOffset += records;
  });
  return taps;
}
