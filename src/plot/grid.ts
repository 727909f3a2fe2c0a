/**
 * Several figures as one, stacked top to bottom (`plot.grid([...])`), each keeping its own axes,
 * traces, shapes and annotations; time axes are shared (zooming one zooms all) unless
 * `sharedTime: false`. Heights add up.
 */
import { validationError } from "../errors";
import { axisKey, bottomMargin, checkFigureOptions, LEGEND } from "./common";
import { Figure, type PlotlyTrace } from "./figure";

/** Options of {@link grid} (`plot.grid`). */
export interface GridOptions {
  /** Title of the combined figure; default none (each part keeps its title as a heading). */
  readonly title?: string;
  /** Link the x axes of the figures whose x axis is time (s); default true. */
  readonly sharedTime?: boolean;
  /** Vertical gap between parts as a fraction of the whole height, in [0, 0.3]; default 0.1. */
  readonly gap?: number;
}

const KEYS = ["title", "sharedTime", "gap"];
const OWNER = "plot.grid()";

type Ref = string | undefined;

/** Renames axis ids (`"x2"`), refs with ` domain` and `"paper"` (kept) through `map`. */
function remapRef(ref: unknown, map: Map<string, string>): Ref {
  if (typeof ref !== "string") return undefined;
  const [id, suffix] = ref.split(" ");
  const mapped = id === undefined ? undefined : map.get(id);
  if (mapped === undefined) return ref;
  return suffix === undefined ? mapped : `${mapped} ${suffix}`;
}

/** Stacks figures into one figure. */
export function grid(figures: readonly Figure[], options: GridOptions = {}): Figure {
  checkFigureOptions(OWNER, options, KEYS);
  if (!Array.isArray(figures) || figures.length === 0 || figures.some((f) => !(f instanceof Figure))) {
    throw validationError({ param: "figures", label: `${OWNER} argument` }, "a non-empty list of figures from plot.*", figures);
  }
  const sharedTime = options.sharedTime ?? true;
  const gap = options.gap ?? 0.1;
  if (typeof gap !== "number" || !(gap >= 0 && gap <= 0.3))
    throw validationError({ param: "gap", label: `${OWNER} option` }, "a number in [0, 0.3]", gap);
  const heights = figures.map((f) => f.height);
  const total = heights.reduce((a, b) => a + b, 0);
  const usable = 1 - gap * (figures.length - 1);
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    height: total + 40 * (figures.length - 1),
    autosize: true,
    margin: {
      l: 70,
      r: 80,
      t: options.title === undefined ? 40 : 70,
      b: bottomMargin(
        figures.reduce((n, f) => n + f.data.filter((t: PlotlyTrace) => t["showlegend"] !== false && t["type"] !== "heatmap").length, 0),
      ),
    },
    showlegend: true,
    legend: LEGEND,
  };
  if (options.title !== undefined) layout["title"] = { text: options.title, font: { size: 15 } };
  const annotations: unknown[] = [];
  const shapes: unknown[] = [];
  let nextX = 1;
  let nextY = 1;
  let firstTimeX: string | undefined;
  let top = 1;
  figures.forEach((figure, index) => {
    const part = ((heights[index] ?? 300) / total) * usable;
    const bottom = Math.max(0, top - part);
    const map = new Map<string, string>();
    const keys = Object.keys(figure.layout).filter((k) => /^[xy]axis\d*$/.test(k));
    const ids = new Set<string>(keys.map((k) => `${k[0]}${k.slice(5)}`));
    for (const trace of figure.data) {
      ids.add(typeof trace["xaxis"] === "string" ? (trace["xaxis"] as string) : "x");
      ids.add(typeof trace["yaxis"] === "string" ? (trace["yaxis"] as string) : "y");
    }
    for (const id of [...ids].sort()) {
      const fresh = id.startsWith("x") ? `x${nextX === 1 ? "" : nextX}` : `y${nextY === 1 ? "" : nextY}`;
      if (id.startsWith("x")) nextX += 1;
      else nextY += 1;
      map.set(id, fresh);
    }
    for (const id of ids) {
      const source = (figure.layout[axisKey(id)] ?? {}) as Record<string, unknown>;
      const axis: Record<string, unknown> = { ...source };
      const fresh = map.get(id) as string;
      if (axis["anchor"] !== undefined) axis["anchor"] = remapRef(axis["anchor"], map);
      else axis["anchor"] = id.startsWith("x") ? map.get("y") : map.get("x");
      if (axis["overlaying"] !== undefined) axis["overlaying"] = remapRef(axis["overlaying"], map);
      if (id.startsWith("y") && axis["overlaying"] === undefined) {
        const d = (source["domain"] as [number, number] | undefined) ?? [0, 1];
        axis["domain"] = [bottom + d[0] * (top - bottom), bottom + d[1] * (top - bottom)];
      }
      if (id.startsWith("x") && figure.timeAxis && sharedTime) {
        if (firstTimeX === undefined) firstTimeX = fresh;
        else axis["matches"] = firstTimeX;
        // Linked time axes need one title: the last time figure's keeps it.
        if (figures.slice(index + 1).some((f) => f.timeAxis)) axis["title"] = undefined;
      }
      layout[axisKey(fresh)] = axis;
    }
    for (const trace of figure.data) {
      data.push({
        ...trace,
        xaxis: map.get(typeof trace["xaxis"] === "string" ? (trace["xaxis"] as string) : "x"),
        yaxis: map.get(typeof trace["yaxis"] === "string" ? (trace["yaxis"] as string) : "y"),
        ...(trace["type"] === "heatmap" && trace["showscale"] !== false
          ? {
              colorbar: {
                ...((trace["colorbar"] as object | undefined) ?? {}),
                len: top - bottom,
                y: (top + bottom) / 2,
                yanchor: "middle",
              },
            }
          : {}),
      });
    }
    const remapItem = (item: unknown) => {
      const o = { ...(item as Record<string, unknown>) };
      if (o["xref"] !== undefined) o["xref"] = remapRef(o["xref"], map);
      if (o["yref"] !== undefined) o["yref"] = remapRef(o["yref"], map);
      if (o["yref"] === "paper" && o["type"] === "rect") {
        o["yref"] = `${map.get("y") ?? "y"} domain`;
      }
      return o;
    };
    for (const a of (figure.layout["annotations"] as unknown[] | undefined) ?? []) annotations.push(remapItem(a));
    for (const s of (figure.layout["shapes"] as unknown[] | undefined) ?? []) shapes.push(remapItem(s));
    if (figure.title !== "") {
      annotations.push({
        text: `<b>${figure.title}</b>`,
        xref: "paper",
        yref: "paper",
        x: 0,
        y: top,
        xanchor: "left",
        yanchor: "bottom",
        showarrow: false,
        font: { size: 12 },
      });
    }
    top = bottom - gap;
  });
  if (annotations.length > 0) layout["annotations"] = annotations;
  if (shapes.length > 0) layout["shapes"] = shapes;
  const label = options.title ?? `grid of ${figures.length}: ${figures.map((f) => f.title.split(" · ")[0]).join(" / ")}`;
  return new Figure({ data, layout, timeAxis: figures.some((f) => f.timeAxis), label });
}
