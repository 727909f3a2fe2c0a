// polyblep.h: two-sample polynomial band-limited step (PolyBLEP) and ramp (PolyBLAMP)
// residuals, for oscillators that correct their naive waveform near discontinuities.
//
// `t` is the phase distance from the discontinuity in cycles, in [0, 1) (so t near 0 is just
// after it and t near 1 just before), `dt` the phase increment per sample (> 0, at most 0.5).
// The residual is the band-limited (triangle-kernel smoothed) edge minus the ideal edge, for a
// unit step: -(1 - x)^2 / 2 just after (x = t / dt), (1 + x)^2 / 2 just before (x = (t - 1) / dt);
// for a unit change of slope per sample: (1 - d)^3 / 6 within d = distance in samples < 1.
// Add jump x step_residual to a wave with a jump of `jump`, and slope_change x dt x
// ramp_residual to a wave whose slope (per cycle) changes by `slope_change`.
#pragma once

namespace amp::dsp {

inline double step_residual(double t, double dt) {
    if (t < dt) {
        const double x = 1.0 - t / dt;
        return -0.5 * x * x;
    }
    if (t > 1.0 - dt) {
        const double x = 1.0 + (t - 1.0) / dt;
        return 0.5 * x * x;
    }
    return 0.0;
}

inline double ramp_residual(double t, double dt) {
    const double distance = (t < 0.5 ? t : 1.0 - t) / dt;
    if (distance >= 1.0) return 0.0;
    const double x = 1.0 - distance;
    return x * x * x / 6.0;
}

} // namespace amp::dsp
