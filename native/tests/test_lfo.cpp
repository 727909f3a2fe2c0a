// test_lfo.cpp: the lfo's four shapes against a reference computed here in long double (phase
// frac(phase0 + (f + 1) rate / sr)), depth modulated per frame, a different rate per batch,
// the one-pole smoothing against its recursion, block invariance and refused parameters; the
// four-frame waves (lfo_waves.h) against the scalar ones over many phases, and a modulated rate
// (the four-frame path: increments, running sum, waves) against the scalar per-frame sum, bit
// for bit.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "dsp/phase.h"
#include "node_harness.h"
#include "nodes/lfo_waves.h"

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

namespace {

template <uint32_t kShape>
bool four_frame_wave_matches(const std::vector<uint64_t> &phases) {
    bool same = true;
    for (size_t i = 0; i + 4 <= phases.size(); i += 4) {
        const amp::dsp::U64x4 four = {phases[i], phases[i + 1], phases[i + 2], phases[i + 3]};
        const amp::lfo::D4 lanes = amp::lfo::wave4<kShape>(four);
        for (int j = 0; j < 4; ++j) {
            const double scalar = amp::lfo::wave<kShape>(phases[i + j]);
            const double lane = lanes[j];
            same = same && std::memcmp(&lane, &scalar, sizeof scalar) == 0;
        }
    }
    return same;
}

} // namespace

TEST(four_frame_waves_equal_the_scalar_waves) {
    std::vector<uint64_t> phases;
    const uint64_t half = uint64_t{1} << 63, quarter = uint64_t{1} << 62;
    for (const uint64_t edge : {uint64_t{0}, half, quarter, half + quarter, ~uint64_t{0}})
        for (const int64_t delta : {-4097, -2048, -2047, -1, 0, 1, 2047, 2048, 4097})
            phases.push_back(edge + static_cast<uint64_t>(delta));
    uint64_t x = 0x9E3779B97F4A7C15;
    for (int i = 0; i < 40000; ++i) {
        x = x * 6364136223846793005 + 1442695040888963407;
        phases.push_back(x);
    }
    while (phases.size() % 4 != 0) phases.push_back(0);
    CHECK(four_frame_wave_matches<amp::lfo::kSquare>(phases));
    CHECK(four_frame_wave_matches<amp::lfo::kSaw>(phases));
    CHECK(four_frame_wave_matches<amp::lfo::kTriangle>(phases));
    CHECK(four_frame_wave_matches<amp::lfo::kSine>(phases));
}

TEST(a_modulated_rate_gives_the_bits_of_the_per_frame_sum) {
    // Rates per frame: LFO-like positive runs, negative ones, zeros, and rates outside the
    // vector range (1e4 Hz, a subnormal), so four-frame groups take both paths; depth constant
    // and per frame; one call and uneven calls (the scalar tail of each call).
    const uint32_t frames = 3001;
    Tensor rate{1, 1, frames, std::vector<double>(frames)};
    Tensor depth{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f) {
        rate.data[f] = f < 1000 ? 0.5 + 7.0 * f / frames : f < 1500 ? -3.0 + 0.001 * f : 2.3;
        depth.data[f] = 0.3 + 0.2 * std::sin(0.01 * f);
    }
    for (const uint32_t f : {1777u, 1800u, 2001u}) rate.data[f] = 0.0;
    rate.data[2101] = 1e4;
    rate.data[2203] = 4.9e-324;
    const amp::dsp::IncrementAt increment(48000.0);
    for (const std::string shape : {"sine", "square", "saw", "triangle"}) {
        for (const bool per_frame_depth : {false, true}) {
            std::vector<double> expected(frames);
            uint64_t phase = amp::dsp::phase_from_cycles(0.3);
            for (uint32_t f = 0; f < frames; ++f) {
                phase += increment(rate.data[f]);
                const double d = per_frame_depth ? depth.data[f] : 0.7;
                const double w = shape == "sine"     ? amp::lfo::wave<amp::lfo::kSine>(phase)
                                 : shape == "square" ? amp::lfo::wave<amp::lfo::kSquare>(phase)
                                 : shape == "saw"    ? amp::lfo::wave<amp::lfo::kSaw>(phase)
                                                     : amp::lfo::wave<amp::lfo::kTriangle>(phase);
                expected[f] = d * w;
            }
            const std::string params = "{\"shape\":\"" + shape + "\",\"phase\":0.3,\"depth\":0.7}";
            std::vector<amp_test::NamedTensor> inputs = {{"rate_hz", rate}};
            if (per_frame_depth) inputs.push_back({"depth", depth});
            for (const std::vector<uint32_t> &chunks :
                 {std::vector<uint32_t>{}, std::vector<uint32_t>{37, 5, 512}}) {
                const auto run = run_node("lfo", params, {}, inputs, 1, frames, chunks);
                CHECK_EQ(run.status, AMP_OK);
                if (run.out.data != expected)
                    std::printf("  shape %s, depth %s: not the per-frame bits\n", shape.c_str(),
                                per_frame_depth ? "per frame" : "constant");
                CHECK(run.out.data == expected);
            }
        }
    }
}
