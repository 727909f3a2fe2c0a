// test_nodes.cpp: every node of the first set: maths against a reference computed here, block
// invariance (one call, frame by frame, uneven chunks), B = 2 and C = 2 with different data per
// lane, heat against the documented model, and bad params rejected with clear messages.
#include <cmath>
#include <limits>

#include "node_harness.h"

using amp_test::block_invariant;
using amp_test::expect_bad_params;
using amp_test::NamedTensor;
using amp_test::noise;
using amp_test::run_node;
using amp_test::Tensor;

namespace {
constexpr uint32_t B = 2, C = 2, F = 300;
constexpr double kRate = 48000.0;
} // namespace

// ---- constant ----------------------------------------------------------------------------
TEST(constant_fills_each_lane_with_its_value) {
    const Tensor value = noise(B, C, F, 1);
    const auto run = run_node("constant", "{\"channels\":2}", {}, {{"value", value}}, B, F);
    CHECK_EQ(run.status, AMP_OK);
    CHECK(run.out.data == value.data);
    CHECK(block_invariant("constant", "{\"channels\":2}", {}, {{"value", value}}, B, F));
    const auto fixed = run_node("constant", "{\"value\":0.25,\"channels\":3}", {}, {}, B, 5);
    CHECK_EQ(fixed.out.channels, 3u);
    for (double x : fixed.out.data) CHECK_EQ(x, 0.25);
    // Heat: source -> its output: (3 * 0.25^2) / 1 + 0.25 per frame and batch.
    CHECK_NEAR(fixed.heat, B * 5 * (3 * 0.0625 + 0.25), 1e-12);
}

TEST(constant_rejects_bad_params) {
    expect_bad_params("constant", "{\"channels\":0}",
                      {"victim", "constant", "channels", "[1, 64]", "got 0"}, __LINE__);
    expect_bad_params("constant", "{\"value\":\"x\"}", {"\"value\"", "got \"x\""}, __LINE__);
    expect_bad_params("constant", "{\"valeu\":1}",
                      {"unknown parameter \"valeu\"", "known: value, channels"}, __LINE__);
}

// ---- gain ----------------------------------------------------------------------------------
TEST(gain_multiplies_per_lane_and_frame) {
    const Tensor x = noise(B, C, F, 2);
    const Tensor g = noise(B, C, F, 3);
    const auto run = run_node("gain", "{}", {x}, {{"gain", g}}, B, F);
    CHECK_EQ(run.status, AMP_OK);
    for (size_t i = 0; i < x.data.size(); ++i) CHECK_EQ(run.out.data[i], x.data[i] * g.data[i]);
    CHECK(block_invariant("gain", "{}", {x}, {{"gain", g}}, B, F));
    // A per-batch gain broadcast over channels.
    Tensor per_batch{B, 1, 1, {2.0, -3.0}};
    const auto broadcast = run_node("gain", "{}", {x}, {{"gain", per_batch}}, B, F);
    CHECK_EQ(broadcast.out.at(0, 1, 7), 2.0 * x.at(0, 1, 7));
    CHECK_EQ(broadcast.out.at(1, 0, 9), -3.0 * x.at(1, 0, 9));
    // Heat: sum over channels of x^2 + W (1).
    double expected = 0.0;
    for (double v : x.data) expected += v * v;
    expected += B * F * 1.0;
    CHECK_NEAR(run.heat, expected, 1e-9);
}

TEST(gain_rejects_bad_params) {
    expect_bad_params("gain", "{\"gain\":true}",
                      {"victim", "(gain)", "\"gain\"", "finite number", "got true"}, __LINE__);
    expect_bad_params("gain", "{\"oversample\":0}", {"\"oversample\"", "[1, 64]", "got 0"},
                      __LINE__);
    expect_bad_params("gain", "{\"thermo\":{\"resistance\":0}}",
                      {"thermo.resistance", "[1e-12, 1000000000000]"}, __LINE__);
}

// ---- mix -----------------------------------------------------------------------------------
TEST(mix_sums_all_input_channels_into_each_output) {
    const Tensor x = noise(B, 3, F, 4);
    for (int normalize = 0; normalize < 2; ++normalize) {
        const std::string params =
            std::string("{\"channels\":2,\"normalize\":") + (normalize ? "true" : "false") + "}";
        const auto run = run_node("mix", params, {x}, {}, B, F);
        CHECK_EQ(run.status, AMP_OK);
        CHECK_EQ(run.out.channels, 2u);
        for (uint32_t b = 0; b < B; ++b)
            for (uint32_t f = 0; f < F; ++f) {
                double sum = x.at(b, 0, f) + x.at(b, 1, f) + x.at(b, 2, f);
                if (normalize) sum *= 1.0 / 3.0;
                CHECK_NEAR(run.out.at(b, 0, f), sum, 1e-15);
                CHECK_EQ(run.out.at(b, 1, f), run.out.at(b, 0, f));
            }
        CHECK(block_invariant("mix", params, {x}, {}, B, F));
    }
}

TEST(mix_rejects_bad_params) {
    expect_bad_params("mix", "{\"normalize\":1}", {"\"normalize\"", "a boolean", "got 1"},
                      __LINE__);
    expect_bad_params("mix", "{\"channels\":2.5}", {"\"channels\"", "integer", "got 2.5"},
                      __LINE__);
}

// ---- delay ---------------------------------------------------------------------------------
TEST(delay_shifts_by_whole_frames) {
    const Tensor x = noise(B, C, F, 5);
    for (uint32_t d : {0u, 1u, 5u, 77u, 1000u}) {
        const std::string params = "{\"frames\":" + std::to_string(d) + "}";
        const auto run = run_node("delay", params, {x}, {}, B, F);
        CHECK_EQ(run.status, AMP_OK);
        for (uint32_t b = 0; b < B; ++b)
            for (uint32_t c = 0; c < C; ++c)
                for (uint32_t f = 0; f < F; ++f)
                    CHECK_EQ(run.out.at(b, c, f), f >= d ? x.at(b, c, f - d) : 0.0);
        CHECK(block_invariant("delay", params, {x}, {}, B, F));
    }
}

TEST(delay_rejects_bad_params) {
    expect_bad_params("delay", "{\"frames\":-1}", {"\"frames\"", "[0, 16777216]", "got -1"},
                      __LINE__);
    expect_bad_params("delay", "{\"frames\":1.5}", {"\"frames\"", "got 1.5"}, __LINE__);
}

// ---- safety --------------------------------------------------------------------------------
TEST(safety_blocks_dc_clips_and_replaces_non_finite_samples) {
    Tensor x = noise(B, C, F, 6);
    for (double &v : x.data) v = 3.0 * v + 0.5; // DC offset and peaks above the limit
    x.at(0, 1, 10) = std::numeric_limits<double>::quiet_NaN();
    x.at(1, 0, 20) = std::numeric_limits<double>::infinity();
    const Tensor limit = [] {
        Tensor t = noise(B, 1, F, 7);
        for (double &v : t.data) v = 1.0 + 0.5 * v;
        return t;
    }();
    const double alpha = 0.99;
    const auto run = run_node("safety", "{\"dc_alpha\":0.99}", {x}, {{"limit", limit}}, B, F);
    CHECK_EQ(run.status, AMP_OK);
    for (uint32_t b = 0; b < B; ++b)
        for (uint32_t c = 0; c < C; ++c) {
            double dc = 0.0;
            for (uint32_t f = 0; f < F; ++f) {
                double in = x.at(b, c, f);
                if (!std::isfinite(in)) in = 0.0;
                dc = alpha * dc + (1.0 - alpha) * in;
                const double l = limit.at(b, 0, f);
                const double expected = std::min(l, std::max(-l, in - dc));
                CHECK_EQ(run.out.at(b, c, f), expected);
            }
        }
    CHECK_EQ(run.reserved0, 2.0);
    CHECK(block_invariant("safety", "{\"dc_alpha\":0.99}", {x}, {{"limit", limit}}, B, F));
}

TEST(safety_rejects_bad_params) {
    expect_bad_params("safety", "{\"dc_alpha\":1}", {"\"dc_alpha\"", "[0, 1)", "got 1"}, __LINE__);
    expect_bad_params("safety", "{\"limit\":0}", {"\"limit\"", "(0, 1000000]", "got 0"}, __LINE__);
}

// ---- sine_osc ------------------------------------------------------------------------------
TEST(sine_matches_the_phase_convention_per_lane) {
    // Different frequency per (batch, channel), per-frame amplitude.
    Tensor frequency{B, C, 1, {440.0, 1000.0, 12345.6, -250.0}};
    const Tensor amplitude = noise(B, 1, F, 8);
    const double phase0 = 0.125;
    const auto run = run_node("sine_osc", "{\"channels\":2,\"phase\":0.125}", {},
                              {{"frequency", frequency}, {"amplitude", amplitude}}, B, F);
    CHECK_EQ(run.status, AMP_OK);
    for (uint32_t b = 0; b < B; ++b)
        for (uint32_t c = 0; c < C; ++c)
            for (uint32_t f = 0; f < F; ++f) {
                const long double cycles = phase0 + (f + 1.0L) * frequency.at(b, c, 0) / kRate;
                const double fraction = static_cast<double>(cycles - std::floor(cycles));
                const double expected = amplitude.at(b, 0, f) * std::sin(2.0 * M_PI * fraction);
                CHECK_NEAR(run.out.at(b, c, f), expected, 1e-12);
            }
    CHECK(block_invariant("sine_osc", "{\"channels\":2,\"phase\":0.125}", {},
                          {{"frequency", frequency}, {"amplitude", amplitude}}, B, F));
}

TEST(sine_with_per_frame_frequency_accumulates_phase) {
    Tensor frequency = noise(B, 1, F, 9);
    for (double &v : frequency.data) v = 1000.0 + 800.0 * v;
    const auto run =
        run_node("sine_osc", "{\"amplitude\":1}", {}, {{"frequency", frequency}}, B, F);
    CHECK_EQ(run.status, AMP_OK);
    for (uint32_t b = 0; b < B; ++b) {
        long double phase = 0.0L;
        for (uint32_t f = 0; f < F; ++f) {
            phase += frequency.at(b, 0, f) / kRate;
            phase -= std::floor(phase);
            CHECK_NEAR(run.out.at(b, 0, f), std::sin(2.0 * M_PI * static_cast<double>(phase)),
                       1e-12);
        }
    }
    CHECK(block_invariant("sine_osc", "{}", {}, {{"frequency", frequency}}, B, F));
}

TEST(sine_stays_accurate_over_a_long_render) {
    // 10 s at 48 kHz: the fixed-point phase does not drift.
    const uint32_t frames = 480000;
    const auto run = run_node("sine_osc", "{\"frequency\":997,\"amplitude\":1}", {}, {}, 1, frames);
    double worst = 0.0;
    for (uint32_t f = 0; f < frames; f += 17) {
        const long double cycles = (f + 1.0L) * 997.0L / 48000.0L;
        const double fraction = static_cast<double>(cycles - std::floor(cycles));
        worst = std::max(worst, std::fabs(run.out.data[f] - std::sin(2.0 * M_PI * fraction)));
    }
    std::printf("  worst error over 10 s: %.3g\n", worst);
    CHECK(worst < 1e-12);
}

TEST(sine_heat_follows_the_model) {
    const auto run = run_node(
        "sine_osc", "{\"channels\":2,\"thermo\":{\"resistance\":2,\"work\":3}}", {}, {}, B, F);
    double expected = 0.0;
    for (double v : run.out.data) expected += v * v / 2.0;
    expected += B * F * 3.0;
    CHECK_NEAR(run.heat, expected, 1e-9);
}

TEST(sine_rejects_bad_params) {
    expect_bad_params(
        "sine_osc", "{\"frequency\":2e6}",
        {"victim", "sine_osc", "\"frequency\"", "[-1000000, 1000000] Hz", "got 2000000"}, __LINE__);
    expect_bad_params("sine_osc", "{\"channels\":65}", {"\"channels\"", "got 65"}, __LINE__);
    expect_bad_params("sine_osc", "{\"modulation\":{\"mode\":\"divide\"}}",
                      {"modulation.mode", "\"add\" or \"multiply\""}, __LINE__);
    expect_bad_params("sine_osc", "[1]", {"params must be a JSON object"}, __LINE__);
}

// ---- controller ----------------------------------------------------------------------------
TEST(controller_outputs_its_curve_scaled_per_lane) {
    const double times[4] = {0.0, 100.0, 100.0, 250.5};
    const double values[4] = {-1.0, 1.0, 0.5, 2.0};
    AmpHistoryCurve curves[2] = {{"other", times, values, 1, AMP_INTERPOLATION_STEP},
                                 {"level", times, values, 4, AMP_INTERPOLATION_LINEAR}};
    const AmpControlHistory history{curves, 2, 0};
    const Tensor scale = noise(B, C, F, 10);
    const Tensor offset{B, C, 1, {0.0, 1.0, 2.0, 3.0}};
    const auto run = run_node("controller", "{\"curve\":\"level\",\"channels\":2}", {},
                              {{"scale", scale}, {"offset", offset}}, B, F, {}, 48000.0, &history);
    CHECK_EQ(run.status, AMP_OK);
    for (uint32_t b = 0; b < B; ++b)
        for (uint32_t c = 0; c < C; ++c)
            for (uint32_t f = 0; f < F; ++f) {
                const double t = f;
                double curve = 2.0;
                if (t < 100.0)
                    curve = -1.0 + 2.0 * (t / 100.0);
                else if (t < 250.5)
                    curve = 0.5 + 1.5 * ((t - 100.0) / 150.5);
                CHECK_NEAR(run.out.at(b, c, f), curve * scale.at(b, c, f) + offset.at(b, c, 0),
                           1e-14);
            }
    CHECK(block_invariant("controller", "{\"curve\":\"level\",\"channels\":2}", {},
                          {{"scale", scale}, {"offset", offset}}, B, F, &history));
}

TEST(controller_rejects_bad_params) {
    expect_bad_params("controller", "{}", {"victim", "controller", "\"curve\" is required"},
                      __LINE__);
    expect_bad_params("controller", "{\"curve\":\"\"}",
                      {"\"curve\"", "a non-empty string", "got \"\""}, __LINE__);
    expect_bad_params("controller", "{\"curve\":3}", {"\"curve\"", "got 3"}, __LINE__);
}

AMP_TEST_MAIN()
