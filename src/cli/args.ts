/** Small helpers over `util.parseArgs` for the CLI: numbers from flags, usage errors. */
import { ampError } from "../errors";

/** A usage error: printed as one line, exit status 1. */
export function usageError(message: string): Error {
  return ampError("AMP_ERR_INVALID_ARGUMENT", message, { stage: "cli" });
}

/**
 * Joins `--name -5` into `--name=-5` for the given value-taking flags, so that a negative
 * number reaches the range check (util.parseArgs would take `-5` for an option).
 */
export function joinNegativeValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    const next = args[i + 1];
    if (names.some((name) => arg === `--${name}`) && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
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
