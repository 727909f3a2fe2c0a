/** `amp-kpn kernel install|uninstall|list`: the Jupyter kernelspec of this package. */
import { parseArgs } from "node:util";
import { findJupyter, JUPYTER_MISSING, prefixDataDir, searchedDataDirs, userDataDir } from "../kernel/jupyter-paths";
import { DEFAULT_DISPLAY_NAME, DEFAULT_KERNEL_NAME, installKernelspec, listKernelspecs, uninstallKernelspec } from "../kernel/kernelspec";
import { usageError } from "./args";

export const KERNEL_USAGE = `amp-kpn kernel install [--user | --prefix P] [--name N] [--display-name D]
  installs the Jupyter kernel (kernel.json and logos; no Python needed)
  --user           in the per-user Jupyter folder (default), e.g. ~/.local/share/jupyter/kernels/N
  --prefix P       in P/share/jupyter/kernels/N (Jupyter finds it with JUPYTER_PATH=P/share/jupyter)
  --name N         kernel name (default "${DEFAULT_KERNEL_NAME}")
  --display-name D name in Jupyter's menus (default "${DEFAULT_DISPLAY_NAME}")
amp-kpn kernel uninstall [--user | --prefix P] [--name N]
  removes a kernel this package installed
amp-kpn kernel list [--prefix P]
  lists this package's kernels in Jupyter's folders (and P/share/jupyter)`;

const LOCATION = { user: { type: "boolean" }, prefix: { type: "string" } } as const;

function dataDirOf(values: { user?: boolean | undefined; prefix?: string | undefined }): string {
  if (values.user === true && values.prefix !== undefined) throw usageError("--user and --prefix exclude each other");
  if (values.prefix !== undefined) {
    if (values.prefix === "") throw usageError("--prefix expects a folder");
    return prefixDataDir(values.prefix);
  }
  return userDataDir();
}

function cliError(error: unknown): Error {
  return usageError(error instanceof Error ? error.message : String(error));
}

/** Runs `kernel <subcommand> ...`. */
export async function kernelCommand(args: readonly string[], print: (line: string) => void): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "install") {
    const { values } = parseArgs({
      args: rest,
      options: { ...LOCATION, name: { type: "string" }, "display-name": { type: "string" } },
    });
    const displayName = values["display-name"] ?? DEFAULT_DISPLAY_NAME;
    if (displayName.trim() === "") throw usageError("--display-name expects a non-empty name");
    let dir: string;
    try {
      dir = installKernelspec(dataDirOf(values), values.name ?? DEFAULT_KERNEL_NAME, displayName);
    } catch (error) {
      throw cliError(error);
    }
    print(`installed kernel "${values.name ?? DEFAULT_KERNEL_NAME}" (${displayName}) in ${dir}`);
    if (values.prefix !== undefined) print(`Jupyter finds it with JUPYTER_PATH=${prefixDataDir(values.prefix)}`);
    if (findJupyter() === undefined) print(`note: ${JUPYTER_MISSING}`);
    return;
  }
  if (sub === "uninstall") {
    const { values } = parseArgs({ args: rest, options: { ...LOCATION, name: { type: "string" } } });
    let dir: string;
    try {
      dir = uninstallKernelspec(dataDirOf(values), values.name ?? DEFAULT_KERNEL_NAME);
    } catch (error) {
      throw cliError(error);
    }
    print(`removed kernel "${values.name ?? DEFAULT_KERNEL_NAME}" from ${dir}`);
    return;
  }
  if (sub === "list") {
    const { values } = parseArgs({ args: rest, options: { prefix: { type: "string" } } });
    const dirs = values.prefix === undefined ? searchedDataDirs() : [prefixDataDir(values.prefix), ...searchedDataDirs()];
    const found = listKernelspecs(dirs);
    if (found.length === 0) print("no AMP KPN kernel installed (run `amp-kpn kernel install`)");
    for (const spec of found) {
      const origin = spec.thisPackage
        ? "this package"
        : spec.launcherExists
          ? `another copy: ${spec.launcher}`
          : `missing launcher: ${spec.launcher}`;
      print(`${spec.name}  ${JSON.stringify(spec.displayName)}  ${spec.dir}  (${origin})`);
    }
    const jupyter = findJupyter();
    print(jupyter === undefined ? JUPYTER_MISSING : `jupyter: ${jupyter}`);
    return;
  }
  throw usageError(`kernel expects install, uninstall or list, got ${sub === undefined ? "nothing" : JSON.stringify(sub)}`);
}
