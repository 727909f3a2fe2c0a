/**
 * The kernelspec (`<data dir>/kernels/<name>/kernel.json` plus logos), written and removed by
 * this package itself: no Python or IPython needed. kernel.json runs this package's launcher
 * with the node that installed it (the native addon is built for that node).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LAUNCHER_SCRIPT } from "./package-root";
import { logoPng } from "./logo";

/** The default kernel name (folder name under kernels/). */
export const DEFAULT_KERNEL_NAME = "amp-kpn";
/** The default name shown in Jupyter's launcher and kernel menu. */
export const DEFAULT_DISPLAY_NAME = "AMP KPN (TypeScript)";

/** The files a kernelspec of this package holds (all removed by uninstall, nothing else). */
export const KERNELSPEC_FILES = ["kernel.json", "logo-32x32.png", "logo-64x64.png"] as const;

/** Contents of kernel.json. */
export interface KernelJson {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
}

/** Throws unless `name` is a valid kernel name (letters, digits, `.`, `_`, `-`, as Jupyter requires). */
export function checkKernelName(name: string): string {
  if (!/^[a-z0-9._-]+$/i.test(name))
    throw new Error(`kernel name ${JSON.stringify(name)} is invalid: use letters, digits, ".", "_" and "-" only`);
  return name;
}

/** The kernel.json this package installs. */
export function kernelJson(displayName: string, launcher: string = LAUNCHER_SCRIPT): KernelJson {
  return {
    argv: [process.execPath, launcher, "--config-path", "{connection_file}"],
    display_name: displayName,
    language: "typescript",
    interrupt_mode: "signal",
  };
}

/** Writes `<dataDir>/kernels/<name>/` (replacing a previous install); returns the folder. */
export function installKernelspec(dataDir: string, name: string, displayName: string): string {
  const dir = join(dataDir, "kernels", checkKernelName(name));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), `${JSON.stringify(kernelJson(displayName), null, 2)}\n`);
  writeFileSync(join(dir, "logo-32x32.png"), logoPng(32));
  writeFileSync(join(dir, "logo-64x64.png"), logoPng(64));
  return dir;
}

/** A kernelspec found on disk. */
export interface FoundKernelspec {
  readonly name: string;
  readonly dir: string;
  readonly displayName: string;
  /** The launcher script kernel.json runs. */
  readonly launcher: string;
  /** True when that launcher is this copy of the package. */
  readonly thisPackage: boolean;
  /** True when the launcher script exists. */
  readonly launcherExists: boolean;
}

/** Reads `<dir>/kernel.json`; undefined when it is missing, unreadable or not one of this package's. */
export function readOurKernelspec(dir: string, name: string): FoundKernelspec | undefined {
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8"));
  } catch {
    return undefined;
  }
  const argv = (spec as { argv?: unknown }).argv;
  const launcher = Array.isArray(argv) ? argv[1] : undefined;
  if (typeof launcher !== "string" || !/[/\\]kernel[/\\]launch\.js$/.test(launcher)) return undefined;
  const displayName = (spec as { display_name?: unknown }).display_name;
  return {
    name,
    dir,
    displayName: typeof displayName === "string" ? displayName : name,
    launcher,
    thisPackage: launcher === LAUNCHER_SCRIPT,
    launcherExists: existsSync(launcher),
  };
}

/** This package's kernelspecs in the given data folders. */
export function listKernelspecs(dataDirs: readonly string[]): FoundKernelspec[] {
  const found: FoundKernelspec[] = [];
  for (const dataDir of dataDirs) {
    const kernels = join(dataDir, "kernels");
    let names: string[];
    try {
      names = readdirSync(kernels).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const spec = readOurKernelspec(join(kernels, name), name);
      if (spec !== undefined) found.push(spec);
    }
  }
  return found;
}

/**
 * Removes `<dataDir>/kernels/<name>/` when it is one of this package's kernelspecs (only the
 * files this package writes; the folder too when then empty). Throws when there is none.
 */
export function uninstallKernelspec(dataDir: string, name: string): string {
  const dir = join(dataDir, "kernels", checkKernelName(name));
  if (!existsSync(join(dir, "kernel.json"))) throw new Error(`no kernel ${JSON.stringify(name)} in ${join(dataDir, "kernels")}`);
  if (readOurKernelspec(dir, name) === undefined)
    throw new Error(
      `kernel ${JSON.stringify(name)} in ${dir} is not an AMP KPN kernel (its kernel.json does not run kernel/launch.js): left alone`,
    );
  for (const file of KERNELSPEC_FILES) rmSync(join(dir, file), { force: true });
  if (readdirSync(dir).length === 0) rmdirSync(dir);
  return dir;
}
