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

// Partial derivatives of wave_sample with respect to the phase t (per cycle), dt and width,
// between the naive wave's jumps (a jump's Dirac term is not included: the naive saw and
// square have slope 2 and 0 there; the band-limited ones are continuous in t and width).
struct WaveSlopes {
    double t = 0.0;
    double dt = 0.0;
    double width = 0.0;
};

inline WaveSlopes wave_slopes(Wave wave, double t, Phase fixed, double dt, double width,
                              bool band_limited) {
    const bool corrected = band_limited && dt > 0.0;
    switch (wave) {
    case Wave::Sine: return {6.283185307179586476925286766559 * sin2pi(fixed + (Phase{1} << 62))};
    case Wave::Saw: {
        if (!corrected) return {2.0};
        const ResidualSlopes s = step_residual_slopes(t, dt);
        return {2.0 - 2.0 * s.t, -2.0 * s.dt};
    }
    case Wave::Square: {
        if (!corrected) return {};
        const ResidualSlopes rise = step_residual_slopes(t, dt);
        const ResidualSlopes fall = step_residual_slopes(phase_after(t, width), dt);
        return {2.0 * rise.t - 2.0 * fall.t, 2.0 * rise.dt - 2.0 * fall.dt, 2.0 * fall.t};
    }
    case Wave::Triangle: {
        const double naive = t < 0.25 ? 4.0 : (t < 0.75 ? -4.0 : 4.0);
        if (!corrected) return {naive};
        const ResidualSlopes top = scaled_ramp_residual_slopes(phase_after(t, 0.25), dt);
        const ResidualSlopes bottom = scaled_ramp_residual_slopes(phase_after(t, 0.75), dt);
        return {naive - 8.0 * top.t + 8.0 * bottom.t, -8.0 * top.dt + 8.0 * bottom.dt};
    }
    }
    return {};
}

} // namespace amp::dsp
