// increment_lanes.h: IncrementAt (phase.h) on many frequencies at once, four per vector, with
// exactly the bits of the scalar operator() (the per-frame rate conversion of an LFO whose rate is
// modulated).
//
// Four frames take the vector path when each frequency is a normal double whose numerator
// mantissa x 2^(s - tz) fits IncrementAt's 64-bit case (shift 0..10) and the rate's odd part is
// below 2^32; the quotient floor(n / odd) is then detail::DivideBy's multiply-high, done on 32-bit
// halves (AVX2 has no 64-bit multiply-high), and the remainder test n != q x odd on two 32-bit
// products. Any other group of four (a zero, a subnormal, a rate outside the range, a large odd
// part) goes through operator() frame by frame.
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

// Whether any lane is non-zero.
inline bool any(S64x4 x) noexcept {
#if defined(__AVX__)
    return !_mm256_testz_si256((__m256i)x, (__m256i)x);
#else
    return (x[0] | x[1] | x[2] | x[3]) != 0;
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

// out[i] = increment(frequency_hz[i]) for i < n, the same bits as the scalar calls.
inline void increments_at(const IncrementAt &increment, const double *frequency_hz, uint32_t n,
                          Phase *out) noexcept {
    const IncrementAt::Lanes k = increment.lanes();
    uint32_t i = 0;
    if (k.vector) {
        constexpr uint64_t kMagnitude = ~(uint64_t{1} << 63), kMantissa = (uint64_t{1} << 52) - 1;
        for (; i + 4 <= n; i += 4) {
            U64x4 bits;
            std::memcpy(&bits, frequency_hz + i, sizeof bits);
            const U64x4 magnitude = bits & kMagnitude;
            const S64x4 biased = detail::as_signed(magnitude >> 52);
            // shift = exponent - sr exponent + 64 - tz, exponent = biased - 1075; 0..10 wanted.
            const S64x4 shift = biased + k.shift_bias;
            const S64x4 bad = (biased == 0) | (shift < 0) | (shift > 10);
            if (detail::any(bad)) {
                for (uint32_t j = i; j < i + 4; ++j) out[j] = increment(frequency_hz[j]);
                continue;
            }
            const U64x4 numerator = ((magnitude & kMantissa) | (uint64_t{1} << 52))
                                    << detail::as_unsigned(shift);
            const U64x4 t = detail::mul_high64(numerator, U64x4{} + k.multiplier);
            const U64x4 q = (t + ((numerator - t) >> k.shift1)) >> k.shift2;
            const U64x4 odd = U64x4{} + k.odd;
            const U64x4 product =
                detail::mul_low32(q, odd) + (detail::mul_low32(q >> 32, odd) << 32);
            const U64x4 inexact = detail::as_unsigned(product != numerator) & 1;
            const U64x4 negative = detail::as_unsigned(detail::as_signed(bits) < 0);
            // negative: 0 - (q + inexact); else q (signed_phase).
            const U64x4 result = (q & ~negative) | ((U64x4{} - (q + inexact)) & negative);
            std::memcpy(out + i, &result, sizeof result);
        }
    }
    for (; i < n; ++i) out[i] = increment(frequency_hz[i]);
}

} // namespace amp::dsp
