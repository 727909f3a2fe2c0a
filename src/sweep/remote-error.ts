/** AmpErrors across thread and machine boundaries: plain JSON one way, an AmpError again the other. */
import { AmpError, ampError, type AmpStatusName } from "../errors";

/** An error as plain JSON. */
export interface ErrorJSON {
  readonly message: string;
  readonly codeName: string;
  readonly stage: string;
  readonly node: string;
}

/** Any thrown value as {@link ErrorJSON}. */
export function errorToJSON(error: unknown): ErrorJSON {
  if (error instanceof AmpError) return { message: error.message, codeName: error.code, stage: error.stage, node: error.node };
  const message = error instanceof Error ? error.message : String(error);
  return { message, codeName: "AMP_ERR_INTERNAL", stage: "sweep", node: "" };
}

/** {@link ErrorJSON} back as an AmpError (unknown codes become AMP_ERR_INTERNAL). */
export function errorFromJSON(json: ErrorJSON): AmpError {
  const known = json.codeName.startsWith("AMP_ERR_") && json.codeName !== "AMP_ERR_UNKNOWN";
  return ampError((known ? json.codeName : "AMP_ERR_INTERNAL") as AmpStatusName, json.message, { stage: json.stage, node: json.node });
}
