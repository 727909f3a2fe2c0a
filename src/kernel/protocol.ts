/**
 * Wraps tslab's ZeroMQ server (prototype patches applied before the kernel starts):
 * - every incoming message's signature is checked in constant time before tslab parses it;
 *   a message with a bad signature is dropped and logged to the kernel's stderr (fd 2);
 * - with `"signature_scheme": ""` (unsigned on purpose) messages are accepted unsigned;
 * - kernel_info_reply carries `status` and the real TypeScript version;
 * - comm_info_request gets a `comm_info_reply`;
 * - execute_request goes to the {@link CellRunner}.
 */
import { writeSync } from "node:fs";
import type { CellRunner } from "./cell-runner";
import type { ConnectionInfo } from "./connection";
import { signatureProblem, signParts, splitMessage } from "./signature";
import type { TslabJupyterModule, TslabMessage, TslabServer } from "./tslab-internals";

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
    return handleShellMessage.call(this, socket, ...frames);
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
