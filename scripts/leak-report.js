#!/usr/bin/env node
// Reads a valgrind memcheck XML report (scripts/leak-check.sh) and fails when an error or a
// definitely / indirectly lost block has a stack frame in this project's addon (amp_kpn.node);
// prints the counts either way.
"use strict";
const { readFileSync } = require("node:fs");

const xml = readFileSync(process.argv[2], "utf8");
const errors = [...xml.matchAll(/<error>([\s\S]*?)<\/error>/g)].map((m) => m[1]);
const kind = (e) => (/<kind>([^<]*)<\/kind>/.exec(e) ?? [])[1] ?? "";
const ours = (e) => /<obj>[^<]*amp_kpn\.node<\/obj>/.test(e);
const bytes = (e) => Number((/<leakedbytes>(\d+)<\/leakedbytes>/.exec(e) ?? [])[1] ?? 0);
const leaks = errors.filter((e) => kind(e).startsWith("Leak_"));
const found = errors.filter(ours);
const total = (list) => list.reduce((sum, e) => sum + bytes(e), 0);
console.log(
  `leak check: ${leaks.length} leak records in the process (${total(leaks)} bytes, Node/V8 included), ` +
    `${found.length} through amp_kpn.node (${total(found)} bytes); ${errors.length - leaks.length} other memcheck errors`,
);
for (const e of found) {
  const what = (/<what>([^<]*)<\/what>|<text>([^<]*)<\/text>/.exec(e) ?? []).slice(1).find(Boolean) ?? kind(e);
  const frames = [...e.matchAll(/<fn>([^<]*)<\/fn>/g)].map((m) => m[1]).slice(0, 12);
  console.error(`${kind(e)}: ${what}\n    ${frames.join("\n    ")}`);
}
process.exit(found.length === 0 ? 0 : 1);
