#!/usr/bin/env node
// The AMP KPN kernel process, run by Jupyter through kernel.json:
//   node kernel/launch.js --config-path {connection_file}
// The kernel itself is TypeScript compiled to dist/kernel/ (sources in src/kernel/).
"use strict";
const status = require("../dist/kernel/launcher.js").main(process.argv.slice(2));
if (status !== undefined) process.exit(status);
