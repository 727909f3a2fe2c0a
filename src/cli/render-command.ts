/** `amp-kpn render graph.json --frames N | --seconds S [...] --out out.wav [--summary out.json]` */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ampError } from "../errors";
import { Graph } from "../graph/graph";
import { writeWav, type WavBitDepth } from "../io/wav";
import { render } from "../render/render";
import { summarizeRender, type RenderSummary } from "../render/summary";
import { joinNegativeValues, numberFlag, requiredFlag, usageError } from "./args";
import { formatSummary } from "./print";

export const RENDER_USAGE = `amp-kpn render GRAPH.json (--frames N | --seconds S) --out OUT.wav [options]
  --frames N          length in frames (integer >= 1)
  --seconds S         length in seconds (rounded to frames)
  --sample-rate HZ    sample rate, integer Hz (default: the graph's, else 48000)
  --batches B         lanes rendered together (default 1); the WAV holds batches x channels channels
  --block F           largest block in frames (default 512)
  --bit-depth D       WAV format: 32f (default), 16 or 24
  --out OUT.wav       WAV file to write
  --summary OUT.json  also write a JSON summary (shape, peak/RMS per channel, latency, heat, hash)
  --quiet             print nothing on success`;

async function readGraph(path: string): Promise<Graph> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw usageError(`cannot read graph file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return Graph.fromJSON(text);
}

/** Renders a graph file to a WAV file (and a summary); returns the summary. */
export async function renderCommand(
  args: readonly string[],
  print: (line: string) => void,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<RenderSummary> {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(args, ["frames", "seconds", "sample-rate", "batches", "block"]),
    allowPositionals: true,
    options: {
      frames: { type: "string" },
      seconds: { type: "string" },
      "sample-rate": { type: "string" },
      batches: { type: "string" },
      block: { type: "string" },
      "bit-depth": { type: "string" },
      out: { type: "string" },
      summary: { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw usageError(`render expects exactly one graph file, got ${positionals.length}\n${RENDER_USAGE}`);
  const graphPath = positionals[0] ?? "";
  const out = requiredFlag("out", values.out);
  const bitDepth = (values["bit-depth"] ?? "32f") as WavBitDepth;
  if (!["32f", "16", "24"].includes(bitDepth)) throw usageError(`--bit-depth expects 32f, 16 or 24, got ${JSON.stringify(bitDepth)}`);
  const graph = await readGraph(graphPath);
  const sampleRate = numberFlag("sample-rate", values["sample-rate"]);
  if (sampleRate !== undefined && !Number.isInteger(sampleRate))
    throw usageError(`--sample-rate expects an integer (a WAV file stores whole Hz), got ${sampleRate}`);
  const result = await render(graph, {
    frames: numberFlag("frames", values.frames),
    seconds: numberFlag("seconds", values.seconds),
    sampleRate,
    batches: numberFlag("batches", values.batches),
    blockFrames: numberFlag("block", values.block),
  });
  const { batches, channels } = result.shape;
  const summary = summarizeRender(result);
  if (summary.nonFinite.samples > 0)
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `the render produced ${summary.nonFinite.samples} non-finite sample(s) (NaN or infinite); no WAV written (check gains, modulation scales and feedback; a safety node replaces them)`,
      { stage: "render" },
    );
  if (summary.nonFinite.heat) warn("warning: a heat total of the render is not finite (written as null in the summary)");
  await writeWav(out, result.samples, { channels: batches * channels, sampleRate: result.sampleRate, bitDepth });
  if (values.summary !== undefined) await writeFile(values.summary, `${JSON.stringify(summary, null, 2)}\n`);
  if (values.quiet !== true) {
    print(formatSummary(summary));
    print(`wrote ${out}${values.summary === undefined ? "" : ` and ${values.summary}`}`);
  }
  return summary;
}
