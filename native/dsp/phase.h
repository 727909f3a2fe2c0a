// phase.h: oscillator phase as 64-bit fixed point, in cycles (2^64 = one cycle).
//
// Wrapping is exact (unsigned overflow), and integer addition is associative, so a phase
// advanced frame by frame, in blocks, or in closed form (phi0 + n * inc) is bit-identical:
// this is what makes oscillators block-invariant. Resolution 2^-64 cycle; no drift.
#pragma once

#include <cmath>
#include <cstdint>

namespace amp::dsp {

using Phase = uint64_t;

// frac(cycles) as fixed point; any finite real (negative values wrap). Computed in long
// double (64-bit mantissa on x86-64) so the increment keeps all 64 bits of the ratio.
inline Phase phase_from_cycles(long double cycles) {
    constexpr long double kOneCycle = 18446744073709551616.0L; // 2^64
    const long double fraction = cycles - std::floor(cycles);  // [0, 1]
    long double scaled = fraction * kOneCycle;
    if (!(scaled < kOneCycle)) scaled = 0.0L; // fraction rounded up to exactly 1
    return static_cast<Phase>(scaled);
}

// Phase increment of one frame at `frequency_hz` and `sample_rate_hz`.
inline Phase phase_increment(double frequency_hz, double sample_rate_hz) {
    return phase_from_cycles(static_cast<long double>(frequency_hz) / sample_rate_hz);
}

} // namespace amp::dsp
