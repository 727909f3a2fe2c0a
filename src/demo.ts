/** The built-in demo graph (`amp-kpn demo`, `npm start`). */
import { graph, type Graph } from "./graph/graph";
import { gain, mix, safety, sineOsc } from "./nodes/generated";

/**
 * Two detuned sines (220 Hz and 221.5 Hz, a 1.5 Hz beat) through gains into a two-channel mix and
 * a safety node (DC blocker and clip at 0.9); a 0.25 Hz sine slowly modulates the second gain.
 */
export function demoGraph(): Graph {
  return graph()
    .add("osc_a", sineOsc({ frequency: 220, amplitude: 0.5 }))
    .add("osc_b", sineOsc({ frequency: 221.5, amplitude: 0.5 }))
    .add("lfo", sineOsc({ frequency: 0.25, amplitude: 0.2 }))
    .add("gain_a", gain({ gain: 0.6 }))
    .add("gain_b", gain({ gain: 0.5 }))
    .add("mix", mix({ channels: 2 }))
    .add("safety", safety({ limit: 0.9 }))
    .chain("osc_a", "gain_a", "mix", "safety")
    .chain("osc_b", "gain_b", "mix")
    .modulate("lfo", "gain_b.gain", { mode: "add", scale: 1 })
    .output("safety");
}
