// Rebuilds dist/ with tsc when it is older than src/. Run under a lock (see dist.ts) so that
// parallel test files check and build one after the other and never read a half-written dist/.
"use strict";
const { execFileSync } = require("node:child_process");
const { existsSync, readdirSync, statSync } = require("node:fs");
const { join, resolve } = require("node:path");

const root = resolve(__dirname, "..", "..");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const marker = join(root, "dist", "index.js");
if (!existsSync(marker) || statSync(marker).mtimeMs < newestMtime(join(root, "src"))) {
  execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.json")], { cwd: root, stdio: "inherit" });
}
