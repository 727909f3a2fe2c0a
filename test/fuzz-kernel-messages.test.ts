// Fuzzing the kernel's wire-message path in process: the real tslab ZmqServer methods behind
// this kernel's protocol layer (src/kernel/protocol.ts) and its CellRunner, fed generated
// multipart messages (routing identities, delimiter, signature, 4+ frames; JSON objects, other
// JSON, bytes; known and unknown msg_types; execute requests with odd content). Oracles: the
// handler never rejects; a well-formed request of a supported type gets exactly one reply whose
// parent is the request, inside busy/idle; a malformed or wrongly signed one gets none and a log
// line; every message the kernel sends is signed. The notebook client's decoder
// (src/kernel/wire.ts) gets the same frames. Corpus: test/fuzz/corpus/kernel-messages (JSON
// arrays of base64 frames); the run budget is in test/fuzz/fuzz-budget.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CellCapture } from "../src/kernel/cell-capture";
import { CellRunner } from "../src/kernel/cell-runner";
import { installProtocol } from "../src/kernel/protocol";
import { DELIMITER, signParts, splitMessage } from "../src/kernel/signature";
import { tslab, type TslabJupyterModule, type TslabServer } from "../src/kernel/tslab-internals";
import { decodeSignedFrames } from "../src/kernel/wire";
import { corpus, fuzzParameters, saveCrash } from "./fuzz/fuzz-budget";

const KEY = "fuzz-key";
const SUPPORTED = [
  "kernel_info_request",
  "execute_request",
  "is_complete_request",
  "inspect_request",
  "complete_request",
  "comm_info_request",
  "shutdown_request",
  "history_request",
];

interface Sent {
  channel: "shell" | "iopub";
  frames: Buffer[];
}

/** A server object on the real tslab prototype (through the patched copy), with recording sockets. */
function makeServer(): { server: TslabServer; sent: Sent[]; logs: string[] } {
  const real = tslab.jupyter();
  const proto = Object.create(real.ZmqServer.prototype) as TslabServer;
  const jupyter = {
    ZmqServer: { prototype: proto },
    JupyterHandlerImpl: real.JupyterHandlerImpl,
    lastWriteDisplayData: null,
  } as unknown as TslabJupyterModule;
  const logs: string[] = [];
  const runner = new CellRunner(new CellCapture(), jupyter);
  installProtocol(jupyter, {
    connection: { key: KEY, signature_scheme: "hmac-sha256" } as never,
    runner,
    info: { implementation: "amp-kpn", implementationVersion: "0", typescriptVersion: "5", banner: "fuzz" },
    log: (line) => logs.push(line),
  });
  const sent: Sent[] = [];
  const socket = (channel: Sent["channel"]) => ({
    send: (frames: Buffer[]): Promise<void> => {
      sent.push({ channel, frames: frames.map((f) => Buffer.from(f)) });
      return Promise.resolve();
    },
  });
  const server = Object.create(proto) as TslabServer & Record<string, unknown>;
  Object.assign(server, {
    connInfo: { key: KEY },
    iopub: socket("iopub"),
    shell: socket("shell"),
    control: socket("shell"),
    close: () => undefined,
    handler: {
      execCount: 0,
      executor: { execute: (code: string) => Promise.resolve(!code.includes("fail")), interrupt: () => undefined, close: () => undefined },
      handleKernel: () => ({ protocol_version: "5.3", language_info: { name: "typescript" } }),
      handleIsComplete: () => ({ status: "complete" }),
      handleInspect: () => ({ status: "ok", found: false, data: {}, metadata: {} }),
      handleComplete: () => ({ status: "ok", matches: [], cursor_start: 0, cursor_end: 0, metadata: {} }),
      handleShutdown: () => ({ status: "ok", restart: false }),
      createWriteToIopub: (name: string, write: (name: string, text: string) => void) => (chunk: unknown) => {
        write(name, String(chunk));
        return true;
      },
    },
  });
  return { server, sent, logs };
}

/** Frames of one generated message: identities, delimiter (or not), signature, frames. */
const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const header = fc.record({
  msg_id: fc.oneof(fc.uuid(), fc.constant(7), fc.constant(null)),
  msg_type: fc.oneof(fc.constantFrom(...SUPPORTED), fc.string({ maxLength: 12 }), fc.constant(3)),
  session: fc.string({ maxLength: 6 }),
  username: fc.constant("fuzz"),
  version: fc.constant("5.3"),
});
const executeContent = fc.record(
  {
    code: fc.oneof(fc.constantFrom("1 + 1", "fail", ""), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
    silent: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 0 })),
    store_history: fc.boolean(),
    stop_on_error: fc.oneof(fc.boolean(), fc.constant("no")),
    user_expressions: fc.oneof(jsonObject, fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: [] },
);
const frameText = fc.oneof(
  { weight: 6, arbitrary: jsonObject.map((o) => JSON.stringify(o)) },
  { weight: 3, arbitrary: executeContent.map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
);
const message = fc
  .record({
    identities: fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 2 }),
    delimiter: fc.nat(19),
    header: fc.oneof({ weight: 8, arbitrary: header.map((h) => JSON.stringify(h)) }, { weight: 2, arbitrary: frameText }),
    rest: fc.array(frameText, { minLength: 0, maxLength: 5 }),
    signature: fc.nat(19),
  })
  .map(({ identities, delimiter, header: head, rest, signature }) => {
    const signed = [head, ...rest].map((p) => Buffer.from(p));
    const hmac = signature === 0 ? "0".repeat(64) : signature === 1 ? "" : signParts(KEY, signed.slice(0, 4));
    const ids = identities.map((i) => Buffer.from(i));
    return delimiter === 0 ? [...ids, Buffer.from(hmac), ...signed] : [...ids, DELIMITER, Buffer.from(hmac), ...signed];
  });

/** Feeds one message; throws (the oracle) when the kernel misbehaves. */
async function checkMessage(frames: Buffer[]): Promise<void> {
  const { server, sent, logs } = makeServer();
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  try {
    await server.handleShellMessage(server.shell, ...frames.map((f) => Buffer.from(f)));
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
  // Every message the kernel sent is signed.
  for (const { frames: out } of sent) {
    const split = splitMessage(out);
    if (split === undefined) throw new Error("the kernel sent a message without delimiter");
    if (split.signature !== signParts(KEY, split.signed)) throw new Error("the kernel sent a badly signed message");
  }
  const split = splitMessage(frames);
  const validSignature = split !== undefined && split.signature === signParts(KEY, split.signed);
  const decoded = split === undefined ? "unsplit" : decodeSignedFrames(split.signed);
  const replies = sent.filter((s) => s.channel === "shell");
  const accepted = validSignature && typeof decoded !== "string" && SUPPORTED.includes(decoded.header.msg_type);
  if (!accepted) {
    if (replies.length !== 0) throw new Error(`a reply to a message that should be dropped: ${replies.length}`);
    if (logs.length === 0) throw new Error("a dropped message without a log line");
    return;
  }
  if (typeof decoded === "string") return;
  if (replies.length !== 1) throw new Error(`${replies.length} replies to one ${decoded.header.msg_type}`);
  const reply = decodeSignedFrames(splitMessage((replies[0] as Sent).frames)?.signed ?? []);
  if (typeof reply === "string") throw new Error(`the reply is malformed: ${reply}`);
  if (reply.parent_header["msg_id"] !== decoded.header.msg_id) throw new Error("the reply's parent is not the request");
  const statuses = sent
    .filter((s) => s.channel === "iopub")
    .map((s) => decodeSignedFrames(splitMessage(s.frames)?.signed ?? []))
    .filter((m): m is Exclude<typeof m, string> => typeof m !== "string" && m.header.msg_type === "status")
    .map((m) => m.content["execution_state"]);
  if (statuses[0] !== "busy" || statuses[statuses.length - 1] !== "idle") throw new Error(`status messages ${statuses.join(",")}`);
}

function encode(frames: Buffer[]): Buffer {
  return Buffer.from(JSON.stringify(frames.map((f) => f.toString("base64"))));
}

describe("fuzz: kernel wire messages", () => {
  it("replays the corpus (every message that ever broke the kernel)", async () => {
    const inputs = corpus("kernel-messages");
    expect(inputs.length).toBeGreaterThan(0);
    for (const { name, bytes } of inputs) {
      const frames = (JSON.parse(bytes.toString("utf8")) as string[]).map((f) => Buffer.from(f, "base64"));
      await expect(checkMessage(frames), name).resolves.toBeUndefined();
    }
  });

  it("handles generated messages", async () => {
    const result = await fc.check(
      fc.asyncProperty(message, async (frames) => {
        await checkMessage(frames);
      }),
      fuzzParameters("kernel-messages", 400),
    );
    console.log(`fuzz kernel-messages: ${result.numRuns} messages`);
    if (result.failed) {
      const path = result.counterexample === null ? "" : saveCrash("kernel-messages", encode(result.counterexample[0]));
      throw new Error(`kernel message fuzz failed (seed ${result.seed}, saved ${path}): ${String(result.errorInstance)}`);
    }
  }, 600_000);
});
