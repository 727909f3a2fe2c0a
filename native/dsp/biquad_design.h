// biquad_design.h: RBJ "Audio EQ Cookbook" (Robert Bristow-Johnson) biquad coefficients, pure
// functions, double precision.
//
// With w0 = 2 pi f / sr, alpha = sin(w0) / (2 Q) and A = 10^(gain_db / 40) (peaking and shelves):
//   lowpass    b = ((1 - cos w0)/2, 1 - cos w0, (1 - cos w0)/2),  a = (1 + alpha, -2 cos w0, 1 -
//   alpha) highpass   b = ((1 + cos w0)/2, -(1 + cos w0), (1 + cos w0)/2), a as lowpass bandpass b
//   = (alpha, 0, -alpha) (0 dB peak gain),             a as lowpass notch      b = (1, -2 cos w0,
//   1),                               a as lowpass peaking    b = (1 + alpha A, -2 cos w0, 1 -
//   alpha A),           a = (1 + alpha/A, -2 cos w0, 1 - alpha/A) lowshelf   b = A ((A+1) - (A-1)
//   cos w0 +- 2 sqrt(A) alpha), b1 = 2 A ((A-1) - (A+1) cos w0),
//              a = (A+1) + (A-1) cos w0 +- 2 sqrt(A) alpha,     a1 = -2 ((A-1) + (A+1) cos w0)
//   highshelf  b = A ((A+1) + (A-1) cos w0 +- 2 sqrt(A) alpha), b1 = -2 A ((A-1) + (A+1) cos w0),
//              a = (A+1) - (A-1) cos w0 +- 2 sqrt(A) alpha,     a1 = 2 ((A-1) - (A+1) cos w0)
// (+ for b0 / a0, - for b2 / a2), all divided by a0, so that the difference equation is
//   y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2].
// Inputs are clamped first so that every coefficient set is finite and the poles stay inside the
// unit circle: f / sr to [1e-6, 0.499], Q to [1e-3, 1e3], gain_db to [-120, 120]; NaN clamps
// to the lower bound.
#pragma once

#include <cstdint>

namespace amp::dsp {

enum class BiquadType : uint32_t {
    Lowpass = 0,
    Highpass = 1,
    Bandpass = 2,
    Notch = 3,
    Peaking = 4,
    Lowshelf = 5,
    Highshelf = 6,
};

// Normalised coefficients (a0 = 1).
struct BiquadCoefficients {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;
};

constexpr double kBiquadMinRelativeFrequency = 1e-6; // f / sr
constexpr double kBiquadMaxRelativeFrequency = 0.499;
constexpr double kBiquadMinQ = 1e-3, kBiquadMaxQ = 1e3;
constexpr double kBiquadMaxGainDb = 120.0;

BiquadCoefficients design_biquad(BiquadType type, double frequency, double q, double gain_db,
                                 double sample_rate);

} // namespace amp::dsp
