// A kernelspec installed by the CLI (`amp-kpn kernel install --prefix`) into a temp prefix, for
// tests that start the kernel the way Jupyter does.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist, ROOT } from "./dist";

export interface InstalledKernel {
  /** The temp prefix (remove it when done). */
  readonly prefix: string;
  /** The kernelspec folder (holds kernel.json). */
  readonly specDir: string;
}

/** A fresh temp prefix; the kernel is installed there by {@link installKernel}. */
export function kernelPrefix(name: string): InstalledKernel {
  const prefix = mkdtempSync(join(tmpdir(), `${name}-prefix-`));
  return { prefix, specDir: join(prefix, "share", "jupyter", "kernels", name) };
}

/** Builds dist/ when stale and installs the kernelspec; throws with the CLI's stderr when it fails or writes to stderr. */
export function installKernel(kernel: InstalledKernel): void {
  ensureDist();
  const name = kernel.specDir.split("/").pop() ?? "";
  const install = spawnSync(
    process.execPath,
    [join(ROOT, "dist", "cli", "main.js"), "kernel", "install", "--prefix", kernel.prefix, "--name", name],
    { encoding: "utf8" },
  );
  if (install.status !== 0 || install.stderr !== "") throw new Error(`kernel install exited ${String(install.status)}: ${install.stderr}`);
}
