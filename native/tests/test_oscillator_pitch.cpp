// test_oscillator_pitch.cpp: the frequency formula (root, cents, add) and the min_freq clamp
// against values computed here, the slew limiter against a reference walk that starts at the
// first target (never at 0 Hz), pitch_hz (per frame, and from a modulation edge) replacing the
// formula while above 0, block invariance and refused parameters.
#include <algorithm>
#include <cmath>
#include <string>

#include "node_harness.h"

using amp_test::block_invariant;
using amp_test::expect_bad_params;
using amp_test::run_node;
using amp_test::Tensor;

TEST(root_cents_and_add_give_the_frequency_clamped_to_min_freq) {
    const auto run = run_node("oscillator_pitch",
                              "{\"root_hz\":220,\"offset_cents\":700,\"add_hz\":3}", {}, {}, 1, 8);
    CHECK_EQ(run.status, AMP_OK);
    const double expected = static_cast<double>(220.0L * std::pow(2.0L, 700.0L / 1200.0L) + 3.0L);
    for (double y : run.out.data) CHECK_NEAR(y, expected, 1e-12 * expected);
    // Per-frame modulated cents.
    Tensor cents{1, 1, 64, std::vector<double>(64)};
    for (uint32_t f = 0; f < 64; ++f) cents.data[f] = -1200.0 + 37.5 * f;
    const auto swept =
        run_node("oscillator_pitch", "{\"min_freq\":300}", {}, {{"offset_cents", cents}}, 1, 64);
    for (uint32_t f = 0; f < 64 && swept.status == AMP_OK; ++f) {
        const double hz = static_cast<double>(440.0L * std::pow(2.0L, cents.data[f] / 1200.0L));
        CHECK_NEAR(swept.out.data[f], std::max(hz, 300.0), 1e-12 * hz);
    }
    CHECK_EQ(swept.out.data[0], 300.0); // 220 Hz clamped up
    CHECK(swept.out.data[40] > 300.0);
}

TEST(the_slew_starts_from_the_first_target_never_from_zero_hz) {
    // pitch_hz: 1000 Hz, then 2000 Hz from frame 100, then 1500 Hz from frame 1500.
    const uint32_t frames = 2000;
    Tensor pitch{1, 1, frames, std::vector<double>(frames, 1000.0)};
    for (uint32_t f = 100; f < frames; ++f) pitch.data[f] = f < 1500 ? 2000.0 : 1500.0;
    const double slew = 48000.0; // 1 Hz per frame at 48 kHz
    const auto run = run_node("oscillator_pitch", "{\"slew_hz_per_s\":48000}", {},
                              {{"pitch_hz", pitch}}, 1, frames);
    CHECK_EQ(run.status, AMP_OK);
    CHECK_EQ(run.out.data[0], 1000.0); // the first target itself
    double y = pitch.data[0], worst = 0.0;
    for (uint32_t f = 0; f < frames && run.status == AMP_OK; ++f) {
        const double step = slew / 48000.0;
        if (f > 0) y += std::clamp(pitch.data[f] - y, -step, step);
        worst = std::fmax(worst, std::fabs(run.out.data[f] - y));
    }
    CHECK(worst == 0.0);
    CHECK_EQ(run.out.data[100], 1001.0);
    CHECK_EQ(run.out.data[1099], 2000.0);
    CHECK_EQ(run.out.data[1500], 1999.0);
    // From the formula too: the first frame is the target, not a ramp from 0.
    const auto formula =
        run_node("oscillator_pitch", "{\"root_hz\":440,\"slew_hz_per_s\":10}", {}, {}, 1, 4);
    CHECK_EQ(formula.out.data[0], 440.0);
    CHECK_EQ(formula.out.data[3], 440.0);
    CHECK(block_invariant("oscillator_pitch", "{\"slew_hz_per_s\":48000}", {},
                          {{"pitch_hz", pitch}}, 1, frames));
}

TEST(pitch_hz_replaces_the_formula_while_above_zero_per_batch_and_channel) {
    // Batch 0: pitch 300 Hz; batch 1: pitch 0 (not given) -> root 220 Hz up 100 cents + 5 Hz.
    const Tensor pitch{2, 1, 1, {300.0, 0.0}};
    const auto run = run_node("oscillator_pitch",
                              "{\"channels\":2,\"root_hz\":220,\"offset_cents\":100,\"add_hz\":5}",
                              {}, {{"pitch_hz", pitch}}, 2, 16);
    CHECK_EQ(run.status, AMP_OK);
    CHECK_EQ(run.out.channels, 2u);
    CHECK_EQ(run.out.at(0, 1, 7), 300.0);
    CHECK_NEAR(run.out.at(1, 0, 7),
               static_cast<double>(220.0L * std::pow(2.0L, 100.0L / 1200.0L) + 5.0L), 1e-12);
    // From a modulation edge: a constant 123 Hz added onto pitch_hz's base 0.
    const std::string json =
        R"({"nodes":[{"name":"p","type":"constant","params":{"value":123}},
        {"name":"op","type":"oscillator_pitch"}],
        "modulations":[{"from":"p","to":"op","param":"pitch_hz"}],"output":"op"})";
    const auto graph = amp_test::render(json, 1, 64, 4);
    CHECK_EQ(graph.status, AMP_OK);
    CHECK_EQ(graph.samples[3], 123.0);
    expect_bad_params("oscillator_pitch", "{\"min_freq\":-1}",
                      {"(oscillator_pitch)", "parameter \"min_freq\""}, __LINE__);
}

AMP_TEST_MAIN()
