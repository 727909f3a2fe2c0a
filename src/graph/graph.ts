/**
 * The fluent graph builder. A {@link Graph} is an immutable value: every method returns a new
 * graph and leaves the receiver unchanged. Values are validated against the node catalogue as
 * they are added, so mistakes surface at the line that made them, with a message naming the
 * node, the parameter, what was expected and what was given.
 *
 * This module never loads the native addon: graphs can be built, serialised, hashed and printed
 * without a compiler.
 */
import { inspect } from "node:util";
import { DISPLAY_SYMBOL, type MimeBundle } from "../display/mime";
import { ampError, invalidError, validationError } from "../errors";
import { findNodeType } from "../nodes/catalog";
import { isNodeSpec, type NodeSpec } from "../nodes/spec";
import { graphBundle } from "../plot/graph-diagram";
import { contentHash } from "./canonical";
import { formatGraph, type GraphData } from "./format";
import { readGraphJSON } from "./from-json";
import type { EdgeJSON, GraphJSON, ModulationJSON, NodeJSON, NodeParamsJSON } from "./json";
import { checkNodeCount, GRAPH_LIMITS } from "./limits";
import { edgeJSON, modulationJSON } from "./links";
import { NodeIndex } from "./node-index";
import type { ChainLink, ConnectOptions, ModulateOptions } from "./options";
import { checkScheduleComplete, copySchedule, scheduleWithout } from "./schedule";
import { checkNodeName, checkNumber, checkParamRequirements, toParamsJSON } from "./validate-params";

export { GRAPH_LIMITS } from "./limits";
export type { ChainLink, ConnectOptions, ModulateOptions } from "./options";

const EMPTY: GraphData = Object.freeze({
  nodes: [],
  edges: [],
  modulations: [],
  output: undefined,
  sampleRate: undefined,
  timing: undefined,
  latencyCompensation: undefined,
  thermalBudget: undefined,
  schedule: undefined,
});

/** An immutable dataflow graph: nodes, audio edges, modulation edges and an output node. */
export class Graph {
  readonly #data: GraphData;
  /** Name lookup of `#data.nodes`, shared with graphs derived by adding nodes (see NodeIndex). */
  readonly #index: NodeIndex;
  #hash: string | undefined;

  private constructor(data: GraphData, index: NodeIndex) {
    this.#data = data;
    this.#index = index;
    Object.freeze(this);
  }

  /** The empty graph (same as {@link graph}). */
  static empty(): Graph {
    return new Graph(EMPTY, new NodeIndex());
  }

  /**
   * Rebuilds a graph from its JSON description (an object or JSON text), validating everything
   * as the builder does. `Graph.fromJSON(g.toJSON())` equals `g`.
   */
  static fromJSON(json: GraphJSON | string): Graph {
    const d = readGraphJSON(json);
    checkNodeCount(d.nodes.length);
    let g = Graph.empty();
    for (const node of d.nodes) {
      if (typeof node.name !== "string") throw validationError({ label: 'a node\'s "name"' }, "a node name", node.name);
      g = g.#addNode(node.name, node.type, toParamsJSON(node.name, node.type as string, node.params, "json"));
    }
    for (const edge of d.edges) g = g.connect(edge.from as string, edge.to as string, edge.options);
    for (const mod of d.modulations) g = g.#addModulation(mod.from, mod.to, mod.param, mod.options, false);
    if (d.output === undefined) throw noOutputError();
    g = g.output(d.output as string);
    if (d.sampleRate !== undefined) g = g.withSampleRate(d.sampleRate as number);
    if (d.timing !== undefined) g = g.withTiming(d.timing as boolean);
    if (d.latencyCompensation !== undefined) g = g.withLatencyCompensation(d.latencyCompensation as boolean);
    if (d.thermalBudget !== undefined) g = g.withThermalBudget(d.thermalBudget as number);
    if (d.schedule !== undefined) g = g.withSchedule(d.schedule as string[][]);
    checkScheduleComplete(g.#data.schedule, g.#data.nodes);
    return g;
  }

  /** Nodes in insertion order (the order the runtime reports them and records heat rows in). */
  get nodes(): readonly NodeJSON[] {
    return this.#data.nodes;
  }

  /** Audio edges in insertion order. */
  get edges(): readonly EdgeJSON[] {
    return this.#data.edges;
  }

  /** Modulation edges in insertion order. */
  get modulations(): readonly ModulationJSON[] {
    return this.#data.modulations;
  }

  /** Name of the output node, or `undefined` before {@link Graph.output} was called. */
  get outputName(): string | undefined {
    return this.#data.output;
  }

  /** The graph's own sample rate in Hz, or `undefined` (renders then default to 48000). */
  get sampleRate(): number | undefined {
    return this.#data.sampleRate;
  }

  /** True when per-node processing times are measured; `undefined` leaves the runtime's default (off). */
  get timing(): boolean | undefined {
    return this.#data.timing;
  }

  /** True (the runtime's default when `undefined`) when paths with different declared delays are aligned. */
  get latencyCompensation(): boolean | undefined {
    return this.#data.latencyCompensation;
  }

  /** Thermal budget in heat per second, or `undefined` for none. */
  get thermalBudget(): number | undefined {
    return this.#data.thermalBudget;
  }

  /** Explicit schedule (stages of node names), or `undefined` for the compiled order. */
  get schedule(): readonly (readonly string[])[] | undefined {
    return this.#data.schedule;
  }

  /** The node of that name, or `undefined`. */
  node(name: string): NodeJSON | undefined {
    return this.#index.find(this.#data.nodes, name);
  }

  /** True when a node of that name exists. */
  has(name: string): boolean {
    return this.node(name) !== undefined;
  }

  /**
   * Adds a node. Names are unique, start with a letter or `_`, and contain only letters, digits,
   * `_` and `-` (a `.` separates node and parameter in {@link Graph.modulate}).
   * @param name - instance name
   * @param spec - from a node factory, e.g. `sineOsc({ frequency: 220 })`
   */
  add(name: string, spec: NodeSpec): Graph {
    if (!isNodeSpec(spec)) throw validationError({ node: name }, "a node spec from a factory such as sineOsc({ ... })", spec);
    return this.#addNode(name, spec.type, toParamsJSON(name, spec.type, spec.options, "ts"));
  }

  /** Changes options of an existing node; the given options replace the old ones key by key (`thermo` and `modulation` merge). */
  set(name: string, options: Readonly<Record<string, unknown>>): Graph {
    const node = this.#requireNode(name, "set");
    const update = toParamsJSON(name, node.type, options, "ts", true);
    const params: Record<string, NodeParamsJSON[string]> = { ...node.params };
    for (const [key, value] of Object.entries(update)) {
      const old = params[key];
      params[key] =
        (key === "thermo" || key === "modulation") && typeof old === "object" && typeof value === "object"
          ? (Object.freeze({ ...(old as object), ...(value as object) }) as NodeParamsJSON[string])
          : value;
    }
    checkParamRequirements(name, node.type, params);
    const replaced: NodeJSON = Object.freeze({ name, type: node.type, params: Object.freeze(params) });
    return this.#withNodes({ nodes: Object.freeze(this.#data.nodes.map((n) => (n.name === name ? replaced : n))) });
  }

  /** Removes a node with its edges and modulations (and the output, when it was the output). */
  remove(name: string): Graph {
    this.#requireNode(name, "remove");
    const d = this.#data;
    return this.#withNodes({
      nodes: Object.freeze(d.nodes.filter((n) => n.name !== name)),
      edges: Object.freeze(d.edges.filter((e) => sourceNodeName(e.from) !== name && e.to !== name)),
      modulations: Object.freeze(d.modulations.filter((m) => sourceNodeName(m.from) !== name && m.to !== name)),
      output: d.output === name ? undefined : d.output,
      schedule: scheduleWithout(d.schedule, name),
    });
  }

  /**
   * Adds an audio edge: the output of `from` feeds an audio input of `to`. Both nodes must exist;
   * `to` must have an audio input. `from` may name one output of a node with named outputs,
   * `"env.reset"` (the node reference lists them); `"env"` alone reads its first output. Optional
   * ports (marked in the reference) may be left without an edge. Several edges into one port are summed or concatenated as the
   * node's reference says (e.g. `mix` concatenates channels).
   * @param options - `port`: input port of `to` by name (default: its first port); `delayFrames`:
   *   extra delay on the edge, integer frames in [0, 16777216] (`GRAPH_LIMITS.edgeDelayFrames`;
   *   default 0; >= 1 closes a feedback loop)
   */
  connect(from: string, to: string, options: ConnectOptions = {}): Graph {
    this.#requireSource(from, "edge source");
    const edge = edgeJSON(from, this.#requireNode(to, "edge target"), options);
    return this.#with({ edges: Object.freeze([...this.#data.edges, edge]) });
  }

  /**
   * Connects nodes in series: `chain("osc", "amp", "out")` is `connect("osc", "amp").connect("amp", "out")`.
   * A link may be `[name, spec]` to add that node first.
   */
  chain(...links: readonly ChainLink[]): Graph {
    let g: Graph = this;
    let previous: string | undefined;
    for (const [i, link] of links.entries()) {
      let name: string;
      if (typeof link === "string") {
        name = link;
      } else if (Array.isArray(link) && link.length === 2) {
        name = link[0];
        g = g.add(name, link[1]);
      } else {
        throw validationError({ param: `links[${i}]`, label: "chain() argument" }, "a node name or a [name, spec] pair", link);
      }
      if (previous !== undefined) g = g.connect(previous, name);
      previous = name;
    }
    return g;
  }

  /**
   * Adds a modulation edge: the output of `source` modulates a signal parameter of another node.
   * @param source - modulating node, or `"node.output"` for one of its named outputs
   * @param target - `"node.param"`, e.g. `"osc.frequency"` (camelCase or JSON name)
   * @param options - mode, scale, channel, delayFrames (see {@link ModulateOptions})
   */
  modulate(source: string, target: string, options: ModulateOptions = {}): Graph {
    if (typeof target !== "string" || !target.includes(".")) {
      throw validationError({ param: "target", label: "modulation" }, `"node.param" (e.g. "osc.frequency")`, target);
    }
    const dot = target.indexOf(".");
    return this.#addModulation(source, target.slice(0, dot), target.slice(dot + 1), options, true);
  }

  /** Sets the output node (it must exist). */
  output(name: string): Graph {
    this.#requireNode(name, "output");
    return this.#with({ output: name });
  }

  /** Sets (or with `undefined`, clears) the graph's sample rate in Hz, a finite number in (0, 10000000] (`GRAPH_LIMITS.sampleRate`; open at 0, fractional rates allowed). */
  withSampleRate(sampleRate: number | undefined): Graph {
    if (sampleRate !== undefined) checkNumber({ param: "sample_rate", label: "graph" }, sampleRate, GRAPH_LIMITS.sampleRate);
    return this.#with({ sampleRate });
  }

  /**
   * Switches latency compensation on or off (`undefined`: the runtime's default, on). On, every
   * node's inputs (audio and modulation) arrive aligned: links from paths with less accumulated
   * declared delay are delayed by the difference, and the graph reports its latency in
   * `summary.latencyFrames`. Off, each path arrives with its own delay and `summary.latencyFrames` is the least of them (when the output first shows the sources). JSON `latency_compensation`.
   */
  withLatencyCompensation(enabled: boolean | undefined): Graph {
    if (enabled !== undefined && typeof enabled !== "boolean")
      throw validationError({ param: "latency_compensation", label: "graph" }, "a boolean", enabled);
    return this.#with({ latencyCompensation: enabled });
  }

  /** Sets (or with `undefined`, clears) the thermal budget, heat per second in (0, inf). Frames over it are flagged; audio is unchanged. */
  withThermalBudget(heatPerSecond: number | undefined): Graph {
    if (heatPerSecond !== undefined)
      checkNumber({ param: "thermal_budget", label: "graph" }, heatPerSecond, {
        kind: "number",
        min: 0,
        minExclusive: true,
        max: null,
        unit: "heat per second",
      });
    return this.#with({ thermalBudget: heatPerSecond });
  }

  /**
   * Sets (or with `undefined`, clears) an explicit schedule: stages of node names, run in order.
   * Every node must be listed exactly once by the time the graph is serialised; the runtime checks
   * that the order respects the edges.
   */
  withSchedule(stages: readonly (readonly string[])[] | undefined): Graph {
    if (stages === undefined) return this.#with({ schedule: undefined });
    return this.#with({ schedule: copySchedule(stages, (name, role) => this.#requireNode(name, role)) });
  }

  /** Switches per-node processing-time measurement on or off (`undefined`: the runtime's default, off). */
  withTiming(enabled: boolean | undefined): Graph {
    if (enabled !== undefined && typeof enabled !== "boolean")
      throw validationError({ param: "timing", label: "graph" }, "a boolean", enabled);
    return this.#with({ timing: enabled });
  }

  /** The JSON description read by the native runtime. Throws AMP_ERR_INVALID_ARGUMENT when no output is set. */
  toJSON(): GraphJSON {
    const d = this.#data;
    if (d.output === undefined) throw noOutputError();
    const json: { -readonly [K in keyof GraphJSON]: GraphJSON[K] } = {
      nodes: d.nodes,
      edges: d.edges,
      modulations: d.modulations,
      output: d.output,
    };
    if (d.sampleRate !== undefined) json.sample_rate = d.sampleRate;
    if (d.timing !== undefined) json.timing = d.timing;
    if (d.latencyCompensation !== undefined) json.latency_compensation = d.latencyCompensation;
    if (d.thermalBudget !== undefined) json.thermal_budget = d.thermalBudget;
    if (d.schedule !== undefined) {
      checkScheduleComplete(d.schedule, d.nodes);
      json.schedule = d.schedule;
    }
    return json;
  }

  /** The JSON description as text (`JSON.stringify(toJSON(), null, indent)`). */
  toJSONText(indent: number = 2): string {
    return JSON.stringify(this.toJSON(), null, indent);
  }

  /** Stable content hash: lower-case hex sha256 of the canonical JSON (sorted keys). Needs an output. */
  get hash(): string {
    if (this.#hash === undefined) this.#hash = contentHash(this.toJSON());
    return this.#hash;
  }

  /** True when both graphs have the same JSON description. */
  equals(other: Graph): boolean {
    return other instanceof Graph && this.#data.output !== undefined && other.#data.output !== undefined && this.hash === other.hash;
  }

  /** A readable multi-line description: nodes, edges, modulations, output. */
  toString(): string {
    const d = this.#data;
    return formatGraph({ ...d, hash: d.output === undefined ? undefined : this.hash });
  }

  /** `util.inspect` / `console.log` output: same as {@link Graph.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }

  /** Rich display in notebooks: the diagram (SVG, no addon needed) and the text form. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return graphBundle(this);
  }

  /** A graph with the same nodes and some other fields replaced. */
  #with(patch: Partial<Omit<GraphData, "nodes">>): Graph {
    return new Graph(Object.freeze({ ...this.#data, ...patch }), this.#index);
  }

  /** A graph whose nodes were replaced or removed (a fresh name index). */
  #withNodes(patch: Partial<GraphData> & Pick<GraphData, "nodes">): Graph {
    return new Graph(Object.freeze({ ...this.#data, ...patch }), NodeIndex.of(patch.nodes));
  }

  #requireNode(name: unknown, role: string): NodeJSON {
    if (typeof name !== "string") throw validationError({ param: role, label: "node name for" }, "a node name", name);
    const node = this.node(name);
    if (node === undefined) {
      const known = this.#data.nodes.map((n) => n.name).join(", ");
      throw invalidError({ node: name }, `is not in the graph (${role}); nodes: ${known === "" ? "none" : known}`);
    }
    return node;
  }

  #addNode(name: unknown, type: unknown, params: NodeParamsJSON): Graph {
    checkNodeName(name);
    checkNodeCount(this.#data.nodes.length + 1);
    if (this.has(name)) throw invalidError({ node: name }, "is already in the graph (node names are unique)");
    const node: NodeJSON = Object.freeze({ name, type: type as string, params });
    const nodes = Object.freeze([...this.#data.nodes, node]);
    this.#index.register(node, nodes.length - 1);
    return new Graph(Object.freeze({ ...this.#data, nodes }), this.#index);
  }

  /**
   * Checks an edge source: a node name, or `"node.output"` naming one of the node's named outputs
   * (catalogue `outputs`); `"node"` alone reads the first (or only) output.
   */
  #requireSource(from: unknown, role: string): void {
    if (typeof from === "string" && from.includes(".")) {
      const dot = from.indexOf(".");
      const node = this.#requireNode(from.slice(0, dot), role);
      const output = from.slice(dot + 1);
      const outputs = outputNames(node);
      if (!outputs.some((o) => o.name === output)) {
        const known =
          outputs.length === 0
            ? `it has one unnamed output (write "${node.name}")`
            : `outputs: ${outputs.map((o) => JSON.stringify(o.name)).join(", ")}`;
        throw invalidError({ node: node.name, type: node.type }, `has no output ${JSON.stringify(output)} (${role}); ${known}`);
      }
      return;
    }
    this.#requireNode(from, role);
  }

  #addModulation(source: unknown, targetName: unknown, paramName: unknown, options: ModulateOptions, tsNames: boolean): Graph {
    this.#requireSource(source, "modulation source");
    const target = this.#requireNode(targetName, "modulation target");
    const mod = modulationJSON(source as string, target, paramName, options, tsNames);
    return this.#with({ modulations: Object.freeze([...this.#data.modulations, mod]) });
  }
}

/** Starts a new, empty graph: `graph().add("osc", sineOsc({ frequency: 220 })).output("osc")`. */
export function graph(): Graph {
  return Graph.empty();
}

/** A node instance's named outputs: the items of its outputs parameter when given, else the catalogue's. */
function outputNames(node: NodeJSON): readonly { readonly name: string }[] {
  const type = findNodeType(node.type);
  const fromParam = type?.outputsParam === undefined ? undefined : node.params[type.outputsParam];
  if (Array.isArray(fromParam)) return fromParam.map((name) => ({ name: String(name) }));
  return type?.outputs ?? [];
}

/** The node part of an edge source (`"env.reset"` -> `"env"`; node names hold no dot). */
function sourceNodeName(from: string): string {
  const dot = from.indexOf(".");
  return dot < 0 ? from : from.slice(0, dot);
}

function noOutputError() {
  return ampError("AMP_ERR_INVALID_ARGUMENT", "graph has no output: call .output(name) with the node whose output is the graph's output");
}
