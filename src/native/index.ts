/** The native side of the library: the addon's JS shape and its loader. */
export type * from "./addon-types";
export { ADDON_RELATIVE_PATH, EXPECTED_API_VERSION, addonPath, checkAddon, findPackageRoot, loadAddon, loadAddonFile } from "./load-addon";
