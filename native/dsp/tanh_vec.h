// tanh_vec.h: tanh(x) written for the vectoriser (no libm call, no branches), for loops over
// frames. Accuracy: within 6e-16 relative of tanh(x) (3 ulp) (test_tanh_vec.cpp checks it against
// std::tanh); not bit-identical to libm.
//
// Method: u = 2 min(|x|, 20) (tanh(20) is 1 in double); u = k ln2 + r with k = round(u / ln2)
// (the 2^52 + 2^51 "magic number" rounding, so k's bits are an integer subtraction away) and
// |r| <= ln2 / 2 (Cody-Waite: ln2 split in a 32-bit head, exact times k, and a tail);
// expm1(r) by its Taylor series through r^13 (truncation below 5e-18 relative);
// expm1(u) = 2^k expm1(r) + (2^k - 1), 2^k built from its exponent bits;
// tanh(|x|) = expm1(u) / (expm1(u) + 2), no cancellation near 0; the sign of x copied back.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace amp::dsp {

inline double tanh_vec(double x) {
    constexpr double kMagic = 6755399441055744.0;          // 2^52 + 2^51
    constexpr uint64_t kMagicBits = 0x4338000000000000ull; // its bit pattern
    constexpr double kInvLn2 = 1.4426950408889634074;
    constexpr double kLn2Hi = 6.93147180369123816490e-01; // 32 significant bits
    constexpr double kLn2Lo = 1.90821492927058770002e-10;
    const double a = std::fabs(x);
    const double u = 2.0 * (a < 20.0 ? a : 20.0);
    const double biased = u * kInvLn2 + kMagic;
    const double k = biased - kMagic; // round(u / ln2), an integer in [0, 58]
    const double r = (u - k * kLn2Hi) - k * kLn2Lo;
    uint64_t k_bits = 0;
    std::memcpy(&k_bits, &biased, sizeof k_bits);
    const uint64_t scale_bits = (k_bits - kMagicBits + 1023) << 52;
    double scale = 0.0; // 2^k
    std::memcpy(&scale, &scale_bits, sizeof scale);
    constexpr double c2 = 1.0 / 2, c3 = c2 / 3, c4 = c3 / 4, c5 = c4 / 5, c6 = c5 / 6;
    constexpr double c7 = c6 / 7, c8 = c7 / 8, c9 = c8 / 9, c10 = c9 / 10, c11 = c10 / 11;
    constexpr double c12 = c11 / 12, c13 = c12 / 13;
    const double p =
        c2 +
        r * (c3 +
             r * (c4 +
                  r * (c5 +
                       r * (c6 +
                            r * (c7 +
                                 r * (c8 +
                                      r * (c9 + r * (c10 + r * (c11 + r * (c12 + r * c13))))))))));
    const double q = r + r * (r * p); // expm1(r)
    const double em1 = scale * q + (scale - 1.0);
    return std::copysign(em1 / (em1 + 2.0), x);
}

} // namespace amp::dsp
