/** Where this package is installed, and what it is called, for the kernel and its installer. */
import { join, resolve } from "node:path";

/** The package's root folder (holding package.json, dist/ and kernel/). */
export const PACKAGE_ROOT = resolve(__dirname, "..", "..");

/** The name cells import the library by. */
export const PACKAGE_NAME = "amp-kpn";

/** The package version from package.json. */
export function packageVersion(): string {
  return (require(join(PACKAGE_ROOT, "package.json")) as { version: string }).version;
}

/** The script `kernel.json` runs with node: it loads dist/kernel/launcher.js. */
export const LAUNCHER_SCRIPT = join(PACKAGE_ROOT, "kernel", "launch.js");

/** Ambient declarations of the cell globals (`display`), mounted as a virtual `@types` package. */
export const CELL_TYPES_DIR = join(PACKAGE_ROOT, "kernel", "cell-types");
