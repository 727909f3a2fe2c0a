#!/usr/bin/env node
// print-window-gains.js: the window table of docs/analysis.md (gains of 4096-point periodic
// windows, computed natively by windowFunction()). Run after `npm run build`.
"use strict";
const lib = require("../dist/index.js");

console.log("| window | coherent gain | energy gain | ENBW (bins) | scalloping loss (dB) |");
console.log("| --- | --- | --- | --- | --- |");
for (const name of lib.WINDOW_NAMES) {
  const w = lib.windowFunction(name, 4096);
  const label = name === "kaiser" ? "kaiser (beta 8.6)" : name;
  console.log(
    `| ${label} | ${w.coherentGain.toFixed(4)} | ${w.energyGain.toFixed(4)} | ${w.enbwBins.toFixed(4)} | ${w.scallopingLossDb.toFixed(3)} |`,
  );
}
