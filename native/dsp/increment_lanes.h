// increment_lanes.h: IncrementAt (phase.h) on many frequencies at once, four per vector, with
// exactly the bits of the scalar operator() (the per-frame rate conversion of an LFO whose rate is
// modulated).
//
// Four frames take the vector path when each frequency is a normal double whose numerator
// mantissa x 2^(s - tz) fits IncrementAt's 64-bit case (shift 0..10) and the rate's odd part is
// 3 .. 2^32 - 1; the quotient floor(n / odd) (n < 2^63) is then detail::DivideBelow63's
// multiply-high and shift, the multiply-high done on 32-bit halves (AVX2 has no 64-bit
// multiply-high), and, only when a rate is negative, the remainder test n != q x odd on two
// 32-bit products. Any other group of four (a zero, a subnormal, a rate outside the range, an odd
// part of 1 or above 2^32) goes through operator() frame by frame. running_phases sums four
// increments into four phases.
#pragma once

#include <cstdint>
#include <cstring>
#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "dsp/phase.h"

namespace amp::dsp {

typedef uint64_t U64x4 __attribute__((vector_size(32)));
typedef int64_t S64x4 __attribute__((vector_size(32)));

namespace detail {

// The same bits as the other signedness (GCC's vector casts reinterpret).
inline S64x4 as_signed(U64x4 x) noexcept { return (S64x4)x; }
inline U64x4 as_unsigned(S64x4 x) noexcept { return (U64x4)x; }

// The low 32 bits of each lane of a times those of b, as 64-bit products (vpmuludq).
inline U64x4 mul_low32(U64x4 a, U64x4 b) noexcept {
#if defined(__AVX2__)
    return (U64x4)_mm256_mul_epu32((__m256i)a, (__m256i)b);
#else
    constexpr uint64_t kLow = 0xFFFFFFFFu;
    return (a & kLow) * (b & kLow);
#endif
}

// Whether any lane has its sign bit set.
inline bool any_negative(S64x4 x) noexcept {
#if defined(__AVX__)
    return _mm256_movemask_pd((__m256d)x) != 0;
#else
    return (x[0] | x[1] | x[2] | x[3]) < 0;
#endif
}

// floor(a x b / 2^64) per lane, from four 32 x 32 -> 64 products (exact: the middle sum is at
// most (2^32 - 1) x 3 + (2^32 - 1)^2 < 2^64).
inline U64x4 mul_high64(U64x4 a, U64x4 b) noexcept {
    constexpr uint64_t kLow = 0xFFFFFFFFu;
    const U64x4 ah = a >> 32, bh = b >> 32;
    const U64x4 ll = mul_low32(a, b), hl = mul_low32(ah, b), lh = mul_low32(a, bh),
                hh = mul_low32(ah, bh);
    const U64x4 middle = (ll >> 32) + (hl & kLow) + lh;
    return hh + (hl >> 32) + (middle >> 32);
}

} // namespace detail

// The increments of the four frequencies at frequency_hz[0..3], the bits of the scalar calls,
// when all four take the vector case (k = increment.lanes(), k.vector true); false otherwise,
// `out` then unspecified.
inline bool four_increments(const IncrementAt::Lanes &k, const double *frequency_hz,
                            U64x4 &out) noexcept {
    constexpr uint64_t kMagnitude = ~(uint64_t{1} << 63), kMantissa = (uint64_t{1} << 52) - 1;
    U64x4 bits;
    std::memcpy(&bits, frequency_hz, sizeof bits);
    const U64x4 magnitude = bits & kMagnitude;
    const S64x4 biased = detail::as_signed(magnitude >> 52);
    // shift = exponent - sr exponent + 64 - tz, exponent = biased - 1075; 0..10 wanted.
    const S64x4 shift = biased + k.shift_bias;
    // Outside 0..10 when shift or 10 - shift is negative (a zero or subnormal, biased 0, is
    // outside too: Lanes::vector requires shift_bias < 0).
    if (detail::any_negative(shift | (10 - shift))) return false;
    const U64x4 numerator = ((magnitude & kMantissa) | (uint64_t{1} << 52))
                            << detail::as_unsigned(shift);
    const U64x4 q = detail::mul_high64(numerator, U64x4{} + k.multiplier) >> k.shift;
    if (!detail::any_negative(detail::as_signed(bits))) { // every rate positive: q
        out = q;
        return true;
    }
    const U64x4 odd = U64x4{} + k.odd;
    const U64x4 product = detail::mul_low32(q, odd) + (detail::mul_low32(q >> 32, odd) << 32);
    const U64x4 inexact = detail::as_unsigned(product != numerator) & 1;
    const U64x4 negative = detail::as_unsigned(detail::as_signed(bits) < 0);
    // negative: 0 - (q + inexact); else q (signed_phase).
    out = (q & ~negative) | ((U64x4{} - (q + inexact)) & negative);
    return true;
}

// out[i] = increment(frequency_hz[i]) for i < n, the same bits as the scalar calls.
inline void increments_at(const IncrementAt &increment, const double *frequency_hz, uint32_t n,
                          Phase *out) noexcept {
    const IncrementAt::Lanes k = increment.lanes();
    uint32_t i = 0;
    if (k.vector) {
        for (; i + 4 <= n; i += 4) {
            U64x4 steps;
            if (four_increments(k, frequency_hz + i, steps))
                std::memcpy(out + i, &steps, sizeof steps);
            else
                for (uint32_t j = i; j < i + 4; ++j) out[j] = increment(frequency_hz[j]);
        }
    }
    for (; i < n; ++i) out[i] = increment(frequency_hz[i]);
}

// The phases after each of four steps from the phase in every lane of `phase`: {phase + s0,
// phase + s0 + s1, ...} (an inclusive running sum, wrapping like the scalar one: the same bits);
// `phase` becomes the last of them in every lane.
inline U64x4 running_phases(U64x4 &phase, U64x4 steps) noexcept {
#if defined(__AVX2__)
    const __m256i x = (__m256i)steps, zero = _mm256_setzero_si256();
    // x + {0, x0, x1, x2}, then + {0, 0, y0, y1}.
    const __m256i y =
        _mm256_add_epi64(x, _mm256_blend_epi32(_mm256_permute4x64_epi64(x, 0x90), zero, 0x03));
    const __m256i z = _mm256_add_epi64(y, _mm256_permute2x128_si256(y, y, 0x08));
    const __m256i out = _mm256_add_epi64(z, (__m256i)phase);
    phase = (U64x4)_mm256_permute4x64_epi64(out, 0xFF);
    return (U64x4)out;
#else
    U64x4 out;
    Phase sum = phase[0];
    for (int i = 0; i < 4; ++i) out[i] = sum += steps[i];
    phase = U64x4{} + sum;
    return out;
#endif
}

} // namespace amp::dsp
