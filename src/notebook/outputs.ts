/**
 * Turns a cell's iopub messages into the outputs Jupyter stores (as nbclient does): consecutive
 * stream messages of one name merge into one output; `display_data` and `execute_result` keep
 * their bundle and metadata; `error` keeps ename, evalue and traceback; `update_display_data`
 * replaces the bundle of every earlier output with the same `display_id` (in any cell of the
 * run); `clear_output` empties the cell's outputs (at the next output when `wait` is set).
 */
import type { KernelMessage } from "./kernel-client";
import type { DisplayDataOutput, ExecuteResultOutput, Output, OutputData } from "./nbformat";

type Rich = DisplayDataOutput | ExecuteResultOutput;

function displayId(message: KernelMessage): string | undefined {
  const transient = message.content["transient"];
  const id = typeof transient === "object" && transient !== null ? (transient as Record<string, unknown>)["display_id"] : undefined;
  return typeof id === "string" ? id : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Collects the outputs of the cells of one run. */
export class OutputCollector {
  readonly #byDisplayId = new Map<string, Rich[]>();

  /** A collector of one cell's outputs (appends to `outputs`). */
  cell(outputs: Output[]): (message: KernelMessage) => void {
    let clearPending = false;
    return (message) => {
      const type = message.header.msg_type;
      const content = message.content;
      if (type === "clear_output") {
        if (content["wait"] === true) clearPending = true;
        else outputs.length = 0;
        return;
      }
      if (type === "update_display_data") {
        const id = displayId(message);
        for (const output of id === undefined ? [] : (this.#byDisplayId.get(id) ?? [])) {
          output.data = record(content["data"]) as OutputData;
          output.metadata = record(content["metadata"]);
        }
        return;
      }
      if (!["stream", "display_data", "execute_result", "error"].includes(type)) return;
      if (clearPending) {
        outputs.length = 0;
        clearPending = false;
      }
      if (type === "stream") {
        const name = content["name"] === "stderr" ? "stderr" : "stdout";
        const text = typeof content["text"] === "string" ? content["text"] : "";
        const last = outputs[outputs.length - 1];
        if (last?.output_type === "stream" && last.name === name) last.text += text;
        else outputs.push({ output_type: "stream", name, text });
      } else if (type === "error") {
        const traceback = Array.isArray(content["traceback"]) ? content["traceback"].map(String) : [];
        outputs.push({ output_type: "error", ename: String(content["ename"] ?? ""), evalue: String(content["evalue"] ?? ""), traceback });
      } else {
        const data = record(content["data"]) as OutputData;
        const metadata = record(content["metadata"]);
        const output: Rich =
          type === "execute_result"
            ? {
                output_type: "execute_result",
                execution_count: typeof content["execution_count"] === "number" ? content["execution_count"] : null,
                data,
                metadata,
              }
            : { output_type: "display_data", data, metadata };
        outputs.push(output);
        const id = displayId(message);
        if (id !== undefined) this.#byDisplayId.set(id, [...(this.#byDisplayId.get(id) ?? []), output]);
      }
    };
  }
}
