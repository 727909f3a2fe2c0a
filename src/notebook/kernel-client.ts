/**
 * A Jupyter client over ZeroMQ (the `zeromq` package tslab uses), no Python involved: starts a
 * kernel process from an argv (a kernelspec's, or this package's launcher), writes its
 * connection file, signs every request with HMAC-SHA256 and checks the signature of every
 * message it receives (a badly signed message is dropped and counted), and groups iopub output
 * by the request it answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { constantTimeEqual, DELIMITER, signParts, splitMessage } from "../kernel/signature";
import { decodeSignedFrames } from "../kernel/wire";

/** A received message, parsed. */
export interface KernelMessage {
  header: { msg_id: string; msg_type: string; [key: string]: unknown };
  parent_header: { msg_id?: string; [key: string]: unknown };
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

/** The reply to a request and its iopub messages from `busy` to `idle` (status messages left out). */
export interface KernelReply {
  reply: KernelMessage;
  iopub: KernelMessage[];
}

/** How to start a kernel process. `{connection_file}` in `argv` is replaced by the file's path. */
export interface KernelStart {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Working folder of the kernel (Jupyter uses the notebook's folder). */
  readonly cwd: string;
  /** How long to wait for the first kernel_info_reply, in ms. Default 60000. */
  readonly startTimeoutMs?: number;
}

/** Thrown when the kernel cannot be started or stops answering. */
export class KernelError extends Error {
  override readonly name = "KernelError";
}

/** Thrown when a request gets no reply in time (the kernel is then interrupted). */
export class KernelTimeoutError extends KernelError {}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

const PORT_NAMES = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;

export class KernelClient {
  readonly #child: ChildProcess;
  readonly #key: string;
  readonly #dir: string;
  readonly #session = randomUUID();
  readonly #shell = new zmq.Dealer();
  readonly #control = new zmq.Dealer();
  readonly #iopub = new zmq.Subscriber();
  readonly #iopubByParent = new Map<string, KernelMessage[]>();
  readonly #replies = new Map<string, KernelMessage>();
  readonly #listeners = new Set<() => void>();
  #stderr = "";
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Messages dropped because their signature did not verify. */
  badSignatures = 0;
  /** Messages with a valid signature whose frames were not JSON objects (dropped). */
  malformedMessages = 0;

  private constructor(child: ChildProcess, key: string, dir: string) {
    this.#child = child;
    this.#key = key;
    this.#dir = dir;
    child.stderr?.on("data", (chunk: Buffer) => {
      // Keep the tail only: enough to explain a crash.
      this.#stderr = (this.#stderr + chunk.toString()).slice(-20000);
    });
    child.once("exit", (code, signal) => {
      this.#exit = { code, signal };
      this.#notify();
    });
    child.once("error", (error) => {
      this.#stderr += `\n${error.message}`;
      this.#exit = { code: null, signal: null };
      this.#notify();
    });
  }

  /** Starts a kernel and waits until it answers `kernel_info_request` (iopub subscribed by then). */
  static async start(options: KernelStart): Promise<KernelClient> {
    const dir = mkdtempSync(join(tmpdir(), "amp-kpn-run-"));
    const ports: Record<string, number> = {};
    for (const name of PORT_NAMES) ports[name] = await freePort();
    const key = randomBytes(32).toString("hex");
    const connectionFile = join(dir, "connection.json");
    writeFileSync(
      connectionFile,
      JSON.stringify({ ...ports, ip: "127.0.0.1", transport: "tcp", key, signature_scheme: "hmac-sha256", kernel_name: "amp-kpn" }),
      { mode: 0o600 },
    );
    const [command, ...args] = options.argv.map((arg) => arg.replace("{connection_file}", connectionFile));
    if (command === undefined) throw new KernelError("the kernelspec's argv is empty");
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "ignore", "pipe"] });
    const client = new KernelClient(child, key, dir);
    client.#shell.connect(`tcp://127.0.0.1:${ports["shell_port"]}`);
    client.#control.connect(`tcp://127.0.0.1:${ports["control_port"]}`);
    client.#iopub.connect(`tcp://127.0.0.1:${ports["iopub_port"]}`);
    client.#iopub.subscribe();
    void client.#read(client.#iopub, "iopub");
    void client.#read(client.#shell, "reply");
    void client.#read(client.#control, "reply");
    const startTimeoutMs = options.startTimeoutMs ?? 60_000;
    const deadline = Date.now() + startTimeoutMs;
    // One request at a time: a kernel that starts slowly would otherwise answer a burst of queued
    // requests at once. The first reply shows the kernel is up; an iopub subscription may still be
    // joining, so ask again (each answered at once now) until a reply comes with its idle status.
    try {
      await client.request("kernel_info_request", {}, { timeoutMs: startTimeoutMs, interruptOnTimeout: false, until: "reply" });
      for (;;) {
        if (client.#exit !== undefined)
          throw new KernelError(`the kernel exited while starting (${client.exitText()})${client.stderrTail()}`);
        try {
          await client.request("kernel_info_request", {}, { timeoutMs: 2000, interruptOnTimeout: false });
          return client;
        } catch (error) {
          if (!(error instanceof KernelTimeoutError) || Date.now() > deadline) throw error;
        }
      }
    } catch (error) {
      await client.shutdown();
      if (error instanceof KernelTimeoutError)
        throw new KernelError(`the kernel did not answer within ${startTimeoutMs} ms${client.stderrTail()}`);
      throw error;
    }
  }

  /** What the kernel wrote to stderr last (empty, or a newline and the text). */
  stderrTail(): string {
    const text = this.#stderr.trim();
    return text === "" ? "" : `\n${text.split("\n").slice(-20).join("\n")}`;
  }

  /** How the kernel process ended, in words. */
  exitText(): string {
    if (this.#exit === undefined) return "running";
    return this.#exit.signal !== null ? `killed by ${this.#exit.signal}` : `exit status ${String(this.#exit.code)}`;
  }

  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /** Sends a signed request on shell (or control); returns its msg_id. */
  async send(msgType: string, content: object, channel: "shell" | "control" = "shell"): Promise<string> {
    const msgId = randomUUID();
    const header = {
      msg_id: msgId,
      msg_type: msgType,
      session: this.#session,
      username: "amp-kpn",
      date: new Date().toISOString(),
      version: "5.3",
    };
    const parts = [JSON.stringify(header), "{}", "{}", JSON.stringify(content)];
    const signature = signParts(this.#key, parts);
    await (channel === "control" ? this.#control : this.#shell).send([DELIMITER, signature, ...parts]);
    return msgId;
  }

  /**
   * Sends a request and waits for its reply and its iopub output up to the `idle` status.
   * `onIopub` sees each iopub message of the request as it arrives. On timeout the kernel is
   * interrupted (unless `interruptOnTimeout` is false) and {@link KernelTimeoutError} thrown.
   */
  async request(
    msgType: string,
    content: object,
    options: {
      channel?: "shell" | "control";
      timeoutMs?: number;
      interruptOnTimeout?: boolean;
      onIopub?: (message: KernelMessage) => void;
      /** What completes the request: the reply alone, or the reply and the iopub idle status (default). */
      until?: "reply" | "idle";
    } = {},
  ): Promise<KernelReply> {
    const msgId = await this.send(msgType, content, options.channel);
    const timeoutMs = options.timeoutMs ?? 60_000;
    let seen = 0;
    const done = (): boolean => {
      const iopub = this.#iopubByParent.get(msgId) ?? [];
      for (; seen < iopub.length; seen += 1) {
        const message = iopub[seen];
        if (message !== undefined && message.header.msg_type !== "status") options.onIopub?.(message);
      }
      if (options.until === "reply") return this.#replies.has(msgId);
      return this.#replies.has(msgId) && iopub.some((m) => m.header.msg_type === "status" && m.content["execution_state"] === "idle");
    };
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        if (error === undefined) resolve();
        else reject(error);
      };
      const listener = (): void => {
        if (done()) finish();
        else if (this.#exit !== undefined) finish(new KernelError(`the kernel died (${this.exitText()})${this.stderrTail()}`));
      };
      const timer = setTimeout(() => {
        if (options.interruptOnTimeout !== false && this.#exit === undefined) this.#child.kill("SIGINT");
        finish(new KernelTimeoutError(`no reply to ${msgType} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#listeners.add(listener);
      listener();
    });
    const reply = this.#replies.get(msgId) as KernelMessage;
    const iopub = (this.#iopubByParent.get(msgId) ?? []).filter((m) => m.header.msg_type !== "status");
    this.#replies.delete(msgId);
    this.#iopubByParent.delete(msgId);
    return { reply, iopub };
  }

  /** Runs code as a notebook cell would (stop_on_error, stored in history). */
  execute(
    code: string,
    options: { timeoutMs?: number; onIopub?: (message: KernelMessage) => void; storeHistory?: boolean } = {},
  ): Promise<KernelReply> {
    return this.request(
      "execute_request",
      { code, silent: false, store_history: options.storeHistory ?? true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      options,
    );
  }

  /** Asks the kernel to shut down (control channel), kills it if it does not exit, closes the sockets. */
  async shutdown(): Promise<void> {
    try {
      if (this.#exit === undefined) {
        const exited = new Promise<void>((resolve) => {
          const listener = (): void => {
            if (this.#exit === undefined) return;
            this.#listeners.delete(listener);
            resolve();
          };
          this.#listeners.add(listener);
        });
        await this.send("shutdown_request", { restart: false }, "control").catch(() => undefined);
        const timer = setTimeout(() => {
          if (this.#exit === undefined) this.#child.kill("SIGKILL");
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
    } finally {
      this.#shell.close();
      this.#control.close();
      this.#iopub.close();
      rmSync(this.#dir, { recursive: true, force: true });
    }
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  async #read(socket: zmq.Dealer | zmq.Subscriber, kind: "iopub" | "reply"): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.#verify(frames);
        if (message === undefined) continue;
        const parentId = message.parent_header.msg_id;
        const parent = typeof parentId === "string" ? parentId : "";
        if (kind === "reply") this.#replies.set(parent, message);
        else {
          const list = this.#iopubByParent.get(parent) ?? [];
          list.push(message);
          this.#iopubByParent.set(parent, list);
        }
        this.#notify();
      }
    } catch {
      // The socket was closed by shutdown().
    }
  }

  #verify(frames: Buffer[]): KernelMessage | undefined {
    const split = splitMessage(frames);
    if (split === undefined || !constantTimeEqual(split.signature, signParts(this.#key, split.signed))) {
      this.badSignatures += 1;
      return undefined;
    }
    // A signed but malformed message is dropped and counted; throwing here would end the reading loop.
    const decoded = decodeSignedFrames(split.signed);
    if (typeof decoded === "string") {
      this.malformedMessages += 1;
      return undefined;
    }
    return {
      header: decoded.header as unknown as KernelMessage["header"],
      parent_header: decoded.parent_header as KernelMessage["parent_header"],
      metadata: decoded.metadata as Record<string, unknown>,
      content: decoded.content as Record<string, unknown>,
    };
  }
}
