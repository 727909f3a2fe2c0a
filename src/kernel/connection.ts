/**
 * The Jupyter connection file the kernel is started with: read and checked before any socket
 * is bound. The kernel binds only `transport://ip:port` from this file, and refuses to run
 * unsigned unless the file asks for it (`"signature_scheme": ""`).
 */
import { readFileSync } from "node:fs";

/** The fields of a connection file the kernel uses. */
export interface ConnectionInfo {
  /** Only `"tcp"` is supported (tslab binds `tcp://ip:port`). */
  readonly transport: "tcp";
  readonly ip: string;
  readonly shell_port: number;
  readonly iopub_port: number;
  readonly stdin_port: number;
  readonly control_port: number;
  readonly hb_port: number;
  /** The HMAC key; `""` only when `signature_scheme` is `""`. */
  readonly key: string;
  /** `"hmac-sha256"`, or `""` for unsigned messages (asked for on purpose). */
  readonly signature_scheme: "hmac-sha256" | "";
}

const PORTS = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;

/** Thrown for a connection file the kernel refuses; the launcher prints it and exits 1. */
export class ConnectionFileError extends Error {
  override readonly name = "ConnectionFileError";
}

/** Checks a parsed connection file; throws {@link ConnectionFileError} naming the bad field. */
export function checkConnectionInfo(value: unknown, source: string): ConnectionInfo {
  const fail = (what: string): never => {
    throw new ConnectionFileError(`connection file ${source}: ${what}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("expected a JSON object");
  const info = value as Record<string, unknown>;
  if (info["transport"] !== "tcp") fail(`"transport" must be "tcp" (ipc is not supported), got ${JSON.stringify(info["transport"])}`);
  if (typeof info["ip"] !== "string" || info["ip"] === "") fail(`"ip" must be a non-empty string, got ${JSON.stringify(info["ip"])}`);
  for (const port of PORTS) {
    const p = info[port];
    if (typeof p !== "number" || !Number.isInteger(p) || p < 1 || p > 65535)
      fail(`"${port}" must be an integer in [1, 65535], got ${JSON.stringify(p)}`);
  }
  const scheme = info["signature_scheme"];
  const key = info["key"];
  if (typeof key !== "string") fail(`"key" must be a string, got ${JSON.stringify(key)}`);
  if (scheme === "hmac-sha256") {
    if (key === "")
      fail(
        `"key" is empty but "signature_scheme" is "hmac-sha256": refusing to run unsigned (set "signature_scheme": "" to run without signatures on purpose)`,
      );
  } else if (scheme === "") {
    if (key !== "") fail(`"signature_scheme" is "" (unsigned) but "key" is not empty`);
  } else {
    fail(`"signature_scheme" must be "hmac-sha256" (or "" for unsigned on purpose), got ${JSON.stringify(scheme)}`);
  }
  return info as unknown as ConnectionInfo;
}

/** Reads and checks the connection file at `path`. */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConnectionFileError(`cannot read connection file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConnectionFileError(`connection file ${path} is not JSON: ${(error as Error).message}`);
  }
  return checkConnectionInfo(parsed, path);
}
