/**
 * Jupyter wire-protocol signatures: HMAC-SHA256 over the header, parent header, metadata and
 * content frames, as lowercase hex. Verification compares in constant time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The `<IDS|MSG>` delimiter between the ZeroMQ routing identities and the signed message. */
export const DELIMITER = Buffer.from("<IDS|MSG>");

/**
 * True when `received` equals `expected`, in time that depends only on their lengths (never on
 * where they first differ). Lengths are not secret: an HMAC-SHA256 hex digest is 64 characters.
 */
export function constantTimeEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, "utf8");
  const b = Buffer.from(expected, "utf8");
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** HMAC-SHA256 hex digest of `parts` (the four signed frames) with `key`. */
export function signParts(key: string, parts: readonly (Buffer | string)[]): string {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** Where the signature and the signed frames of a raw multipart message are. */
export interface SplitMessage {
  /** Index of the signature frame. */
  readonly signatureIndex: number;
  /** The signature as received. */
  readonly signature: string;
  /** Header, parent header, metadata, content (the frames the signature covers). */
  readonly signed: readonly Buffer[];
}

/** Splits a raw message at `<IDS|MSG>`; undefined when the delimiter or a signed frame is missing. */
export function splitMessage(frames: readonly Buffer[]): SplitMessage | undefined {
  const delimiter = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (delimiter < 0) return undefined;
  const signatureIndex = delimiter + 1;
  const signatureFrame = frames[signatureIndex];
  const signed = frames.slice(signatureIndex + 1, signatureIndex + 5);
  if (signatureFrame === undefined || signed.length < 4) return undefined;
  return { signatureIndex, signature: signatureFrame.toString("utf8"), signed };
}

/**
 * Checks a raw message's signature with `key`. Returns `undefined` when it is valid, else the
 * reason to log (the message must then be dropped).
 */
export function signatureProblem(key: string, frames: readonly Buffer[]): string | undefined {
  const split = splitMessage(frames);
  if (split === undefined) return "malformed message (no <IDS|MSG> delimiter or fewer than 4 signed frames)";
  if (!constantTimeEqual(split.signature, signParts(key, split.signed))) return "invalid signature";
  return undefined;
}
