/** Placeholder for analysis entry points whose native side is not wired yet. */
import { ampError } from "../errors";

/** Throws `AMP_ERR_UNSUPPORTED` naming the function. */
export function notImplemented(name: string, ..._args: unknown[]): never {
  throw ampError("AMP_ERR_UNSUPPORTED", `${name}() is not implemented yet`);
}
