// modular_phase.h: an oscillator phase that repeats exactly whenever its period is a rational
// number of frames, for the oscillator node's periodicity cache.
//
// The phase is an integer in [0, N), N = round(sr x 2^20) x oversample, one unit being
// 1 / N cycle; the increment per internal sample is round(f x 2^20) mod N (f in Hz, a
// resolution of 2^-20 Hz ~ 1 uHz). So f / sr is represented exactly as inc / N for every f
// that is a multiple of 2^-20 Hz (integer Hz among them) and every sample rate that is a
// multiple of 2^-20 Hz (every usual rate), and the phase sequence repeats after exactly
// P = N / gcd(inc, N) internal samples: 440 Hz at 48 kHz repeats after 600 frames.
// All conversions are exact integer or correctly rounded IEEE operations: the same bits on
// every platform.
#pragma once

#include <cmath>
#include <cstdint>

#include "dsp/phase.h"

namespace amp::dsp {

constexpr double kModularUnitsPerHz = 1048576.0; // 2^20

// N for a sample rate and an oversampling factor.
inline uint64_t modular_cycle(double sample_rate, uint32_t oversample) {
    // At least 1 unit (a rate below 2^-21 Hz would round to 0).
    const long long units = std::llround(sample_rate * kModularUnitsPerHz);
    return static_cast<uint64_t>(units > 0 ? units : 1) * oversample;
}

// std::llround(x) for |x| < 2^53, inline (no libm call per frame): the truncation, whose
// remainder x - t is exact, moved one step away from zero when that remainder is at least 1/2.
inline int64_t round_half_away(double x) {
    const int64_t t = static_cast<int64_t>(x);
    const double rest = x - static_cast<double>(t);
    return t + (rest >= 0.5 ? 1 : 0) - (rest <= -0.5 ? 1 : 0);
}

// round(f x 2^20) mod N, in [0, N); f finite, |f| <= 1e9.
inline uint64_t modular_increment(double frequency, uint64_t cycle) {
    const int64_t units = round_half_away(frequency * kModularUnitsPerHz);
    const int64_t n = static_cast<int64_t>(cycle);
    if (units >= 0 && units < n) return static_cast<uint64_t>(units); // the usual case, no division
    int64_t r = units % n;
    if (r < 0) r += n;
    return static_cast<uint64_t>(r);
}

// floor(frac(cycles) x N), in [0, N); cycles finite.
inline uint64_t modular_from_cycles(double cycles, uint64_t cycle) {
    const double fraction = cycles - std::floor(cycles);
    uint64_t units = static_cast<uint64_t>(fraction * static_cast<double>(cycle));
    return units >= cycle ? cycle - 1 : units;
}

// (a + b) mod N for a, b in [0, N).
inline uint64_t modular_add(uint64_t a, uint64_t b, uint64_t cycle) {
    const uint64_t s = a + b;
    return s >= cycle ? s - cycle : s;
}

// The phase in cycles, in [0, 1).
inline double modular_cycles(uint64_t phase, uint64_t cycle) {
    return static_cast<double>(phase) / static_cast<double>(cycle);
}

// The 64-bit fixed-point phase of phase.h: floor(phase x 2^64 / N).
inline Phase modular_to_fixed(uint64_t phase, uint64_t cycle) {
    using U128 = unsigned __int128;
    return static_cast<Phase>((static_cast<U128>(phase) << 64) / cycle);
}

} // namespace amp::dsp
