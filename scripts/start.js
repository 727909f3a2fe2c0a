#!/usr/bin/env node
// `npm start`: runs notebooks/tour.ipynb through the headless runner (the AMP KPN kernel over
// ZeroMQ, no Python needed) and writes out/tour.ipynb, out/tour.html and out/tour.wav, then
// says where they are and how to open the kernel in Jupyter.
"use strict";
const { mkdirSync } = require("node:fs");
const { resolve, join } = require("node:path");
const { runCommand } = require("../dist/cli/run-command.js");
const { errorLine } = require("../dist/cli/main.js");

const root = resolve(__dirname, "..");
const out = join(root, "out");
const wav = join(out, "tour.wav");
mkdirSync(out, { recursive: true });

runCommand([join(root, "notebooks", "tour.ipynb"), "--out", out, "--html", "--param", `wavFile=${wav}`], () => undefined).then(
  (files) => {
    console.log("The tour ran through the AMP KPN kernel:");
    console.log(`  executed notebook  ${files.notebook}`);
    console.log(`  HTML page          ${files.html}   (open it in a browser: figures and audio work offline)`);
    console.log(`  audio              ${wav}`);
    console.log("");
    console.log("To use the kernel in Jupyter (Notebook, JupyterLab, VS Code):");
    console.log('  npx amp-kpn kernel install        # then pick "AMP KPN (TypeScript)" and open notebooks/tour.ipynb');
    console.log("Run any notebook headless: npx amp-kpn run <notebook.ipynb> --html");
  },
  (error) => {
    process.stderr.write(`npm start: ${errorLine(error)}\n`);
    process.exitCode = 1;
  },
);
