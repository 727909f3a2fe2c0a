/**
 * What identifies the native runtime a process renders with: the C ABI version the addon
 * reports (`amp_api_version()`) and a build id, the lower-case hex sha256 of the addon file
 * (`build/Release/amp_kpn.node`) itself. The same build id means the same compiled code (and,
 * with the same graph JSON, the same samples bit for bit); any rebuild with other sources,
 * flags or compiler changes it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { addonPath, loadAddon } from "./load-addon";

/** The native runtime's identity. */
export interface NativeBuildInfo {
  /** `AMP_API_VERSION` of the loaded addon. */
  readonly apiVersion: number;
  /** sha256 (hex) of the addon file. */
  readonly buildId: string;
  /** Where the addon file is. */
  readonly addonFile: string;
}

let cached: NativeBuildInfo | undefined;

/** The loaded addon's API version and build id (loads the addon; the file hash is computed once). */
export function nativeBuildInfo(): NativeBuildInfo {
  if (cached === undefined) {
    const addonFile = addonPath();
    const apiVersion = loadAddon().apiVersion();
    cached = { apiVersion, buildId: createHash("sha256").update(readFileSync(addonFile)).digest("hex"), addonFile };
  }
  return cached;
}
