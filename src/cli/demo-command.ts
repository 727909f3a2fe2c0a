/** `amp-kpn demo --out DIR [--seconds S]`: renders the built-in demo graph to DIR. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { demoGraph } from "../demo";
import { writeWav } from "../io/wav";
import { render } from "../render/render";
import { summarizeRender } from "../render/summary";
import { joinNegativeValues, numberFlag } from "./args";
import { formatSummary } from "./print";

export const DEMO_USAGE = `amp-kpn demo [--out DIR] [--seconds S]
  renders two detuned sines through gains, a mix and a safety node
  --out DIR      folder for demo.wav, demo.summary.json, demo.graph.json (default "out")
  --seconds S    length in seconds (default 2)`;

/** Writes DIR/demo.wav, DIR/demo.summary.json and DIR/demo.graph.json and prints a summary. */
export async function demoCommand(args: readonly string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: joinNegativeValues(args, ["seconds"]),
    options: { out: { type: "string", default: "out" }, seconds: { type: "string" } },
  });
  const dir = values.out ?? "out";
  const graph = demoGraph();
  const result = await render(graph, { seconds: numberFlag("seconds", values.seconds) ?? 2, sampleRate: 48000, recordHeat: true });
  const summary = summarizeRender(result);
  await mkdir(dir, { recursive: true });
  const files = {
    wav: join(dir, "demo.wav"),
    summary: join(dir, "demo.summary.json"),
    graph: join(dir, "demo.graph.json"),
  };
  await writeWav(files.wav, result.samples, { channels: result.shape.batches * result.shape.channels, sampleRate: result.sampleRate });
  await writeFile(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(files.graph, `${graph.toJSONText()}\n`);
  print(graph.toString());
  print("");
  print(formatSummary(summary));
  print(`wrote ${files.wav}, ${files.summary}, ${files.graph}`);
}
