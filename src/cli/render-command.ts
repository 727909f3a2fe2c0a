/** `amp-kpn render graph.json --frames N | --seconds S [...] --out out.wav [--summary out.json]` */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ampError } from "../errors";
import { Graph } from "../graph/graph";
import type { WavBitDepth } from "../io/wav";
import { WavWriter } from "../io/wav-writer";
import { checkSampleRate } from "../render/limits";
import { summaryLine, type ProgressEvent } from "../render/progress";
import { resolveFrames } from "../render/render";
import { Runtime } from "../render/runtime";
import { summarizeStreamed, type RenderSummary } from "../render/summary";
import { joinNegativeValues, numberFlag, requiredFlag, usageError } from "./args";
import { formatSummary } from "./print";
import { TerminalBar } from "./progress-bar";

export const RENDER_USAGE = `amp-kpn render GRAPH.json (--frames N | --seconds S) --out OUT.wav [options]
  --frames N          length in frames (integer >= 1)
  --seconds S         length in seconds (rounded to frames)
  --sample-rate HZ    sample rate, integer Hz (default: the graph's, else 48000)
  --batches B         lanes rendered together (default 1); the WAV holds batches x channels channels
  --block F           largest block in frames (default 512)
  --bit-depth D       WAV format: 32f (default), 64f, 16, 24 or 32
  --dither            TPDF dither for integer bit depths
  --out OUT.wav       WAV file to write (streamed: memory stays bounded whatever the length)
  --summary OUT.json  also write a JSON summary (shape, peak/RMS per channel, latency, heat, hash)
  --progress          draw the progress bar on stderr even when it is not a terminal
  --quiet             print nothing on success (and no progress bar)
Ctrl-C stops the render and keeps a valid WAV of the frames rendered so far (exit status 130).`;

/** Frames rendered per streamed block (about 1.4 s at 48 kHz; a few MB whatever the duration). */
const STREAM_BLOCK = 65536;

async function readGraph(path: string): Promise<Graph> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw usageError(`cannot read graph file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return Graph.fromJSON(text);
}

/** What the caller may pass for the terminal (tests pass their own). */
export interface RenderTerminal {
  /** Where the bar is drawn; default process.stderr. */
  readonly stderr?: { write(text: string): boolean; isTTY?: boolean } | undefined;
  /** Stops the render (default: the first SIGINT; a second one exits at once). */
  readonly signal?: AbortSignal | undefined;
}

/** Aborts on the first Ctrl-C; a second one exits at once (status 130). Returns the signal and its remover. */
function interruptOnSigint(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error("interrupted (Ctrl-C)"));
  };
  process.on("SIGINT", onSigint);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", onSigint) };
}

/** Renders a graph file to a WAV file (and a summary), streaming; returns the summary. */
export async function renderCommand(
  args: readonly string[],
  print: (line: string) => void,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  terminal: RenderTerminal = {},
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
      dither: { type: "boolean", default: false },
      out: { type: "string" },
      summary: { type: "string" },
      progress: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw usageError(`render expects exactly one graph file, got ${positionals.length}\n${RENDER_USAGE}`);
  const graphPath = positionals[0] ?? "";
  const out = requiredFlag("out", values.out);
  const bitDepth = (values["bit-depth"] ?? "32f") as WavBitDepth;
  if (!["32f", "64f", "16", "24", "32"].includes(bitDepth))
    throw usageError(`--bit-depth expects 32f, 64f, 16, 24 or 32, got ${JSON.stringify(bitDepth)}`);
  const graph = await readGraph(graphPath);
  const sampleRateFlag = numberFlag("sample-rate", values["sample-rate"]);
  if (sampleRateFlag !== undefined && !Number.isInteger(sampleRateFlag))
    throw usageError(`--sample-rate expects an integer (a WAV file stores whole Hz), got ${sampleRateFlag}`);
  const sampleRate = sampleRateFlag === undefined ? (graph.sampleRate ?? 48000) : checkSampleRate(sampleRateFlag);
  const frames = resolveFrames({ frames: numberFlag("frames", values.frames), seconds: numberFlag("seconds", values.seconds) }, sampleRate);
  const runtime = Runtime.create(graph, {
    sampleRate,
    batches: numberFlag("batches", values.batches),
    blockFrames: numberFlag("block", values.block),
  });
  const stderr = terminal.stderr ?? process.stderr;
  const bar = values.quiet !== true && (values.progress === true || stderr.isTTY === true) ? new TerminalBar(stderr) : undefined;
  const sigint = terminal.signal === undefined ? interruptOnSigint() : undefined;
  let writer: WavWriter | undefined;
  let last: ProgressEvent | undefined;
  let failed = true;
  try {
    const channels = runtime.describe().graph.outputChannels;
    const lanes = runtime.batches * channels;
    writer = await WavWriter.open(out, { channels: lanes, sampleRate, bitDepth, dither: values.dither === true });
    const onProgress = (event: ProgressEvent): void => {
      if (event.done) last = event;
      else bar?.update(event);
    };
    let refused: unknown;
    for await (const block of runtime.stream({
      frames,
      blockFrames: STREAM_BLOCK,
      signal: terminal.signal ?? sigint?.signal,
      partial: true,
      onProgress,
      progress: false,
    })) {
      try {
        await writer.write(block.samples);
      } catch (error) {
        refused = error;
        break;
      }
    }
    bar?.clear();
    const final = last;
    if (final === undefined) throw ampError("AMP_ERR_INTERNAL", "the render ended without a summary event", { stage: "render" });
    if (final.nonFinite === 0 && refused !== undefined) {
      const reason = refused instanceof Error ? refused.message : String(refused);
      throw ampError("AMP_ERR_INVALID_ARGUMENT", `cannot write ${out} as ${bitDepth}: ${reason}; no WAV written`, { stage: "wav" });
    }
    if (final.nonFinite > 0 || refused !== undefined) {
      const where = final.frames < frames ? ` in its first ${final.frames} frames` : "";
      throw ampError(
        "AMP_ERR_INVALID_ARGUMENT",
        `the render produced ${final.nonFinite} non-finite sample(s) (NaN or infinite)${where}; no WAV written (check gains, modulation scales and feedback; a safety node replaces them)`,
        { stage: "render" },
      );
    }
    const written = await writer.close();
    failed = false;
    const summary = summarizeStreamed({
      graph,
      shape: { batches: runtime.batches, channels, frames: written.frames },
      sampleRate,
      peak: final.peak,
      rms: final.rms,
      nonFiniteSamples: final.nonFinite,
      description: runtime.describe(),
    });
    if (summary.nonFinite.heat) warn("warning: a heat total of the render is not finite (written as null in the summary)");
    if (values.summary !== undefined) await writeFile(values.summary, `${JSON.stringify(summary, null, 2)}\n`);
    if (values.quiet !== true) {
      print(formatSummary(summary));
      print(summaryLine(final));
      print(`wrote ${out}${values.summary === undefined ? "" : ` and ${values.summary}`}`);
    }
    if (final.partial) {
      if (values.quiet === true) warn(summaryLine(final));
      process.exitCode = 130;
    }
    return summary;
  } finally {
    bar?.clear();
    sigint?.dispose();
    if (failed) await writer?.abort().catch(() => undefined);
    runtime.dispose();
  }
}
