// The addon's module-level functions, loaded through src/native/load-addon.ts.
import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { AmpError } from "../src/errors";
import type { NativeAddon } from "../src/native/addon-types";
import {
  ADDON_RELATIVE_PATH,
  EXPECTED_API_VERSION,
  addonPath,
  checkAddon,
  findPackageRoot,
  loadAddon,
  loadAddonFile,
} from "../src/native/load-addon";

describe("loadAddon", () => {
  it("finds the package root from src/native and loads the addon once", () => {
    const root = findPackageRoot(path.join(__dirname, "..", "src", "native"));
    expect(fs.existsSync(path.join(root, "package.json"))).toBe(true);
    expect(addonPath()).toBe(path.join(root, ADDON_RELATIVE_PATH));
    expect(loadAddon()).toBe(loadAddon());
  });

  it("reports the expected C ABI version", () => {
    expect(loadAddon().apiVersion()).toBe(EXPECTED_API_VERSION);
  });

  it("refuses an addon built for another C ABI version", () => {
    let registered = false;
    const stale = {
      apiVersion: () => EXPECTED_API_VERSION + 1,
      setErrorClass: () => {
        registered = true;
      },
    } as unknown as NativeAddon;
    let error: unknown;
    try {
      checkAddon(stale, "/somewhere/amp_kpn.node");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AmpError);
    expect(error).toMatchObject({ code: "AMP_ERR_UNSUPPORTED", status: -4, stage: "load" });
    expect((error as AmpError).message).toContain(
      `C ABI version ${EXPECTED_API_VERSION + 1} but this library expects version ${EXPECTED_API_VERSION}`,
    );
    expect(registered).toBe(false);
  });

  it("explains a missing addon file", () => {
    const missing = path.join(findPackageRoot(), "build", "NoSuchConfig", "amp_kpn.node");
    expect(() => loadAddonFile(missing)).toThrow(AmpError);
    expect(() => loadAddonFile(missing)).toThrow(/npm run build:native/);
  });
});

describe("statusName", () => {
  it("names every status of the table", () => {
    const addon = loadAddon();
    expect(addon.statusName(0)).toBe("AMP_OK");
    expect(addon.statusName(-1)).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect(addon.statusName(-2)).toBe("AMP_ERR_SHAPE_MISMATCH");
    expect(addon.statusName(-3)).toBe("AMP_ERR_UNKNOWN_NODE_TYPE");
    expect(addon.statusName(-4)).toBe("AMP_ERR_UNSUPPORTED");
    expect(addon.statusName(-5)).toBe("AMP_ERR_PENDING");
    expect(addon.statusName(-6)).toBe("AMP_ERR_CANCELLED");
    expect(addon.statusName(-7)).toBe("AMP_ERR_INTERNAL");
  });

  it("throws a TypeError naming the argument for a non-integer", () => {
    const addon = loadAddon() as unknown as { statusName(code: unknown): string };
    expect(() => addon.statusName("x")).toThrow(TypeError);
    expect(() => addon.statusName(1.5)).toThrow(/statusName: argument "code" must be an integer/);
  });
});

describe("nodeCatalog", () => {
  it("is JSON describing every node type", () => {
    const catalog: unknown = JSON.parse(loadAddon().nodeCatalog());
    expect(typeof catalog).toBe("object");
    const text = JSON.stringify(catalog);
    for (const type of ["constant", "gain", "mix", "delay", "safety", "sine_osc"]) {
      expect(text).toContain(`"${type}"`);
    }
  });
});

describe("setErrorClass", () => {
  it("accepts only a function", () => {
    const addon = loadAddon() as unknown as { setErrorClass(value: unknown): void };
    expect(() => addon.setErrorClass({})).toThrow(/setErrorClass: argument "errorClass" must be a function/);
    // The registration in force is still AmpError.
    expect(() => loadAddon().createRuntime("{")).toThrow(AmpError);
  });
});
