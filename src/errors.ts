/**
 * The one error class of the library. Native failures (thrown by the addon, which is handed this
 * class once at load) and TypeScript-edge validation failures are both `AmpError`s, told apart
 * by `stage` ("validate" for the TS edge; "parse", "create", "compile", "configure",
 * "set_param", "execute", ... for the runtime).
 */

/** Numeric status codes of the C ABI (`amp_native.h`), by stable name. */
export const AMP_STATUS = {
  AMP_OK: 0,
  AMP_ERR_INVALID_ARGUMENT: -1,
  AMP_ERR_SHAPE_MISMATCH: -2,
  AMP_ERR_UNKNOWN_NODE_TYPE: -3,
  AMP_ERR_UNSUPPORTED: -4,
  AMP_ERR_PENDING: -5,
  AMP_ERR_CANCELLED: -6,
  AMP_ERR_INTERNAL: -7,
} as const;

/** A stable status name such as `"AMP_ERR_SHAPE_MISMATCH"`. */
export type AmpStatusName = keyof typeof AMP_STATUS;

/** Stable name of a numeric status (`-2` -> `"AMP_ERR_SHAPE_MISMATCH"`); unknown codes give `"AMP_ERR_UNKNOWN"`. */
export function statusName(status: number): string {
  for (const [name, value] of Object.entries(AMP_STATUS)) {
    if (value === status) return name;
  }
  return "AMP_ERR_UNKNOWN";
}

/** What the addon (and this library) passes when it constructs an {@link AmpError}. */
export interface AmpErrorInfo {
  /** Numeric status, -1 ... -7 (see {@link AMP_STATUS}). */
  code: number;
  /** Stable name of `code`, e.g. `"AMP_ERR_INVALID_ARGUMENT"`. */
  codeName: string;
  /** Where it failed: `"validate"` (TypeScript edge) or a runtime stage such as `"set_param"`. */
  stage: string;
  /** Node instance name, or `""` when the error is not about one node. */
  node: string;
  /** Readable detail naming node, key, expected and provided values. */
  detail: string;
}

/** Every error this library throws or rejects with. */
export class AmpError extends Error {
  /** Stable name of the status, e.g. `"AMP_ERR_SHAPE_MISMATCH"`; switch on this. */
  readonly code: string;
  /** Numeric status: -1 invalid argument, -2 shape mismatch, -3 unknown node type, -4 unsupported, -5 pending, -6 cancelled, -7 internal. */
  readonly status: number;
  /** Stage that failed (`"validate"` for TypeScript-edge checks). */
  readonly stage: string;
  /** Node instance name, or `""`. */
  readonly node: string;
  /** Readable detail (for native errors: the runtime's last-error detail). */
  readonly detail: string;

  constructor(message: string, info: { code: number; codeName: string; stage: string; node: string; detail: string }) {
    super(message);
    this.name = "AmpError";
    this.code = info.codeName;
    this.status = info.code;
    this.stage = info.stage;
    this.node = info.node;
    this.detail = info.detail;
  }
}

/** Creates an AmpError for a given status name; `detail` defaults to `message`. */
export function ampError(
  codeName: AmpStatusName,
  message: string,
  extra: { stage?: string | undefined; node?: string | undefined; detail?: string | undefined } = {},
): AmpError {
  return new AmpError(message, {
    code: AMP_STATUS[codeName],
    codeName,
    stage: extra.stage ?? "validate",
    node: extra.node ?? "",
    detail: extra.detail ?? message,
  });
}

/** Formats a provided value for an error message: strings quoted, numbers as written, objects as JSON; long ones cut at 80 characters. */
export function describeValue(value: unknown): string {
  if (typeof value === "string")
    return value.length > 80 ? `${JSON.stringify(value.slice(0, 77))}... (${value.length} characters)` : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "function") return "a function";
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: unknown }).length;
    return typeof length === "number"
      ? `a ${value.constructor.name} of length ${length}`
      : `a ${value.constructor.name} of ${value.byteLength} bytes`;
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    // Cycles, or nesting too deep to print.
    return Array.isArray(value) ? `an array of ${value.length}` : "an object";
  }
}

/** What a TypeScript-edge validation error is about. */
export interface ValidationSubject {
  /** Node instance name, when the error is about one node. */
  node?: string | undefined;
  /** Node type, shown next to the node name. */
  type?: string | undefined;
  /** Parameter or option name. */
  param?: string | undefined;
  /** What `param` is called in the message; default `"parameter"` (e.g. `"render option"`). */
  label?: string | undefined;
}

/**
 * A TypeScript-edge validation error (stage `"validate"`, status -1), with the uniform message
 * `node "osc" (sine_osc): parameter "frequency" expects a finite number in [-1000000, 1000000] Hz, got "abc"`.
 * @param subject - node, type and parameter the error is about (each optional)
 * @param expected - what was expected, e.g. `a finite number in [0, 1]`
 * @param got - the provided value (formatted with {@link describeValue})
 */
export function validationError(subject: ValidationSubject, expected: string, got: unknown): AmpError {
  const message = `${subjectPrefix(subject)}expects ${expected}, got ${describeValue(got)}`;
  return ampError("AMP_ERR_INVALID_ARGUMENT", message, { node: subject.node ?? "" });
}

/** A TypeScript-edge error with a free-form message after the uniform subject prefix. */
export function invalidError(subject: ValidationSubject, text: string, codeName: AmpStatusName = "AMP_ERR_INVALID_ARGUMENT"): AmpError {
  return ampError(codeName, `${subjectPrefix(subject)}${text}`, { node: subject.node ?? "" });
}

/**
 * Throws naming the first own key of an option bag that is not one of `known`, so that a typo
 * never passes silently: `render option "blocksize" is unknown; render() accepts frames, ...`.
 * @param owner - what takes the options, e.g. `"render()"`
 */
export function checkOptionKeys(subject: ValidationSubject, options: object, known: readonly string[], owner: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw invalidError({ ...subject, param: key }, `is unknown; ${owner} accepts ${known.join(", ")}`);
  }
}

function subjectPrefix(subject: ValidationSubject): string {
  const parts: string[] = [];
  const colon = subject.param !== undefined ? ":" : "";
  if (subject.node !== undefined) {
    parts.push(subject.type !== undefined ? `node "${subject.node}" (${subject.type})${colon}` : `node "${subject.node}"${colon}`);
  } else if (subject.type !== undefined) {
    parts.push(`${subject.type}${colon}`);
  }
  if (subject.param !== undefined) parts.push(`${subject.label ?? "parameter"} "${subject.param}"`);
  else if (subject.node === undefined && subject.type === undefined && subject.label !== undefined) parts.push(subject.label);
  return parts.length > 0 ? `${parts.join(" ")} ` : "";
}
