/** Generator of `docs/nodes.md`: the node reference, the common options and the runtime limits. */
import type { CatalogNode, NodeCatalog } from "./catalog-types";
import { GENERATED_BANNER, hasRequired, inputsText, sortedNodes } from "./codegen-text";
import { formatLimit, limitFacts, limitRange, type LimitName } from "./limit-facts";
import { camelCase, factoryName, optionsInterfaceName } from "./names";
import { expectedText, formatDefault, formatRange, isRequired, requirementText } from "./param-text";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Hand-written guides (in docs/) for node types, linked from their generated section. */
const NODE_GUIDES: Readonly<Record<string, string>> = {
  oscillator: "[oscillators.md](oscillators.md) (PolyBLEP, oversampling, measured aliasing, the periodicity cache, presets)",
  resampler: "[oscillators.md](oscillators.md#resampler) (the round-trip design, tiers and their measured figures)",
};

function nodeSection(node: CatalogNode): string {
  const lines: string[] = [
    `## ${node.type}`,
    "",
    node.summary,
    "",
    `Factory: \`${factoryName(node.type)}(options${hasRequired(node) ? "" : "?"}: ${optionsInterfaceName(node.type)})\`. ${inputsText(node)}`,
    "",
  ];
  if (node.params.length > 0) {
    lines.push("| parameter | TS option | kind | default | range | unit | description |");
    lines.push("| --- | --- | --- | --- | --- | --- | --- |");
    for (const param of node.params) {
      lines.push(
        `| \`${param.name}\` | \`${camelCase(param.name)}\` | ${param.kind} | ${isRequired(param) ? (param.alternative === undefined ? "required" : `required unless \`${param.alternative}\``) : cell(formatDefault(param))} | ${cell(formatRange(param))} | ${cell(param.unit)} | ${cell(param.doc)} |`,
      );
    }
    lines.push("");
  }
  for (const param of node.params.filter((p) => p.requires !== undefined)) lines.push(`\`${param.name}\`: ${requirementText(param)}.`, "");
  if (node.linearPhase === true) {
    lines.push(
      "Latency: the group delay of a linear-phase filter; the response to an impulse is symmetric about it and starts before it (pre-ringing, within twice the latency).",
      "",
    );
  }
  lines.push(
    node.publishesHeat === true
      ? `Heat: ${node.heatDoc ?? "published by the node"} (node-published heat; \`thermo.resistance\` and \`thermo.work\` do not apply, a \`thermo.heat\` override still does).`
      : `Heat: \`heat = sum(x^2) / R + ${node.heatWork} * oversample\` per batch and frame (R = \`thermo.resistance\`, default 1)${node.heatDoc === undefined ? "" : `; ${node.heatDoc.replace(/\.$/, "")}`}.`,
  );
  lines.push("");
  if (node.delayIsLatency === true) {
    lines.push("Latency: the node declares its own latency; a `declared_delay_frames` other than it is refused (no padding).");
    lines.push("");
  }
  lines.push(
    node.oversamples === true
      ? "Oversampling: the node runs internally at `oversample` times the sample rate."
      : "Oversampling: none (`oversample` above 1 is refused).",
  );
  lines.push("");
  lines.push(`Backward: ${node.backwardDoc}`);
  lines.push("");
  const guide = NODE_GUIDES[node.type];
  if (guide !== undefined) lines.push(`Guide: ${guide}.`, "");
  return lines.join("\n");
}

/** `integer in [1, 64]` (+ unit) for a limit of the catalogue. */
function limitText(catalog: NodeCatalog, name: LimitName): string {
  const range = limitRange(catalog.limits, name);
  return `${range.kind === "integer" ? "integer" : "number"} in ${formatLimit(range)}${range.unit === "" ? "" : ` ${range.unit}`}`;
}

/** The validation message the reference quotes: a signal parameter with a range, preferably `sine_osc.frequency`. */
function exampleMessage(catalog: NodeCatalog): string {
  const candidates = catalog.nodes.flatMap((node) =>
    node.params.filter((p) => p.kind === "signal" && (p.min !== null || p.max !== null)).map((param) => ({ node, param })),
  );
  const pick = candidates.find((c) => c.node.type === "sine_osc" && c.param.name === "frequency") ?? candidates[0];
  if (pick === undefined) return "";
  const name = pick.node.type === "sine_osc" ? "osc" : "n";
  return `A value outside is rejected with a message such as: \`node "${name}" (${pick.node.type}): parameter "${camelCase(pick.param.name)}" expects ${expectedText(pick.param)}, got "abc"\`.`;
}

function limitsSection(catalog: NodeCatalog): string[] {
  return [
    "## Runtime limits",
    "",
    "Limits of values outside node parameters, from the catalogue's `limits` (`native/runtime/limits.h`). The TypeScript",
    "library validates with the same numbers (`NATIVE_LIMITS`, and `GRAPH_LIMITS`, `RENDER_LIMITS` derived from it).",
    "",
    "| limit | given as | kind | range | unit | meaning |",
    "| --- | --- | --- | --- | --- | --- |",
    ...Object.entries(catalog.limits).map(([name, limit]) => {
      const facts = limitFacts(name, limit);
      return `| \`${name}\` | ${cell(facts.where)} | ${facts.kind} | ${cell(formatLimit(limit))} | ${cell(facts.unit)} | ${cell(facts.meaning)} |`;
    }),
    "",
  ];
}

/** The text of `docs/nodes.md`. */
export function generateMarkdown(catalog: NodeCatalog): string {
  const nodes = sortedNodes(catalog);
  const lines: string[] = [
    `<!-- ${GENERATED_BANNER} -->`,
    "",
    "# Node reference",
    "",
    `Generated from the native node catalogue (\`amp_node_catalog_json()\`, API version ${catalog.apiVersion}).`,
    "Parameter names are the keys of a node's `params` in the graph JSON; the TypeScript factories take the",
    "camelCase option of the same name. `signal` parameters are per-frame tensors: modulatable and overridable",
    "with `Runtime.setParam`; the other kinds are static: `enum` takes one of the listed names (a string-literal",
    "union in TypeScript), `list` an array of numbers whose length and items are bounded as shown. Ranges: `[` `]`",
    "closed, `(` `)` open.",
    exampleMessage(catalog),
    "",
    "| node | factory | backward | summary |",
    "| --- | --- | --- | --- |",
    ...nodes.map(
      (node) =>
        `| [\`${node.type}\`](#${node.type.replace(/[^a-z0-9_-]/g, "")}) | \`${factoryName(node.type)}\` | ${node.hasBackward ? "yes" : "no (-4)"} | ${cell(node.summary)} |`,
    ),
    "",
    "## Options every node accepts",
    "",
    "| JSON key | TS option | meaning |",
    "| --- | --- | --- |",
    `| \`oversample\` | \`oversample\` | internal oversampling factor, ${limitText(catalog, "oversample")}, default 1; above 1 only for nodes that oversample (${
      catalog.nodes
        .filter((n) => n.oversamples === true)
        .map((n) => `\`${n.type}\``)
        .join(", ") || "none yet"
    }) |`,
    `| \`declared_delay_frames\` | \`declaredDelayFrames\` | latency the node adds, in output frames: ${limitText(catalog, "declaredDelayFrames")} |`,
    "| `thermo.heat_param` | `thermo.heatParam` | name of the node's heat channel, default `thermo.heat` |",
    `| \`thermo.resistance\` | \`thermo.resistance\` | R of the heat model, ${limitText(catalog, "thermoResistance")}, default 1 |`,
    `| \`thermo.work\` | \`thermo.work\` | W of the heat model, ${limitText(catalog, "thermoWork")}, default the node's own (below) |`,
    "| `modulation.mode` | `modulation.mode` | default mode of modulation edges into the node: `add` or `multiply` |",
    `| \`modulation.channels\` | \`modulation.channels\` | channels of every modulated parameter of the node, ${limitText(catalog, "modulationChannels")}: 1 (all output channels share one modulation value, source channel 0 or the edge's \`channel\`) or the node's output channel count (channel c reads source channel c mod C_src); anything else is refused when the graph is created. Default: the output channel count when a modulation source has more than one channel, else 1 |`,
    "",
    ...limitsSection(catalog),
  ];
  for (const node of nodes) lines.push(nodeSection(node));
  return lines.join("\n");
}
