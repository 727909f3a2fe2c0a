/** The readable text the CLI prints about a render. */
import type { RenderSummary } from "../render/summary";

/** A few lines: shape, duration, levels per lane (linear, as computed natively), latency, heat, hash. */
export function formatSummary(summary: RenderSummary): string {
  const { batches, channels, frames } = summary.shape;
  const lines = [
    `rendered ${batches} x ${channels} x ${frames} frames (batches x channels x frames) at ${summary.sampleRate} Hz, ${summary.durationSeconds.toFixed(3)} s`,
  ];
  for (const lane of summary.levels) {
    lines.push(`  batch ${lane.batch} channel ${lane.channel}: peak ${lane.peak.toFixed(6)}, rms ${lane.rms.toFixed(6)}`);
  }
  lines.push(`  latency ${summary.latencyFrames} frames, total heat ${summary.heat.graph.toPrecision(6)}`);
  const heats = Object.entries(summary.heat.nodes).map(([name, heat]) => `${name} ${heat.toPrecision(4)}`);
  if (heats.length > 0) lines.push(`  heat per node: ${heats.join(", ")}`);
  lines.push(`  graph sha256 ${summary.graphHash}`);
  return lines.join("\n");
}
