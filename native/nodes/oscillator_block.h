// oscillator_block.h: the oscillator's block loop for its simplest configuration, the one most
// graphs use: mode direct, oversample 1, no cache, mono, every parameter constant over the block
// (frame stride 0) and nothing recorded for a backward pass. It computes exactly what the
// general per-frame path (OscillatorNode::render_frame) computes, operation for operation, so
// the output is bit-identical (the tests compare both paths); it only drops the per-frame
// parameter reads, the waveform switch and the one-frame staging buffers.
#pragma once

#include <algorithm>
#include <cstdint>

#include "dsp/modular_phase.h"
#include "dsp/osc_wave.h"

namespace amp::oscillator {

// One lane's block: constant values (already hoisted) and where the samples go.
struct ConstantBlock {
    uint64_t cycle;  // modular phase units per cycle (dsp/modular_phase.h)
    uint64_t inc;    // phase increment per frame, units
    uint64_t offset; // phase offset, units
    double dt;       // PolyBLEP's increment in cycles (distance to a whole cycle)
    double width;    // pulse width, clamped to [0, 1]
    double amplitude;
    double clamp; // output clamp
};

template <dsp::Wave kWave, bool kBandLimited>
uint64_t render_constant_block(uint64_t phase, const ConstantBlock &block, double *out,
                               uint32_t frames) noexcept {
    for (uint32_t f = 0; f < frames; ++f) {
        phase = dsp::modular_add(phase, block.inc, block.cycle);
        const uint64_t p = dsp::modular_add(phase, block.offset, block.cycle);
        const double t = dsp::modular_cycles(p, block.cycle);
        const dsp::Phase fixed =
            kWave == dsp::Wave::Sine ? dsp::modular_to_fixed(p, block.cycle) : dsp::Phase{0};
        const double v = dsp::wave_sample(kWave, t, fixed, block.dt, block.width, kBandLimited);
        out[f] = block.amplitude * std::clamp(v, -block.clamp, block.clamp);
    }
    return phase;
}

// The loop above for a waveform and driver chosen at run time; returns the phase after the block.
inline uint64_t render_constant_block(dsp::Wave wave, bool band_limited, uint64_t phase,
                                      const ConstantBlock &block, double *out,
                                      uint32_t frames) noexcept {
    using dsp::Wave;
    switch (wave) {
    case Wave::Sine: return render_constant_block<Wave::Sine, false>(phase, block, out, frames);
    case Wave::Saw:
        return band_limited ? render_constant_block<Wave::Saw, true>(phase, block, out, frames)
                            : render_constant_block<Wave::Saw, false>(phase, block, out, frames);
    case Wave::Square:
        return band_limited ? render_constant_block<Wave::Square, true>(phase, block, out, frames)
                            : render_constant_block<Wave::Square, false>(phase, block, out, frames);
    case Wave::Triangle:
        return band_limited
                   ? render_constant_block<Wave::Triangle, true>(phase, block, out, frames)
                   : render_constant_block<Wave::Triangle, false>(phase, block, out, frames);
    }
    return phase;
}

} // namespace amp::oscillator
