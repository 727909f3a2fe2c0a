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
import { BIND_FAILURE_EXIT } from "../kernel/exit-status";
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
  /** The HMAC key written to the connection file. Default: 32 random bytes in hex. */
  readonly key?: string;
  /** The connection file's `signature_scheme`; `""` (with an empty key) means unsigned. Default "hmac-sha256". */
  readonly signatureScheme?: string;
}

/** Options of {@link KernelClient.collect} and {@link KernelClient.request}. */
export interface CollectOptions {
  /** How long to wait, in ms. Default 60000. */
  timeoutMs?: number;
  /** Whether a request that times out interrupts the kernel (SIGINT). Default true. */
  interruptOnTimeout?: boolean;
  /** Sees each iopub message of the request (status messages left out) as it arrives. */
  onIopub?: (message: KernelMessage) => void;
  /** What completes the request: the reply alone, or the reply and the iopub idle status (default). */
  until?: "reply" | "idle";
}

/** Options of {@link KernelClient.send}. */
export interface SendOptions {
  channel?: "shell" | "control";
  /** Sign with this key instead of the kernel's (to test that the kernel drops forged messages). */
  key?: string;
}

/** Thrown when the kernel cannot be started or stops answering. */
export class KernelError extends Error {
  override readonly name = "KernelError";
}

/** Thrown when a request gets no reply in time (the kernel is then interrupted). */
export class KernelTimeoutError extends KernelError {}

/** The kernel could not bind a port chosen for it (taken meanwhile by another process). */
class KernelBindError extends KernelError {}

/** How many times a kernel is started when its ports were taken before it could bind them. */
const START_ATTEMPTS = 3;

/** How much of the kernel's stderr is kept (the tail), in characters: enough to explain a crash. */
const STDERR_TAIL_CHARS = 64_000;

/** How many unreadable-message reasons are kept (the first ones). */
const READ_ERRORS_KEPT = 100;

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
  /** The connection's HMAC key ("" when unsigned). */
  readonly key: string;
  /** The ports written to the connection file, by name (`shell_port`, ...). */
  readonly ports: Readonly<Record<string, number>>;
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
  /**
   * Why messages from the kernel were dropped (a signature that does not verify, signed frames
   * that are not JSON objects), first {@link READ_ERRORS_KEPT} kept. A throw would end reading.
   */
  readonly readErrors: string[] = [];

  private constructor(child: ChildProcess, key: string, ports: Record<string, number>, dir: string) {
    this.#child = child;
    this.key = key;
    this.ports = ports;
    this.#dir = dir;
    child.stderr?.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
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

  /**
   * Starts a kernel and waits until it answers `kernel_info_request` (iopub subscribed by then).
   * Ports are chosen free, but another process may take one before the kernel binds it: a kernel
   * that exits for that reason ({@link BIND_FAILURE_EXIT}) is started again on other ports, up to
   * {@link START_ATTEMPTS} times.
   */
  static async start(options: KernelStart): Promise<KernelClient> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await KernelClient.#startOnce(options);
      } catch (error) {
        if (!(error instanceof KernelBindError) || attempt >= START_ATTEMPTS) throw error;
      }
    }
  }

  static async #startOnce(options: KernelStart): Promise<KernelClient> {
    const dir = mkdtempSync(join(tmpdir(), "amp-kpn-run-"));
    const ports: Record<string, number> = {};
    for (const name of PORT_NAMES) ports[name] = await freePort();
    const key = options.key ?? randomBytes(32).toString("hex");
    const signatureScheme = options.signatureScheme ?? "hmac-sha256";
    const connectionFile = join(dir, "connection.json");
    writeFileSync(
      connectionFile,
      JSON.stringify({ ...ports, ip: "127.0.0.1", transport: "tcp", key, signature_scheme: signatureScheme, kernel_name: "amp-kpn" }),
      { mode: 0o600 },
    );
    const [command, ...args] = options.argv.map((arg) => arg.replace("{connection_file}", connectionFile));
    if (command === undefined) throw new KernelError("the kernelspec's argv is empty");
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "ignore", "pipe"] });
    const client = new KernelClient(child, key, ports, dir);
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
        if (client.#exit !== undefined) throw client.#startFailure();
        try {
          await client.request("kernel_info_request", {}, { timeoutMs: 2000, interruptOnTimeout: false });
          return client;
        } catch (error) {
          if (!(error instanceof KernelTimeoutError) || Date.now() > deadline) throw error;
        }
      }
    } catch (error) {
      await client.shutdown();
      if (client.#exit?.code === BIND_FAILURE_EXIT) throw client.#startFailure();
      if (error instanceof KernelTimeoutError)
        throw new KernelError(`the kernel did not answer within ${startTimeoutMs} ms${client.stderrTail()}`);
      throw error;
    }
  }

  /** The error for a kernel that exited while starting. */
  #startFailure(): KernelError {
    const text = `the kernel exited while starting (${this.exitText()})${this.stderrTail()}`;
    return this.#exit?.code === BIND_FAILURE_EXIT ? new KernelBindError(text) : new KernelError(text);
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

  /** The kernel's process id (undefined if it could not be started). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The tail of what the kernel wrote to stderr (the last {@link STDERR_TAIL_CHARS} characters). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Interrupts the kernel as Jupyter does for `interrupt_mode` "signal". */
  interrupt(): void {
    this.#child.kill("SIGINT");
  }

  /** The signed frames of a request (after the routing identities) and its msg_id. */
  frames(msgType: string, content: object, key = this.key): { msgId: string; frames: Buffer[] } {
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
    const signature = key === "" ? "" : signParts(key, parts);
    return { msgId, frames: [DELIMITER, Buffer.from(signature), ...parts.map((part) => Buffer.from(part))] };
  }

  /** Sends a signed request on shell (or control) without waiting; returns its msg_id. */
  async send(msgType: string, content: object, options: SendOptions = {}): Promise<string> {
    const { msgId, frames } = this.frames(msgType, content, options.key);
    await (options.channel === "control" ? this.#control : this.#shell).send(frames);
    return msgId;
  }

  /** Sends raw frames on the shell socket (to test how the kernel treats malformed messages). */
  async sendRaw(frames: readonly Buffer[]): Promise<void> {
    await this.#shell.send([...frames]);
  }

  /** The types of the iopub messages received so far for a request still being collected (diagnostics). */
  iopubTypes(msgId: string): string[] {
    return (this.#iopubByParent.get(msgId) ?? []).map(
      (m) => `${m.header.msg_type}${m.header.msg_type === "status" ? `:${String(m.content["execution_state"])}` : ""}`,
    );
  }

  /**
   * Sends a request and waits for its reply and its iopub output up to the `idle` status.
   * `onIopub` sees each iopub message of the request as it arrives. On timeout the kernel is
   * interrupted (unless `interruptOnTimeout` is false) and {@link KernelTimeoutError} thrown.
   */
  async request(msgType: string, content: object, options: CollectOptions & { channel?: "shell" | "control" } = {}): Promise<KernelReply> {
    const msgId = await this.send(msgType, content, options.channel === undefined ? {} : { channel: options.channel });
    return this.collect(msgId, options, msgType);
  }

  /**
   * Waits for the reply and the iopub output (up to `idle`) of a request sent with
   * {@link send}; what {@link request} does after sending. The request's messages are then forgotten.
   */
  async collect(msgId: string, options: CollectOptions = {}, what = msgId): Promise<KernelReply> {
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
        finish(new KernelTimeoutError(`no reply to ${what} within ${timeoutMs / 1000} s`));
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

  /** Waits until an iopub message of request `msgId` satisfies `predicate` (throws after `timeoutMs`). */
  async waitForIopub(msgId: string, predicate: (message: KernelMessage) => boolean, timeoutMs = 60_000): Promise<KernelMessage> {
    return new Promise<KernelMessage>((resolve, reject) => {
      const finish = (error?: Error, message?: KernelMessage): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        if (message !== undefined) resolve(message);
        else reject(error);
      };
      const listener = (): void => {
        const message = (this.#iopubByParent.get(msgId) ?? []).find(predicate);
        if (message !== undefined) finish(undefined, message);
        else if (this.#exit !== undefined) finish(new KernelError(`the kernel died (${this.exitText()})${this.stderrTail()}`));
      };
      const timer = setTimeout(
        () => finish(new KernelTimeoutError(`no matching iopub message for ${msgId} within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      this.#listeners.add(listener);
      listener();
    });
  }

  /** Runs code as a notebook cell would (stored in history unless told otherwise). */
  execute(code: string, options: CollectOptions & { storeHistory?: boolean; stopOnError?: boolean } = {}): Promise<KernelReply> {
    return this.request(
      "execute_request",
      {
        code,
        silent: false,
        store_history: options.storeHistory ?? true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: options.stopOnError ?? true,
      },
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
        await this.send("shutdown_request", { restart: false }, { channel: "control" }).catch(() => undefined);
        const timer = setTimeout(() => {
          if (this.#exit === undefined) this.#child.kill("SIGKILL");
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
    } finally {
      // Linger 0: requests queued for a kernel that never connected (one that did not start) are
      // dropped; otherwise ZeroMQ keeps them and the process can never exit.
      for (const socket of [this.#shell, this.#control, this.#iopub]) {
        socket.linger = 0;
        socket.close();
      }
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
    if (split === undefined) return this.#dropped("no <IDS|MSG> delimiter or a signed frame missing");
    if (this.key !== "" && !constantTimeEqual(split.signature, signParts(this.key, split.signed)))
      return this.#dropped("a wrong signature");
    const decoded = decodeSignedFrames(split.signed);
    if (typeof decoded === "string") return this.#dropped(decoded);
    return {
      header: decoded.header as unknown as KernelMessage["header"],
      parent_header: decoded.parent_header as KernelMessage["parent_header"],
      metadata: decoded.metadata as Record<string, unknown>,
      content: decoded.content as Record<string, unknown>,
    };
  }

  #dropped(reason: string): undefined {
    if (this.readErrors.length < READ_ERRORS_KEPT) this.readErrors.push(reason);
    return undefined;
  }
}
