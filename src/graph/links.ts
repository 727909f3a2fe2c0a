/**
 * The JSON of one link (an audio edge or a modulation edge), validated against the target node's
 * catalogue entry and the native limits. The nodes' existence is the caller's business.
 */
import { checkOptionKeys, invalidError, validationError, type ValidationSubject } from "../errors";
import { camelCase } from "../nodes/names";
import type { EdgeJSON, ModulationJSON, NodeJSON } from "./json";
import { GRAPH_LIMITS } from "./limits";
import type { ConnectOptions, ModulateOptions } from "./options";
import { checkNumber, requireNodeType } from "./validate-params";

const CONNECT_KEYS = ["port", "delayFrames"];
const MODULATE_KEYS = ["mode", "scale", "channel", "delayFrames"];

/** Checks that a link's options are an object with known keys only. */
function checkOptions(subject: ValidationSubject, options: unknown, known: readonly string[], owner: string): void {
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw validationError(
      { ...subject, param: "options", label: "argument" },
      `an object { ${known.map((k) => `${k}?`).join(", ")} }`,
      options,
    );
  checkOptionKeys(subject, options, known, owner);
}

/** The frozen JSON of an audio edge `from -> target`; throws unless `target` has that input port. */
export function edgeJSON(from: string, target: NodeJSON, options: ConnectOptions): EdgeJSON {
  const entry = requireNodeType(target.name, target.type);
  if (entry.inputs.length === 0) {
    throw invalidError(
      { node: target.name, type: target.type },
      `has no audio input (it is a source), so the edge "${from}" -> "${target.name}" is invalid; use modulate() to drive its parameters`,
    );
  }
  checkOptions({ node: target.name, type: target.type, label: "edge option" }, options, CONNECT_KEYS, "connect()");
  const edge: { -readonly [K in keyof EdgeJSON]: EdgeJSON[K] } = { from, to: target.name };
  if (options.port !== undefined) {
    if (!entry.inputs.some((port) => port.name === options.port)) {
      throw validationError(
        { node: target.name, type: target.type, param: "port", label: "edge option" },
        `one of ${entry.inputs.map((p) => `"${p.name}"`).join(", ")}`,
        options.port,
      );
    }
    edge.port = options.port;
  }
  if (options.delayFrames !== undefined) {
    edge.delay_frames = checkNumber(
      { node: target.name, type: target.type, param: "delayFrames", label: "edge option" },
      options.delayFrames,
      GRAPH_LIMITS.edgeDelayFrames,
    );
  }
  return Object.freeze(edge);
}

/**
 * The frozen JSON of a modulation edge `source ~> target.param`; throws unless `param` is a
 * signal parameter of `target`.
 * @param tsNames - true when `paramName` may be the camelCase option name
 */
export function modulationJSON(
  source: string,
  target: NodeJSON,
  paramName: unknown,
  options: ModulateOptions,
  tsNames: boolean,
): ModulationJSON {
  const entry = requireNodeType(target.name, target.type);
  if (typeof paramName !== "string" || paramName === "")
    throw validationError({ node: target.name, type: target.type, param: "param", label: "modulation" }, "a parameter name", paramName);
  const param = entry.params.find((p) => p.name === paramName || (tsNames && camelCase(p.name) === paramName));
  const signals = entry.params.filter((p) => p.kind === "signal").map((p) => p.name);
  const subject = { node: target.name, type: target.type, param: paramName };
  if (param === undefined) throw invalidError(subject, `is unknown; modulatable parameters: ${signals.join(", ") || "none"}`);
  if (param.kind !== "signal")
    throw invalidError(subject, `is not modulatable (kind ${param.kind}); modulatable parameters: ${signals.join(", ") || "none"}`);
  const mod: { -readonly [K in keyof ModulationJSON]: ModulationJSON[K] } = { from: source, to: target.name, param: param.name };
  const option = (name: string) => ({ ...subject, param: name, label: "modulation option" });
  checkOptions({ node: target.name, type: target.type, label: "modulation option" }, options, MODULATE_KEYS, "modulate()");
  if (options.mode !== undefined) {
    if (options.mode !== "add" && options.mode !== "multiply") throw validationError(option("mode"), `"add" or "multiply"`, options.mode);
    mod.mode = options.mode;
  }
  if (options.scale !== undefined) mod.scale = checkNumber(option("scale"), options.scale, GRAPH_LIMITS.modulationScale);
  if (options.channel !== undefined) mod.channel = checkNumber(option("channel"), options.channel, GRAPH_LIMITS.modulationChannel);
  if (options.delayFrames !== undefined)
    mod.delay_frames = checkNumber(option("delayFrames"), options.delayFrames, GRAPH_LIMITS.edgeDelayFrames);
  return Object.freeze(mod);
}
