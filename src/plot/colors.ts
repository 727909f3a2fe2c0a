/** Colours shared by every figure of a result: one per channel, one per node (plotly's default colourway). */

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"] as const;

/** The colour of channel `channel` (the same in every figure). */
export function channelColor(channel: number): string {
  return PALETTE[channel % PALETTE.length] as string;
}

/** The colour of the `index`-th series (nodes of a heat figure, lines of a sweep). */
export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/** `#rrggbb` with an alpha, as `rgba(r,g,b,a)`. */
export function withAlpha(color: string, alpha: number): string {
  const r = parseInt(color.slice(1, 3), 16);
  const g = parseInt(color.slice(3, 5), 16);
  const b = parseInt(color.slice(5, 7), 16);
  return `rgba(${r},${g},${b},${alpha})`;
}
