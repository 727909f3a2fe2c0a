/**
 * Makes `import ... from "amp-kpn"` in a cell resolve to this package from any working folder,
 * with or without a `node_modules` beside the notebook, both at run time (Node's resolver) and
 * for tslab's type checker (whose compiler resolves Node10-style from the working folder).
 *
 * Run time: `Module._resolveFilename` maps `amp-kpn` and `amp-kpn/<path>` to this package's root,
 * so every cell shares the instance the kernel preloaded. Type check: the TypeScript `sys` that
 * tslab's compiler host reads through shows this package at `<cwd>/node_modules/amp-kpn` and the
 * cell globals at `<cwd>/node_modules/@types/amp-kpn-cell` (a virtual mount over real folders;
 * real files in `<cwd>/node_modules` stay visible).
 */
import Module from "node:module";
import { join } from "node:path";
import type { TsSys } from "./tslab-internals";

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/** Resolves `name` and `name/<subpath>` to `root` for every `require` in the process. */
export function registerPackageResolution(name: string, root: string): void {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = loader._resolveFilename;
  loader._resolveFilename = function resolveFilename(this: unknown, request, parent, isMain, options) {
    if (request === name || request.startsWith(`${name}/`)) {
      return original.call(this, join(root, request.slice(name.length)), parent, isMain, options);
    }
    return original.call(this, request, parent, isMain, options);
  };
}

/** A virtual folder `at` showing the real folder `real`. Paths use forward slashes. */
export interface Mount {
  readonly at: string;
  readonly real: string;
}

/** Forward slashes, as TypeScript normalises paths. */
export function slashes(path: string): string {
  return path.replace(/\\/g, "/");
}

function within(path: string, dir: string): string | undefined {
  if (path === dir) return "";
  return path.startsWith(`${dir}/`) ? path.slice(dir.length) : undefined;
}

/**
 * Patches `sys` (TypeScript's, shared with tslab's compiler host) so the mounts appear as
 * folders: files read from the real folder, parents of a mount exist, listings include it.
 */
export function mountCompilerPaths(sys: TsSys, mounts: readonly Mount[]): void {
  const original = {
    fileExists: sys.fileExists.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    readDirectory: sys.readDirectory.bind(sys),
    getDirectories: sys.getDirectories.bind(sys),
    realpath: sys.realpath?.bind(sys),
  };
  const toReal = (path: string): string => {
    const p = slashes(path);
    for (const mount of mounts) {
      const rest = within(p, mount.at);
      if (rest !== undefined) return mount.real + rest;
    }
    return path;
  };
  /** Names of mounts directly inside `dir`, and whether `dir` is a proper ancestor of a mount. */
  const mountChildren = (dir: string): string[] => {
    const d = slashes(dir).replace(/\/$/, "");
    const names: string[] = [];
    for (const mount of mounts) {
      const rest = within(mount.at, d);
      if (rest !== undefined && rest !== "") names.push(rest.slice(1).split("/")[0] ?? "");
    }
    return names;
  };
  sys.fileExists = (path) => original.fileExists(toReal(path));
  sys.directoryExists = (path) => original.directoryExists(toReal(path)) || mountChildren(path).length > 0;
  sys.readFile = (path, encoding) => original.readFile(toReal(path), encoding);
  sys.readDirectory = (path, extensions, exclude, include, depth) => {
    const real = toReal(path);
    const found = original.readDirectory(real, extensions, exclude, include, depth);
    return real === path ? found : found.map((file) => slashes(path) + slashes(file).slice(slashes(real).length));
  };
  sys.getDirectories = (path) => {
    const children = mountChildren(path);
    const real = toReal(path);
    const listed = original.directoryExists(real) ? original.getDirectories(real) : [];
    return [...new Set([...listed, ...children])];
  };
  if (original.realpath !== undefined) {
    const realpath = original.realpath;
    sys.realpath = (path) => realpath(toReal(path));
  }
}
