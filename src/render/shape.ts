/** Planar tensor shapes and their checks. */
import { validationError, type ValidationSubject } from "../errors";

/** A planar tensor's shape: `index = (b * channels + c) * frames + f`. */
export interface TensorShape {
  readonly batches: number;
  readonly channels: number;
  readonly frames: number;
}

/** Checks that `value` is an integer in [min, max]; returns it. */
export function checkInteger(subject: ValidationSubject, value: unknown, min: number, max: number, unit = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw validationError(subject, `an integer in [${min}, ${max}]${unit === "" ? "" : ` ${unit}`}`, value);
  }
  return value;
}

/** Checks a shape (each dimension an integer >= 1) and that `data` holds exactly B x C x F values. */
export function checkTensor(subject: ValidationSubject, data: unknown, shape: unknown): TensorShape {
  if (!(data instanceof Float64Array))
    throw validationError({ ...subject, label: subject.label ?? "argument", param: "data" }, "a Float64Array", data);
  if (typeof shape !== "object" || shape === null)
    throw validationError(
      { ...subject, label: subject.label ?? "argument", param: "shape" },
      "an object { batches, channels, frames }",
      shape,
    );
  const s = shape as Record<string, unknown>;
  const dims = ["batches", "channels", "frames"] as const;
  const checked = dims.map((dim) => checkInteger({ ...subject, param: `shape.${dim}`, label: "argument" }, s[dim], 1, 2 ** 32 - 1));
  const [batches = 1, channels = 1, frames = 1] = checked;
  if (batches * channels * frames !== data.length) {
    throw validationError(
      { ...subject, param: "data", label: "argument" },
      `${batches}x${channels}x${frames} = ${batches * channels * frames} values (batches x channels x frames)`,
      data,
    );
  }
  return { batches, channels, frames };
}
