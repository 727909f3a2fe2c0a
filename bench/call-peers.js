// The Faust programs the per-call benches set against our calls (bench/per-call.js times them,
// bench/call-instructions.js counts their instructions): the signal each computes and its
// flavour ("exact": the same maths as ours; "table": Faust's table-lookup os.osc).
"use strict";

const CALL_PEERS = [
  { name: "sine exact", signal: "sines:1", flavour: "exact" },
  { name: "sine os.osc", signal: "sines:1", flavour: "table" },
  { name: "*(0.5)", signal: "gain", flavour: "exact" },
  { name: "chain exact", signal: "chain", flavour: "exact" },
  { name: "chain os.osc", signal: "chain", flavour: "table" },
];

module.exports = { CALL_PEERS };
