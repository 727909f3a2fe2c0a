// A small Jupyter client over ZeroMQ (the zeromq package tslab brings) for the kernel tests:
// starts a kernel from its kernelspec (kernel.json argv), signs requests, collects iopub output.
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";

export interface Message {
  header: { msg_id: string; msg_type: string; [key: string]: unknown };
  parent_header: { msg_id?: string; [key: string]: unknown };
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

export interface Reply {
  reply: Message;
  /** iopub messages of the request, from busy to idle (status messages left out). */
  iopub: Message[];
}

const DELIM = Buffer.from("<IDS|MSG>");

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

/** How long a kernel may take to start on a loaded machine (a bound, not a timing claim). */
const START_TIMEOUT_MS = 90_000;

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export interface StartOptions {
  /** Folder holding kernel.json. */
  readonly specDir: string;
  /** Working folder of the kernel (Jupyter uses the notebook's folder). */
  readonly cwd: string;
  /** Override the key (e.g. "" with signatureScheme "" for unsigned). */
  readonly key?: string;
  readonly signatureScheme?: string;
}

export class KernelClient {
  readonly process: ChildProcess;
  readonly key: string;
  readonly ports: Record<string, number>;
  stderr = "";
  /** Messages from the kernel that could not be read (bad signature, not JSON), with the reason. */
  readonly readErrors: string[] = [];
  readonly #shell = new zmq.Dealer();
  readonly #control = new zmq.Dealer();
  readonly #iopub = new zmq.Subscriber();
  readonly #session = randomUUID();
  readonly #iopubByParent = new Map<string, Message[]>();
  readonly #iopubWaiters = new Set<() => void>();
  readonly #replies = new Map<string, Message>();
  readonly #replyWaiters = new Map<string, (message: Message) => void>();
  readonly #dir: string;
  #exited = false;

  private constructor(child: ChildProcess, key: string, ports: Record<string, number>, dir: string) {
    this.process = child;
    this.key = key;
    this.ports = ports;
    this.#dir = dir;
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    child.once("exit", () => {
      this.#exited = true;
    });
  }

  /** Starts the kernel of `specDir/kernel.json` and waits until it answers kernel_info. */
  static async start(options: StartOptions): Promise<KernelClient> {
    const spec = JSON.parse(readFileSync(join(options.specDir, "kernel.json"), "utf8")) as { argv: string[]; env?: Record<string, string> };
    const dir = mkdtempSync(join(tmpdir(), "amp-kernel-conn-"));
    const ports: Record<string, number> = {};
    for (const name of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"]) ports[name] = await freePort();
    const key = options.key ?? randomBytes(16).toString("hex");
    const connectionFile = join(dir, "kernel.json");
    writeFileSync(
      connectionFile,
      JSON.stringify({ ...ports, ip: "127.0.0.1", transport: "tcp", key, signature_scheme: options.signatureScheme ?? "hmac-sha256" }),
    );
    const [command, ...args] = spec.argv.map((arg) => arg.replace("{connection_file}", connectionFile));
    const child = spawn(command ?? "node", args, {
      cwd: options.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const client = new KernelClient(child, key, ports, dir);
    client.#shell.connect(`tcp://127.0.0.1:${ports["shell_port"]}`);
    client.#control.connect(`tcp://127.0.0.1:${ports["control_port"]}`);
    client.#iopub.connect(`tcp://127.0.0.1:${ports["iopub_port"]}`);
    client.#iopub.subscribe();
    void client.#readIopub();
    void client.#readReplies(client.#shell);
    void client.#readReplies(client.#control);
    // One request at a time (a slow start would otherwise be answered by a burst): the first reply
    // shows the kernel is up; then ask again until a reply comes with its iopub idle status (the
    // subscription is then live).
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code, signal) => reject(new Error(`kernel exited during start (${String(signal ?? code)}): ${client.stderr}`))),
    );
    exited.catch(() => undefined);
    const first = await client.send("kernel_info_request", {});
    await timeout(Promise.race([client.#receiveReply(first), exited]), START_TIMEOUT_MS, "the kernel's first reply");
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (client.#exited) throw new Error(`kernel exited during start: ${client.stderr}`);
      try {
        await client.request("kernel_info_request", {}, { timeoutMs: 2000 });
        return client;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** The signed frames of a message (after the routing identities). */
  frames(msgType: string, content: object, key = this.key): { msgId: string; frames: Buffer[] } {
    const msgId = randomUUID();
    const header = {
      msg_id: msgId,
      msg_type: msgType,
      session: this.#session,
      username: "test",
      date: new Date().toISOString(),
      version: "5.3",
    };
    const parts = [JSON.stringify(header), "{}", "{}", JSON.stringify(content)];
    const hmac = createHmac("sha256", key);
    for (const part of parts) hmac.update(part);
    const signature = key === "" ? "" : hmac.digest("hex");
    return { msgId, frames: [DELIM, Buffer.from(signature), ...parts.map((part) => Buffer.from(part))] };
  }

  /** Sends a request without waiting. */
  async send(msgType: string, content: object, options: { channel?: "shell" | "control"; key?: string } = {}): Promise<string> {
    const { msgId, frames } = this.frames(msgType, content, options.key);
    await (options.channel === "control" ? this.#control : this.#shell).send(frames);
    return msgId;
  }

  /** The types of the iopub messages received for a request so far (diagnostics). */
  iopubTypes(msgId: string): string[] {
    return (this.#iopubByParent.get(msgId) ?? []).map(
      (m) => `${m.header.msg_type}${m.header.msg_type === "status" ? `:${String(m.content["execution_state"])}` : ""}`,
    );
  }

  /** Sends raw frames on the shell socket (for malformed messages). */
  async sendRaw(frames: Buffer[]): Promise<void> {
    await this.#shell.send(frames);
  }

  /** Sends a request and waits for its reply and its iopub output up to the idle status. */
  async request(msgType: string, content: object, options: { channel?: "shell" | "control"; timeoutMs?: number } = {}): Promise<Reply> {
    const msgId = await this.send(msgType, content, options);
    return this.collect(msgId, options);
  }

  /** Waits for the reply and the iopub output of a request sent with {@link send}. */
  async collect(msgId: string, options: { channel?: "shell" | "control"; timeoutMs?: number } = {}): Promise<Reply> {
    const ms = options.timeoutMs ?? 60_000;
    const reply = await timeout(this.#receiveReply(msgId), ms, `the reply to ${msgId}`);
    await timeout(this.#idle(msgId), ms, `idle after ${msgId}`);
    const iopub = (this.#iopubByParent.get(msgId) ?? []).filter((m) => m.header.msg_type !== "status");
    return { reply, iopub };
  }

  /** Runs code; resolves with the execute_reply and the cell's iopub messages. */
  execute(code: string, options: { timeoutMs?: number; stopOnError?: boolean } = {}): Promise<Reply> {
    return this.request(
      "execute_request",
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: options.stopOnError ?? true },
      options,
    );
  }

  /** Waits until an iopub message of request `msgId` satisfies `predicate`. */
  async waitForIopub(msgId: string, predicate: (message: Message) => boolean, timeoutMs = 60_000): Promise<Message> {
    const find = (): Message | undefined => (this.#iopubByParent.get(msgId) ?? []).find(predicate);
    const found = find();
    if (found !== undefined) return found;
    return timeout(
      new Promise<Message>((resolve) => {
        const waiter = (): void => {
          const message = find();
          if (message === undefined) return;
          this.#iopubWaiters.delete(waiter);
          resolve(message);
        };
        this.#iopubWaiters.add(waiter);
      }),
      timeoutMs,
      `an iopub message of ${msgId}`,
    );
  }

  /** Interrupts the kernel as Jupyter does for interrupt_mode "signal". */
  interrupt(): void {
    this.process.kill("SIGINT");
  }

  /** Shuts the kernel down (shutdown_request, then SIGKILL if it does not exit) and closes sockets. */
  async shutdown(): Promise<void> {
    try {
      if (!this.#exited) {
        const exit = new Promise<void>((resolve) => this.process.once("exit", () => resolve()));
        await this.send("shutdown_request", { restart: false }, { channel: "control" });
        await timeout(exit, 10_000, "the kernel to exit").catch(() => this.process.kill("SIGKILL"));
      }
    } finally {
      if (!this.#exited) this.process.kill("SIGKILL");
      this.#shell.close();
      this.#control.close();
      this.#iopub.close();
      rmSync(this.#dir, { recursive: true, force: true });
    }
  }

  #receiveReply(msgId: string): Promise<Message> {
    const found = this.#replies.get(msgId);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.#replyWaiters.set(msgId, resolve));
  }

  async #readReplies(socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        let message: Message;
        try {
          message = this.#parse(frames);
        } catch (error) {
          this.readErrors.push(`reply: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        const parent = message.parent_header.msg_id ?? "";
        this.#replies.set(parent, message);
        this.#replyWaiters.get(parent)?.(message);
        this.#replyWaiters.delete(parent);
      }
    } catch {
      // socket closed
    }
  }

  #idle(msgId: string): Promise<void> {
    const done = (): boolean =>
      (this.#iopubByParent.get(msgId) ?? []).some((m) => m.header.msg_type === "status" && m.content["execution_state"] === "idle");
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = (): void => {
        if (!done()) return;
        this.#iopubWaiters.delete(waiter);
        resolve();
      };
      this.#iopubWaiters.add(waiter);
    });
  }

  async #readIopub(): Promise<void> {
    try {
      for await (const frames of this.#iopub) {
        let message: Message;
        try {
          message = this.#parse(frames);
        } catch (error) {
          // Recorded (and the message skipped): a throw here would stop reading iopub for good.
          this.readErrors.push(`iopub: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        const parent = message.parent_header.msg_id ?? "";
        const list = this.#iopubByParent.get(parent) ?? [];
        list.push(message);
        this.#iopubByParent.set(parent, list);
        for (const waiter of [...this.#iopubWaiters]) waiter();
      }
    } catch {
      // socket closed
    }
  }

  #parse(frames: Buffer[]): Message {
    const at = frames.findIndex((frame) => frame.equals(DELIM));
    const [signature, header, parent, metadata, content] = frames.slice(at + 1).map((frame) => frame.toString("utf8"));
    if (this.key !== "") {
      const hmac = createHmac("sha256", this.key);
      for (const part of [header, parent, metadata, content]) hmac.update(part ?? "");
      if (hmac.digest("hex") !== signature) throw new Error("the kernel sent a message with a wrong signature");
    }
    return {
      header: JSON.parse(header ?? "{}") as Message["header"],
      parent_header: JSON.parse(parent ?? "{}") as Message["parent_header"],
      metadata: JSON.parse(metadata ?? "{}") as Record<string, unknown>,
      content: JSON.parse(content ?? "{}") as Record<string, unknown>,
    };
  }
}
