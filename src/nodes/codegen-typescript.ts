/** Generator of `src/nodes/generated.ts`: option interfaces, factories, the catalogue and its limits. */
import type { CatalogNode, CatalogParam, NodeCatalog } from "./catalog-types";
import { GENERATED_BANNER, hasRequired, inputsText, sortedNodes } from "./codegen-text";
import { formatLimit, limitFacts } from "./limit-facts";
import { camelCase, factoryName, optionsInterfaceName } from "./names";
import { formatDefault, formatRange, isRequired, requirementText } from "./param-text";

function docComment(lines: readonly string[], indent = ""): string {
  const safe = lines.map((line) => line.replace(/\*\//g, "*\\/"));
  if (safe.length === 1) return `${indent}/** ${safe[0] ?? ""} */\n`;
  return `${indent}/**\n${safe.map((line) => (line === "" ? `${indent} *\n` : `${indent} * ${line}\n`)).join("")}${indent} */\n`;
}

function paramFacts(param: CatalogParam): string {
  const facts: string[] = [];
  if (param.kind === "signal") {
    facts.push("Signal: per frame, modulatable, overridable with `Runtime.setParam`.");
  } else {
    facts.push(`Static ${param.kind}.`);
  }
  if (param.unit !== "") facts.push(`Unit: ${param.unit}.`);
  const def = formatDefault(param);
  if (isRequired(param) && param.alternative !== undefined)
    facts.push(`Required unless \`${camelCase(param.alternative)}\` is given (exactly one of the two).`);
  else if (isRequired(param)) facts.push("Required.");
  else if (def !== "") facts.push(`Default: ${def}.`);
  const range = formatRange(param);
  if (param.kind === "enum") facts.push(`One of ${range}.`);
  else if (param.kind === "list") facts.push(`An array of ${range}.`);
  else if (param.kind === "names") facts.push(`An array of ${range}.`);
  else if (range !== "") facts.push(`Range: ${range}.`);
  if (param.requires !== undefined) facts.push(`${requirementText(param)}.`);
  if (camelCase(param.name) !== param.name) facts.push(`JSON key: \`${param.name}\`.`);
  return facts.join(" ");
}

function tsType(param: CatalogParam): string {
  if (param.kind === "boolean") return "boolean";
  if (param.kind === "enum") return (param.choices ?? []).map((name) => JSON.stringify(name)).join(" | ");
  if (param.kind === "list") return "readonly number[]";
  if (param.kind === "names") return "readonly string[]";
  return param.kind === "text" ? "string" : "number";
}

function nodeInterface(node: CatalogNode): string {
  const name = optionsInterfaceName(node.type);
  const header = docComment([
    `Options of the \`${node.type}\` node: ${node.summary}`,
    "",
    `${node.publishesHeat === true ? `Heat: ${node.heatDoc ?? "published by the node"}.` : `Heat work W = ${node.heatWork} per frame${node.heatDoc === undefined ? "" : ` (${node.heatDoc.replace(/\.$/, "")})`}.`} Backward: ${node.backwardDoc}`,
  ]);
  const members = node.params
    .map((param) => {
      const member =
        isRequired(param) && param.alternative === undefined
          ? `${camelCase(param.name)}: ${tsType(param)}`
          : `${camelCase(param.name)}?: ${tsType(param)} | undefined`;
      return `${docComment([param.doc, "", paramFacts(param)], "  ")}  readonly ${member};\n`;
    })
    .join("");
  return `${header}export interface ${name} extends CommonNodeOptions {\n${members}}\n`;
}

function nodeFactory(node: CatalogNode): string {
  const doc = docComment([
    `A \`${node.type}\` node: ${node.summary}`,
    "",
    inputsText(node),
    `@param options - parameters and common metadata, see {@link ${optionsInterfaceName(node.type)}}${
      hasRequired(node)
        ? `; required: ${node.params
            .filter(isRequired)
            .map((p) => camelCase(p.name))
            .join(", ")}`
        : "; all optional"
    }`,
  ]);
  const parameter = hasRequired(node) ? `options: ${optionsInterfaceName(node.type)}` : `options: ${optionsInterfaceName(node.type)} = {}`;
  return `${doc}export function ${factoryName(node.type)}(${parameter}): NodeSpec<${JSON.stringify(node.type)}> {\n  return nodeSpec(${JSON.stringify(node.type)}, options);\n}\n`;
}

function limitsConstant(catalog: NodeCatalog): string {
  const members = Object.entries(catalog.limits)
    .map(([name, limit]) => {
      const facts = limitFacts(name, limit);
      const unit = facts.unit === "" ? "" : ` ${facts.unit}`;
      const meaning = facts.meaning.charAt(0).toUpperCase() + facts.meaning.slice(1);
      const doc = docComment(
        [`${meaning}. ${facts.kind === "integer" ? "An integer" : "A finite number"} in ${formatLimit(limit)}${unit}; ${facts.where}.`],
        "  ",
      );
      const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
      return `${doc}  ${key}: { min: ${limit.min}, max: ${limit.max}, minExclusive: ${limit.minExclusive} },\n`;
    })
    .join("");
  const doc = docComment([
    "The runtime's value limits outside node parameters (`native/runtime/limits.h`, exported by the catalogue).",
    "`GRAPH_LIMITS`, `RENDER_LIMITS` and the checks of the common node options derive from these numbers.",
  ]);
  return `${doc}export const NATIVE_LIMITS = {\n${members}} as const satisfies CatalogLimits;\n`;
}

function indentRest(text: string, indent: string): string {
  return text.split("\n").join(`\n${indent}`);
}

/** The text of `src/nodes/generated.ts`. */
export function generateTypeScript(catalog: NodeCatalog): string {
  const nodes = sortedNodes(catalog);
  const parts: string[] = [
    `// ${GENERATED_BANNER}\n// Source: the native node catalogue (amp_node_catalog_json), API version ${catalog.apiVersion}.\n`,
    `import type { CatalogLimits, NodeCatalog } from "./catalog-types";\nimport type { CommonNodeOptions } from "./common";\nimport { nodeSpec } from "./spec";\nimport type { NodeSpec } from "./spec";\n`,
  ];
  for (const node of nodes) {
    parts.push(nodeInterface(node));
    parts.push(nodeFactory(node));
  }
  const byType = nodes.map((node) => `  ${JSON.stringify(node.type)}: ${optionsInterfaceName(node.type)};\n`).join("");
  parts.push(`${docComment(["Options type of each node type, by type name."])}export interface NodeOptionsByType {\n${byType}}\n`);
  parts.push(`${docComment(["Registered node type names."])}export type NodeType = keyof NodeOptionsByType;\n`);
  const taps = nodes
    .filter((node) => (node.taps ?? []).length > 0)
    .map((node) => `  ${JSON.stringify(node.type)}: ${(node.taps ?? []).map((tap) => JSON.stringify(tap.name)).join(" | ")};\n`)
    .join("");
  parts.push(
    `${docComment(['Tap names each node type publishes (a render\'s `taps["node.tap"]`), by type name; types without taps are absent.'])}export interface NodeTapsByType {\n${taps}}\n`,
  );
  parts.push(limitsConstant(catalog));
  const catalogText = `{\n  "apiVersion": ${catalog.apiVersion},\n  "nodes": ${indentRest(JSON.stringify(catalog.nodes, null, 2), "  ")},\n  "limits": NATIVE_LIMITS\n}`;
  parts.push(
    `${docComment(["The native node catalogue these types were generated from; used for validation at the TypeScript edge."])}export const NODE_CATALOG: NodeCatalog = ${catalogText};\n`,
  );
  return parts.join("\n");
}
