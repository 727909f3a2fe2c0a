/** Small helpers over `util.parseArgs` for the CLI: numbers from flags, usage errors. */
import { ampError } from "../errors";

/** A usage error: printed as one line, exit status 1. */
export function usageError(message: string): Error {
  return ampError("AMP_ERR_INVALID_ARGUMENT", message, { stage: "cli" });
}

/** Parses a numeric flag value; `undefined` stays `undefined`. */
export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) throw usageError(`--${name} expects a number, got ${JSON.stringify(value)}`);
  return number;
}

/** Returns a required flag value or throws a usage error. */
export function requiredFlag(name: string, value: string | undefined): string {
  if (value === undefined || value === "") throw usageError(`--${name} is required`);
  return value;
}
