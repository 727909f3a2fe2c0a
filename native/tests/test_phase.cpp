// test_phase.cpp: the fixed-point phase conversions are exact: floor(x * 2^64) mod 2^64 of the
// real value (the doubles' exact rationals), computed here against values printed by Python's
// fractions module (an independent exact reference):
//   floor(Fraction(f) / Fraction(sr) * 2**64) % 2**64   and   floor(Fraction(x) * 2**64) % 2**64
// Exact integer arithmetic is what makes the phase the same bits on x86-64 and ARM64. Subnormal
// frequencies and rates take the frexp path of the split, normal ones the bit path.
#include <cmath>
#include <cstdint>

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

TEST(phases_from_cycles_are_the_exact_floor_of_x_times_2_to_the_64) {
    for (const CyclesCase &c : kCycles) CHECK_EQ(amp::dsp::phase_from_cycles(c.cycles), c.expected);
    CHECK_EQ(amp::dsp::phase_from_cycles(0.0), uint64_t{0});
    CHECK_EQ(amp::dsp::phase_from_cycles(-0.0), uint64_t{0});
    CHECK_EQ(amp::dsp::phase_from_cycles(7.0), uint64_t{0});
}

} // namespace

AMP_TEST_MAIN()
