/**
 * Which kernel process runs a notebook: the kernelspec the notebook names
 * (`metadata.kernelspec.name`, default `amp-kpn`) when it is installed in one of Jupyter's data
 * folders and is an AMP KPN kernel; else, for the default name only, this package's launcher
 * started directly (`node kernel/launch.js --config-path {connection_file}`), so a notebook runs
 * with no kernelspec installed and no Python. Anything else is refused with what to do.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "../cli/args";
import { searchedDataDirs } from "../kernel/jupyter-paths";
import { DEFAULT_KERNEL_NAME, kernelJson, readOurKernelspec } from "../kernel/kernelspec";
import { LAUNCHER_SCRIPT } from "../kernel/package-root";
import type { Notebook } from "./nbformat";

/** How the runner starts the kernel. */
export interface KernelChoice {
  readonly name: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The kernelspec folder, or `"direct"` when the launcher is started without one. */
  readonly source: string;
}

/** The kernel for `notebook`, looked up in Jupyter's data folders of `env`. */
export function locateKernel(notebook: Notebook, env: NodeJS.ProcessEnv = process.env): KernelChoice {
  const named = notebook.metadata.kernelspec?.name;
  const name = typeof named === "string" && named !== "" ? named : DEFAULT_KERNEL_NAME;
  const dirs = searchedDataDirs(env);
  for (const dataDir of dirs) {
    const dir = join(dataDir, "kernels", name);
    if (!existsSync(join(dir, "kernel.json"))) continue;
    const ours = readOurKernelspec(dir, name);
    if (ours === undefined)
      throw usageError(
        `the notebook asks for kernel "${name}", and the kernelspec ${dir} is not an AMP KPN kernel: ` +
          `amp-kpn run executes notebooks of the AMP KPN kernel only (set the notebook's kernelspec to "${DEFAULT_KERNEL_NAME}")`,
      );
    if (!ours.launcherExists)
      throw usageError(
        `kernel "${name}" (${dir}) runs ${ours.launcher}, which does not exist: reinstall it with "npx amp-kpn kernel install"`,
      );
    const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8")) as { argv: string[]; env?: Record<string, string> };
    return { name, argv: spec.argv, env: spec.env ?? {}, source: dir };
  }
  if (name !== DEFAULT_KERNEL_NAME)
    throw usageError(
      `no kernel named "${name}" (the notebook's metadata.kernelspec.name) in ${dirs.map((d) => join(d, "kernels")).join(", ")}: ` +
        `install it with "npx amp-kpn kernel install --name ${name}", or set the notebook's kernelspec to "${DEFAULT_KERNEL_NAME}"`,
    );
  if (!existsSync(LAUNCHER_SCRIPT)) throw usageError(`the kernel launcher ${LAUNCHER_SCRIPT} is missing: reinstall amp-kpn`);
  return { name, argv: kernelJson(name).argv, env: {}, source: "direct" };
}
