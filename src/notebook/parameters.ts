/**
 * Papermill-style parameters: the first code cell tagged `parameters` declares defaults as
 * top-level `const`/`let`/`var` statements; `--param name=value` values are injected in a new
 * cell right after it, tagged `injected-parameters`, redeclaring those names (the kernel, as
 * tslab does, lets a later cell redeclare a top-level name).
 *
 * A value is read by the type of the default: a number default takes a finite number, a boolean
 * default `true` or `false`, a string default any text (taken verbatim), any other default
 * (array, object, expression) a JSON value. A name the parameters cell does not declare is
 * refused, naming it and the declared ones.
 */
import type * as TypeScript from "typescript";
import { usageError } from "../cli/args";
import { tslab } from "../kernel/tslab-internals";
import { cellSource, hasTag, splitLines, type CodeCell, type Notebook } from "./nbformat";

/** One declared parameter. */
export interface ParameterDeclaration {
  readonly name: string;
  readonly keyword: "const" | "let" | "var";
  /** The type annotation's text, if any. */
  readonly type: string | undefined;
  readonly kind: "number" | "string" | "boolean" | "json";
}

function typescript(): typeof TypeScript {
  return tslab.typescript() as unknown as typeof TypeScript;
}

function kindOf(ts: typeof TypeScript, init: TypeScript.Expression | undefined): ParameterDeclaration["kind"] {
  if (init === undefined) return "json";
  if (ts.isNumericLiteral(init)) return "number";
  if (ts.isPrefixUnaryExpression(init) && init.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(init.operand)) return "number";
  if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init)) return "string";
  if (init.kind === ts.SyntaxKind.TrueKeyword || init.kind === ts.SyntaxKind.FalseKeyword) return "boolean";
  return "json";
}

/** The top-level variables the code of a parameters cell declares. */
export function declaredParameters(code: string): ParameterDeclaration[] {
  const ts = typescript();
  const file = ts.createSourceFile("parameters.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: ParameterDeclaration[] = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const flags = statement.declarationList.flags;
    const keyword = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      found.push({
        name: declaration.name.text,
        keyword,
        type: declaration.type?.getText(file),
        kind: kindOf(ts, declaration.initializer),
      });
    }
  }
  return found;
}

/** Splits `name=value` (the value may contain `=`). */
export function parseParamFlag(flag: string): [string, string] {
  const at = flag.indexOf("=");
  if (at <= 0) throw usageError(`--param expects name=value, got ${JSON.stringify(flag)}`);
  return [flag.slice(0, at), flag.slice(at + 1)];
}

/** The TypeScript literal for `value` given the default's kind; throws naming the parameter. */
function literal(declaration: ParameterDeclaration, value: string): string {
  const bad = (expected: string): never => {
    throw usageError(`--param ${declaration.name}: expected ${expected} (like its default), got ${JSON.stringify(value)}`);
  };
  switch (declaration.kind) {
    case "number": {
      const number = Number(value);
      if (value.trim() === "" || !Number.isFinite(number)) bad("a finite number");
      return String(number);
    }
    case "boolean":
      if (value !== "true" && value !== "false") bad("true or false");
      return value;
    case "string":
      return JSON.stringify(value);
    case "json":
      try {
        return JSON.stringify(JSON.parse(value));
      } catch {
        return bad("a JSON value");
      }
  }
}

/** Index of the first code cell tagged `parameters`, or -1. */
export function parametersCellIndex(notebook: Notebook): number {
  return notebook.cells.findIndex((cell) => cell.cell_type === "code" && hasTag(cell, "parameters"));
}

/**
 * Inserts the `injected-parameters` cell after the `parameters` cell (replacing an earlier
 * injected cell, as a re-run with new values should); returns the values injected. Throws a
 * usage error for a name that is not declared or a value of the wrong kind, before changing
 * anything.
 */
export function injectParameters(notebook: Notebook, flags: readonly string[]): Record<string, string> {
  if (flags.length === 0) return {};
  const at = parametersCellIndex(notebook);
  if (at < 0) throw usageError(`--param given but the notebook has no code cell tagged "parameters"`);
  const declared = declaredParameters(cellSource(notebook.cells[at] as CodeCell));
  const values = new Map<string, string>();
  for (const flag of flags) {
    const [name, value] = parseParamFlag(flag);
    const declaration = declared.find((d) => d.name === name);
    if (declaration === undefined)
      throw usageError(
        `--param ${name}: the parameters cell (cell ${at + 1}) declares no variable "${name}"; it declares ${
          declared.length === 0 ? "none" : declared.map((d) => d.name).join(", ")
        }`,
      );
    values.set(
      name,
      `${declaration.keyword} ${name}${declaration.type === undefined ? "" : `: ${declaration.type}`} = ${literal(declaration, value)};`,
    );
  }
  const code = `// Parameters injected by amp-kpn run\n${[...values.values()].join("\n")}\n`;
  const cell: CodeCell = {
    cell_type: "code",
    // nbformat 4.5 and later require a cell id.
    ...(notebook.nbformat_minor >= 5 ? { id: "injected-parameters" } : {}),
    metadata: { tags: ["injected-parameters"] },
    source: splitLines(code),
    execution_count: null,
    outputs: [],
  };
  const next = notebook.cells[at + 1];
  if (next !== undefined && hasTag(next, "injected-parameters")) notebook.cells.splice(at + 1, 1, cell);
  else notebook.cells.splice(at + 1, 0, cell);
  return Object.fromEntries(
    [...values].map(([name]) => [
      name,
      flags
        .map(parseParamFlag)
        .reverse()
        .find(([n]) => n === name)?.[1] ?? "",
    ]),
  );
}
