// phase.h: oscillator phase as 64-bit fixed point, in cycles (2^64 = one cycle).
//
// Wrapping is exact (unsigned overflow), and integer addition is associative, so a phase
// advanced frame by frame, in blocks, or in closed form (phi0 + n * inc) is bit-identical:
// this is what makes oscillators block-invariant. Resolution 2^-64 cycle; no drift.
//
// Portable: both conversions below are exact integer arithmetic on the doubles' mantissas and
// exponents (no long double, whose width differs between x86-64 and ARM64), so a phase and an
// increment are the same bits on every platform: phase_from_cycles(x) = floor(x * 2^64) mod 2^64
// and phase_increment(f, sr) = floor(f / sr * 2^64) mod 2^64, exactly (the real quotient, not
// a rounded one).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace amp::dsp {

using Phase = uint64_t;

namespace detail {

// x = mantissa * 2^exponent with an integer mantissa < 2^53 (x finite and non-negative).
struct Split {
    uint64_t mantissa;
    int exponent;
};

inline Split split(double x) {
    uint64_t bits = 0;
    std::memcpy(&bits, &x, sizeof bits);
    const int biased = static_cast<int>(bits >> 52); // the sign bit is 0
    if (biased != 0) // normal: the stored mantissa with its implicit bit (what frexp gives)
        return {(bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1} << 52), biased - 1075};
    int exponent = 0;                                 // zero and subnormals
    const double fraction = std::frexp(x, &exponent); // x = fraction * 2^exponent, [0.5, 1)
    return {static_cast<uint64_t>(std::ldexp(fraction, 53)), exponent - 53};
}

// floor(m * 2^s) mod 2^64 and whether bits were dropped below the point.
inline Phase shifted(uint64_t m, int s, bool &inexact) {
    inexact = false;
    if (s >= 64) return 0;
    if (s >= 0) return m << s;
    if (s <= -64) {
        inexact = m != 0;
        return 0;
    }
    inexact = (m & ((uint64_t{1} << -s) - 1)) != 0;
    return m >> -s;
}

// floor(a * 2^s / d) mod 2^64 for a, d < 2^53, d > 0, and whether the division left a remainder.
inline Phase quotient(uint64_t a, uint64_t d, int s, bool &inexact) {
    using U128 = unsigned __int128;
    if (s < 0) { // a / d < 2, so a * 2^s / d < 1
        inexact = a != 0;
        return 0;
    }
    U128 numerator;
    if (s <= 74) {
        numerator = static_cast<U128>(a) << s; // < 2^127
    } else {
        // Only the remainder of a * 2^(s - 64) modulo d reaches the low 64 bits of the quotient.
        U128 r = a % d;
        for (int left = s - 64; left > 0;) {
            const int step = left < 64 ? left : 64;
            r = (r << step) % d;
            left -= step;
        }
        numerator = r << 64;
    }
    const U128 q = numerator / d; // one 128-bit division: the remainder from q
    inexact = q * d != numerator;
    return static_cast<Phase>(q);
}

// A non-negative magnitude (floor) turned into the phase of a signed value: for a negative
// value, floor(-y) = -ceil(y).
inline Phase signed_phase(Phase magnitude, bool inexact, bool negative) {
    if (!negative) return magnitude;
    return Phase{0} - (magnitude + (inexact ? 1 : 0));
}

// floor(n / d) for every 64-bit n and a fixed d >= 1, without a division instruction
// (Granlund and Montgomery, "Division by invariant integers using multiplication", 1994, fig.
// 4.1): with l = ceil(log2 d) and m = floor(2^64 (2^l - d) / d) + 1 < 2^64, t = floor(m n / 2^64)
// and floor(n / d) = (t + ((n - t) >> min(l, 1))) >> max(l - 1, 0), exactly. test_phase checks it
// against `/` for many divisors and numerators.
class DivideBy {
  public:
    explicit DivideBy(uint64_t d) {
        using U128 = unsigned __int128;
        int l = 0;
        while (l < 64 && (U128{1} << l) < d) ++l;
        multiplier_ = static_cast<uint64_t>((((U128{1} << l) - d) << 64) / d + 1);
        shift1_ = l < 1 ? l : 1;
        shift2_ = l > 1 ? l - 1 : 0;
    }
    uint64_t multiplier() const { return multiplier_; }
    int shift1() const { return shift1_; }
    int shift2() const { return shift2_; }
    uint64_t operator()(uint64_t n) const {
        const uint64_t t =
            static_cast<uint64_t>((static_cast<unsigned __int128>(multiplier_) * n) >> 64);
        return (t + ((n - t) >> shift1_)) >> shift2_;
    }

  private:
    uint64_t multiplier_ = 0;
    int shift1_ = 0, shift2_ = 0;
};

// floor(n / d) for n < 2^63 and a fixed d >= 2 (Granlund and Montgomery, theorem 4.2 with N =
// 63): with l = ceil(log2 d) and m = ceil(2^(63 + l) / d) < 2^64, m d - 2^(63 + l) < d <= 2^l,
// so floor(n / d) = floor(m n / 2^(63 + l)) = floor(m n / 2^64) >> (l - 1): one multiply-high
// and one shift (IncrementAt's numerators are below 2^63). test_phase checks it against `/`.
class DivideBelow63 {
  public:
    explicit DivideBelow63(uint64_t d) {
        using U128 = unsigned __int128;
        if (d < 2) return; // unused: multiplier 0
        const int l = 64 - __builtin_clzll(d - 1);
        multiplier_ = static_cast<uint64_t>(((U128{1} << (63 + l)) + (d - 1)) / d);
        shift_ = l - 1;
    }
    uint64_t multiplier() const { return multiplier_; }
    int shift() const { return shift_; }
    uint64_t operator()(uint64_t n) const {
        return static_cast<uint64_t>((static_cast<unsigned __int128>(multiplier_) * n) >> 64) >>
               shift_;
    }

  private:
    uint64_t multiplier_ = 0;
    int shift_ = 0;
};

} // namespace detail

// floor(cycles * 2^64) mod 2^64: frac(cycles) as fixed point, for any finite real (negative
// values wrap).
inline Phase phase_from_cycles(double cycles) {
    const bool negative = cycles < 0.0;
    const detail::Split x = detail::split(std::fabs(cycles));
    bool inexact = false;
    const Phase magnitude = detail::shifted(x.mantissa, x.exponent + 64, inexact);
    return detail::signed_phase(magnitude, inexact, negative);
}

// phase_increment(frequency, sr) for many frequencies at one sample rate (> 0): the rate's
// split done once, and its mantissa as odd x 2^tz. When a x 2^s / (odd x 2^tz) has a numerator
// a x 2^(s - tz) below 2^64 (e.g. at 48 kHz, odd = 375, every |frequency| below 64 Hz: an
// LFO's rates), one exact division by the invariant odd (a multiply-high by a precomputed
// reciprocal, detail::DivideBy) gives the quotient and its remainder; otherwise the 128-bit
// path of phase_increment. The same bits as phase_increment.
class IncrementAt {
  public:
    explicit IncrementAt(double sample_rate_hz)
        : sr_(detail::split(sample_rate_hz)), tz_(__builtin_ctzll(sr_.mantissa)),
          odd_(sr_.mantissa >> tz_), divide_(odd_), below63_(odd_) {}
    Phase operator()(double frequency_hz) const {
        if (frequency_hz == 0.0) return 0;
        const bool negative = frequency_hz < 0.0;
        const detail::Split f = detail::split(std::fabs(frequency_hz));
        const int s = f.exponent - sr_.exponent + 64;
        bool inexact = false;
        Phase magnitude = 0;
        if (s >= tz_ && s - tz_ <= 10) { // f.mantissa < 2^53: the numerator stays below 2^63
            const uint64_t numerator = f.mantissa << (s - tz_);
            magnitude = divide_(numerator);
            inexact = magnitude * odd_ != numerator;
        } else {
            magnitude = detail::quotient(f.mantissa, sr_.mantissa, s, inexact);
        }
        return detail::signed_phase(magnitude, inexact, negative);
    }

    // The constants of the 64-bit case for increment_lanes.h: a frequency with biased exponent
    // e (a normal double) takes it when 0 <= e + shift_bias <= 10 (the numerator's shift, so
    // the numerator is below 2^63), and `vector` when the odd part is 3 .. 2^32 - 1 (its
    // products split in 32-bit halves; quotient floor(numerator x multiplier / 2^64) >> shift,
    // detail::DivideBelow63) and shift_bias < 0 (so a zero or subnormal, biased exponent 0, is
    // outside the range; at any sample rate above 2^-950 Hz).
    struct Lanes {
        bool vector;
        int64_t shift_bias;
        uint64_t multiplier, odd;
        int shift;
    };
    Lanes lanes() const {
        const int64_t shift_bias = int64_t{-1075} - sr_.exponent + 64 - tz_;
        return {odd_ > 1 && odd_ < (uint64_t{1} << 32) && shift_bias < 0, shift_bias,
                below63_.multiplier(), odd_, below63_.shift()};
    }

  private:
    detail::Split sr_;
    int tz_;       // trailing zero bits of the rate's mantissa
    uint64_t odd_; // the mantissa without them
    detail::DivideBy divide_;
    detail::DivideBelow63 below63_; // the same quotients for the vector case (numerator < 2^63)
};

// Phase increment of one frame at `frequency_hz` (any finite value) and `sample_rate_hz` (> 0).
inline Phase phase_increment(double frequency_hz, double sample_rate_hz) {
    if (frequency_hz == 0.0) return 0;
    const bool negative = frequency_hz < 0.0;
    const detail::Split f = detail::split(std::fabs(frequency_hz));
    const detail::Split sr = detail::split(sample_rate_hz);
    bool inexact = false;
    const Phase magnitude =
        detail::quotient(f.mantissa, sr.mantissa, f.exponent - sr.exponent + 64, inexact);
    return detail::signed_phase(magnitude, inexact, negative);
}

} // namespace amp::dsp
