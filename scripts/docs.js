#!/usr/bin/env node
// `npm run docs [-- --out DIR]`: builds the documentation site (default docs/site/, git-ignored)
// from the README, docs/*.md and freshly executed tutorial notebooks, then checks every link;
// exits 1 when a tutorial fails or a link is broken.
"use strict";
const { resolve, join } = require("node:path");
const { parseArgs } = require("node:util");
const { buildSite } = require("../dist/docs-site/build-site.js");
const { errorLine } = require("../dist/cli/main.js");

const root = resolve(__dirname, "..");
const { values } = parseArgs({ options: { out: { type: "string" } } });
const out = resolve(values.out ?? join(root, "docs", "site"));

buildSite({ root, out, progress: (line) => process.stderr.write(`[docs] ${line}\n`) }).then(
  ({ pages, links }) => {
    console.log(`docs site: ${pages.length} pages in ${out}; open ${join(out, "index.html")}`);
    console.log(`links: ${links.checked} checked, ${links.broken.length} broken, ${links.external.length} external (not fetched)`);
    for (const b of links.broken) console.log(`  broken: ${b.page}: ${b.href}: ${b.reason}`);
    if (links.broken.length > 0) process.exitCode = 1;
  },
  (error) => {
    process.stderr.write(`npm run docs: ${errorLine(error)}\n`);
    process.exitCode = 1;
  },
);
