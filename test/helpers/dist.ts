// Builds dist/ (tsc) when it is older than src/, under a lock so parallel test files build once.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  const marker = join(ROOT, "dist", "index.js");
  return existsSync(marker) && statSync(marker).mtimeMs >= newestMtime(join(ROOT, "src"));
}

/** Makes sure dist/ reflects src/ (runs `tsc -p tsconfig.json` when stale). */
export function ensureDist(): void {
  if (upToDate()) return;
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  execFileSync("flock", ["/tmp/amp-ts-build.lock", process.execPath, tsc, "-p", join(ROOT, "tsconfig.json")], { cwd: ROOT, stdio: "pipe" });
}

/** True when the compiled addon exists. */
export function addonBuilt(): boolean {
  return existsSync(join(ROOT, "build", "Release", "amp_kpn.node"));
}
