/**
 * `NodeRunner`: one node outside any graph, run window by window through the C ABI's
 * single-node entry point (`amp_run_node_v2`). Values are validated here with the uniform
 * messages; the addon checks types only. Calls are synchronous (node windows are small), so a
 * native failure is thrown as an {@link AmpError} with the caller's stack.
 */
import { ampError, checkOptionKeys, invalidError, validationError, type ValidationSubject } from "../errors";
import type { NodeParamsJSON } from "../graph/json";
import { checkNodeName, checkNumber, requireNodeType, toParamsJSON } from "../graph/validate-params";
import type { CatalogNode } from "../nodes/catalog-types";
import { isNodeSpec, type NodeSpec } from "../nodes/spec";
import type { NativeAudioView, NativeNodeDescriptor, NativeNodeState, NativeParamView, NativeRunNodeOptions } from "../native/addon-types";
import { loadAddon } from "../native/load-addon";
import { toNativeHistory, type ControlHistory } from "../render/history";
import { RENDER_LIMITS, checkSampleRate } from "../render/limits";
import type { NodeMetrics } from "../render/result";
import { checkInteger, type TensorShape } from "../render/shape";
import { signalTarget } from "../render/signal-params";

/** A planar tensor with its shape: `samples[(b * channels + c) * frames + f]`. A {@link NodeRunResult} is one. */
export interface NodeTensor {
  /** `shape.batches * shape.channels * shape.frames` values. */
  readonly samples: Float64Array;
  readonly shape: TensorShape;
}

/**
 * A per-call value of a signal parameter (or of the heat channel): a number for every batch,
 * channel and frame, or a tensor whose batches are 1 or the call's batches, channels 1 or the
 * node's output channels, frames 1 or the window's frames (a dimension of 1 is shared).
 */
export type NodeParamValue = number | NodeTensor;

/** Options shared by {@link NodeRunner.forward} and {@link NodeRunner.backward}. */
export interface NodeCallOptions {
  /** Independent lanes, integer in [1, 4096]. Default: the batches of the inputs (the gradient), or 1 for a source. Every input must have this many. */
  readonly batches?: number | undefined;
  /** Frames of the window, integer in [1, 2147483647]. Required for a node without audio inputs; otherwise taken from the inputs (and must agree when given). */
  readonly frames?: number | undefined;
  /** Sample rate in Hz, in (0, 10000000]. Default 48000. A rate other than the previous call's starts a fresh stream. */
  readonly sampleRate?: number | undefined;
  /**
   * Signal parameters for this window by name (JSON or camelCase), or the heat channel
   * (`"thermo.heat"` unless renamed), e.g. `{ gain: 0.5 }` or `{ frequency: { samples, shape } }`.
   * They replace the node's option values for this call only. Numbers must be in the parameter's
   * range; tensor values must be finite.
   */
  readonly params?: Readonly<Record<string, NodeParamValue>> | undefined;
}

/** Options of {@link NodeRunner.forward}. */
export interface NodeForwardOptions extends NodeCallOptions {
  /**
   * Control history read by `controller` nodes, e.g. `{ cutoff: [[0, 200], [1.5, 4000]] }` (see
   * {@link ControlHistory}). Times are relative to the start of the runner's stream (frame 0 is
   * the first frame after create, {@link NodeRunner.reset} or a fresh stream), not to the call,
   * so passing the same curves with every window gives the output of one long window.
   */
  readonly history?: ControlHistory | undefined;
}

/** Options of {@link NodeRunner.backward}. */
export interface NodeBackwardOptions extends NodeCallOptions {
  /**
   * Channels of the node's audio input in the forward pass (the channels of the returned
   * gradient), integer in [0, 2147483647]. Default: those of the last forward call; 0 for a node
   * without audio inputs. Required before any forward call of a node with inputs.
   */
  readonly inputChannels?: number | undefined;
}

/** The output of one call. */
export interface NodeRunResult extends NodeTensor {
  /** `batches x channels x frames`; channels are the node's output channels (backward: its input channels). */
  readonly shape: TensorShape;
  /** Metrics of the call: measured delay (frames), heat summed over the window and batches, times (seconds). */
  readonly metrics: NodeMetrics;
}

/** A checked tensor and the argument path it came from (for messages). */
interface PathTensor {
  readonly path: string;
  readonly tensor: NodeTensor;
}

const DEFAULT_SAMPLE_RATE = 48000;
const OPTION_KEYS = {
  forward: ["batches", "frames", "sampleRate", "params", "history"],
  backward: ["batches", "frames", "sampleRate", "params", "inputChannels"],
} as const;
const MAX_CHANNELS = 2 ** 31 - 1;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * One node run outside any graph, window after window: each call continues the node's stream
 * (block invariance: one long window, frame by frame or uneven windows give the same bits).
 *
 * ```ts
 * const runner = NodeRunner.create("g", gain({ gain: 2 }));
 * const x = { samples: new Float64Array([1, 2, 3, 4]), shape: { batches: 1, channels: 2, frames: 2 } };
 * runner.forward([x]).samples;        // Float64Array [2, 4, 6, 8]
 * runner.backward(x).samples;         // the gradient with respect to the input: [2, 4, 6, 8]
 * runner.dispose();
 * ```
 *
 * The runner owns one native node state, created by the first call (when the options are parsed
 * by the runtime). A call with other batches, input channels or sample rate than the previous
 * one starts a fresh stream in a new state and releases the old one. Release it with
 * {@link NodeRunner.dispose}; a runner that is garbage-collected releases its state too.
 */
export class NodeRunner {
  /** Instance name, used in error messages. */
  readonly name: string;
  /** Registered node type, e.g. `"sine_osc"`. */
  readonly type: string;
  /** The node's parameters in their validated JSON form (snake_case keys), as the runtime reads them. */
  readonly params: NodeParamsJSON;
  readonly #entry: CatalogNode;
  readonly #descriptor: NativeNodeDescriptor;
  readonly #state: NativeNodeState;
  #inputChannels: number | undefined;
  #disposed = false;

  private constructor(name: string, entry: CatalogNode, params: NodeParamsJSON, state: NativeNodeState) {
    this.name = name;
    this.type = entry.type;
    this.params = params;
    this.#entry = entry;
    this.#descriptor = { name, type: entry.type, paramsJson: JSON.stringify(params) };
    this.#state = state;
  }

  /**
   * Validates a node's options as the graph builder does and prepares a runner. Loads the addon
   * on first use; the native node is created by the first call.
   * @param name - instance name (letters, digits, `_`, `-`; starts with a letter or `_`), used in messages
   * @param spec - from a node factory, e.g. `sineOsc({ frequency: 220 })`
   */
  static create(name: string, spec: NodeSpec): NodeRunner {
    checkNodeName(name);
    if (!isNodeSpec(spec)) throw validationError({ node: name }, "a node spec from a factory such as sineOsc({ ... })", spec);
    const entry = requireNodeType(name, spec.type);
    const params = toParamsJSON(name, spec.type, spec.options, "ts");
    // Metadata that would be accepted and ignored here is refused (as natively).
    if (params.modulation !== undefined)
      throw invalidError(
        { node: name, type: spec.type, param: "modulation" },
        "applies to the modulation edges of a graph; a single-node call has none (pass parameter tensors instead)",
      );
    const addon = loadAddon();
    return new NodeRunner(name, entry, params, new addon.NodeState());
  }

  /** Node states created by runners (and any other `amp_run_node` caller) and not yet released, in this process: for leak checks. */
  static liveStateCount(): number {
    return loadAddon().liveStateCount();
  }

  /** True after {@link NodeRunner.dispose}. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Runs the next window of the node's stream.
   * @param inputs - one tensor per audio input port, in port order (`[]` for a source); the same batches and frames each
   * @param options - batches, frames (sources), sample rate (Hz), per-call parameters, control history
   * @returns the output, `batches x outputChannels x frames`, with the call's metrics
   */
  forward(inputs: readonly NodeTensor[], options: NodeForwardOptions = {}): NodeRunResult {
    const state = this.#live();
    const subject = this.#subject();
    const { batches, frames, sampleRate, audio } = this.#window(subject, this.#checkInputs(subject, inputs), options, "forward");
    const params = this.#params(subject, options.params, batches, frames);
    const nativeOptions: NativeRunNodeOptions = { mode: 0 };
    if (options.history !== undefined) nativeOptions.history = toNativeHistory(options.history, sampleRate, "option");
    const channels = audio[0]?.channels ?? 0;
    const output = loadAddon().runNode(this.#descriptor, { audio, params }, batches, channels, frames, sampleRate, state, nativeOptions);
    this.#inputChannels = channels;
    return NodeRunner.#result(output.samples, batches, output.outputChannels, frames, output.metrics);
  }

  /**
   * Runs the node's adjoint on one window: the gradient with respect to its audio input (port
   * 0), given the upstream gradient with respect to its output. The window is self-contained
   * as the node's backward rule defines it (e.g. `delay`: `dx[f] = g[f + d]` within the window,
   * 0 past its end). A node without a backward rule throws AMP_ERR_UNSUPPORTED (status -4).
   * Batches, input channels or a sample rate other than the state's start a fresh stream.
   * @param gradient - the upstream gradient, shaped like the forward output (`batches x outputChannels x frames`)
   * @param options - batches, sample rate (Hz), per-call parameters, input channels
   * @returns the gradient with respect to the input, `batches x inputChannels x frames`, with the call's metrics
   */
  backward(gradient: NodeTensor, options: NodeBackwardOptions = {}): NodeRunResult {
    const state = this.#live();
    const subject = this.#subject();
    const checked = [{ path: "gradient", tensor: checkNodeTensor(subject, "gradient", gradient) }];
    const { batches, frames, sampleRate, audio } = this.#window(subject, checked, options, "backward");
    const params = this.#params(subject, options.params, batches, frames);
    const inputChannels = this.#backwardChannels(subject, options.inputChannels);
    const output = loadAddon().runNode(this.#descriptor, { audio, params }, batches, inputChannels, frames, sampleRate, state, { mode: 1 });
    return NodeRunner.#result(output.samples, batches, output.outputChannels, frames, output.metrics);
  }

  /** Releases the node state: the next call starts a fresh stream (frame 0, params parsed again). */
  reset(): void {
    this.#live().release();
    this.#inputChannels = undefined;
  }

  /**
   * The node's stream state as bytes (node state, declared-delay padding, position, heat), after
   * at least one call. {@link NodeRunner.restore} continues the stream from it, bit for bit.
   */
  snapshot(): Uint8Array {
    return this.#started("snapshot").snapshot();
  }

  /**
   * Continues the stream from a {@link NodeRunner.snapshot} taken with the same node, batches,
   * input channels and sample rate as the current state; anything else throws and changes nothing.
   * @param snapshot - bytes returned by `snapshot()`
   */
  restore(snapshot: Uint8Array): void {
    const state = this.#started("restore");
    if (!(snapshot instanceof Uint8Array))
      throw validationError({ node: this.name, param: "snapshot", label: "argument" }, "a Uint8Array from snapshot()", snapshot);
    state.restore(snapshot);
  }

  #started(method: string): NativeNodeState {
    const state = this.#live();
    if (!state.live)
      throw ampError("AMP_ERR_INVALID_ARGUMENT", `NodeRunner "${this.name}": ${method}() needs a stream; call forward() first`, {
        stage: "validate",
        node: this.name,
      });
    return state;
  }

  /** Releases the native node state. Idempotent; every other method throws afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#state.release();
  }

  #live(): NativeNodeState {
    if (this.#disposed)
      throw ampError("AMP_ERR_INVALID_ARGUMENT", `NodeRunner "${this.name}" was disposed; create a new one`, {
        stage: "validate",
        node: this.name,
      });
    return this.#state;
  }

  #subject(): ValidationSubject {
    return { node: this.name, type: this.type };
  }

  /** Checks the forward inputs: one tensor per audio input port. */
  #checkInputs(subject: ValidationSubject, inputs: unknown): PathTensor[] {
    if (!Array.isArray(inputs))
      throw validationError(
        { ...subject, param: "inputs", label: "argument" },
        "an array of { samples, shape }, one per audio input",
        inputs,
      );
    const ports = this.#entry.inputs;
    // Trailing optional ports may be left out (left open).
    let required = ports.length;
    while (required > 0 && ports[required - 1]?.optional === true) required -= 1;
    if (inputs.length < required || inputs.length > ports.length) {
      const names =
        ports.length === 0
          ? "none: a source"
          : ports.map((port) => `${port.name}${port.optional === true ? " (optional)" : ""}`).join(", ");
      const count = required === ports.length ? `${ports.length}` : `${required} to ${ports.length}`;
      throw invalidError(subject, `expects ${count} audio input(s) (${names}), got ${inputs.length}`);
    }
    return inputs.map((input: unknown, i) => ({ path: `inputs[${i}]`, tensor: checkNodeTensor(subject, `inputs[${i}]`, input) }));
  }

  /** Checks the window options against the checked tensors; returns the window and the native views. */
  #window(
    subject: ValidationSubject,
    tensors: readonly PathTensor[],
    options: unknown,
    method: "forward" | "backward",
  ): { batches: number; frames: number; sampleRate: number; audio: NativeAudioView[] } {
    if (!isPlainObject(options))
      throw validationError({ ...subject, param: "options", label: "argument" }, `an object of ${method} options`, options);
    checkOptionKeys({ ...subject, label: "option" }, options, OPTION_KEYS[method], `NodeRunner.${method}()`);
    const option = (param: string): ValidationSubject => ({ ...subject, param, label: "option" });
    const first = tensors[0]?.tensor.shape;
    const batches =
      options.batches === undefined ? (first?.batches ?? 1) : checkNumber(option("batches"), options.batches, RENDER_LIMITS.batches);
    if (first === undefined && options.frames === undefined) {
      throw invalidError(option("frames"), "is required for a node without audio inputs (an integer in [1, 2147483647] frames)");
    }
    const frames =
      options.frames === undefined ? (first?.frames ?? 1) : checkNumber(option("frames"), options.frames, RENDER_LIMITS.frames);
    const sampleRate = options.sampleRate === undefined ? DEFAULT_SAMPLE_RATE : checkSampleRate(options.sampleRate, option("sampleRate"));
    const audio = tensors.map(({ path, tensor: { samples, shape } }): NativeAudioView => {
      const at: ValidationSubject = { ...subject, label: "argument" };
      if (shape.batches !== batches)
        throw validationError({ ...at, param: `${path}.shape.batches` }, `${batches} (the call's batches)`, shape.batches);
      if (shape.frames !== frames)
        throw validationError({ ...at, param: `${path}.shape.frames` }, `${frames} (the call's frames)`, shape.frames);
      return { data: samples, batches: shape.batches, channels: shape.channels, frames: shape.frames };
    });
    return { batches, frames, sampleRate, audio };
  }

  /** Checks per-call parameters; returns them as native views (JSON names). */
  #params(subject: ValidationSubject, params: unknown, batches: number, frames: number): NativeParamView[] {
    if (params === undefined) return [];
    if (!isPlainObject(params))
      throw validationError({ ...subject, param: "params", label: "option" }, "an object of parameter values by name", params);
    const node = { name: this.name, type: this.type, params: this.params };
    const given = new Map<string, string>();
    return Object.entries(params).map(([key, value]): NativeParamView => {
      const target = signalTarget(node, key);
      const inner: ValidationSubject = { ...subject, param: key };
      const twice = given.get(target.name);
      if (twice !== undefined) throw invalidError(inner, `is the same parameter as "${twice}"; give it once`);
      given.set(target.name, key);
      if (typeof value === "number") {
        if (target.kind === "param") checkNumber(inner, value, target.spec);
        else if (!Number.isFinite(value)) throw validationError(inner, "a finite number", value);
        return { name: target.name, data: new Float64Array([value]), batches: 1, channels: 1, frames: 1 };
      }
      const tensor = checkNodeTensor(subject, `params.${key}`, value, "a number or { samples, shape }");
      const { shape, samples } = tensor;
      if (shape.batches !== 1 && shape.batches !== batches)
        throw validationError(
          { ...subject, param: `params.${key}.shape.batches`, label: "argument" },
          batches === 1 ? "1 (the call's batches)" : `1 or ${batches} (the call's batches)`,
          shape.batches,
        );
      if (shape.frames !== 1 && shape.frames !== frames)
        throw validationError(
          { ...subject, param: `params.${key}.shape.frames`, label: "argument" },
          frames === 1 ? "1 (the call's frames)" : `1 or ${frames} (the call's frames)`,
          shape.frames,
        );
      for (let i = 0; i < samples.length; i += 1) {
        if (!Number.isFinite(samples[i]))
          throw invalidError({ ...inner, label: "parameter" }, `expects finite values, got ${samples[i]} at index ${i}`);
      }
      return { name: target.name, data: samples, batches: shape.batches, channels: shape.channels, frames: shape.frames };
    });
  }

  #backwardChannels(subject: ValidationSubject, inputChannels: unknown): number {
    if (inputChannels !== undefined)
      return checkInteger({ ...subject, param: "inputChannels", label: "option" }, inputChannels, 0, MAX_CHANNELS);
    if (this.#entry.inputs.length === 0) return 0;
    if (this.#inputChannels === undefined) {
      throw invalidError(
        { ...subject, param: "inputChannels", label: "option" },
        "is required before the first forward call (the channels of the node's audio input)",
      );
    }
    return this.#inputChannels;
  }

  static #result(samples: Float64Array, batches: number, channels: number, frames: number, metrics: NodeMetrics): NodeRunResult {
    return Object.freeze({ samples, shape: Object.freeze({ batches, channels, frames }), metrics });
  }
}

/** Checks `{ samples: Float64Array, shape: { batches, channels, frames } }` with matching length. */
function checkNodeTensor(subject: ValidationSubject, path: string, value: unknown, expected = "an object { samples, shape }"): NodeTensor {
  const at = (param: string): ValidationSubject => ({ ...subject, param, label: "argument" });
  if (!isPlainObject(value)) throw validationError(at(path), expected, value);
  const { samples, shape } = value;
  if (!(samples instanceof Float64Array)) throw validationError(at(`${path}.samples`), "a Float64Array", samples);
  if (!isPlainObject(shape)) throw validationError(at(`${path}.shape`), "an object { batches, channels, frames }", shape);
  const batches = checkNumber(at(`${path}.shape.batches`), shape.batches, RENDER_LIMITS.batches);
  const channels = checkInteger(at(`${path}.shape.channels`), shape.channels, 1, MAX_CHANNELS);
  const frames = checkNumber(at(`${path}.shape.frames`), shape.frames, RENDER_LIMITS.frames);
  if (batches * channels * frames !== samples.length) {
    throw validationError(
      at(`${path}.samples`),
      `${batches}x${channels}x${frames} = ${batches * channels * frames} values (batches x channels x frames)`,
      samples,
    );
  }
  return { samples, shape: { batches, channels, frames } };
}
