/**
 * plotly's typed-array JSON form `{dtype, bdata}` (base64 of little-endian values; plotly.js
 * 2.28+ reads it): arrays travel in 4 bytes per value instead of ~20 characters of decimal text.
 * Values are stored as float32, which keeps 7 significant digits: far more than a pixel can show.
 */

/** A typed array as plotly's JSON reads it. */
export interface PlotlyTypedArray {
  readonly dtype: "f4" | "f8" | "u1" | "i4";
  readonly bdata: string;
  /** Present for 2-D arrays (heatmap `z`): `"rows,columns"`. */
  readonly shape?: string;
}

/** float32 `{dtype: "f4", bdata}` of `values` (a copy narrowed to float32; NaN stays NaN, which plotly draws as a gap). */
export function f4(values: ArrayLike<number>): PlotlyTypedArray {
  const narrowed = Float32Array.from(values);
  return { dtype: "f4", bdata: Buffer.from(narrowed.buffer, narrowed.byteOffset, narrowed.byteLength).toString("base64") };
}

/**
 * A 2-D float32 array of `rows x columns` values stored row after row (`values[r * columns + c]`),
 * as a heatmap's `z`.
 */
export function f4Matrix(values: ArrayLike<number>, rows: number, columns: number): PlotlyTypedArray {
  return { ...f4(values), shape: `${rows},${columns}` };
}

/** Decodes a `{dtype: "f4", bdata}` back to numbers (tests and checks). */
export function decodeF4(array: PlotlyTypedArray): Float32Array {
  const bytes = Buffer.from(array.bdata, "base64");
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
