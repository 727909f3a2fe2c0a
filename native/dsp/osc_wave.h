// osc_wave.h: one sample of the oscillator node's waveforms at a phase, naive or band-limited.
//
// Shapes over the phase t in cycles, [0, 1): sine sin(2 pi t); saw 2t - 1 (jump -2 at t = 0);
// square +1 for t < width, else -1 (jumps +2 at 0, -2 at width); triangle 4t on [0, 1/4),
// 2 - 4t on [1/4, 3/4), 4t - 4 on [3/4, 1) (in phase with the sine; slope changes -8 at 1/4 and
// +8 at 3/4, per cycle). Band-limited ("polyblep"): each jump J at t0 adds
// J x step_residual(t - t0), each slope change S adds S x dt x ramp_residual(t - t0)
// (polyblep.h), dt the phase increment per sample in (0, 1/2]. The sine needs no correction.
#pragma once

#include "dsp/phase.h"
#include "dsp/polyblep.h"
#include "dsp/sin2pi.h"

namespace amp::dsp {

enum class Wave : uint32_t { Sine, Saw, Square, Triangle };

// frac(t - t0) for t, t0 in [0, 1).
inline double phase_after(double t, double t0) { return t >= t0 ? t - t0 : t - t0 + 1.0; }

// `fixed` is the same phase as `t` in 64-bit fixed point (used by the sine).
inline double wave_sample(Wave wave, double t, Phase fixed, double dt, double width,
                          bool band_limited) {
    switch (wave) {
    case Wave::Sine: return sin2pi(fixed);
    case Wave::Saw: {
        const double naive = 2.0 * t - 1.0;
        return band_limited && dt > 0.0 ? naive - 2.0 * step_residual(t, dt) : naive;
    }
    case Wave::Square: {
        const double naive = t < width ? 1.0 : -1.0;
        if (!band_limited || dt <= 0.0) return naive;
        return naive + 2.0 * step_residual(t, dt) - 2.0 * step_residual(phase_after(t, width), dt);
    }
    case Wave::Triangle: {
        const double naive = t < 0.25 ? 4.0 * t : (t < 0.75 ? 2.0 - 4.0 * t : 4.0 * t - 4.0);
        if (!band_limited || dt <= 0.0) return naive;
        return naive - 8.0 * dt * ramp_residual(phase_after(t, 0.25), dt) +
               8.0 * dt * ramp_residual(phase_after(t, 0.75), dt);
    }
    }
    return 0.0;
}

} // namespace amp::dsp
