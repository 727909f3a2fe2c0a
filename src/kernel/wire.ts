/**
 * Decoding the four signed frames of a Jupyter wire message (header, parent header, metadata,
 * content): each must be UTF-8 JSON of an object, and the header must carry string `msg_id` and
 * `msg_type`. Used by the kernel before tslab parses a request and by the notebook runner's
 * client for every message it receives, so a malformed message is dropped with a reason instead
 * of throwing inside a socket loop (which stopped the client reading, and left a request
 * without its reply in the kernel).
 */

/** A decoded wire message. */
export interface WireMessage {
  readonly header: Readonly<Record<string, unknown>> & { readonly msg_id: string; readonly msg_type: string };
  readonly parent_header: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly content: Readonly<Record<string, unknown>>;
}

const FRAME_NAMES = ["header", "parent header", "metadata", "content"] as const;

/** Decodes the signed frames; returns the message, or the reason it is malformed. */
export function decodeSignedFrames(signed: readonly Buffer[]): WireMessage | string {
  if (signed.length < 4) return `expected 4 signed frames, got ${signed.length}`;
  const parts: Record<string, unknown>[] = [];
  for (let i = 0; i < 4; i += 1) {
    let value: unknown;
    try {
      value = JSON.parse((signed[i] as Buffer).toString("utf8"));
    } catch {
      return `the ${FRAME_NAMES[i]} frame is not JSON`;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return `the ${FRAME_NAMES[i]} frame is not a JSON object`;
    parts.push(value as Record<string, unknown>);
  }
  const [header, parent, metadata, content] = parts as [
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  if (typeof header["msg_type"] !== "string") return "the header has no string msg_type";
  if (typeof header["msg_id"] !== "string") return "the header has no string msg_id";
  return {
    header: header as WireMessage["header"],
    parent_header: parent,
    metadata,
    content,
  };
}
