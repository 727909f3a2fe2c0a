// test_pitch_shift.cpp: the phase-vocoder pitch shifter. Ratio 1 gives the input back delayed
// by the latency (window - 1); an octave up of 440 Hz has its spectral peak at 880 Hz (a DFT
// peak search written here, refined by parabolic interpolation) with the input's energy; the
// same output in one call, in 64-frame windows and in uneven ones, with a per-frame ratio;
// semitones 12 = ratio 2; B = 2, C = 2 lanes; the declared delay; bad params. (The TypeScript
// test measures the octave with the package's own spectrum analysis.)
#include <cmath>
#include <string>
#include <vector>

#include "node_harness.h"

using amp_test::block_invariant;
using amp_test::expect_bad_params;
using amp_test::NamedTensor;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

constexpr double kRate = 48000.0;

Tensor sine(uint32_t frames, double frequency, double amplitude = 0.5) {
    Tensor t{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f)
        t.data[f] = amplitude * std::sin(2 * M_PI * frequency * f / kRate);
    return t;
}

// |DFT|^2 of x[from, from + n) with a Hann window at frequency `hz`.
double power_at(const std::vector<double> &x, size_t from, size_t n, double hz) {
    double re = 0.0, im = 0.0;
    for (size_t j = 0; j < n; ++j) {
        const double t = static_cast<double>(j);
        const double w = 0.5 - 0.5 * std::cos(2 * M_PI * t / static_cast<double>(n));
        re += w * x[from + j] * std::cos(2 * M_PI * hz * t / kRate);
        im -= w * x[from + j] * std::sin(2 * M_PI * hz * t / kRate);
    }
    return re * re + im * im;
}

// The frequency of the strongest component between lo and hi Hz (1 Hz grid, then a parabola).
double peak_frequency(const std::vector<double> &x, size_t from, size_t n, double lo, double hi) {
    double best = lo, best_power = -1.0;
    for (double hz = lo; hz <= hi; hz += 1.0) {
        const double p = power_at(x, from, n, hz);
        if (p > best_power) {
            best_power = p;
            best = hz;
        }
    }
    const double a = power_at(x, from, n, best - 1), c = power_at(x, from, n, best + 1);
    const double denominator = a - 2 * best_power + c;
    return denominator < 0 ? best + 0.5 * (a - c) / denominator : best;
}

double energy(const std::vector<double> &x, size_t from, size_t n) {
    double e = 0.0;
    for (size_t j = from; j < from + n; ++j) e += x[j] * x[j];
    return e;
}

} // namespace

TEST(ratio_one_returns_the_input_delayed_by_the_latency) {
    const uint32_t n = 6000;
    const Tensor x = amp_test::noise(1, 1, n, 2);
    for (const char *params : {"{}", "{\"window\":256,\"hop\":64}", "{\"hop\":128}"}) {
        const auto run = run_node("pitch_shift", params, {x}, {}, 1, n);
        CHECK_EQ(run.status, AMP_OK);
        const uint32_t latency = std::string(params).find("256") != std::string::npos ? 255 : 1023;
        double worst = 0.0;
        for (uint32_t f = 0; f < n; ++f) {
            const double expected = f < latency ? 0.0 : x.data[f - latency];
            worst = std::fmax(worst, std::fabs(run.out.data[f] - expected));
        }
        if (!(worst < 1e-9)) std::printf("  %s: worst %.3g\n", params, worst);
        CHECK(worst < 1e-9);
    }
}

TEST(an_octave_up_of_440_hz_is_880_hz_with_the_same_energy) {
    const uint32_t n = 48000;
    const Tensor x = sine(n, 440.0);
    for (const char *params : {"{\"ratio\":2}", "{\"semitones\":12}"}) {
        const auto run = run_node("pitch_shift", params, {x}, {}, 1, n);
        CHECK_EQ(run.status, AMP_OK);
        const size_t from = 8192, length = 32768; // past the latency and the start-up
        const double hz = peak_frequency(run.out.data, from, length, 300.0, 2000.0);
        const double ratio = energy(run.out.data, from, length) / energy(x.data, from, length);
        std::printf("  %s: peak %.3f Hz, energy ratio %.4f\n", params, hz, ratio);
        CHECK(std::fabs(hz - 880.0) < 0.02 * 880.0);
        CHECK(std::fabs(ratio - 1.0) < 0.15);
    }
    // Other tones and intervals (printed; the frequency within 2 % and the energy within 15 %).
    for (const auto &[tone, ratio] : std::vector<std::pair<double, double>>{
             {220.0, 2.0}, {523.25, 1.5}, {1000.0, 0.75}, {3000.0, 1.25}, {440.0, 0.5}}) {
        const Tensor y = sine(n, tone);
        const auto run =
            run_node("pitch_shift", "{\"ratio\":" + std::to_string(ratio) + "}", {y}, {}, 1, n);
        const double want = tone * ratio;
        const double hz = peak_frequency(run.out.data, 8192, 32768, want * 0.8, want * 1.2);
        const double e = energy(run.out.data, 8192, 32768) / energy(y.data, 8192, 32768);
        std::printf("  %.2f Hz x %.2f: peak %.3f Hz (want %.3f), energy ratio %.4f\n", tone, ratio,
                    hz, want, e);
        CHECK(std::fabs(hz - want) < 0.02 * want);
        CHECK(std::fabs(e - 1.0) < 0.15);
    }
    const auto down = run_node("pitch_shift", "{\"semitones\":-7}", {x}, {}, 1, n);
    const double expected = 440.0 * std::pow(2.0, -7.0 / 12.0);
    const double hz = peak_frequency(down.out.data, 8192, 32768, 100.0, 1000.0);
    CHECK(std::fabs(hz - expected) < 0.02 * expected);
}

TEST(one_call_and_64_frame_windows_give_the_same_bits) {
    const uint32_t n = 5000;
    const Tensor x = amp_test::noise(2, 2, n, 3);
    Tensor ratio{2, 1, n, std::vector<double>(2 * n)};
    for (uint32_t b = 0; b < 2; ++b)
        for (uint32_t f = 0; f < n; ++f) ratio.at(b, 0, f) = 1.5 + 0.4 * std::sin(0.002 * f + b);
    const std::vector<NamedTensor> params = {{"ratio", ratio}};
    const auto whole = run_node("pitch_shift", "{}", {x}, params, 2, n);
    const auto windows = run_node("pitch_shift", "{}", {x}, params, 2, n, {64});
    CHECK_EQ(whole.status, AMP_OK);
    CHECK(whole.out.data == windows.out.data);
    CHECK(block_invariant("pitch_shift", "{}", {x}, params, 2, n));
    CHECK(block_invariant("pitch_shift", "{\"semitones\":5,\"window\":512,\"hop\":64}", {x}, {}, 2,
                          n));
}

TEST(semitones_twelve_equals_ratio_two_and_lanes_are_independent) {
    const uint32_t n = 4000;
    const Tensor x = amp_test::noise(2, 2, n, 4);
    const auto by_ratio = run_node("pitch_shift", "{\"ratio\":2}", {x}, {}, 2, n);
    const auto by_semitones = run_node("pitch_shift", "{\"semitones\":12}", {x}, {}, 2, n);
    CHECK(by_ratio.out.data == by_semitones.out.data);
    for (uint32_t b = 0; b < 2; ++b)
        for (uint32_t c = 0; c < 2; ++c) {
            Tensor one{1, 1, n, std::vector<double>(n)};
            for (uint32_t f = 0; f < n; ++f) one.data[f] = x.at(b, c, f);
            const auto alone = run_node("pitch_shift", "{\"ratio\":2}", {one}, {}, 1, n);
            int bad = 0;
            for (uint32_t f = 0; f < n; ++f) bad += alone.out.data[f] != by_ratio.out.at(b, c, f);
            CHECK_EQ(bad, 0);
        }
}

TEST(the_declared_delay_is_the_latency) {
    for (const auto &[params, latency] :
         std::vector<std::pair<std::string, uint32_t>>{{"{}", 1023}, {"{\"window\":4096}", 4095}}) {
        const std::string json = R"({"nodes":[{"name":"src","type":"sine_osc","params":{}},)"
                                 R"({"name":"p","type":"pitch_shift","params":)" +
                                 params + R"(}],"edges":[{"from":"src","to":"p"}],"output":"p"})";
        AmpGraphRuntime *rt = nullptr;
        CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_OK);
        AmpNodeSummary summary{};
        CHECK_EQ(amp_graph_runtime_describe_node(rt, "p", &summary), AMP_OK);
        CHECK_EQ(summary.declared_delay_frames, latency);
        AmpGraphSummary graph{};
        CHECK_EQ(amp_graph_runtime_describe_graph(rt, &graph), AMP_OK);
        CHECK_EQ(graph.latency_frames, latency);
        amp_graph_runtime_destroy(rt);
    }
}

TEST(bad_params_are_refused_with_the_node_and_key) {
    expect_bad_params("pitch_shift", R"({"ratio":2,"semitones":12})",
                      {"victim", "\"ratio\"", "\"semitones\"", "not both"}, __LINE__);
    expect_bad_params("pitch_shift", R"({"window":1000})", {"victim", "window", "power of two"},
                      __LINE__);
    expect_bad_params("pitch_shift", R"({"hop":512})", {"victim", "hop", "at least 4"}, __LINE__);
    expect_bad_params("pitch_shift", R"({"hop":300})", {"victim", "hop"}, __LINE__);
    expect_bad_params("pitch_shift", R"({"ratio":8})", {"victim", "ratio"}, __LINE__);
}

AMP_TEST_MAIN()
