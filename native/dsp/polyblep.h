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

// The residuals' partial derivatives with respect to the phase t and to dt (zero outside
// their two-sample support), for the oscillator's adjoint.
struct ResidualSlopes {
    double t = 0.0;
    double dt = 0.0;
};

inline ResidualSlopes step_residual_slopes(double t, double dt) {
    if (t < dt) {
        const double x = 1.0 - t / dt;
        return {x / dt, -x * t / (dt * dt)};
    }
    if (t > 1.0 - dt) {
        const double x = 1.0 + (t - 1.0) / dt;
        return {x / dt, x * (1.0 - t) / (dt * dt)};
    }
    return {};
}

// Of dt x ramp_residual(t, dt) (the term the triangle adds, per unit slope change).
inline ResidualSlopes scaled_ramp_residual_slopes(double t, double dt) {
    const double near = t < 0.5 ? t : 1.0 - t;
    const double distance = near / dt;
    if (distance >= 1.0) return {};
    const double x = 1.0 - distance;
    const double half_square = 0.5 * x * x;
    return {t < 0.5 ? -half_square : half_square, x * x * x / 6.0 + half_square * distance};
}

} // namespace amp::dsp
