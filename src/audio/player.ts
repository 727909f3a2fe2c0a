/**
 * The audio player (`audio(result, options)`): one `<audio controls>` per selected batch, holding
 * the selected channels as a 16-bit WAV data URI, with a caption giving duration, rate, channels
 * and peak. Samples outside [-1, 1] are clipped in the preview (16-bit WAV) and a note says so;
 * nothing is rescaled unless `normalize: true` (then a native gain node scales the clip so its
 * peak reads 1). Clips longer than `maxSeconds` are cut to their first `maxSeconds` with a note;
 * `span` previews any other part. Peaks and non-finite counts come from native analysis.
 */
import { inspect } from "node:util";
import type { AnalysisSignal } from "../analysis/common";
import { envelope } from "../analysis/envelope";
import { analyzeLevels } from "../analysis/levels";
import { DISPLAY_SYMBOL, type Displayable, type MimeBundle } from "../display/mime";
import { invalidError, validationError } from "../errors";
import { encodeWav } from "../io/wav";
import { NodeRunner } from "../node-call/node-runner";
import { gain } from "../nodes/generated";
import { checkFigureOptions, describeSource, indexSelection, numberOption, short, spanFrames } from "../plot/common";
import { uniqueId } from "../plot/plotly-html";

/** Options of {@link audio}. */
export interface AudioOptions {
  /** Batches, one player each (distinct indices); default the first 4. */
  readonly batches?: readonly number[];
  /** Channels in each player's WAV (distinct indices, in this order); default all. */
  readonly channels?: readonly number[];
  /** Part to preview, `[start, end]` in seconds; default from 0, at most `maxSeconds` long. */
  readonly span?: readonly [number, number];
  /** Longest preview in seconds when no `span` is given, in (0, 600]; default 10 (a 10 s stereo preview is about 2.6 MB of base64 in the notebook). */
  readonly maxSeconds?: number;
  /** Scale each clip so its peak reads 1 (a native gain node); default false: levels as rendered. */
  readonly normalize?: boolean;
  /** Caption; default says what was rendered. */
  readonly title?: string;
}

/** One player: a WAV data URI and what it holds. */
export interface AudioClip {
  readonly batch: number;
  readonly channels: readonly number[];
  /** `data:audio/wav;base64,...` (16-bit PCM). */
  readonly src: string;
  /** Peak |x| of the clip before any normalisation (native). */
  readonly peak: number;
  /** Gain applied by `normalize` (1 when off). */
  readonly gain: number;
  /** True when the preview clips (samples beyond [-1, 1] after any gain). */
  readonly clipped: boolean;
}

const KEYS = ["batches", "channels", "span", "maxSeconds", "normalize", "title"];
const OWNER = "audio()";

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Inline audio players (what {@link audio} returns). */
export class AudioPlayer implements Displayable {
  /** One clip per selected batch. */
  readonly clips: readonly AudioClip[];
  /** Preview span in seconds. */
  readonly start: number;
  readonly end: number;
  /** Sample rate written to the WAV data (Hz, integer). */
  readonly wavRate: number;
  /** Notes shown above the players (clipping, cut preview, rounded rate). */
  readonly notes: readonly string[];
  /** The caption. */
  readonly caption: string;

  constructor(clips: readonly AudioClip[], start: number, end: number, wavRate: number, notes: readonly string[], caption: string) {
    this.clips = clips;
    this.start = start;
    this.end = end;
    this.wavRate = wavRate;
    this.notes = notes;
    this.caption = caption;
  }

  /** One line: players, span, rate, peaks and notes. */
  toString(): string {
    const peaks = this.clips.map((c) => short(c.peak)).join(", ");
    const n = this.clips.length;
    const base = `Audio: ${n} player${n === 1 ? "" : "s"}, ${short(this.end - this.start, 6)} s at ${this.wavRate} Hz, peak ${peaks} (${this.caption})`;
    return this.notes.length === 0 ? base : `${base}; ${this.notes.join("; ")}`;
  }

  /** `util.inspect` / `console.log` output: same as {@link AudioPlayer.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }

  /** The `<audio>` elements with their captions and notes. */
  html(): string {
    const parts = [`<div id="${uniqueId("amp-audio")}" class="amp-audio" style="font-family:sans-serif;font-size:12px;line-height:1.4">`];
    parts.push(`<div style="font-weight:bold">${esc(this.caption)}</div>`);
    for (const note of this.notes) parts.push(`<div class="amp-audio-note" style="color:#b35900">&#9888; ${esc(note)}</div>`);
    for (const clip of this.clips) {
      const what = [
        `batch ${clip.batch}`,
        `channel${clip.channels.length === 1 ? "" : "s"} ${clip.channels.join(", ")}`,
        `${short(this.start, 6)}-${short(this.end, 6)} s`,
        `${this.wavRate} Hz`,
        `peak ${short(clip.peak)}`,
      ];
      if (clip.gain !== 1) what.push(`normalised x${short(clip.gain)}`);
      if (clip.clipped) what.push("clipped in preview");
      parts.push(
        `<div style="margin:4px 0"><audio controls preload="auto" src="${clip.src}"></audio><div style="color:#444">${esc(what.join(" · "))}</div></div>`,
      );
    }
    parts.push(`</div>`);
    return parts.join("\n");
  }

  /** The MIME bundle: the players as `text/html`, one line of `text/plain`. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return { "text/html": this.html(), "text/plain": this.toString() };
  }
}

/**
 * Audio players for a signal: one per selected batch, the selected channels in one WAV.
 * @param signal - a RenderResult or any `{samples, shape, sampleRate}` (planar, full scale 1)
 * @throws AmpError when the previewed part holds NaN or Inf samples (a WAV cannot carry them)
 */
export function audio(signal: AnalysisSignal, options: AudioOptions = {}): AudioPlayer {
  checkFigureOptions(OWNER, options, KEYS);
  const { batches: B, channels: C, frames } = signal.shape;
  const sr = signal.sampleRate;
  const batches = indexSelection(OWNER, "batches", options.batches, B, 4);
  const channels = indexSelection(OWNER, "channels", options.channels, C);
  const maxSeconds = numberOption(OWNER, "maxSeconds", options.maxSeconds, Number.MIN_VALUE, 600, 10);
  if (options.normalize !== undefined && typeof options.normalize !== "boolean") {
    throw validationError({ param: "normalize", label: `${OWNER} option` }, "a boolean", options.normalize);
  }
  const notes: string[] = [];
  let [start, end] = spanFrames(OWNER, options.span, frames, sr);
  if (options.span === undefined && frames / sr > maxSeconds) {
    end = Math.max(1, Math.floor(maxSeconds * sr));
    notes.push(
      `long clip: previewing the first ${short(maxSeconds)} s of ${short(frames / sr, 6)} s (pass span: [start, end] in seconds for another part)`,
    );
  }
  const wavRate = Math.min(4294967295, Math.max(1, Math.round(sr)));
  if (wavRate !== sr) notes.push(`the preview plays at ${wavRate} Hz (the signal's rate ${sr} Hz is not an integer)`);
  const length = end - start;
  const bad = envelope(signal, 1, { start, end, batches, channels }).nonFinite;
  bad.forEach((count, i) => {
    if (count > 0) {
      const b = batches[Math.floor(i / channels.length)];
      const c = channels[i % channels.length];
      throw invalidError(
        { param: "signal", label: `${OWNER} argument` },
        `holds ${count} NaN/Inf samples in batch ${b}, channel ${c} between ${short(start / sr, 6)} and ${short(end / sr, 6)} s; a WAV preview cannot carry them (plot.waveform marks them; a safety node replaces them)`,
      );
    }
  });
  const clips: AudioClip[] = [];
  for (const b of batches) {
    // The selected channels of this batch over the span, planar channels x frames (a copy).
    let clip: Float64Array = new Float64Array(channels.length * length);
    channels.forEach((c, i) => {
      const from = (b * C + c) * frames + start;
      clip.set(signal.samples.subarray(from, from + length), i * length);
    });
    const shape = { batches: 1, channels: channels.length, frames: length };
    const peak = Math.max(0, ...analyzeLevels(clip, shape).peak);
    let factor = 1;
    if (options.normalize === true && peak > 0) {
      factor = 1 / peak;
      const runner = NodeRunner.create("normalize", gain({ gain: factor }));
      try {
        clip = runner.forward([{ samples: clip, shape }], { sampleRate: wavRate }).samples;
      } finally {
        runner.dispose();
      }
    }
    // Integer WAV formats clip to [-1, 1] (wavefile's conversion); the note below says so.
    const wav = encodeWav(clip, { channels: channels.length, sampleRate: wavRate, bitDepth: "16" });
    clips.push({
      batch: b,
      channels,
      src: `data:audio/wav;base64,${Buffer.from(wav).toString("base64")}`,
      peak,
      gain: factor,
      clipped: factor === 1 && peak > 1,
    });
  }
  const clipped = clips.filter((c) => c.clipped);
  if (clipped.length > 0) {
    notes.unshift(
      `samples exceed [-1, 1] (peak ${clipped.map((c) => short(c.peak)).join(", ")}): the preview is clipped at full scale; the result itself is unchanged${options.normalize === true ? "" : " (normalize: true scales the preview instead)"}`,
    );
  }
  return new AudioPlayer(clips, start / sr, end / sr, wavRate, notes, options.title ?? `audio · ${describeSource(signal)}`);
}
