/**
 * Jupyter's data folders, as jupyter_core computes them (without Python): where `kernels/<name>`
 * folders are installed and searched.
 */
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { accessSync, constants } from "node:fs";

/** The per-user data folder: $JUPYTER_DATA_DIR, else the platform default (e.g. ~/.local/share/jupyter). */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env["JUPYTER_DATA_DIR"];
  if (explicit !== undefined && explicit !== "") return explicit;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(env["APPDATA"] ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  const xdg = env["XDG_DATA_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".local", "share"), "jupyter");
}

/** The data folder of an install prefix: `<prefix>/share/jupyter`. */
export function prefixDataDir(prefix: string): string {
  return join(prefix, "share", "jupyter");
}

/** Every folder Jupyter searches for kernels, in its order: JUPYTER_PATH, the user folder, the system folders. */
export function searchedDataDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env["JUPYTER_PATH"] ?? "").split(delimiter).filter((dir) => dir !== "");
  const system =
    process.platform === "win32"
      ? [join(env["PROGRAMDATA"] ?? "C:\\ProgramData", "jupyter")]
      : ["/usr/local/share/jupyter", "/usr/share/jupyter"];
  return [...new Set([...fromEnv, userDataDir(env), ...system])];
}

/** The `jupyter` command on PATH, or undefined when Jupyter is not installed. */
export function findJupyter(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === "win32" ? ["jupyter.exe", "jupyter.cmd"] : ["jupyter"];
  for (const dir of (env["PATH"] ?? "").split(delimiter)) {
    if (dir === "") continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The message shown when Jupyter is missing. */
export const JUPYTER_MISSING =
  "Jupyter is not installed (no `jupyter` command on PATH). Install it to use the kernel: " +
  "`sudo apt-get install jupyter-notebook` on Debian/Ubuntu, or `pip install notebook`.";
