// per-call.js (section "calls"): the cost of one call at one frame, the seed's usual
// invocation. amp_run_node_v2 with frames = 1 (gain, sine_osc) and a graph execute at block 1
// (sine -> gain -> safety), against Faust's compute(1) on the same programs; one call per frame,
// through the same harness (bench/native/block_timing.h).
"use strict";
const faust = require("./faust-peer.js");
const { CALL_PEERS } = require("./call-peers.js");
const { runOurs } = require("./native-programs.js");
const { printTable, interleave, ratioText, medianSeconds, fixed, sci, printChecks } = require("./stats.js");

// Calls per timed pass: 2 s at 48 kHz for the rows with metrics (about 1.5 µs a call), 20 s for
// the others and for Faust, whose calls take a few to a few dozen nanoseconds: at 2 s their
// timed pass (2 to 5 ms) would sit in the clock's and the scheduler's noise. Both sides report
// time per call.
const CALLS = 48000 * 2;
const FAST_CALLS = CALLS * 10;
const PEER_CALLS = FAST_CALLS;

const OURS = [
  { name: "amp_run_node_v2 sine_osc", mode: "node", signal: "sines:1", calls: CALLS, peers: ["Faust sine exact", "Faust sine os.osc"] },
  {
    name: "amp_run_node_v2 sine_osc, metrics NULL",
    mode: "node-nometrics",
    signal: "sines:1",
    calls: FAST_CALLS,
    peers: ["Faust sine exact", "Faust sine os.osc"],
  },
  { name: "amp_run_node_v2 gain", mode: "node", signal: "gain", calls: CALLS, peers: ["Faust *(0.5)"] },
  { name: "amp_run_node_v2 gain, metrics NULL", mode: "node-nometrics", signal: "gain", calls: FAST_CALLS, peers: ["Faust *(0.5)"] },
  {
    name: "graph execute sine->gain->safety",
    mode: "execute",
    signal: "chain",
    calls: FAST_CALLS,
    peers: ["Faust chain exact", "Faust chain os.osc"],
  },
];
const PEERS = CALL_PEERS.map((peer) => ({ ...peer, name: `Faust ${peer.name}` }));

module.exports = async function perCall({ rounds }) {
  const missing = faust.unavailable();
  console.log(
    `\n## Per-call cost at one frame: one call per frame at 48 kHz, ${CALLS} calls (ours with metrics), ${FAST_CALLS} (ours without, and the graph), ${PEER_CALLS} (Faust)`,
  );
  console.log(`${rounds} interleaved rounds; time ratio = our time / peer time per round, median (min–max).`);
  const systems = OURS.map((o) => ({ name: o.name, run: () => runOurs(o.mode, o.signal, 1, o.calls) }));
  if (missing === undefined) {
    for (const p of PEERS) systems.push({ name: p.name, run: () => faust.run(p.signal, p.flavour, 1, PEER_CALLS) });
  }
  const results = await interleave(systems, rounds);
  const perCallUs = (runs) => fixed((medianSeconds(runs) / runs[0].raw.calls) * 1e6, 3);
  const rows = [];
  for (const ours of OURS) {
    for (const peer of ours.peers) {
      const mine = results.get(ours.name);
      const theirs = results.get(peer);
      rows.push({
        ours: ours.name,
        "ours µs/call": perCallUs(mine),
        "ours max err": sci(Math.max(...mine.map((r) => r.check.maxError))),
        peer: `${peer} compute(1)`,
        "peer µs/call": theirs ? perCallUs(theirs) : "absent",
        "peer max err": theirs ? sci(Math.max(...theirs.map((r) => r.check.maxError))) : "absent",
        "time ratio ours/peer": theirs ? ratioText(mine, theirs) : "n/a",
      });
    }
  }
  printTable(rows);
  if (missing !== undefined) console.log(`Faust peer absent: ${missing}; its rows say so.`);
  console.log("amp_run_node_v2 per call: state kept, output buffer copied out and released with amp_free (as a host must).");
  return printChecks("Output checks against the exact signal (worst over all rounds):", [...results]);
};
