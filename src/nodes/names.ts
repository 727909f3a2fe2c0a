/** Name mapping between the catalogue (snake_case) and TypeScript (camelCase). */

const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "await",
  "graph",
  "node",
  "render",
]);

/** `dc_alpha` -> `dcAlpha`. */
export function camelCase(snake: string): string {
  return snake.replace(/[_.-]+([a-zA-Z0-9])/g, (_match, char: string) => char.toUpperCase());
}

/** `sine_osc` -> `SineOsc`. */
export function pascalCase(snake: string): string {
  const camel = camelCase(snake);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** Name of the factory function of a node type: `sine_osc` -> `sineOsc` (`Node` appended to reserved words and library names). */
export function factoryName(type: string): string {
  const name = camelCase(type);
  return RESERVED.has(name) ? `${name}Node` : name;
}

/** Name of the options interface of a node type: `sine_osc` -> `SineOscOptions`. */
export function optionsInterfaceName(type: string): string {
  return `${pascalCase(type)}Options`;
}
