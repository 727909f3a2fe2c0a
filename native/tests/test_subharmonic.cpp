// test_subharmonic.cpp: the subharmonic node against its documented equations evaluated here in
// long double (band-pass, envelope follower, zero-crossing flip-flops /2 and /4, low-passed
// squares, tanh, output high-pass), with and without the /4 square; the flip-flops really toggle
// (the wet-only output's period is twice, or four times, the input's); block invariance.
// The spectral acceptance (energy at half the input frequency, measured with the package's own
// spectrum) is in test/subharmonic.test.ts.
#include <cmath>
#include <string>
#include <vector>

#include "node_harness.h"

using amp_test::block_invariant;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

constexpr long double kRate = 48000.0L;
constexpr long double kTwoPi = 6.283185307179586476925286766559L;

struct Settings {
    long double band_lo = 60, band_hi = 600, attack_ms = 5, release_ms = 50, sub_lp = 250,
                out_hp = 20, div4 = 0, drive = 2, mix = 0.5;
};

std::vector<double> reference(const std::vector<double> &x, const Settings &s) {
    const long double hp = 1 / (1 + kTwoPi * s.band_lo / kRate);
    const long double lp = 1 - std::exp(-kTwoPi * s.band_hi / kRate);
    const long double att = 1 - std::exp(-1 / (kRate * s.attack_ms / 1000));
    const long double rel = 1 - std::exp(-1 / (kRate * s.release_ms / 1000));
    const long double sub = 1 - std::exp(-kTwoPi * s.sub_lp / kRate);
    const long double out_hp = 1 / (1 + kTwoPi * s.out_hp / kRate);
    long double x1 = 0, h = 0, v = 0, e = 0, q2 = -1, q4 = -1, s2 = 0, s4 = 0, m1 = 0, y = 0;
    std::vector<double> out;
    for (double in : x) {
        h = hp * (h + in - x1);
        x1 = in;
        const long double before = v;
        v += lp * (h - v);
        const long double level = std::fabs(v);
        e += (level > e ? att : rel) * (level - e);
        if (before <= 0 && v > 0) {
            q2 = -q2;
            if (q2 > 0) q4 = -q4;
        }
        s2 += sub * (q2 - s2);
        s4 += sub * (q4 - s4);
        const long double mixed =
            (1 - s.mix) * in + s.mix * std::tanh(s.drive * (s2 + s.div4 * s4)) * e;
        y = out_hp * (y + mixed - m1);
        m1 = mixed;
        out.push_back(static_cast<double>(y));
    }
    return out;
}

Tensor sine(uint32_t frames, double hz, double amplitude) {
    Tensor t{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f)
        t.data[f] = amplitude * std::sin(2 * M_PI * hz * f / 48000.0);
    return t;
}

double worst_error(const std::vector<double> &a, const std::vector<double> &b) {
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::fmax(worst, std::fabs(a[i] - b[i]));
    return worst;
}

// Frames between the last two upward zero crossings of y (after the settling time).
double period(const std::vector<double> &y) {
    std::vector<size_t> ups;
    for (size_t f = y.size() / 2; f < y.size(); ++f)
        if (y[f - 1] <= 0 && y[f] > 0) ups.push_back(f);
    return ups.size() < 2 ? 0.0 : static_cast<double>(ups.back() - ups[ups.size() - 2]);
}

} // namespace

TEST(matches_the_documented_equations) {
    const Tensor x = sine(9600, 200.0, 0.8);
    const auto plain = run_node("subharmonic", "{}", {x}, {}, 1, x.frames);
    CHECK_EQ(plain.status, AMP_OK);
    CHECK(worst_error(plain.out.data, reference(x.data, Settings{})) < 1e-12);
    Settings custom;
    custom.band_lo = 100;
    custom.band_hi = 400;
    custom.div4 = 0.5;
    custom.drive = 4;
    custom.mix = 0.8;
    custom.attack_ms = 0;
    const auto run = run_node("subharmonic",
                              "{\"band_lo_hz\":100,\"band_hi_hz\":400,\"div4\":0.5,\"drive\":4,"
                              "\"mix\":0.8,\"env_attack_ms\":0}",
                              {x}, {}, 1, x.frames);
    CHECK(worst_error(run.out.data, reference(x.data, custom)) < 1e-12);
    CHECK(block_invariant("subharmonic", "{\"div4\":1}", {amp_test::noise(2, 2, 2000, 3)}, {}, 2,
                          2000));
}

TEST(the_flip_flops_toggle_the_wet_path_runs_at_half_and_quarter_frequency) {
    // mix 1, no /4: the output is the wet path alone; 240 Hz in (200 frames per period).
    const Tensor x = sine(48000, 240.0, 0.8);
    const auto half = run_node("subharmonic", "{\"mix\":1}", {x}, {}, 1, x.frames);
    CHECK_EQ(half.status, AMP_OK);
    CHECK_NEAR(period(half.out.data), 400.0, 1.0);
    double peak = 0.0;
    for (size_t f = 24000; f < half.out.data.size(); ++f)
        peak = std::fmax(peak, std::fabs(half.out.data[f]));
    CHECK(peak > 0.1); // the wet path is not silent
    // /4 dominant: the period is four input periods.
    const auto quarter =
        run_node("subharmonic", "{\"mix\":1,\"div4\":4,\"sub_lp_hz\":100}", {x}, {}, 1, x.frames);
    CHECK_NEAR(period(quarter.out.data), 800.0, 1.0);
}

AMP_TEST_MAIN()
