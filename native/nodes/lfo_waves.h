// lfo_waves.h: the lfo's waves of a fixed-point phase (dsp/phase.h), one frame at a time and four
// at a time, with the same bits.
//
// Waves, with phi = the top 53 bits of the phase as cycles in [0, 1): sine sin(2 pi phi)
// (dsp::sin2pi); square +1 for phi < 1/2, else -1; saw 2 phi - 1; triangle 2 |2 phi - 1| - 1.
// Four at a time (AVX2 has no 64-bit integer to double conversion): square sets the sign bit of
// 1.0 from the phase's top bit; saw converts k = phase >> 11 (< 2^53) as two 26/27-bit halves
// with the 2^52 "magic number" (integer or, double subtract) and scales, all exact; triangle is
// (|k - 2^52| - 2^51) x 2^-51, the exact value of 2 |2 phi - 1| - 1, converted with the
// 2^52 + 2^51 magic number (integer add, double subtract); sine repeats dsp::sin2pi's operations
// on four lanes. Each step is exact in double (the sine's are the scalar ones), so the results
// equal the scalar expressions bit for bit (test_lfo compares them over many phases).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "dsp/increment_lanes.h"
#include "dsp/phase.h"
#include "dsp/sin2pi.h"

namespace amp::lfo {

enum Shape : uint32_t { kSine, kSquare, kSaw, kTriangle };

typedef double D4 __attribute__((vector_size(32)));

// phi as a double in [0, 1): the top 53 bits of the fixed-point phase, exactly.
inline double cycles_of(dsp::Phase phase) {
    return static_cast<double>(phase >> 11) * (1.0 / 9007199254740992.0);
}

template <uint32_t kShape>
inline double wave(dsp::Phase phase) {
    switch (kShape) {
    case kSquare: return (phase >> 63) == 0 ? 1.0 : -1.0;
    case kSaw: return 2.0 * cycles_of(phase) - 1.0;
    case kTriangle: return 2.0 * std::fabs(2.0 * cycles_of(phase) - 1.0) - 1.0;
    default: return dsp::sin2pi(phase);
    }
}

namespace detail {

inline D4 as_doubles(dsp::U64x4 bits) noexcept {
    D4 out;
    std::memcpy(&out, &bits, sizeof out);
    return out;
}

// dsp::sin2pi of four phases, the same operations lane by lane (so the same bits): the signed
// phase's units of 2^-52 cycle plus 2^52 + 2^51 come from a logical shift of the phase with its
// top bit flipped (phase + 2^63, so the shift gives units + 2^51 in [0, 2^52)) or-ed into the
// exponent of 2^52; the reflections are selects.
inline D4 sin2pi4(dsp::U64x4 phase) noexcept {
    constexpr uint64_t kSign = uint64_t{1} << 63;
    constexpr uint64_t kTwo52 = 0x4330000000000000ull; // bits of 2^52
    return dsp::sin2pi_of_biased(as_doubles(((phase ^ kSign) >> 12) | kTwo52));
}

} // namespace detail

// wave<kShape> of four phases.
template <uint32_t kShape>
inline D4 wave4(dsp::U64x4 phase) noexcept {
    constexpr uint64_t kSign = uint64_t{1} << 63;
    if (kShape == kSquare) {
        constexpr uint64_t kOne = 0x3FF0000000000000ull; // bits of 1.0
        return detail::as_doubles((phase & kSign) | kOne);
    } else if (kShape == kSaw) {
        constexpr uint64_t kTwo52 = 0x4330000000000000ull; // bits of 2^52
        constexpr double kTwo52d = 4503599627370496.0;
        const dsp::U64x4 k = phase >> 11; // < 2^53
        const D4 high = detail::as_doubles((k >> 26) | kTwo52) - kTwo52d;
        const D4 low = detail::as_doubles((k & ((uint64_t{1} << 26) - 1)) | kTwo52) - kTwo52d;
        const D4 cycles2 = (high * 67108864.0 + low) * (1.0 / 4503599627370496.0); // 2 phi
        return cycles2 - 1.0;
    } else if (kShape == kTriangle) {
        constexpr uint64_t kHalf = uint64_t{1} << 52;
        constexpr uint64_t kMagicBits = 0x4338000000000000ull; // bits of 2^52 + 2^51
        constexpr double kMagic = 6755399441055744.0;
        const dsp::U64x4 v = (phase >> 11) - kHalf; // k - 2^52, as two's complement
        const dsp::U64x4 negative = (dsp::U64x4)(dsp::detail::as_signed(v) < 0);
        const dsp::U64x4 magnitude = (v ^ negative) - negative; // |k - 2^52| <= 2^52
        // (|k - 2^52| - 2^51) + magic, in [2^52, 2^53]: exact.
        const D4 w = detail::as_doubles(magnitude - (uint64_t{1} << 51) + kMagicBits) - kMagic;
        return w * (1.0 / 2251799813685248.0); // x 2^-51
    } else {
        return detail::sin2pi4(phase);
    }
}

} // namespace amp::lfo
