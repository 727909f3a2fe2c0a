/**
 * Runs execute requests one at a time through tslab's executor and answers them as ipykernel
 * does: `execute_input` first, one `execute_result` with the whole MIME bundle of the last
 * expression, an iopub `error` plus an error reply (ename, evalue, traceback) on failure.
 *
 * Aborting after a failure: when a cell fails (and its request did not set
 * `stop_on_error: false`), the requests that had already arrived when its error reply is sent
 * are answered `aborted`; requests arriving after that reply run normally. (Plain tslab instead
 * aborts everything for 200 ms.)
 */
import type { CellCapture } from "./cell-capture";
import { displayData } from "./display-bundle";
import { reportDiagnostics, reportThrown, type ErrorReport } from "./error-report";
import type { DisplayContent, TslabJupyterModule, TslabMessage, TslabServer } from "./tslab-internals";

/** Lets the socket reader take messages already queued in ZeroMQ before the error reply is sent. */
async function letQueuedMessagesArrive(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** user_expressions are not evaluated by this kernel: each one is answered with an error. */
function userExpressionReplies(requested: unknown): Record<string, ErrorReport & { status: "error" }> {
  const replies: Record<string, ErrorReport & { status: "error" }> = {};
  if (typeof requested !== "object" || requested === null) return replies;
  for (const name of Object.keys(requested)) {
    const evalue = "user_expressions are not supported by the AMP KPN kernel";
    replies[name] = { status: "error", ename: "NotSupported", evalue, traceback: [evalue] };
  }
  return replies;
}

export class CellRunner {
  #arrivals = 0;
  #abortThrough = 0;
  #count = 0;
  #queue: Promise<void> = Promise.resolve();
  #publish: ((type: string, content: object) => void) | undefined;
  readonly #capture: CellCapture;
  readonly #jupyter: TslabJupyterModule;

  constructor(capture: CellCapture, jupyter: TslabJupyterModule) {
    this.#capture = capture;
    this.#jupyter = jupyter;
  }

  /**
   * Publishes an iopub message on behalf of the most recent cell (output produced after a cell
   * finished lands there, as in ipykernel). Throws before the first cell.
   */
  publish(type: string, content: object): void {
    if (this.#publish === undefined) throw new Error("no cell has run yet in this kernel");
    this.#publish(type, content);
  }

  /** Queues an execute_request (called synchronously when it arrives). */
  handle(server: TslabServer, socket: unknown, msg: TslabMessage): Promise<void> {
    const arrival = ++this.#arrivals;
    const run = this.#queue.then(() => this.#run(server, socket, msg, arrival));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(server: TslabServer, socket: unknown, msg: TslabMessage, arrival: number): Promise<void> {
    const key = server.connInfo.key;
    const send = (type: string, content: object, to: unknown): void => {
      const reply = msg.createReply();
      reply.header.msg_type = type;
      reply.content = content as Record<string, unknown>;
      reply.signAndSend(key, to);
    };
    if (arrival <= this.#abortThrough) {
      send("execute_reply", { status: "aborted" }, socket);
      return;
    }
    const content = msg.content;
    if (typeof content["code"] !== "string") {
      // Checked before counting: a request without code runs nothing (execute_request needs it).
      const evalue = `execute_request content.code expects a string, got ${content["code"] === undefined ? "none" : typeof content["code"]}`;
      send("execute_reply", { status: "error", ename: "BadRequest", evalue, traceback: [evalue] }, socket);
      return;
    }
    const code = content["code"];
    const silent = content["silent"] === true;
    if (!silent && content["store_history"] !== false) this.#count += 1;
    const count = this.#count;
    if (!silent) send("execute_input", { code, execution_count: count }, server.iopub);

    // Output written later (timers, unawaited promises) lands in the most recent cell, as in ipykernel.
    this.#publish = (type, published): void => send(type, published, server.iopub);
    const writeStream = (name: string, text: string): void => send("stream", { name, text }, server.iopub);
    process.stdout.write = server.handler.createWriteToIopub("stdout", writeStream);
    process.stderr.write = server.handler.createWriteToIopub("stderr", writeStream);
    this.#jupyter.lastWriteDisplayData = (display: DisplayContent, update: boolean): void =>
      send(update ? "update_display_data" : "display_data", display, server.iopub);

    const outcome = this.#capture.begin();
    let ok: boolean;
    try {
      ok = await server.handler.executor.execute(code);
    } catch (error) {
      ok = false;
      outcome.thrown.push(error);
    } finally {
      this.#capture.end();
    }

    let report: ErrorReport | undefined;
    if (ok) {
      // A module cell (`//@module`) is registered even when it has type errors: show them.
      if (outcome.diagnostics.length > 0) writeStream("stderr", `${outcome.diagnostics.join("\n")}\n`);
      if (outcome.hasValue && !silent) {
        try {
          send("execute_result", { execution_count: count, data: displayData(outcome.value), metadata: {} }, server.iopub);
        } catch (error) {
          report = reportThrown(error);
        }
      }
    } else if (outcome.thrown.length > 0) {
      report = reportThrown(outcome.thrown[0]);
    } else if (outcome.diagnostics.length > 0) {
      report = reportDiagnostics(outcome.diagnostics);
    } else {
      report = { ename: "Error", evalue: "the cell failed", traceback: ["Error: the cell failed"] };
    }

    if (report !== undefined) {
      send("error", report, server.iopub);
      if (content["stop_on_error"] !== false) {
        await letQueuedMessagesArrive();
        this.#abortThrough = this.#arrivals;
      }
      send("execute_reply", { status: "error", execution_count: count, ...report }, socket);
      return;
    }
    send(
      "execute_reply",
      { status: "ok", execution_count: count, user_expressions: userExpressionReplies(content["user_expressions"]), payload: [] },
      socket,
    );
  }
}
