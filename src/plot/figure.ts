/**
 * A figure: a plain plotly object (`{data, layout, config}`) with a rich display. Renderers in
 * `src/plot/` build figures from native results; {@link figureBundle} turns one into a MIME bundle.
 */
import { inspect } from "node:util";
import { DISPLAY_SYMBOL, type Displayable, type MimeBundle } from "../display/mime";
import { figureBundle } from "./bundle";

/** One plotly trace (a plain JSON object: `type`, `x`, `y`, ...). */
export type PlotlyTrace = Record<string, unknown>;

/** The plotly layout (a plain JSON object). */
export type PlotlyLayout = Record<string, unknown>;

/** What a figure is made of: plotly's own figure fields. */
export interface FigureSpec {
  readonly data: readonly PlotlyTrace[];
  readonly layout: PlotlyLayout;
  /** plotly config; default `{ responsive: true, displaylogo: false }`. */
  readonly config?: Record<string, unknown> | undefined;
  /** True when the x axis is time in seconds, so {@link plot.grid} may share it with other time figures. */
  readonly timeAxis?: boolean | undefined;
  /** What `text/plain` says when the layout has no title. */
  readonly label?: string | undefined;
}

const DEFAULT_CONFIG = Object.freeze({ responsive: true, displaylogo: false });

/** A plotly figure shown richly in notebooks (plotly JSON, offline HTML and one line of text). */
export class Figure implements Displayable {
  /** plotly traces. */
  readonly data: readonly PlotlyTrace[];
  /** plotly layout. */
  readonly layout: PlotlyLayout;
  /** plotly config. */
  readonly config: Record<string, unknown>;
  /** True when the x axis is time in seconds. */
  readonly timeAxis: boolean;
  readonly #label: string | undefined;

  constructor(spec: FigureSpec) {
    this.#label = spec.label;
    this.data = spec.data;
    this.layout = spec.layout;
    this.config = spec.config ?? { ...DEFAULT_CONFIG };
    this.timeAxis = spec.timeAxis ?? false;
  }

  /** Height in px: `layout.height`, else 300. */
  get height(): number {
    const h = this.layout["height"];
    return typeof h === "number" ? h : 300;
  }

  /** The title text, or `""`. */
  get title(): string {
    const title = this.layout["title"];
    if (typeof title === "string") return title;
    if (typeof title === "object" && title !== null && typeof (title as { text?: unknown }).text === "string") {
      return (title as { text: string }).text;
    }
    return "";
  }

  /** The plotly figure object `{data, layout, config}` (what `application/vnd.plotly.v1+json` carries). */
  toJSON(): { data: readonly PlotlyTrace[]; layout: PlotlyLayout; config: Record<string, unknown> } {
    return { data: this.data, layout: this.layout, config: this.config };
  }

  /** One line: title and trace count. */
  toString(): string {
    const n = this.data.length;
    const name = this.title !== "" ? this.title : (this.#label ?? "(untitled)");
    return `Figure: ${name} (${n} trace${n === 1 ? "" : "s"})`;
  }

  /** `util.inspect` / `console.log` output: same as {@link Figure.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }

  /** The MIME bundle the kernel shows: plotly JSON, offline HTML, one line of text. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return figureBundle(this);
  }
}
