// test_phase.cpp: the fixed-point phase conversions are exact: floor(x * 2^64) mod 2^64 of the
// real value (the doubles' exact rationals), computed here against values printed by Python's
// fractions module (an independent exact reference):
//   floor(Fraction(f) / Fraction(sr) * 2**64) % 2**64   and   floor(Fraction(x) * 2**64) % 2**64
// Exact integer arithmetic is what makes the phase the same bits on x86-64 and ARM64. Subnormal
// frequencies and rates take the frexp path of the split, normal ones the bit path.
#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/increment_lanes.h"
#include "dsp/modular_lanes.h"
#include "dsp/modular_phase.h"
#include "dsp/phase.h"
#include "test_support.h"

namespace {

struct IncrementCase {
    double frequency, sample_rate;
    uint64_t expected;
};

const IncrementCase kIncrements[] = {
    {440.0, 48000.0, 169095154009004223ull},
    {-440.0, 48000.0, 18277648919700547392ull},
    {997.0, 44100.0, 417038635861415486ull},
    {0.1, 3.0, 614891469123651754ull},
    {1000000.0, 0.001, 18446743689709551616ull}, // the 128-bit reduction path (ratio 2^30)
    {1e-300, 48000.0, 0ull},
    {-1e-300, 48000.0, 18446744073709551615ull},
    {123456.789, 96000.0, 5275920414258788390ull},
    {500000.0, 7.0, 10540996613548315209ull},
    {1e-310, 1e-320, 7610193330804088734ull}, // subnormal frequency and rate
    {3.0, 1e-310, 963464741880555860ull},     // subnormal rate
};

struct CyclesCase {
    double cycles;
    uint64_t expected;
};

const CyclesCase kCycles[] = {
    {0.25, 4611686018427387904ull},      {-0.25, 13835058055282163712ull},
    {1000000.5, 9223372036854775808ull}, {-1e-30, 18446744073709551615ull},
    {0.1, 1844674407370955264ull},       {-3.3, 12912720851596689408ull},
};

TEST(phase_increments_are_the_exact_floor_of_f_over_sr_times_2_to_the_64) {
    for (const IncrementCase &c : kIncrements)
        CHECK_EQ(amp::dsp::phase_increment(c.frequency, c.sample_rate), c.expected);
    CHECK_EQ(amp::dsp::phase_increment(0.0, 48000.0), uint64_t{0});
}

// IncrementAt (one sample rate, many frequencies: the LFO's modulated rate) gives the bits of
// phase_increment: the table above and a sweep of frequencies across 40 octaves, both signs.
TEST(increments_at_one_rate_equal_phase_increment) {
    for (const IncrementCase &c : kIncrements)
        CHECK_EQ(amp::dsp::IncrementAt(c.sample_rate)(c.frequency), c.expected);
    for (const double sr : {48000.0, 44100.0, 96000.0, 1e-320}) {
        const amp::dsp::IncrementAt at(sr);
        bool same = true;
        for (int i = 0; i < 20000; ++i) {
            const double f =
                (i % 2 ? -1.0 : 1.0) * std::ldexp(1.0 + i * 0.618033988749895e-4, i % 40 - 20);
            same = same && at(f) == amp::dsp::phase_increment(f, sr);
        }
        CHECK(same);
        CHECK_EQ(at(0.0), uint64_t{0});
    }
}

// increments_at (four frequencies per vector) gives IncrementAt's bits: LFO-like rates (the
// vector path; groups all positive, or with negative ones), mixed with zeros, subnormals, huge
// and negative values (groups that fall back), at rates whose odd part is small (48 kHz, 44.1
// kHz, 8 kHz), 1 (32768 Hz: no vector path), near 2^32 or above it (a rate with a 53-bit
// mantissa).
TEST(increments_in_lanes_equal_increment_at) {
    for (const double sr : {48000.0, 44100.0, 96000.0, 8000.0, 22050.0, 32768.0, 12345.0, 3.0,
                            4294967295.0, 2147483647.0 * 64.0, 1e-320, 48000.0 * (1.0 + 0x1p-52)}) {
        const amp::dsp::IncrementAt at(sr);
        std::vector<double> f;
        for (int i = 0; i < 20000; ++i)
            f.push_back((i % 3 ? 1.0 : -1.0) *
                        std::ldexp(1.0 + i * 0.618033988749895e-4, i % 14 - 8));
        for (int i = 0; i < 20000; ++i) // positive runs of four: the path without remainders
            f.push_back(std::ldexp(1.0 + i * 0.3819660112501051e-4, i % 17 - 10));
        for (int i = 0; i < 4000; ++i)
            f.push_back((i % 2 ? -1.0 : 1.0) * std::ldexp(1.0 + i * 0.37e-3, i % 80 - 40));
        for (const double x :
             {0.0, -0.0, 4.9e-324, -1e-310, 1e300, 63.999999, 64.0, 1e5, -1e5, 0.5, 0.3, 3.0, 2.7})
            f.insert(f.begin() + static_cast<long>(f.size() / 2), x);
        std::vector<uint64_t> lanes(f.size());
        amp::dsp::increments_at(at, f.data(), static_cast<uint32_t>(f.size()), lanes.data());
        bool same = true;
        for (size_t i = 0; i < f.size(); ++i) same = same && lanes[i] == at(f[i]);
        CHECK(same);
    }
}

// detail::DivideBy (IncrementAt's division by the sample rate's odd part) is floor(n / d) for
// divisors 1 .. 2^64 - 1 (small ones, the sample rates' odd parts, powers of two and their
// neighbours) and numerators spread over the 64-bit range with their edges and multiples of d.
TEST(divide_by_invariant_equals_integer_division) {
    std::vector<uint64_t> divisors = {1,
                                      2,
                                      3,
                                      5,
                                      7,
                                      375,
                                      11025,
                                      1875,
                                      441,
                                      3 * 375,
                                      0xFFFFFFFFFFFFFFFF,
                                      0x8000000000000001,
                                      0x7FFFFFFFFFFFFFFF};
    for (int k = 1; k < 64; ++k) {
        const uint64_t p = uint64_t{1} << k;
        divisors.insert(divisors.end(), {p - 1, p, p + 1});
    }
    uint64_t x = 0x9E3779B97F4A7C15;
    for (int i = 0; i < 200; ++i) {
        x = x * 6364136223846793005 + 1442695040888963407;
        divisors.push_back((x >> (i % 64)) | 1);
    }
    bool same = true;
    for (const uint64_t d : divisors) {
        const amp::dsp::detail::DivideBy divide(d);
        for (const uint64_t n :
             {uint64_t{0}, uint64_t{1}, d - 1, d, d + 1, 2 * d - 1, 2 * d, ~uint64_t{0},
              ~uint64_t{0} - 1, uint64_t{1} << 63, (uint64_t{1} << 63) - 1})
            same = same && divide(n) == n / d;
        for (int i = 0; i < 2000; ++i) {
            x = x * 6364136223846793005 + 1442695040888963407;
            const uint64_t n = x >> (i % 64);
            const uint64_t q = n / d;
            same = same && divide(n) == q && divide(q * d) == q &&
                   (q == 0 || divide(q * d - 1) == q - 1);
        }
    }
    CHECK(same);
}

// detail::DivideBelow63 (the vector increments' division) is floor(n / d) for n < 2^63 and
// divisors 2 .. 2^32 and beyond (small and odd ones, the sample rates' odd parts, powers of two
// and their neighbours, random), numerators at the edges, multiples of d and random.
TEST(divide_below_2_63_equals_integer_division) {
    std::vector<uint64_t> divisors = {2, 3, 5, 7, 375, 11025, 1875, 441, 125, 12345, 4294967295};
    for (int k = 2; k < 63; ++k) {
        const uint64_t p = uint64_t{1} << k;
        divisors.insert(divisors.end(), {p - 1, p, p + 1});
    }
    uint64_t x = 0x9E3779B97F4A7C15;
    for (int i = 0; i < 200; ++i) {
        x = x * 6364136223846793005 + 1442695040888963407;
        divisors.push_back(((x >> 1) >> (i % 63)) | 2);
    }
    const uint64_t top = (uint64_t{1} << 63) - 1; // the largest numerator
    bool same = true;
    for (const uint64_t d : divisors) {
        const amp::dsp::detail::DivideBelow63 divide(d);
        for (const uint64_t n : {uint64_t{0}, uint64_t{1}, d - 1, d, d + 1, 2 * d - 1, 2 * d, top,
                                 top - 1, top / d * d, top / d * d - 1})
            same = same && (n > top || divide(n) == n / d);
        for (int i = 0; i < 2000; ++i) {
            x = x * 6364136223846793005 + 1442695040888963407;
            const uint64_t n = (x >> 1) >> (i % 63);
            const uint64_t q = n / d;
            same = same && divide(n) == q && divide(q * d) == q &&
                   (q == 0 || divide(q * d - 1) == q - 1);
        }
    }
    CHECK(same);
}

// The oscillator's modular increment rounds with round_half_away: std::llround's bits, ties and
// the largest double below 1/2 included, up to |x| = 1e9 x 2^20.
TEST(round_half_away_is_llround) {
    bool same = true;
    for (const double x : {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
                           -0.49999999999999994, 4503599627370495.5, -4503599627370495.5, 1048576e9,
                           -1048576e9, 461373440.49999994, 1e-300})
        same = same && amp::dsp::round_half_away(x) == std::llround(x);
    for (int i = 0; i < 100000; ++i) {
        const double x = (i % 2 ? -1.0 : 1.0) * std::ldexp(1.0 + i * 0.37e-5, i % 50 - 5) / 3.0;
        same = same && amp::dsp::round_half_away(x) == std::llround(x);
    }
    CHECK(same);
}

// The oscillator's four-frame conversions (dsp/modular_lanes.h) give the scalar functions'
// integers in every lane they claim (done), and claim every ordinary value; the prefix sums
// equal the serial modular adds. Values: ties, near-ties, negatives, signed zeros, beyond the
// cycle, out of the 2^51 range, non-finite.
TEST(modular_lanes_equal_the_scalar_conversions) {
    using amp::dsp::F64x4;
    using amp::dsp::I64x4;
    const uint64_t cycle = amp::dsp::modular_cycle(48000.0, 1);
    const int64_t n = static_cast<int64_t>(cycle);
    const double units = static_cast<double>(cycle);
    std::vector<double> values{0.0,
                               -0.0,
                               0.5 / 1048576.0,
                               -0.5 / 1048576.0,
                               1.5 / 1048576.0,
                               220.0,
                               -440.0,
                               47999.9999999,
                               48000.0,
                               96000.5,
                               0.49999999999999994,
                               -0.25,
                               -1e-30,
                               2.25,
                               -3.3,
                               1e300,
                               -1e300,
                               std::nan(""),
                               INFINITY,
                               -INFINITY};
    for (int i = 0; i < 20000; ++i)
        values.push_back((i % 3 == 0 ? -1.0 : 1.0) * std::ldexp(1.0 + i * 0.731e-4, i % 40 - 20) *
                         (i % 7 == 0 ? 1.0 : 331.7));
    while (values.size() % 4 != 0) values.push_back(1.0);
    bool same = true, claimed = true;
    for (size_t i = 0; i < values.size(); i += 4) {
        const F64x4 x{values[i], values[i + 1], values[i + 2], values[i + 3]};
        I64x4 done_inc, done_cycles;
        const I64x4 inc = amp::dsp::modular_increment_lanes(x, n, done_inc);
        I64x4 done_top;
        const I64x4 inc_top = amp::dsp::modular_increment_lanes(x, units - 1.0, done_top);
        const I64x4 from = amp::dsp::modular_from_cycles_lanes(x, n, units, done_cycles);
        for (int l = 0; l < 4; ++l) {
            const double v = x[l];
            const bool ordinary = std::isfinite(v) && std::fabs(v) < 1e9;
            if (done_inc[l] != 0)
                same =
                    same && static_cast<uint64_t>(inc[l]) == amp::dsp::modular_increment(v, cycle);
            if (done_top[l] != 0)
                same = same &&
                       static_cast<uint64_t>(inc_top[l]) == amp::dsp::modular_increment(v, cycle);
            if (done_cycles[l] != 0)
                same = same &&
                       static_cast<uint64_t>(from[l]) == amp::dsp::modular_from_cycles(v, cycle);
            // Every ordinary value in [0, sr) Hz, and every finite phase below 2^51 cycles.
            if (ordinary && v >= 0.0 && v < 47999.0)
                claimed = claimed && done_inc[l] != 0 && done_top[l] != 0;
            if (ordinary) claimed = claimed && done_cycles[l] != 0;
        }
    }
    CHECK(same);
    CHECK(claimed);
    // Prefix sums mod N of increments in [0, N), against the serial adds.
    bool prefix = true;
    uint64_t seed = 12345;
    for (int i = 0; i < 10000; ++i) {
        I64x4 v;
        for (int l = 0; l < 4; ++l) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            v[l] = static_cast<int64_t>((seed >> 11) % cycle);
            if (i % 5 == 0) v[l] = n - 1 - (i % 3); // near the top
        }
        const I64x4 sums = amp::dsp::modular_prefix_lanes(v, n);
        uint64_t running = 0;
        for (int l = 0; l < 4; ++l) {
            running = amp::dsp::modular_add(running, static_cast<uint64_t>(v[l]), cycle);
            prefix = prefix && static_cast<uint64_t>(sums[l]) == running;
        }
    }
    CHECK(prefix);
}

TEST(phases_from_cycles_are_the_exact_floor_of_x_times_2_to_the_64) {
    for (const CyclesCase &c : kCycles) CHECK_EQ(amp::dsp::phase_from_cycles(c.cycles), c.expected);
    CHECK_EQ(amp::dsp::phase_from_cycles(0.0), uint64_t{0});
    CHECK_EQ(amp::dsp::phase_from_cycles(-0.0), uint64_t{0});
    CHECK_EQ(amp::dsp::phase_from_cycles(7.0), uint64_t{0});
}

} // namespace

AMP_TEST_MAIN()
