// test_phase.cpp: the fixed-point phase conversions are exact: floor(x * 2^64) mod 2^64 of the
// real value (the doubles' exact rationals), computed here against values printed by Python's
// fractions module (an independent exact reference):
//   floor(Fraction(f) / Fraction(sr) * 2**64) % 2**64   and   floor(Fraction(x) * 2**64) % 2**64
// Exact integer arithmetic is what makes the phase the same bits on x86-64 and ARM64.
#include <cstdint>

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

TEST(phases_from_cycles_are_the_exact_floor_of_x_times_2_to_the_64) {
    for (const CyclesCase &c : kCycles) CHECK_EQ(amp::dsp::phase_from_cycles(c.cycles), c.expected);
    CHECK_EQ(amp::dsp::phase_from_cycles(0.0), uint64_t{0});
    CHECK_EQ(amp::dsp::phase_from_cycles(-0.0), uint64_t{0});
    CHECK_EQ(amp::dsp::phase_from_cycles(7.0), uint64_t{0});
}

} // namespace

AMP_TEST_MAIN()
