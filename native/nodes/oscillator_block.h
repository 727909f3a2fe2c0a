// oscillator_block.h: the oscillator's block loops for its most used configuration: mode
// direct, oversample 1, no cache, mono, nothing recorded for a backward pass. They compute
// exactly what the general per-frame path (OscillatorNode::render_frame) computes, operation
// for operation, so the output is bit-identical (test_oscillator compares both paths); they only
// drop the waveform switch (a template argument here), the one-frame staging buffers and, when
// every parameter is constant over the block, the per-frame parameter reads.
// Saw, square and triangle run in passes over chunks of frames instead (oscillator_lanes.h):
// the phases, the naive wave four frames at a time, then wave_sample itself only on the frames
// where a PolyBLEP / BLAMP residual is not zero; the same bits.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "dsp/modular_phase.h"
#include "dsp/osc_wave.h"
#include "nodes/oscillator_direct.h"
#include "nodes/oscillator_lanes.h"

namespace amp::oscillator {

// Every parameter constant over the block: the reset (constant) acts on the first frame only.
template <dsp::Wave kWave, bool kBandLimited>
void render_constant_block(DirectLane &lane, const DirectRows &rows, double *out,
                           uint32_t frames) noexcept {
    const double reset = rows.reset[0];
    if (reset > 0.5 && lane.reset_high == 0.0) lane.phase = 0;
    lane.reset_high = reset > 0.5 ? 1.0 : 0.0;
    const double width = std::clamp(rows.width[0], 0.0, 1.0);
    const double amplitude = rows.amplitude[0];
    uint64_t phase = lane.phase;
    for (uint32_t f = 0; f < frames; ++f) {
        phase = dsp::modular_add(phase, rows.inc, rows.cycle);
        const uint64_t p = dsp::modular_add(phase, rows.offset_units, rows.cycle);
        const double t = dsp::modular_cycles(p, rows.cycle);
        const dsp::Phase fixed =
            kWave == dsp::Wave::Sine ? dsp::modular_to_fixed(p, rows.cycle) : dsp::Phase{0};
        const double v = dsp::wave_sample(kWave, t, fixed, rows.dt, width, kBandLimited);
        out[f] = amplitude * std::clamp(v, -rows.clamp, rows.clamp);
    }
    lane.phase = phase;
}

// Parameters read frame by frame (modulated or per-frame tensors).
template <dsp::Wave kWave, bool kBandLimited>
void render_varying_block(DirectLane &lane, const DirectRows &rows, double *out,
                          uint32_t frames) noexcept {
    for (uint32_t f = 0; f < frames; ++f) {
        const uint64_t inc = rows.fs == 0
                                 ? rows.inc
                                 : dsp::modular_increment(rows.frequency[f * rows.fs], rows.cycle);
        const double dt = rows.fs == 0 ? rows.dt : blep_dt(inc, rows.cycle);
        const double reset = rows.reset[f * rows.rs];
        if (reset > 0.5 && lane.reset_high == 0.0) lane.phase = 0;
        lane.reset_high = reset > 0.5 ? 1.0 : 0.0;
        const uint64_t offset = rows.os != 0
                                    ? dsp::modular_from_cycles(rows.offset[f * rows.os], rows.cycle)
                                    : rows.offset_units;
        const double width = std::clamp(rows.width[f * rows.ws], 0.0, 1.0);
        const double amplitude = rows.amplitude[f * rows.as];
        lane.phase = dsp::modular_add(lane.phase, inc, rows.cycle);
        const uint64_t p = dsp::modular_add(lane.phase, offset, rows.cycle);
        const double t = dsp::modular_cycles(p, rows.cycle);
        const dsp::Phase fixed =
            kWave == dsp::Wave::Sine ? dsp::modular_to_fixed(p, rows.cycle) : dsp::Phase{0};
        const double v = dsp::wave_sample(kWave, t, fixed, dt, width, kBandLimited);
        out[f] = amplitude * std::clamp(v, -rows.clamp, rows.clamp);
    }
}

template <dsp::Wave kWave, bool kBandLimited>
void render_direct_block(DirectLane &lane, const DirectRows &rows, double *out,
                         uint32_t frames) noexcept {
    const bool constant =
        rows.fs == 0 && rows.as == 0 && rows.os == 0 && rows.ws == 0 && rows.rs == 0;
    if (kWave != dsp::Wave::Sine && lanes_apply(rows)) {
        if (constant)
            render_constant_lanes<kWave, kBandLimited>(lane, rows, out, frames);
        else if (rows.rs == 0)
            render_held_reset_lanes<kWave, kBandLimited>(lane, rows, out, frames);
        else
            render_varying_lanes<kWave, kBandLimited>(lane, rows, out, frames);
    } else if (constant) {
        render_constant_block<kWave, kBandLimited>(lane, rows, out, frames);
    } else {
        render_varying_block<kWave, kBandLimited>(lane, rows, out, frames);
    }
}

// The loops above for a waveform and driver chosen at run time.
inline void render_direct_block(dsp::Wave wave, bool band_limited, DirectLane &lane,
                                const DirectRows &rows, double *out, uint32_t frames) noexcept {
    using dsp::Wave;
    switch (wave) {
    case Wave::Sine: return render_direct_block<Wave::Sine, false>(lane, rows, out, frames);
    case Wave::Saw:
        return band_limited ? render_direct_block<Wave::Saw, true>(lane, rows, out, frames)
                            : render_direct_block<Wave::Saw, false>(lane, rows, out, frames);
    case Wave::Square:
        return band_limited ? render_direct_block<Wave::Square, true>(lane, rows, out, frames)
                            : render_direct_block<Wave::Square, false>(lane, rows, out, frames);
    case Wave::Triangle:
        return band_limited ? render_direct_block<Wave::Triangle, true>(lane, rows, out, frames)
                            : render_direct_block<Wave::Triangle, false>(lane, rows, out, frames);
    }
}

} // namespace amp::oscillator
