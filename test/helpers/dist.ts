// Helpers for tests that need dist/ (the compiled library) or the compiled addon.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");

/** Makes sure dist/ reflects src/ (runs tsc when stale), serialised across test workers by a lock. */
export function ensureDist(): void {
  execFileSync("flock", ["/tmp/amp-ts-build.lock", process.execPath, join(__dirname, "ensure-dist.cjs")], { cwd: ROOT, stdio: "pipe" });
}
