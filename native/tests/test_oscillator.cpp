// test_oscillator.cpp: the oscillator node against references computed here in long double:
// naive waves, PolyBLEP / BLAMP (as a step and a ramp smoothed by a triangle kernel of the
// increment's width, written from that definition), the integrator and op-amp modes, the
// equal-power pan, reset; with oversampling, the output is the sine delayed by the tier's K
// frames (the delay measured by a fit, for every factor and tier, equals the declared one);
// block invariance with per-frame frequency at B = 2; refused parameter combinations.
#include <cmath>
#include <string>

#include "node_harness.h"
#include "snapshot_continues.h"

using amp_test::block_invariant;
using amp_test::expect_bad_params;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

constexpr double kRate = 48000.0;
const long double kPi = 3.141592653589793238462643383279502884L;

long double frac(long double x) { return x - std::floor(x); }

// Triangle-kernel smoothed unit step and unit ramp minus the ideal ones, tau in phase units.
long double step_error(long double tau, long double dt) {
    if (tau <= -dt || tau >= dt) return 0.0L;
    if (tau < 0) return (tau + dt) * (tau + dt) / (2 * dt * dt);
    return -(dt - tau) * (dt - tau) / (2 * dt * dt);
}
long double ramp_error(long double tau, long double dt) {
    if (tau <= -dt || tau >= dt) return 0.0L;
    if (tau < 0) return (tau + dt) * (tau + dt) * (tau + dt) / (6 * dt * dt);
    return (dt - tau) * (dt - tau) * (dt - tau) / (6 * dt * dt);
}
// Signed distance from t to t0 on the circle, in (-1/2, 1/2].
long double distance(long double t, long double t0) {
    long double d = frac(t - t0);
    return d > 0.5L ? d - 1.0L : d;
}

long double reference(const std::string &wave, bool blep, long double t, long double dt,
                      long double width = 0.5L) {
    if (wave == "sine") return std::sin(2 * kPi * t);
    if (wave == "saw") {
        long double y = 2 * t - 1;
        if (blep) y += -2 * step_error(distance(t, 0), dt);
        return y;
    }
    if (wave == "square") {
        long double y = t < width ? 1 : -1;
        if (blep) y += 2 * step_error(distance(t, 0), dt) - 2 * step_error(distance(t, width), dt);
        return y;
    }
    long double y = t < 0.25L ? 4 * t : (t < 0.75L ? 2 - 4 * t : 4 * t - 4);
    if (blep) y += -8 * ramp_error(distance(t, 0.25L), dt) + 8 * ramp_error(distance(t, 0.75L), dt);
    return y;
}

double worst_error(const std::string &params, const std::string &wave, bool blep, double freq,
                   double amplitude, double width = 0.5) {
    const auto run = run_node("oscillator", params, {}, {}, 1, 3000);
    CHECK_EQ(run.status, AMP_OK);
    if (run.status != AMP_OK) return 1.0;
    double worst = 0.0;
    const long double dt = std::fabs(freq) / kRate;
    for (uint32_t f = 0; f < 3000; ++f) {
        const long double t = frac(static_cast<long double>(f + 1) * freq / kRate);
        const long double y = amplitude * reference(wave, blep, t, dt, width);
        worst = std::fmax(worst, std::fabs(run.out.data[f] - static_cast<double>(y)));
    }
    return worst;
}

} // namespace

TEST(naive_and_polyblep_waves_match_the_smoothed_edge_references) {
    for (const char *wave : {"sine", "saw", "square", "triangle"})
        for (const char *driver : {"naive", "polyblep"})
            for (double freq : {440.0, 3001.0, -1250.0}) {
                const std::string params =
                    std::string("{\"waveform\":\"") + wave + "\",\"driver\":\"" + driver +
                    "\",\"amplitude\":0.75,\"frequency\":" + std::to_string(freq) + "}";
                const double err =
                    worst_error(params, wave, std::string(driver) == "polyblep", freq, 0.75);
                if (!(err < 1e-12)) std::printf("  %s %s %g Hz: %g\n", wave, driver, freq, err);
                CHECK(err < 1e-12);
            }
    // Pulse width.
    CHECK(worst_error("{\"pulse_width\":0.2,\"frequency\":700,\"amplitude\":1}", "square", true,
                      700, 1.0, 0.2) < 1e-12);
}

TEST(oversampled_output_is_the_wave_delayed_by_the_measured_tier_latency) {
    const struct {
        const char *quality;
        uint32_t k;
        double tolerance; // passband gain error + stopband leakage
    } tiers[] = {{"fast", 16, 1e-4}, {"best", 40, 1e-5}, {"linear", 1, 0.05}};
    for (const auto &tier : tiers)
        for (uint32_t os : {2u, 4u, 8u, 16u}) {
            const double freq = 500.0;
            const std::string params =
                "{\"frequency\":500,\"amplitude\":1,\"oversample\":" + std::to_string(os) +
                ",\"quality\":\"" + tier.quality + "\"}";
            const auto run = run_node("oscillator", params, {}, {}, 1, 2400, {333});
            CHECK_EQ(run.status, AMP_OK);
            if (run.status != AMP_OK) continue;
            // The delay d minimising the error against sin(2 pi (n + 1 - d) f / sr).
            uint32_t best_d = 0;
            double best = 1e9;
            for (uint32_t d = 0; d <= 60; ++d) {
                double worst = 0.0;
                for (uint32_t n = 200; n < 2400; ++n)
                    worst = std::fmax(
                        worst, std::fabs(run.out.data[n] -
                                         static_cast<double>(std::sin(
                                             2 * kPi * (static_cast<long double>(n) + 1 - d) *
                                             freq / kRate))));
                if (worst < best) {
                    best = worst;
                    best_d = d;
                }
            }
            CHECK_EQ(best_d, tier.k);
            if (!(best < tier.tolerance))
                std::printf("  %s x%u: error %g\n", tier.quality, os, best);
            CHECK(best < tier.tolerance);
            // The graph reports the same latency.
            const std::string graph =
                "{\"nodes\":[{\"name\":\"o\",\"type\":\"oscillator\",\"params\":" + params +
                "}],\"output\":\"o\"}";
            AmpGraphRuntime *rt = nullptr;
            CHECK_EQ(amp_graph_runtime_create(graph.c_str(), &rt), AMP_OK);
            AmpNodeSummary summary{};
            CHECK_EQ(amp_graph_runtime_describe_node(rt, "o", &summary), AMP_OK);
            CHECK_EQ(summary.declared_delay_frames, tier.k);
            CHECK_EQ(summary.measured_delay_frames, static_cast<double>(tier.k));
            CHECK_EQ(summary.oversample, os);
            amp_graph_runtime_destroy(rt);
        }
}

TEST(integrator_and_op_amp_modes_follow_their_recurrences) {
    const double freq = 300.0;
    const auto integ = run_node("oscillator",
                                "{\"waveform\":\"square\",\"driver\":\"naive\",\"leak\":0.99,"
                                "\"integrator_gain\":0.2,\"clamp\":2,\"amplitude\":0.5,"
                                "\"frequency\":300}",
                                {}, {}, 1, 2000);
    const auto follow = run_node("oscillator",
                                 "{\"waveform\":\"square\",\"driver\":\"naive\",\"slew\":9000,"
                                 "\"clamp\":0.8,\"amplitude\":0.5,\"frequency\":300}",
                                 {}, {}, 1, 2000);
    CHECK_EQ(integ.status, AMP_OK);
    CHECK_EQ(follow.status, AMP_OK);
    long double acc = 0, y = 0;
    double worst = 0.0;
    bool clamped = false;
    for (uint32_t f = 0; f < 2000 && integ.status == AMP_OK && follow.status == AMP_OK; ++f) {
        const long double t = frac(static_cast<long double>(f + 1) * freq / kRate);
        const long double w = t < 0.5L ? 1 : -1;
        acc = std::fmax(-2.0L, std::fmin(2.0L, 0.99L * acc + 0.2L * w));
        clamped = clamped || std::fabs(acc) == 2.0L;
        const long double step = 9000.0L / kRate;
        y += std::fmax(-step, std::fmin(step, w - y));
        y = std::fmax(-0.8L, std::fmin(0.8L, y));
        worst = std::fmax(worst, std::fabs(integ.out.data[f] - static_cast<double>(0.5L * acc)));
        worst = std::fmax(worst, std::fabs(follow.out.data[f] - static_cast<double>(0.5L * y)));
    }
    CHECK(clamped);
    CHECK(worst < 1e-12);
}

TEST(stereo_pan_is_equal_power_and_reset_restarts_the_phase) {
    Tensor pan{1, 1, 400, std::vector<double>(400)};
    for (uint32_t f = 0; f < 400; ++f) pan.data[f] = -1.0 + 2.0 * f / 399.0;
    Tensor reset{1, 1, 400, std::vector<double>(400, 0.0)};
    reset.data[150] = 1.0;
    reset.data[151] = 1.0; // held high: one restart only
    const auto run = run_node("oscillator", "{\"frequency\":1000,\"amplitude\":1,\"pan\":0}", {},
                              {{"pan", pan}, {"reset", reset}}, 1, 400);
    CHECK_EQ(run.status, AMP_OK);
    CHECK_EQ(run.out.channels, 2u);
    double worst = 0.0;
    for (uint32_t f = 0; f < 400 && run.status == AMP_OK; ++f) {
        const long double n = f < 150 ? f + 1 : f - 150 + 1;
        const long double s = std::sin(2 * kPi * frac(n * 1000.0L / kRate));
        const long double a = (pan.data[f] + 1) * kPi / 4;
        worst =
            std::fmax(worst, std::fabs(run.out.at(0, 0, f) - static_cast<double>(s * std::cos(a))));
        worst =
            std::fmax(worst, std::fabs(run.out.at(0, 1, f) - static_cast<double>(s * std::sin(a))));
    }
    CHECK(worst < 1e-12);
}

TEST(block_invariant_with_per_frame_frequency_and_batches) {
    Tensor freq{2, 1, 900, std::vector<double>(1800)};
    for (uint32_t f = 0; f < 900; ++f) {
        freq.data[f] = 200.0 + 5.0 * f;
        freq.data[900 + f] = 3000.0 - 2.0 * f;
    }
    for (const char *params :
         {"{\"waveform\":\"saw\",\"oversample\":4}",
          "{\"waveform\":\"triangle\",\"oversample\":2,\"quality\":\"best\",\"channels\":2}",
          "{\"waveform\":\"square\",\"oversample\":8,\"quality\":\"linear\",\"pan\":0.3}"})
        CHECK(block_invariant("oscillator", params, {}, {{"frequency", freq}}, 2, 900));
}

TEST(periodicity_cache_gives_the_same_bits_and_replays_frames) {
    // Piecewise-constant frequency and amplitude (changes mid-replay), B = 2, several modes.
    const uint32_t frames = 20000;
    Tensor freq{2, 1, frames, std::vector<double>(2 * frames)};
    Tensor amp{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f) {
        freq.data[f] = f < 7001 ? 440.0 : (f < 13003 ? 1000.0 : 441.5);
        freq.data[frames + f] = f < 9000 ? 300.0 : 5000.0;
        amp.data[f] = f < 15000 ? 0.5 : 0.25;
    }
    for (const std::string base :
         {"\"waveform\":\"saw\",\"oversample\":4",
          "\"waveform\":\"square\",\"oversample\":2,\"quality\":\"best\",\"pan\":0.2",
          "\"waveform\":\"triangle\",\"driver\":\"naive\"",
          "\"waveform\":\"square\",\"slew\":20000,\"oversample\":8,\"quality\":\"linear\"",
          "\"waveform\":\"square\",\"leak\":0.9,\"integrator_gain\":0.1,\"oversample\":2"}) {
        const std::vector<amp_test::NamedTensor> params{{"frequency", freq}, {"amplitude", amp}};
        const auto off = run_node("oscillator", "{" + base + "}", {}, params, 2, frames);
        for (const std::vector<uint32_t> &chunks :
             std::vector<std::vector<uint32_t>>{{}, {1, 7, 512, 3}}) {
            const auto on = run_node("oscillator", "{" + base + ",\"cache\":true}", {}, params, 2,
                                     frames, chunks);
            CHECK_EQ(on.status, AMP_OK);
            CHECK(on.out.data == off.out.data);
            // Most frames come from the cache (440.0 Hz: 600 frames, 1000: 48, 300: 160, 5000:
            // 48; 441.5 Hz has a period of 96000 frames, beyond cache_frames).
            if (on.reserved0 < 0.5 * frames)
                std::printf("  %s: %g frames replayed\n", base.c_str(), on.reserved0);
            CHECK(on.reserved0 > 0.5 * frames);
        }
    }
}

TEST(presets_apply_their_values_explicit_parameters_win_and_the_content_is_hashed) {
    const auto preset = run_node("oscillator", "{\"preset\":\"warm-saw\"}", {}, {}, 1, 500);
    const auto spelled = run_node("oscillator",
                                  "{\"waveform\":\"saw\",\"driver\":\"polyblep\",\"oversample\":4,"
                                  "\"quality\":\"fast\",\"amplitude\":0.4}",
                                  {}, {}, 1, 500);
    CHECK_EQ(preset.status, AMP_OK);
    CHECK(preset.out.data == spelled.out.data);
    // Explicit parameters win over the preset's (oversample included).
    const auto louder =
        run_node("oscillator", "{\"preset\":\"warm-saw\",\"amplitude\":0.1,\"oversample\":2}", {},
                 {}, 1, 500);
    const auto louder_spelled =
        run_node("oscillator",
                 "{\"waveform\":\"saw\",\"oversample\":2,\"quality\":\"fast\",\"amplitude\":0.1}",
                 {}, {}, 1, 500);
    CHECK(louder.out.data == louder_spelled.out.data);
    // A JSON object: the same content in another key order has the same hash, other content not.
    const auto a = run_node(
        "oscillator", "{\"preset\":\"{\\\"waveform\\\":\\\"square\\\",\\\"pulse_width\\\":0.3}\"}",
        {}, {}, 1, 64);
    const auto b = run_node(
        "oscillator", "{\"preset\":\"{\\\"pulse_width\\\":0.3,\\\"waveform\\\":\\\"square\\\"}\"}",
        {}, {}, 1, 64);
    const auto c = run_node(
        "oscillator", "{\"preset\":\"{\\\"pulse_width\\\":0.31,\\\"waveform\\\":\\\"square\\\"}\"}",
        {}, {}, 1, 64);
    CHECK_EQ(a.status, AMP_OK);
    CHECK(a.out.data == b.out.data);
    CHECK(a.out.data != c.out.data);
    CHECK(a.reserved0 == 0.0); // reserved[0] is the cache's count
    CHECK(preset.status == AMP_OK && spelled.status == AMP_OK);
    const std::string graph = "{\"nodes\":[{\"name\":\"o\",\"type\":\"oscillator\",\"params\":{"
                              "\"preset\":\"clean-square\"}}],"
                              "\"output\":\"o\"}";
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph.c_str(), &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 1, 64), AMP_OK);
    std::vector<double> out(64);
    CHECK_EQ(amp_graph_runtime_execute(rt, 64, out.data(), out.size(), nullptr), AMP_OK);
    AmpNodeSummary summary{};
    CHECK_EQ(amp_graph_runtime_describe_node(rt, "o", &summary), AMP_OK);
    CHECK_EQ(summary.oversample, 8u);
    CHECK_EQ(summary.declared_delay_frames, 40u);
    const double hash = summary.last_metrics.reserved[1];
    CHECK(hash > 0 && hash < 281474976710656.0 && std::floor(hash) == hash);
    amp_graph_runtime_destroy(rt);
}

TEST(refuses_bad_presets_naming_the_key) {
    expect_bad_params("oscillator", "{\"preset\":\"warm-sav\"}",
                      {"\"preset\"", "\"warm-saw\", \"clean-square\"", "got \"warm-sav\""},
                      __LINE__);
    expect_bad_params("oscillator", "{\"preset\":\"{\\\"waveform\\\":\\\"ramp\\\"}\"}",
                      {"\"preset.waveform\"", "one of \"sine\"", "got \"ramp\""}, __LINE__);
    expect_bad_params("oscillator", "{\"preset\":\"{\\\"colour\\\":1}\"}",
                      {"unknown preset key \"colour\"", "known: name, description, oversample"},
                      __LINE__);
    expect_bad_params("oscillator", "{\"preset\":\"{\\\"oversample\\\":3}\"}",
                      {"\"oversample\"", "1, 2, 4, 8 or 16"}, __LINE__);
    expect_bad_params("oscillator", "{\"preset\":\"{nope\"}", {"\"preset\"", "line 1"}, __LINE__);
    // A preset value that conflicts with an explicit choice is refused like a given one.
    expect_bad_params("oscillator", "{\"preset\":\"pwm-lead\",\"waveform\":\"saw\"}",
                      {"\"pulse_width\"", "waveform \"square\" only"}, __LINE__);
}

TEST(refuses_parameter_combinations_that_would_be_ignored) {
    expect_bad_params("oscillator", "{\"oversample\":3}",
                      {"victim", "(oscillator)", "\"oversample\"", "1, 2, 4, 8 or 16", "got 3"},
                      __LINE__);
    expect_bad_params("oscillator", "{\"waveform\":\"saw\",\"pulse_width\":0.3}",
                      {"\"pulse_width\"", "waveform \"square\" only", "(waveform \"saw\")"},
                      __LINE__);
    expect_bad_params("oscillator", "{\"mode\":\"op_amp\",\"leak\":0.5}",
                      {"\"leak\"", "mode \"integrator\" only", "(mode \"op_amp\")"}, __LINE__);
    expect_bad_params("oscillator", "{\"mode\":\"direct\",\"slew\":5}",
                      {"\"slew\"", "mode \"op_amp\" only"}, __LINE__);
    expect_bad_params("oscillator", "{\"leak\":0.5,\"slew\":5}", {"exclude each other"}, __LINE__);
    expect_bad_params("oscillator", "{\"cache\":false,\"cache_frames\":100}",
                      {"\"cache_frames\"", "cache true only"}, __LINE__);
    expect_bad_params("oscillator", "{\"stereo\":false,\"pan\":0.5}",
                      {"\"pan\"", "stereo true only"}, __LINE__);
    expect_bad_params("oscillator", "{\"waveform\":\"ramp\"}",
                      {"\"waveform\"", "\"sine\", \"saw\", \"square\", \"triangle\""}, __LINE__);
}

TEST(snapshot_mid_replay_continues_bit_for_bit) {
    CHECK(amp_test::snapshot_continues(
        "oscillator", "{\"waveform\":\"saw\",\"oversample\":4,\"cache\":true}", {}, 6000, 3001));
    CHECK(amp_test::snapshot_continues(
        "oscillator", "{\"preset\":\"integrated-square\",\"pan\":0.5}", {}, 3000, 1234));
}

AMP_TEST_MAIN()

TEST(direct_block_loops_give_the_general_paths_bits) {
    // Mode direct, oversample 1, mono without the cache takes oscillator_block.h's loops; with
    // the cache on the same configuration takes the general per-frame path (whose cache is
    // proven bit-exact above). Both must give the same bits, for every waveform and driver,
    // with constant parameters (the constant loop) and with per-frame frequency, amplitude,
    // phase offset, pulse width and reset pulses or a held reset (the varying loop), B = 2,
    // C = 2, uneven blocks.
    const uint32_t frames = 3000;
    auto ramp = [&](double a0, double a1, double b0, double b1) {
        Tensor t{2, 1, frames, std::vector<double>(2 * frames)};
        for (uint32_t f = 0; f < frames; ++f) {
            t.data[f] = a0 + (a1 - a0) * f / frames;
            t.data[frames + f] = b0 + (b1 - b0) * f / frames;
        }
        return t;
    };
    Tensor reset{2, 1, frames, std::vector<double>(2 * frames)};
    for (uint32_t f = 0; f < frames; ++f) {
        reset.data[f] = (f / 333) % 2 == 1 ? 1.0 : 0.0;
        reset.data[frames + f] = (f / 1000) % 2 == 1 ? 1.0 : 0.0;
    }
    // Constant frequencies: low, mid, above sr / 4, above Nyquist, negative, zero (the saw, square
    // and triangle loops of oscillator_lanes.h select the frames near the discontinuities).
    for (const std::string frequency : {"1234.5", "220", "0", "13000", "30000", "-440"})
        for (const std::string wave : {"sine", "saw", "square", "triangle"})
            for (const std::string driver : {"polyblep", "naive"}) {
                const std::string width = wave == "square" ? ",\"pulse_width\":0.3" : "";
                const std::string base = "{\"waveform\":\"" + wave + "\",\"driver\":\"" + driver +
                                         "\",\"channels\":2,\"frequency\":" + frequency + "," +
                                         "\"amplitude\":0.7,\"phase_offset\":0.3,\"reset\":1" +
                                         width;
                std::vector<amp_test::NamedTensor> varying{
                    {"frequency", ramp(80.0, 30000.0, 5000.0, -300.0)},
                    {"amplitude", ramp(0.1, 0.9, 1.0, 0.2)},
                    {"phase_offset", ramp(-0.5, 2.25, 0.0, 0.75)},
                    {"reset", reset}};
                if (wave == "square")
                    varying.push_back({"pulse_width", ramp(0.05, 0.95, 0.5, 0.1)});
                std::vector<amp_test::NamedTensor> held_reset = varying; // reset constant (1)
                held_reset.erase(held_reset.begin() + 3);
                const bool first = frequency == "1234.5"; // the per-frame cases once
                for (const auto &params :
                     {std::vector<amp_test::NamedTensor>{}, varying, held_reset}) {
                    if (!params.empty() && !first) continue;
                    const auto general =
                        run_node("oscillator", base + ",\"cache\":true}", {}, params, 2, frames);
                    CHECK_EQ(general.status, AMP_OK);
                    for (const std::vector<uint32_t> &chunks :
                         std::vector<std::vector<uint32_t>>{{}, {1, 7, 512, 3}}) {
                        const auto loop =
                            run_node("oscillator", base + "}", {}, params, 2, frames, chunks);
                        CHECK_EQ(loop.status, AMP_OK);
                        if (loop.out.data != general.out.data)
                            std::printf("  %s %s %s Hz (%s): the two paths differ\n", wave.c_str(),
                                        driver.c_str(), frequency.c_str(),
                                        params.empty() ? "constant" : "per frame");
                        CHECK(loop.out.data == general.out.data);
                    }
                }
            }
}
