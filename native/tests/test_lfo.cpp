// test_lfo.cpp: the lfo's four shapes against a reference computed here in long double (phase
// frac(phase0 + (f + 1) rate / sr)), depth modulated per frame, a different rate per batch,
// the one-pole smoothing against its recursion, block invariance and refused parameters.
#include <cmath>
#include <string>

#include "node_harness.h"

using amp_test::block_invariant;
using amp_test::expect_bad_params;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

constexpr double kRate = 48000.0;

long double cycles(double rate, double phase0, uint32_t f) {
    long double phi = phase0 + static_cast<long double>(f + 1) * rate / kRate;
    return phi - std::floor(phi);
}

// The wave of nodes.md at phase phi; `near_edge` says phi is within 1e-9 of a discontinuity.
long double wave(const std::string &shape, long double phi, bool &near_edge) {
    const long double pi = 3.141592653589793238462643383279502884L;
    near_edge = std::fabs(phi - 0.5L) < 1e-9L || phi < 1e-9L || phi > 1 - 1e-9L;
    if (shape == "square") return phi < 0.5L ? 1.0L : -1.0L;
    if (shape == "saw") return 2 * phi - 1;
    if (shape == "triangle") return 2 * std::fabs(2 * phi - 1) - 1;
    return std::sin(2 * pi * phi);
}

} // namespace

TEST(every_shape_matches_the_reference_with_depth_modulated_per_frame) {
    const uint32_t frames = 5000;
    Tensor depth{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f) depth.data[f] = 0.25 + 0.5 * f / frames;
    for (const std::string shape : {"sine", "square", "saw", "triangle"}) {
        const std::string params = "{\"shape\":\"" + shape + "\",\"rate_hz\":37.3,\"phase\":0.1}";
        const auto run = run_node("lfo", params, {}, {{"depth", depth}}, 1, frames);
        CHECK_EQ(run.status, AMP_OK);
        double worst = 0.0;
        for (uint32_t f = 0; f < frames && run.status == AMP_OK; ++f) {
            bool near_edge = false;
            const long double expected =
                depth.data[f] * wave(shape, cycles(37.3, 0.1, f), near_edge);
            if (near_edge) continue;
            worst = std::fmax(worst, std::fabs(run.out.data[f] - static_cast<double>(expected)));
        }
        if (!(worst < 1e-12)) std::printf("  shape %s: worst error %g\n", shape.c_str(), worst);
        CHECK(worst < 1e-12);
    }
}

TEST(each_batch_has_its_own_phase_and_rate) {
    const Tensor rate{2, 1, 1, {2.5, 11.0}};
    const auto run =
        run_node("lfo", "{\"shape\":\"triangle\",\"depth\":1}", {}, {{"rate_hz", rate}}, 2, 3000);
    CHECK_EQ(run.status, AMP_OK);
    for (uint32_t b = 0; b < 2 && run.status == AMP_OK; ++b)
        for (uint32_t f = 0; f < 3000; f += 17) {
            bool edge = false;
            CHECK_NEAR(run.out.at(b, 0, f),
                       static_cast<double>(wave("triangle", cycles(rate.data[b], 0, f), edge)),
                       1e-12);
        }
    CHECK(block_invariant("lfo", "{\"shape\":\"saw\",\"channels\":2,\"slew_ms\":3}", {},
                          {{"rate_hz", rate}}, 2, 1500));
}

TEST(slew_smooths_with_the_documented_one_pole_from_the_first_value) {
    const double slew_ms = 4.0;
    const auto raw =
        run_node("lfo", "{\"shape\":\"square\",\"rate_hz\":50,\"depth\":1}", {}, {}, 1, 4000);
    const auto smooth = run_node(
        "lfo", "{\"shape\":\"square\",\"rate_hz\":50,\"depth\":1,\"slew_ms\":4}", {}, {}, 1, 4000);
    CHECK_EQ(smooth.status, AMP_OK);
    const long double alpha = 1.0L - std::exp(-1.0L / (kRate * slew_ms / 1000.0L));
    long double s = raw.out.data[0];
    double worst = 0.0;
    for (uint32_t f = 0; f < 4000 && smooth.status == AMP_OK; ++f) {
        s += alpha * (raw.out.data[f] - s);
        worst = std::fmax(worst, std::fabs(smooth.out.data[f] - static_cast<double>(s)));
    }
    CHECK(worst < 1e-12);
    CHECK_EQ(smooth.out.data[0], 1.0); // starts at the first value, not ramping up from 0
    // The corners are rounded: the first frame after the edge at phi = 1/2 is not yet -1.
    CHECK(smooth.out.data[480] > -0.99 && raw.out.data[480] == -1.0);
}

TEST(bad_params_are_refused_naming_the_key) {
    expect_bad_params(
        "lfo", "{\"shape\":\"sawtooth\"}",
        {"(lfo)", "parameter \"shape\"", "\"sine\", \"square\", \"saw\", \"triangle\""}, __LINE__);
    expect_bad_params("lfo", "{\"slew_ms\":-1}", {"parameter \"slew_ms\""}, __LINE__);
}

AMP_TEST_MAIN()
