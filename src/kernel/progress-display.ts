/**
 * The kernel's progress display: a render, stream, asynchronous analysis or backward pass running longer than
 * {@link SHOW_AFTER_SECONDS} gets one display in its cell, sent as `display_data` with a
 * `display_id` and then updated in place with `update_display_data` (frames done / total,
 * x realtime, time left, a bar, for renders live peak and RMS per output lane and the heat total, how to stop);
 * when the job ends the same display shows the one-line summary. Shorter jobs show nothing.
 * Its output metadata is `{ amp_kpn: { progress: true } }`.
 */
import { dbfs, progressLine, setProgressHost, summaryLine, type ProgressEvent, type ProgressJobInfo } from "../render/progress";
import type { TslabJupyterModule } from "./tslab-internals";

/** Jobs shorter than this show no display, in seconds. */
export const SHOW_AFTER_SECONDS = 0.5;

const STOP_HINT = "interrupt the kernel to stop";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The MIME bundle of a running job. */
export function progressBundle(event: ProgressEvent): Record<string, string> {
  const line = progressLine(event);
  const meters = event.peak.map((peak, lane) => `lane ${lane}: peak ${dbfs(peak)}, RMS ${dbfs(event.rms[lane] ?? 0)}`);
  // Work without output levels (analysis, backward) has no meters or heat to show.
  const footer = meters.length > 0 ? `heat total ${event.heatTotal.toPrecision(6)}; ${STOP_HINT}` : STOP_HINT;
  const text = [line, ...meters.map((m) => `  ${m}`), `  ${footer}`].join("\n");
  const rows = meters.map((m) => `<div>${escapeHtml(m)}</div>`).join("");
  const html =
    `<div class="amp-kpn-progress" style="font-family: monospace; font-size: 12px">` +
    `<progress value="${event.frames}" max="${event.totalFrames}" style="width: 24em"></progress> ` +
    `<span>${escapeHtml(line)}</span>${rows}<div>${footer}</div></div>`;
  return { "text/plain": text, "text/html": html };
}

/** The MIME bundle of a finished job: the one-line summary. */
export function summaryBundle(event: ProgressEvent): Record<string, string> {
  const line = summaryLine(event);
  return {
    "text/plain": line,
    "text/html": `<div class="amp-kpn-progress" style="font-family: monospace; font-size: 12px">${escapeHtml(line)}</div>`,
  };
}

/** Installs the display as the process's progress host (see `setProgressHost`). */
export function installProgressDisplay(jupyter: TslabJupyterModule): void {
  let jobs = 0;
  setProgressHost({
    start(job: ProgressJobInfo) {
      const displayId = `amp-kpn-progress-${process.pid}-${(jobs += 1)}-${job.label}`;
      let shown = false;
      const send = (data: Record<string, string>, update: boolean): void => {
        // The metadata marks it for `amp-kpn run --check`, which leaves progress (timings) out.
        jupyter.lastWriteDisplayData?.({ data, metadata: { amp_kpn: { progress: true } }, transient: { display_id: displayId } }, update);
      };
      return {
        update(event: ProgressEvent): void {
          if (!shown && event.elapsedSeconds < SHOW_AFTER_SECONDS) return;
          send(progressBundle(event), shown);
          shown = true;
        },
        end(event: ProgressEvent): void {
          if (shown) send(summaryBundle(event), true);
        },
      };
    },
  });
}
