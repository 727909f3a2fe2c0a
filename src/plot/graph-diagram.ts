/**
 * The graph diagram: an SVG drawn by our own code. Nodes are boxes with name and type (and
 * declared delay / oversampling when set), layered left to right in schedule order; audio edges
 * are solid arrows, modulation edges dashed with their parameter, mode and scale; edge delays are
 * labelled; feedback links curve back below the boxes; the output node has a thick border and an
 * "output" tag. With a render's node summaries, delays are the resolved ones and the caption
 * gives the graph's latency.
 */
import { inspect } from "node:util";
import { DISPLAY_SYMBOL, type Displayable, type MimeBundle } from "../display/mime";
import type { Graph } from "../graph/graph";
import type { ModulationJSON, NodeJSON } from "../graph/json";
import type { GraphSummary, NodeSummary } from "../render/result";
import { layoutGraph, type DiagramLink } from "./graph-layout";

/** Options of {@link graphDiagram}. */
export interface GraphDiagramOptions {
  /** Title above the diagram; default `graph <hash12> · output <name>`. */
  readonly title?: string;
  /** Node summaries of a render (resolved declared delays, oversampling). */
  readonly nodes?: Readonly<Record<string, NodeSummary>>;
  /** Graph summary of a render (latency and compensation in the caption). */
  readonly summary?: GraphSummary;
}

const BOX_W = 168;
const BOX_H = 56;
const GAP_X = 120;
const GAP_Y = 46;
const MARGIN = 24;
const TITLE_H = 28;
const LOOP_H = 44;
/**
 * A wide diagram shrinks to fit its cell down to this fraction of its natural size (text stays
 * readable: 11-13 px fonts become 7-8 px at worst); beyond that the cell scrolls sideways.
 */
const MIN_FIT_SCALE = 0.6;
const AUDIO = "#2b2b2b";
const MOD = "#7b4fb0";

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function modMode(mod: ModulationJSON, target: NodeJSON | undefined): string {
  const meta = target?.params["modulation"];
  const fallback = typeof meta === "object" && meta !== null && "mode" in meta ? meta.mode : undefined;
  return mod.mode ?? fallback ?? "add";
}

/** The node's third line: declared delay and oversampling, when not the defaults. */
function nodeDetail(node: NodeJSON, summary: NodeSummary | undefined): string {
  const parts: string[] = [];
  const delay = summary?.declaredDelayFrames ?? node.params["declared_delay_frames"];
  const oversample = summary?.oversample ?? node.params["oversample"];
  if (typeof delay === "number" && delay > 0) parts.push(`declared delay ${fmt(delay)} fr`);
  if (typeof oversample === "number" && oversample > 1) parts.push(`oversample x${fmt(oversample)}`);
  return parts.join(" · ");
}

/** Label of a link: port and delay for audio; parameter, mode, scale, channel and delay for modulation. */
function linkLabel(link: DiagramLink, nodes: readonly NodeJSON[]): string {
  const parts: string[] = [];
  if (link.kind === "audio") {
    if (link.edge.port !== undefined) parts.push(`-> ${link.edge.port}`);
  } else {
    const mod = link.edge;
    parts.push(
      `${mod.param}: ${modMode(
        mod,
        nodes.find((n) => n.name === mod.to),
      )}`,
    );
    if (mod.scale !== undefined) parts.push(`x${fmt(mod.scale)}`);
    if (mod.channel !== undefined) parts.push(`ch ${mod.channel}`);
  }
  const delay = link.edge.delay_frames;
  if (delay !== undefined && delay > 0) parts.push(`z^-${delay}`);
  return parts.join(" ");
}

/** The SVG text of a graph's diagram. */
export function graphDiagram(g: Graph, options: GraphDiagramOptions = {}): string {
  const nodes = g.nodes;
  const layout = layoutGraph(nodes, g.edges, g.modulations, g.schedule);
  const columns = Math.max(1, layout.columns);
  const rows = Math.max(1, layout.rows);
  const hasLoop = layout.feedback.size > 0;
  const width = Math.max(600, MARGIN * 2 + columns * BOX_W + (columns - 1) * GAP_X + 60);
  const boxesBottom = TITLE_H + MARGIN + rows * BOX_H + (rows - 1) * GAP_Y;
  const height = boxesBottom + MARGIN + (hasLoop ? LOOP_H : 0) + 18;
  const pos = (name: string): { x: number; y: number } => ({
    x: MARGIN + (layout.column.get(name) ?? 0) * (BOX_W + GAP_X),
    y: TITLE_H + MARGIN + (layout.row.get(name) ?? 0) * (BOX_H + GAP_Y),
  });

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="amp-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto;min-width:${Math.round(width * MIN_FIT_SCALE)}px" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
  );
  out.push(
    `<defs>` +
      `<marker id="amp-arrow-audio" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${AUDIO}"/></marker>` +
      `<marker id="amp-arrow-mod" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${MOD}"/></marker>` +
      `</defs>`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  const hash = g.outputName === undefined ? undefined : g.hash.slice(0, 12);
  const title =
    options.title ??
    [hash === undefined ? "graph (no output yet)" : `graph ${hash}`, g.outputName === undefined ? "" : `output ${g.outputName}`]
      .filter((s) => s !== "")
      .join(" · ");
  out.push(`<text x="${MARGIN}" y="20" font-size="14" font-weight="bold" fill="#222">${esc(title)}</text>`);

  // Links first, so boxes draw over their ends.
  const pairCount = new Map<string, number>();
  for (const link of layout.links) {
    const from = pos(link.edge.from);
    const to = pos(link.edge.to);
    const key = `${link.edge.from}>${link.edge.to}`;
    const k = pairCount.get(key) ?? 0;
    pairCount.set(key, k + 1);
    const offset = (k % 3) * 12 - (link.kind === "modulation" ? -8 : 8);
    const colour = link.kind === "audio" ? AUDIO : MOD;
    const dash = link.kind === "modulation" ? ` stroke-dasharray="6 4"` : "";
    const marker = link.kind === "audio" ? "amp-arrow-audio" : "amp-arrow-mod";
    let path: string;
    let lx: number;
    let ly: number;
    if (layout.feedback.has(link)) {
      const sx = from.x + BOX_W * 0.6 + (k % 3) * 8;
      const tx = to.x + BOX_W * 0.4 - (k % 3) * 8;
      const sy = from.y + BOX_H;
      const ty = to.y + BOX_H;
      const below = boxesBottom + LOOP_H - 6;
      path = `M${sx},${sy} C${sx},${below} ${tx},${below} ${tx},${ty + 1}`;
      lx = (sx + tx) / 2;
      ly = below - 0.25 * (below - (sy + ty) / 2) - 4;
    } else {
      const x1 = from.x + BOX_W;
      const y1 = from.y + BOX_H / 2 + offset;
      const x2 = to.x;
      const y2 = to.y + BOX_H / 2 + offset;
      const dx = Math.max(30, (x2 - x1) / 2);
      path = `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2 - 1},${y2}`;
      lx = (x1 + x2) / 2;
      ly = (y1 + y2) / 2 - 5;
    }
    const cls = `amp-link amp-link-${link.kind}${layout.feedback.has(link) ? " amp-link-feedback" : ""}`;
    out.push(`<path class="${cls}" d="${path}" fill="none" stroke="${colour}" stroke-width="1.6"${dash} marker-end="url(#${marker})"/>`);
    const label = linkLabel(link, nodes);
    if (label !== "") {
      out.push(
        `<text x="${lx}" y="${ly}" font-size="11" text-anchor="middle" fill="${colour}" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(label)}</text>`,
      );
    }
  }

  for (const node of nodes) {
    const { x, y } = pos(node.name);
    const isOutput = node.name === g.outputName;
    out.push(
      `<g class="amp-node${isOutput ? " amp-output" : ""}" data-node="${esc(node.name)}">` +
        `<rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="7" fill="${isOutput ? "#eef4ff" : "#f7f7f7"}" stroke="${isOutput ? "#1f4e9e" : "#555"}" stroke-width="${isOutput ? 3 : 1.2}"/>` +
        `<text x="${x + BOX_W / 2}" y="${y + 20}" font-size="13" font-weight="bold" text-anchor="middle" fill="#111">${esc(node.name)}</text>` +
        `<text x="${x + BOX_W / 2}" y="${y + 36}" font-size="11" text-anchor="middle" fill="#555">${esc(node.type)}</text>`,
    );
    const detail = nodeDetail(node, options.nodes?.[node.name]);
    if (detail !== "")
      out.push(`<text x="${x + BOX_W / 2}" y="${y + 50}" font-size="10" text-anchor="middle" fill="#8a4b00">${esc(detail)}</text>`);
    if (isOutput) {
      out.push(
        `<text x="${x + BOX_W}" y="${y - 5}" font-size="11" font-weight="bold" text-anchor="end" fill="#1f4e9e">output &#9654;</text>`,
      );
    }
    out.push(`</g>`);
  }

  const foot: string[] = ["solid: audio", "dashed: modulation (param: mode xscale)", "z^-N: edge delay in frames"];
  const compensation = options.summary?.latencyCompensation ?? g.latencyCompensation ?? true;
  foot.push(`latency compensation ${compensation ? "on" : "off"}`);
  if (options.summary !== undefined) foot.push(`graph latency ${options.summary.latencyFrames} frames`);
  out.push(`<text x="${MARGIN}" y="${height - 6}" font-size="10" fill="#666">${esc(foot.join(" · "))}</text>`);
  out.push(`</svg>`);
  return out.join("\n");
}

/** The `text/html` form of a diagram: the SVG inline, scrolling sideways when it cannot shrink to fit. */
function diagramHtml(svg: string): string {
  return `<div class="amp-graph-diagram" style="overflow-x:auto">${svg}</div>`;
}

/** The MIME bundle of a graph: the diagram as `image/svg+xml` and `text/html`, and the text form. */
export function graphBundle(g: Graph, options: GraphDiagramOptions = {}): MimeBundle {
  const svg = graphDiagram(g, options);
  return {
    "image/svg+xml": svg,
    "text/html": diagramHtml(svg),
    "text/plain": g.toString(),
  };
}

/** A graph diagram (what `plot.graph` returns): the SVG text with a rich display. */
export class GraphDiagram implements Displayable {
  /** The SVG document. */
  readonly svg: string;
  readonly #text: string;

  constructor(svg: string, text: string) {
    this.svg = svg;
    this.#text = text;
  }

  /** One line naming the graph. */
  toString(): string {
    return this.#text;
  }

  /** `util.inspect` / `console.log` output: same as {@link GraphDiagram.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }

  /** `image/svg+xml`, `text/html` (the SVG inline) and `text/plain`. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return {
      "image/svg+xml": this.svg,
      "text/html": diagramHtml(this.svg),
      "text/plain": this.#text,
    };
  }
}

/** The diagram of a graph, or of a render's graph with its resolved delays and latency. */
export function graphFigure(
  source: Graph | { graph: Graph; nodes: Readonly<Record<string, NodeSummary>>; summary: GraphSummary },
  options: Pick<GraphDiagramOptions, "title"> = {},
): GraphDiagram {
  const isResult = typeof source === "object" && source !== null && "summary" in source && "graph" in source;
  const g = isResult ? source.graph : (source as Graph);
  const svg = isResult ? graphDiagram(g, { ...options, nodes: source.nodes, summary: source.summary }) : graphDiagram(g, options);
  const n = g.nodes.length;
  return new GraphDiagram(
    svg,
    `GraphDiagram: ${n} node${n === 1 ? "" : "s"}${g.outputName === undefined ? "" : `, output ${g.outputName}, sha256 ${g.hash.slice(0, 12)}`}`,
  );
}
