/** The identity a sweep job carries and a worker checks: package version, C ABI version and addon build id. */
import { join } from "node:path";
import { nativeBuildInfo } from "../native/build-info";
import type { JobRuntime } from "./job";

/** This process's runtime identity (loads the addon). */
export function runtimeIdentity(): JobRuntime {
  const info = nativeBuildInfo();
  const packageVersion = (require(join(__dirname, "..", "..", "package.json")) as { version: string }).version;
  return { packageVersion, apiVersion: info.apiVersion, buildId: info.buildId };
}

/** Why a job from `sender` must not run here, or undefined when the identities match. */
export function runtimeMismatch(sender: unknown, own: JobRuntime): string | undefined {
  const s = sender as Partial<JobRuntime> | undefined;
  if (typeof s !== "object" || s === null) return "the job carries no runtime identity";
  const wanted = `amp-kpn ${String(s.packageVersion)}, C ABI ${String(s.apiVersion)}, build ${String(s.buildId).slice(0, 12)}`;
  const have = `amp-kpn ${own.packageVersion}, C ABI ${own.apiVersion}, build ${own.buildId.slice(0, 12)}`;
  if (s.packageVersion !== own.packageVersion || s.apiVersion !== own.apiVersion || s.buildId !== own.buildId)
    return `runtime mismatch: the sweep was sent by ${wanted} but this worker runs ${have}; results would not be bit-identical, so the worker refuses the job (run workers from the same build)`;
  return undefined;
}
