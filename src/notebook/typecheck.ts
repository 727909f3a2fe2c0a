/**
 * The notebook type check: compiles a notebook's code cells one after another with tslab's own
 * converter (its bundled TypeScript, its fixed compiler options, each cell seeing the declarations
 * of the cells before it), against this package's declarations mounted at
 * `<notebook folder>/node_modules/amp-kpn` exactly as the kernel mounts them. Nothing is executed.
 * Runs in a child process whose working folder is the notebook's (tslab's compiler resolves
 * modules from there).
 */
import { execFile } from "node:child_process";
import { dirname, join, resolve } from "node:path";

/** A compile error of one cell. */
export interface CellDiagnostic {
  /** 1-based index of the cell in the notebook. */
  readonly cell: number;
  /** 1-based line and column in the cell. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Type-checks the notebook at `path`; resolves with every diagnostic (empty when it compiles). */
export function typecheckNotebook(path: string): Promise<CellDiagnostic[]> {
  const file = resolve(path);
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [join(__dirname, "typecheck-worker.js"), file],
      { cwd: dirname(file), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) {
          fail(new Error(`type check of ${path} failed to run: ${stderr.trim() || error.message}`));
          return;
        }
        done(JSON.parse(stdout) as CellDiagnostic[]);
      },
    );
  });
}
