#!/usr/bin/env node
// Writes src/nodes/generated.ts and docs/nodes.md from the native node catalogue.
//
//   npm run generate                    catalogue from the compiled addon (build/Release/amp_kpn.node)
//   node scripts/generate-node-types.js --catalog file.json    catalogue from a JSON file
//   node scripts/generate-node-types.js --check                exit 1 when the files are stale
//
// The generator itself is the pure function generateNodeFiles in src/nodes/codegen.ts; this script
// uses its compiled form (dist/nodes/codegen.js), so run `npm run build:ts` first.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");

const root = path.resolve(__dirname, "..");

function loadCatalogJson(catalogPath) {
  if (catalogPath !== undefined) return fs.readFileSync(catalogPath, "utf8");
  const addonPath = path.join(root, "build", "Release", "amp_kpn.node");
  if (!fs.existsSync(addonPath)) {
    throw new Error(`no compiled addon at ${addonPath}: run \`npm run build:native\` first (or pass --catalog file.json)`);
  }
  return require(addonPath).nodeCatalog();
}

function main() {
  const { values } = parseArgs({
    options: { catalog: { type: "string" }, check: { type: "boolean", default: false } },
  });
  const codegenPath = path.join(root, "dist", "nodes", "codegen.js");
  if (!fs.existsSync(codegenPath)) {
    throw new Error(`${codegenPath} is missing: run \`npm run build:ts\` first`);
  }
  const { generateNodeFiles, parseCatalog } = require(codegenPath);
  const files = generateNodeFiles(parseCatalog(loadCatalogJson(values.catalog)));
  let stale = 0;
  for (const [relative, text] of Object.entries(files)) {
    const target = path.join(root, relative);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (current === text) continue;
    stale += 1;
    if (values.check) {
      console.error(`stale: ${relative}`);
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
      console.log(`wrote ${relative}`);
    }
  }
  if (values.check && stale > 0) process.exitCode = 1;
  if (stale === 0) console.log("generated files are up to date");
}

try {
  main();
} catch (error) {
  console.error(`generate-node-types: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
