// sin2pi.h: sin(2 pi phi) for a fixed-point phase (see phase.h), written so that loops over
// frames vectorise with baseline SSE2 (no 64-bit integer to double conversion instruction is
// needed, no branches). Accuracy: |error| < 2e-15 against sin(2 pi phi) with phi exact.
//
// Method: the phase as a signed fraction t in [-1/2, 1/2), rounded to a multiple of 2^-52
// cycle and converted exactly with the 2^52 + 2^51 "magic number" (integer add, double
// subtract); |t| > 1/4 reflects to sign(t)/2 - t (sin(pi - x) = sin x, exact in double);
// then the Taylor series of sin on [-pi/2, pi/2] through x^21 (truncation below 1.2e-18).
#pragma once

#include <cstdint>
#include <cstring>

#include "dsp/phase.h"

namespace amp::dsp {

// 2^52 + 2^51: an integer of units of 2^-52 cycle added to its bits converts exactly.
constexpr double kSin2piMagic = 6755399441055744.0;

// sin(2 pi t) from biased = t x 2^52 + kSin2piMagic (exact), t in [-1/2, 1/2): the reflection and
// the polynomial. One body for a double and for a vector of doubles (GCC vector extensions:
// the comparisons select lane by lane), so that every form gives the same bits.
template <typename Real>
inline Real sin2pi_of_biased(Real biased) noexcept {
    constexpr double kCyclesPerUnit = 1.0 / 4503599627370496.0; // 2^-52
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    Real t = (biased - kSin2piMagic) * kCyclesPerUnit; // exact
    t = t > 0.25 ? 0.5 - t : t;
    t = t < -0.25 ? -0.5 - t : t;
    const Real x = t * kTwoPi;
    const Real y = x * x;
    // sin x = x + x * y * P(y), P(y) = sum a_k y^k with a_k = (-1)^(k+1) / (2k+3)!, k = 0..9,
    // by Estrin's scheme (short dependency chains, so consecutive frames overlap).
    const Real q0 = -1.6666666666666666e-01 + 8.3333333333333333e-03 * y;
    const Real q1 = -1.9841269841269841e-04 + 2.7557319223985893e-06 * y;
    const Real q2 = -2.5052108385441720e-08 + 1.6059043836821613e-10 * y;
    const Real q3 = -7.6471637318198164e-13 + 2.8114572543455206e-15 * y;
    const Real q4 = -8.2206352466243295e-18 + 1.9572941063391263e-20 * y;
    const Real y2 = y * y;
    const Real y4 = y2 * y2;
    const Real y8 = y4 * y4;
    const Real p = ((q0 + q1 * y2) + (q2 + q3 * y2) * y4) + q4 * y8;
    return x + x * (y * p);
}

inline double sin2pi(Phase phase) {
    constexpr uint64_t kMagicBits = 0x4338000000000000ull; // bit pattern of kSin2piMagic
    // Arithmetic shift keeps the sign: units of 2^-52 cycle, in [-2^51, 2^51).
    const int64_t units = static_cast<int64_t>(phase) >> 12;
    const uint64_t bits = static_cast<uint64_t>(units) + kMagicBits;
    double biased = 0.0;
    std::memcpy(&biased, &bits, sizeof biased);
    return sin2pi_of_biased(biased);
}

} // namespace amp::dsp
