/**
 * Loads the compiled addon (`build/Release/amp_kpn.node`), checks its C ABI version and registers
 * {@link AmpError} as the class every native failure is thrown as. The addon is loaded once per
 * module instance and cached; graph building never calls this.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

import { AmpError } from "../errors";
import type { NativeAddon } from "./addon-types";

/** The `AMP_API_VERSION` of `native/include/amp_native.h` this library was written against. */
export const EXPECTED_API_VERSION = 3;

/** Location of the addon relative to the package root. */
export const ADDON_RELATIVE_PATH = path.join("build", "Release", "amp_kpn.node");

let cachedAddon: NativeAddon | undefined;

/**
 * The package root: the nearest folder at or above `start` that holds a `package.json`.
 * Works from `src/native` (vitest, ts sources) and from `dist/native` (compiled output) alike.
 * @param start - folder to start from; defaults to this module's folder
 */
export function findPackageRoot(start: string = __dirname): string {
  let folder = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(folder, "package.json"))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) {
      throw new AmpError(`amp-kpn: no package.json found at or above ${start}`, {
        code: -7,
        codeName: "AMP_ERR_INTERNAL",
        stage: "load",
        node: "",
        detail: `no package.json found at or above ${start}`,
      });
    }
    folder = parent;
  }
}

/** Absolute path of the addon file this package loads. */
export function addonPath(): string {
  return path.join(findPackageRoot(), ADDON_RELATIVE_PATH);
}

/**
 * The addon, loaded on first use and cached. Throws an {@link AmpError} (stage `"load"`) when
 * the file cannot be loaded (status -7, `AMP_ERR_INTERNAL`: build it with
 * `npm run build:native`) or was built for another C ABI version (status -4,
 * `AMP_ERR_UNSUPPORTED`: rebuild it).
 */
export function loadAddon(): NativeAddon {
  if (cachedAddon === undefined) cachedAddon = loadAddonFile(addonPath());
  return cachedAddon;
}

/**
 * Loads the addon at `file` (not cached), then checks and registers it as {@link checkAddon}
 * does. Errors as {@link loadAddon}.
 * @param file - absolute path of an `amp_kpn.node`
 */
export function loadAddonFile(file: string): NativeAddon {
  let addon: NativeAddon;
  try {
    addon = createRequire(file)(file) as NativeAddon;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const detail = `cannot load the native addon ${file} (${reason}); build it with "npm run build:native"`;
    throw new AmpError(`amp-kpn: ${detail}`, {
      code: -7,
      codeName: "AMP_ERR_INTERNAL",
      stage: "load",
      node: "",
      detail,
    });
  }
  return checkAddon(addon, file);
}

/**
 * Checks that `addon` implements {@link EXPECTED_API_VERSION} and registers {@link AmpError} as
 * its error class; returns it. Throws an {@link AmpError} (status -4, `AMP_ERR_UNSUPPORTED`,
 * stage `"load"`) on a version mismatch.
 * @param addon - the loaded module
 * @param file - where it was loaded from, for the message
 */
export function checkAddon(addon: NativeAddon, file: string): NativeAddon {
  const version = addon.apiVersion();
  if (version !== EXPECTED_API_VERSION) {
    const detail =
      `the native addon ${file} implements C ABI version ${version} but this library expects ` +
      `version ${EXPECTED_API_VERSION}; rebuild it with "npm run build:native"`;
    throw new AmpError(`amp-kpn: ${detail}`, {
      code: -4,
      codeName: "AMP_ERR_UNSUPPORTED",
      stage: "load",
      node: "",
      detail,
    });
  }
  addon.setErrorClass(AmpError);
  return addon;
}
