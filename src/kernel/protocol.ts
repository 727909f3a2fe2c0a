/**
 * Wraps tslab's ZeroMQ server (prototype patches applied before the kernel starts):
 * - every incoming message's signature is checked in constant time before tslab parses it;
 *   a message with a bad signature is dropped and logged to the kernel's stderr (fd 2);
 * - with `"signature_scheme": ""` (unsigned on purpose) messages are accepted unsigned;
 * - kernel_info_reply carries `status` and the real TypeScript version;
 * - comm_info_request gets a `comm_info_reply`;
 * - execute_request goes to the {@link CellRunner};
 * - history_request gets an empty history (the kernel keeps none and does not advertise one);
 *   other request types tslab does not know are logged to the kernel log, not to a cell's output.
 */
import { randomBytes } from "node:crypto";
import { writeSync } from "node:fs";
import type { CellRunner } from "./cell-runner";
import type { ConnectionInfo } from "./connection";
import { DELIMITER, signatureProblem, signParts, splitMessage } from "./signature";
import type { TslabJupyterModule, TslabMessage, TslabServer } from "./tslab-internals";
import { decodeSignedFrames } from "./wire";

/** Writes one line to the kernel log (the process's real stderr, never a cell's output). */
export function kernelLog(line: string): void {
  writeSync(2, `[amp-kpn kernel] ${line}\n`);
}

/** What kernel_info_reply adds to or changes in tslab's reply. */
export interface KernelInfo {
  readonly implementation: string;
  readonly implementationVersion: string;
  readonly typescriptVersion: string;
  readonly banner: string;
}

/** The request types tslab 1.0.22 answers itself (see ZmqServer.handleShellMessage). */
const TSLAB_REQUESTS = new Set([
  "kernel_info_request",
  "execute_request",
  "is_complete_request",
  "inspect_request",
  "complete_request",
  "comm_info_request",
  "shutdown_request",
]);

/** A signed message frames list (identities first) built here, for replies tslab cannot make. */
function signedFrames(key: string, identities: readonly Buffer[], header: object, parent: object, content: object): Buffer[] {
  const parts = [JSON.stringify(header), JSON.stringify(parent), "{}", JSON.stringify(content)];
  return [...identities, DELIMITER, Buffer.from(signParts(key, parts)), ...parts.map((part) => Buffer.from(part))];
}

/** Answers a history_request with an empty history (busy, reply, idle), as tslab has no handler. */
function replyEmptyHistory(server: TslabServer, socket: unknown, frames: readonly Buffer[], signatureIndex: number): void {
  const key = server.connInfo.key;
  const identities = frames.slice(0, signatureIndex - 1);
  const request = JSON.parse(frames[signatureIndex + 1]?.toString("utf8") ?? "{}") as Record<string, unknown>;
  const header = (type: string): object => ({
    msg_id: randomBytes(16).toString("hex"),
    msg_type: type,
    session: request["session"],
    username: request["username"],
    date: new Date().toISOString(),
    version: "5.3",
  });
  const send = (to: unknown, message: Buffer[]): void => {
    void (to as { send(frames: Buffer[]): Promise<void> }).send(message);
  };
  send(server.iopub, signedFrames(key, [], header("status"), request, { execution_state: "busy" }));
  send(socket, signedFrames(key, identities, header("history_reply"), request, { status: "ok", history: [] }));
  send(server.iopub, signedFrames(key, [], header("status"), request, { execution_state: "idle" }));
}

export interface ProtocolOptions {
  readonly connection: ConnectionInfo;
  readonly runner: CellRunner;
  readonly info: KernelInfo;
  /** Logs a dropped message; default {@link kernelLog}. */
  readonly log?: (line: string) => void;
}

/** Patches tslab's ZmqServer prototype; call once, before `startKernel`. */
export function installProtocol(jupyter: TslabJupyterModule, options: ProtocolOptions): void {
  const server = jupyter.ZmqServer.prototype;
  const log = options.log ?? kernelLog;
  const unsigned = options.connection.signature_scheme === "";
  const handleShellMessage = server.handleShellMessage;
  let dropped = 0;

  server.handleShellMessage = function checkedShellMessage(this: TslabServer, socket: unknown, ...frames: Buffer[]) {
    if (unsigned) {
      // tslab always verifies: sign with the empty key so its check passes (the client sent none).
      const split = splitMessage(frames);
      if (split === undefined) {
        log("dropped a malformed message (no <IDS|MSG> delimiter or fewer than 4 signed frames)");
        return Promise.resolve();
      }
      frames[split.signatureIndex] = Buffer.from(signParts("", split.signed));
    } else {
      const problem = signatureProblem(options.connection.key, frames);
      if (problem !== undefined) {
        dropped += 1;
        log(`dropped a message: ${problem} (${dropped} dropped so far)`);
        return Promise.resolve();
      }
    }
    const split = splitMessage(frames);
    // tslab's own parser throws on frames that are not JSON (a rejection nobody handles, and no
    // reply): decode them here first and drop a malformed message with a log line.
    const decoded = split === undefined ? "no <IDS|MSG> delimiter or fewer than 4 signed frames" : decodeSignedFrames(split.signed);
    if (split === undefined || typeof decoded === "string") {
      log(`dropped a malformed message: ${typeof decoded === "string" ? decoded : ""}`);
      return Promise.resolve();
    }
    const type = decoded.header.msg_type;
    if (type === "history_request") {
      replyEmptyHistory(this, socket, frames, split.signatureIndex);
      return Promise.resolve();
    }
    if (!TSLAB_REQUESTS.has(type)) {
      log(`ignored a ${type} (not supported)`);
      return Promise.resolve();
    }
    // Frames after the four signed ones are buffers, which the signature does not cover (wire
    // protocol) and no request tslab handles uses; tslab would hash them into its own check and
    // throw. They are dropped here.
    // A failure inside tslab's handler is logged to the kernel log: unhandled, it would be printed
    // by tslab's unhandledRejection hook into the output of whichever cell ran last.
    return handleShellMessage.call(this, socket, ...frames.slice(0, split.signatureIndex + 5)).catch((error: unknown) => {
      log(`a ${type} failed in the kernel: ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  server.handleKernelInfo = function kernelInfo(this: TslabServer, socket: unknown, msg: TslabMessage) {
    const base = this.handler.handleKernel();
    const language = (base["language_info"] ?? {}) as Record<string, unknown>;
    const reply = msg.createReply();
    reply.header.msg_type = "kernel_info_reply";
    reply.content = {
      ...base,
      status: "ok",
      implementation: options.info.implementation,
      implementation_version: options.info.implementationVersion,
      language_info: { ...language, version: options.info.typescriptVersion },
      banner: options.info.banner,
      help_links: [],
    };
    reply.signAndSend(this.connInfo.key, socket);
  };

  server.handleCommInfoRequest = function commInfo(this: TslabServer, socket: unknown, msg: TslabMessage) {
    const reply = msg.createReply();
    reply.header.msg_type = "comm_info_reply";
    reply.content = { status: "ok", comms: {} };
    reply.signAndSend(this.connInfo.key, socket);
  };

  server.handleExecute = function execute(this: TslabServer, socket: unknown, msg: TslabMessage) {
    return options.runner.handle(this, socket, msg);
  };
}
