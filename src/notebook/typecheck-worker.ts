/**
 * Child process of {@link typecheckNotebook}: `node typecheck-worker.js <notebook>` with the
 * notebook's folder as working folder; prints the diagnostics as JSON on stdout.
 */
import { createRequire } from "node:module";
import { mountCompilerPaths, slashes } from "../kernel/module-resolution";
import { CELL_TYPES_DIR, PACKAGE_NAME, PACKAGE_ROOT } from "../kernel/package-root";
import { tslab } from "../kernel/tslab-internals";
import { cellSource, readNotebook } from "./nbformat";
import type { CellDiagnostic } from "./typecheck";

interface TslabDiagnostic {
  start: { line: number; character: number };
  messageText: string;
}
interface TslabConverter {
  convert(prevDecl: string, src: string): { diagnostics: TslabDiagnostic[]; declOutput?: string };
  addModule(name: string, content: string, meta?: unknown): TslabDiagnostic[];
  close(): void;
}
interface TslabMetadata {
  getCodeMetadata(src: string): { module?: string; mode?: string };
}

function main(path: string): CellDiagnostic[] {
  const typescript = tslab.typescript();
  const cwd = slashes(process.cwd());
  mountCompilerPaths(typescript.sys, [
    { at: `${cwd}/node_modules/${PACKAGE_NAME}`, real: slashes(PACKAGE_ROOT) },
    { at: `${cwd}/node_modules/@types/amp-kpn-cell`, real: slashes(CELL_TYPES_DIR) },
  ]);
  const tslabRequire = createRequire(require.resolve("tslab/dist/main.js"));
  const { createConverter } = tslabRequire("./converter.js") as { createConverter(): TslabConverter };
  const { getCodeMetadata } = tslabRequire("./metadata.js") as TslabMetadata;
  const converter = createConverter();
  const found: CellDiagnostic[] = [];
  let prevDecl = "";
  try {
    for (const [index, cell] of readNotebook(path).cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const src = cellSource(cell);
      const meta = getCodeMetadata(src);
      let diagnostics: TslabDiagnostic[];
      if (meta.module !== undefined) diagnostics = converter.addModule(meta.module, src, meta);
      else {
        const converted = converter.convert(prevDecl, src);
        diagnostics = converted.diagnostics;
        // As tslab's executor: a cell with errors does not declare anything for the next ones.
        if (diagnostics.length === 0) prevDecl = converted.declOutput ?? "";
      }
      for (const d of diagnostics)
        found.push({ cell: index + 1, line: d.start.line + 1, column: d.start.character + 1, message: d.messageText });
    }
  } finally {
    converter.close();
  }
  return found;
}

const target = process.argv[2];
if (target === undefined) {
  process.stderr.write("usage: typecheck-worker.js <notebook.ipynb>\n");
  process.exitCode = 2;
} else {
  process.stdout.write(JSON.stringify(main(target)));
}
