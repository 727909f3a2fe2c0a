// oscillator_adjoint.h: the oscillator's adjoint block loop for its most used configuration:
// mode direct, oversample 1, mono (cache on or off: the recording is the same). It computes
// exactly what the general adjoint (OscillatorNode::backward_lane) computes for that
// configuration, operation for operation, so the gradients are bit-identical (the gradient
// tests compare both paths through test_gradients_nodes' oscillator cases and the graph
// checks); it only drops the waveform switch (a template argument), the oversampling loop and
// the stereo terms, and hoists the increment, dt, width and amplitude out of the frame loop
// when their rows are constant over the window (window_rows.h).
//
// Per frame f, from the last (g the output gradient, p the recorded modular phase):
//   t = p / N; v = clamp(wave(t, dt, width)); d amplitude += g v; where the clamp did not cut,
//   vbar = amplitude g, tbar = vbar dwave/dt, d phase_offset += tbar, d pulse_width += vbar
//   dwave/d width (width in [0, 1]); d frequency += (2^20 / N)(tbar + pending +- vbar dwave/d dt);
//   pending (the later frames' tbar since a restart) += tbar, cleared where reset restarted.
// The "0.0 +" and "+ 0.0" below are the general path's zero-initialised sums and its right
// channel's 0 x 0 term: kept, so signed zeros come out as there.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "dsp/modular_phase.h"
#include "dsp/osc_wave.h"
#include "nodes/oscillator_block.h"
#include "nodes/window_rows.h"

namespace amp::oscillator {

// One lane's window: rows of the output gradient, of the recording and of the parameters, and
// the gradients to add to (null: not wanted).
struct AdjointRows {
    const double *gradient;  // dL/d output, per frame
    const double *phase;     // recorded modular phase read by the frame's sample (as a double)
    const double *restarted; // recorded: 1 where reset restarted the phase on the frame
    const double *frequency, *amplitude, *width;
    size_t fs, as, ws; // frame strides
    double *d_frequency, *d_amplitude, *d_offset, *d_width;
    uint64_t cycle; // modular phase units per cycle
    double clamp;   // output clamp
    double per_hz;  // 2^20 / N: phase units per Hz, per unit of phase
};

// Values the loop reads per frame, or once when constant over the window.
struct AdjointFrame {
    uint64_t inc;
    double dt, dt_sign, raw_width, width, amplitude;
};

inline AdjointFrame adjoint_frame(const AdjointRows &rows, uint32_t f) noexcept {
    AdjointFrame frame{};
    frame.inc = dsp::modular_increment(rows.frequency[f * rows.fs], rows.cycle);
    frame.dt = blep_dt(frame.inc, rows.cycle);
    frame.dt_sign = frame.inc <= rows.cycle - frame.inc ? 1.0 : -1.0;
    frame.raw_width = rows.width[f * rows.ws];
    frame.width = std::clamp(frame.raw_width, 0.0, 1.0);
    frame.amplitude = rows.amplitude[f * rows.as];
    return frame;
}

template <dsp::Wave kWave, bool kBandLimited, bool kConstant>
void adjoint_direct_block(const AdjointRows &rows, double &pending, uint32_t frames) noexcept {
    // Locals (the stores below through double pointers could otherwise alias them).
    const uint64_t units = rows.cycle;
    const double cycle = static_cast<double>(units);
    const double limit = rows.clamp, per_hz = rows.per_hz;
    const double *const gradient = rows.gradient, *const phase = rows.phase;
    const double *const restarted = rows.restarted;
    double *const d_frequency = rows.d_frequency, *const d_amplitude = rows.d_amplitude;
    double *const d_offset = rows.d_offset, *const d_width = rows.d_width;
    const AdjointFrame constant = kConstant && frames > 0 ? adjoint_frame(rows, 0) : AdjointFrame{};
    double carried = pending;
    for (uint32_t f = frames; f-- > 0;) {
        const AdjointFrame frame = kConstant ? constant : adjoint_frame(rows, f);
        const double g = gradient[f];
        // The recorded phase is an integer below 2^53: t = p / N as modular_cycles computes it.
        const double p = phase[f];
        const double t = p / cycle;
        const dsp::Phase fixed = kWave == dsp::Wave::Sine
                                     ? dsp::modular_to_fixed(static_cast<uint64_t>(p), units)
                                     : dsp::Phase{0};
        const double out_bar = frame.amplitude * g + 0.0;
        const double raw = dsp::wave_sample(kWave, t, fixed, frame.dt, frame.width, kBandLimited);
        const double v = std::clamp(raw, -limit, limit);
        double t_sum = 0.0, dt_sum = 0.0, width_sum = 0.0;
        if (!(raw > limit || raw < -limit)) {
            const dsp::WaveSlopes slope =
                dsp::wave_slopes(kWave, t, fixed, frame.dt, frame.width, kBandLimited);
            const double tbar = out_bar * slope.t;
            t_sum = 0.0 + tbar;
            dt_sum = 0.0 + out_bar * slope.dt;
            width_sum = 0.0 + out_bar * slope.width;
        }
        if (d_amplitude != nullptr) d_amplitude[f] += 0.0 + g * v;
        if (d_width != nullptr && frame.raw_width >= 0.0 && frame.raw_width <= 1.0)
            d_width[f] += width_sum;
        if (d_offset != nullptr) d_offset[f] += t_sum;
        if (d_frequency != nullptr)
            d_frequency[f] += per_hz * (t_sum + carried + frame.dt_sign * dt_sum);
        carried = restarted[f] != 0.0 ? 0.0 : carried + t_sum;
    }
    pending = carried;
}

template <dsp::Wave kWave, bool kBandLimited>
void adjoint_direct_block(const AdjointRows &rows, double &pending, uint32_t frames,
                          bool constant) noexcept {
    if (constant)
        adjoint_direct_block<kWave, kBandLimited, true>(rows, pending, frames);
    else
        adjoint_direct_block<kWave, kBandLimited, false>(rows, pending, frames);
}

// The loop above for a waveform and driver chosen at run time; `constant`: frequency,
// amplitude and pulse_width rows constant over the window.
inline void adjoint_direct_block(dsp::Wave wave, bool band_limited, const AdjointRows &rows,
                                 double &pending, uint32_t frames, bool constant) noexcept {
    using dsp::Wave;
    switch (wave) {
    case Wave::Sine:
        return adjoint_direct_block<Wave::Sine, false>(rows, pending, frames, constant);
    case Wave::Saw:
        return band_limited
                   ? adjoint_direct_block<Wave::Saw, true>(rows, pending, frames, constant)
                   : adjoint_direct_block<Wave::Saw, false>(rows, pending, frames, constant);
    case Wave::Square:
        return band_limited
                   ? adjoint_direct_block<Wave::Square, true>(rows, pending, frames, constant)
                   : adjoint_direct_block<Wave::Square, false>(rows, pending, frames, constant);
    case Wave::Triangle:
        return band_limited
                   ? adjoint_direct_block<Wave::Triangle, true>(rows, pending, frames, constant)
                   : adjoint_direct_block<Wave::Triangle, false>(rows, pending, frames, constant);
    }
}

} // namespace amp::oscillator
