// modular_lanes.h: modular_phase.h's conversions on four frames at once, written with vector
// types so that loops over frames vectorise with AVX2 (which has no 64-bit integer <-> double
// conversion instruction) and still give exactly the bits of the scalar functions.
//
// Integers in [0, 2^52) become doubles exactly by the "magic number" trick: OR-ing them into the
// mantissa of 2^52 and subtracting 2^52 (both exact). Callers keep phases below 2^52 (a cycle
// N < 2^51, checked by their fast-path conditions).
#pragma once

#include <cstdint>
#include <cstring>
#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "dsp/modular_phase.h"

namespace amp::dsp {

typedef int64_t I64x4 __attribute__((vector_size(32)));
typedef double F64x4 __attribute__((vector_size(32)));

constexpr uint64_t kLaneCycleLimit = uint64_t{1} << 51; // N must stay below it

// The doubles of four integers in [0, 2^52), exactly (static_cast<double> of each).
inline F64x4 exact_doubles(I64x4 x) noexcept {
    constexpr int64_t kTwo52Bits = 0x4330000000000000ll; // bit pattern of 2^52
    const I64x4 bits = x | kTwo52Bits;
    F64x4 d;
    std::memcpy(&d, &bits, sizeof d);
    return d - 4503599627370496.0; // 2^52
}

// Integers x (|x| < 2^51, held in doubles) as int64 lanes, exactly.
inline I64x4 exact_integers(F64x4 x) noexcept {
    constexpr double kMagic = 6755399441055744.0;        // 2^52 + 2^51
    constexpr int64_t kMagicBits = 0x4338000000000000ll; // its bit pattern
    const F64x4 biased = x + kMagic;
    I64x4 bits;
    std::memcpy(&bits, &biased, sizeof bits);
    return bits - kMagicBits;
}

// trunc(x) lane by lane for |x| < 2^51, exactly: with AVX one rounding instruction, else round
// to nearest by the magic number, then one step toward zero where that went past x. (The two
// can differ only in the sign of a zero result; every caller converts the result to an integer.)
inline F64x4 trunc_lanes(F64x4 x) noexcept {
#if defined(__AVX__)
    return reinterpret_cast<F64x4>(
        _mm256_round_pd(reinterpret_cast<__m256d>(x), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
#else
    constexpr double kMagic = 6755399441055744.0; // 2^52 + 2^51
    const F64x4 nearest = (x + kMagic) - kMagic;
    const F64x4 down = nearest > x ? nearest - 1.0 : nearest;
    const F64x4 up = nearest < x ? nearest + 1.0 : nearest;
    return x >= 0.0 ? down : up;
#endif
}

// floor(x) lane by lane for |x| < 2^51, exactly (the same note on zeros).
inline F64x4 floor_lanes(F64x4 x) noexcept {
#if defined(__AVX__)
    return reinterpret_cast<F64x4>(
        _mm256_round_pd(reinterpret_cast<__m256d>(x), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
#else
    constexpr double kMagic = 6755399441055744.0; // 2^52 + 2^51
    const F64x4 nearest = (x + kMagic) - kMagic;
    return nearest > x ? nearest - 1.0 : nearest;
#endif
}

// Lanes whose |x| < 2^51 (false for NaN): where the conversions above are exact.
inline I64x4 convertible_lanes(F64x4 x) noexcept {
    constexpr int64_t kNoSign = 0x7fffffffffffffffll;
    I64x4 bits;
    std::memcpy(&bits, &x, sizeof bits);
    bits &= kNoSign; // |x| (NaN stays NaN and fails the test)
    F64x4 magnitude;
    std::memcpy(&magnitude, &bits, sizeof magnitude);
    return magnitude < 2251799813685248.0; // 2^51
}

// dsp::modular_increment of four frequencies, for the lanes of `done` (the others are left to
// the scalar function: |f x 2^20| >= 2^51 or non-finite, or a result outside [0, N) to reduce).
inline I64x4 modular_increment_lanes(F64x4 frequency, int64_t cycle, I64x4 &done) noexcept {
    const F64x4 x = frequency * kModularUnitsPerHz;
    const I64x4 convertible = convertible_lanes(x);
    const F64x4 whole = trunc_lanes(x);
    const F64x4 rest = x - whole;
    // round_half_away: the truncation, one step away from zero when |rest| >= 1/2 (masks are -1).
    const I64x4 units = exact_integers(whole) - (rest >= 0.5) + (rest <= -0.5);
    done = convertible & (units >= 0) & (units < cycle);
    return units;
}

// The same integers, `done` by a cheaper test on the lanes' frequencies alone: f x 2^20 in
// [0, N - 1) (its rounding is then in [0, N), and below 2^51); the other lanes (negative
// frequencies, within 1 unit of the sample rate or above, non-finite) are left to the scalar
// function. `top` is N - 1 as a double (exact: N < 2^51), converted once by the caller.
inline I64x4 modular_increment_lanes(F64x4 frequency, double top, I64x4 &done) noexcept {
    const F64x4 x = frequency * kModularUnitsPerHz;
    const F64x4 whole = trunc_lanes(x);
    const F64x4 rest = x - whole;
    const I64x4 units = exact_integers(whole) - (rest >= 0.5) + (rest <= -0.5);
    done = (x >= 0.0) & (x < top);
    return units;
}

// dsp::modular_from_cycles of four values in cycles, for the lanes of `done` (|cycles| < 2^51;
// the others are left to the scalar function).
// `units_per_cycle` is N as a double (static_cast<double>(cycle), converted once by the caller).
inline I64x4 modular_from_cycles_lanes(F64x4 cycles, int64_t cycle, double units_per_cycle,
                                       I64x4 &done) noexcept {
    done = convertible_lanes(cycles);
    const F64x4 fraction = cycles - floor_lanes(cycles);
    // fraction x N is in [0, N], N < 2^51: its truncation converts exactly.
    const I64x4 units = exact_integers(trunc_lanes(fraction * units_per_cycle));
    return units >= cycle ? cycle - 1 : units;
}

// dt = min(inc, N - inc) / N (the oscillator's blep_dt) of four increments in [0, N).
inline F64x4 blep_dt_lanes(I64x4 inc, int64_t cycle) noexcept {
    const I64x4 other = cycle - inc;
    return exact_doubles(other < inc ? other : inc) / static_cast<double>(cycle);
}
// The same with N as a double given (static_cast<double>(cycle), converted once by the caller).
inline F64x4 blep_dt_lanes(I64x4 inc, int64_t cycle, double units_per_cycle) noexcept {
    const I64x4 other = cycle - inc;
    return exact_doubles(other < inc ? other : inc) / units_per_cycle;
}

// modular_cycles of four phases in [0, N): each phase / N, the same IEEE division.
inline F64x4 modular_cycles_lanes(I64x4 phase, double cycle) noexcept {
    return exact_doubles(phase) / cycle;
}

// (a + b) mod N lane by lane, for a, b in [0, N) (N < 2^62).
inline I64x4 modular_add_lanes(I64x4 a, I64x4 b, int64_t cycle) noexcept {
    const I64x4 s = a + b;
    return s - ((s >= cycle) & cycle);
}

// Inclusive prefix sums mod N of four values in [0, N): lane k = (v0 + ... + vk) mod N, in two
// steps of lane shifts and modular adds (each sum below 2N). The same integers as adding them
// one after another mod N (modular addition is exact and associative).
inline I64x4 modular_prefix_lanes(I64x4 v, int64_t cycle) noexcept {
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define AMP_HAS_SHUFFLEVECTOR 1
#endif
#endif
#if defined(AMP_HAS_SHUFFLEVECTOR)
    const I64x4 zero{0, 0, 0, 0};
    v = modular_add_lanes(v, __builtin_shufflevector(zero, v, 0, 4, 5, 6), cycle);
    return modular_add_lanes(v, __builtin_shufflevector(zero, v, 0, 1, 4, 5), cycle);
#undef AMP_HAS_SHUFFLEVECTOR
#else // compilers without the builtin (GCC before 12): the same lanes, built one by one
    v = modular_add_lanes(v, I64x4{0, v[0], v[1], v[2]}, cycle);
    return modular_add_lanes(v, I64x4{0, 0, v[0], v[1]}, cycle);
#endif
}

// std::clamp(v, -limit, limit) lane by lane (limit >= 0): the same selects.
inline F64x4 clamp_lanes(F64x4 v, double limit) noexcept {
    v = v < -limit ? -limit : v;
    return limit < v ? limit : v;
}

inline I64x4 load_lanes(const int64_t *from) noexcept {
    I64x4 v;
    std::memcpy(&v, from, sizeof v);
    return v;
}
inline F64x4 load_lanes(const double *from) noexcept {
    F64x4 v;
    std::memcpy(&v, from, sizeof v);
    return v;
}
inline void store_lanes(double *to, F64x4 v) noexcept { std::memcpy(to, &v, sizeof v); }
inline void store_lanes(int64_t *to, I64x4 v) noexcept { std::memcpy(to, &v, sizeof v); }

// True when every lane of a comparison mask (lanes 0 or -1) is set / when any is.
inline bool all_lanes(I64x4 mask) noexcept {
#if defined(__AVX__)
    return _mm256_movemask_pd(_mm256_castsi256_pd(reinterpret_cast<__m256i>(mask))) == 15;
#else
    return (mask[0] & mask[1] & mask[2] & mask[3]) != 0;
#endif
}
inline bool any_lane(I64x4 mask) noexcept {
#if defined(__AVX__)
    return _mm256_movemask_pd(_mm256_castsi256_pd(reinterpret_cast<__m256i>(mask))) != 0;
#else
    return (mask[0] | mask[1] | mask[2] | mask[3]) != 0;
#endif
}

} // namespace amp::dsp
