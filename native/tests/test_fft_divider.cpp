// test_fft_divider.cpp: the FFT divider against its specification (docs/fft-divider.md),
// through the C ABI: identity with the latency it declares, band gates on tones, division by a
// constant and by a signal (against divider_reference.h), dft = fft, block invariance, lanes,
// telemetry forward and backward, the adjoint (dot-product test and finite differences), taps
// (band metrics per analysis frame, Parseval, the spectrum) and refusals.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "divider_reference.h"
#include "node_harness.h"
#include "test_support.h"

namespace {

using amp_test::NamedTensor;
using amp_test::noise;
using amp_test::run_node;
using amp_test::Tensor;

constexpr double kRate = 48000.0;

std::string params(int W, int H, const char *window, const std::string &more = "") {
    return "{\"window_size\":" + std::to_string(W) + ",\"hop\":" + std::to_string(H) +
           ",\"window\":\"" + window + "\"" + (more.empty() ? "" : "," + more) + "}";
}

std::vector<double> lane(const Tensor &t, uint32_t b = 0, uint32_t c = 0) {
    std::vector<double> out(t.frames);
    for (uint32_t f = 0; f < t.frames; ++f) out[f] = t.at(b, c, f);
    return out;
}

double max_abs_diff(const std::vector<double> &a, const std::vector<double> &b) {
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
    return worst;
}

Tensor sine(uint32_t frames, double cycles_per_frame, double amplitude) {
    Tensor t{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f)
        t.data[f] = amplitude * std::sin(2.0 * M_PI * cycles_per_frame * f);
    return t;
}

// A per-frame parameter tensor 1 x 1 x frames: base + depth sin(2 pi f / period).
Tensor wobble(uint32_t frames, double base, double depth, double period) {
    Tensor t{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f)
        t.data[f] = base + depth * std::sin(2.0 * M_PI * f / period);
    return t;
}

struct Case {
    int W, H;
    const char *window;
};
const Case kIdentityCases[] = {{512, 128, "hann"}, {512, 256, "hamming"}, {512, 128, "blackman"},
                               {512, 512, "rect"}, {60, 15, "hann"},      {62, 31, "hamming"}};

TEST(identity_with_the_declared_latency) {
    const uint32_t N = 3000;
    const Tensor x = noise(1, 1, N, 3);
    for (const Case &c : kIdentityCases) {
        const amp_test::NodeRun run =
            run_node("fft_divider", params(c.W, c.H, c.window), {x}, {}, 1, N, {700, 1, 333});
        CHECK_EQ(run.status, AMP_OK);
        double worst = 0.0;
        for (uint32_t t = 0; t < N; ++t) {
            const double expected = t >= static_cast<uint32_t>(c.W - 1) ? x.data[t - (c.W - 1)] : 0;
            worst = std::max(worst, std::fabs(run.out.data[t] - expected));
        }
        if (worst > 1e-12) std::printf("  %s W=%d H=%d: worst %.3g\n", c.window, c.W, c.H, worst);
        CHECK(worst <= 1e-12);
        // In a graph: declared = measured = W - 1, and the latency the graph reports.
        const std::string json =
            "{\"nodes\":[{\"name\":\"src\",\"type\":\"sine_osc\",\"params\":{}},"
            "{\"name\":\"div\",\"type\":\"fft_divider\",\"params\":" +
            params(c.W, c.H, c.window) +
            "}],\"edges\":[{\"from\":\"src\",\"to\":\"div\"}],\"output\":\"div\"}";
        AmpGraphRuntime *rt = nullptr;
        CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_OK);
        AmpNodeSummary node{};
        AmpGraphSummary graph{};
        CHECK_EQ(amp_graph_runtime_describe_node(rt, "div", &node), AMP_OK);
        CHECK_EQ(amp_graph_runtime_describe_graph(rt, &graph), AMP_OK);
        CHECK_EQ(node.declared_delay_frames, static_cast<uint32_t>(c.W - 1));
        CHECK_EQ(node.measured_delay_frames, static_cast<double>(c.W - 1));
        CHECK_EQ(graph.latency_frames, static_cast<uint32_t>(c.W - 1));
        amp_graph_runtime_destroy(rt);
    }
}

TEST(a_tone_keeps_intensity_inside_the_band_and_one_minus_outside) {
    // rect, H = W, a tone on bin 8 of 64: no leakage, so the gain is exact.
    const uint32_t N = 64 * 40;
    const Tensor tone = sine(N, 8.0 / 64.0, 0.8);
    const std::string inside = params(64, 64, "rect",
                                      "\"lower_band\":0.2,\"upper_band\":0.3,"
                                      "\"filter_intensity\":0.7"); // bin 8 = 0.25
    const std::string outside = params(64, 64, "rect",
                                       "\"lower_band\":0.5,\"upper_band\":0.9,"
                                       "\"filter_intensity\":0.7");
    const amp_test::NodeRun in = run_node("fft_divider", inside, {tone}, {}, 1, N);
    const amp_test::NodeRun out = run_node("fft_divider", outside, {tone}, {}, 1, N);
    for (uint32_t t = 63; t < N; ++t) {
        CHECK_NEAR(in.out.data[t], 0.7 * tone.data[t - 63], 1e-12);
        CHECK_NEAR(out.out.data[t], 0.3 * tone.data[t - 63], 1e-12);
        if (amp_test::failures() > 0) break;
    }
    // hann, H = W / 4, a tone on bin 40 of 512 (periodic hann: exactly bins 39..41), far from
    // the band edges: the gain is exact once the frames hold no samples before the start.
    const Tensor slow = sine(512 * 30, 40.0 / 512.0, 0.5); // nu = 40 / 256
    const amp_test::NodeRun gated = run_node(
        "fft_divider",
        params(512, 128, "hann", "\"lower_band\":0.1,\"upper_band\":0.2,\"filter_intensity\":0.25"),
        {slow}, {}, 1, slow.frames);
    const amp_test::NodeRun blocked = run_node(
        "fft_divider",
        params(512, 128, "hann", "\"lower_band\":0.4,\"upper_band\":0.6,\"filter_intensity\":0.25"),
        {slow}, {}, 1, slow.frames);
    double worst = 0.0;
    for (uint32_t t = 2 * 512; t < slow.frames; ++t) {
        worst = std::max(worst, std::fabs(gated.out.data[t] - 0.25 * slow.data[t - 511]));
        worst = std::max(worst, std::fabs(blocked.out.data[t] - 0.75 * slow.data[t - 511]));
    }
    CHECK(worst <= 1e-12);
}

TEST(a_constant_divisor_scales_by_its_inverse) {
    const uint32_t N = 2000;
    const Tensor x = noise(1, 1, N, 5);
    for (const double d : {2.5, -0.4, 1e-3}) {
        const amp_test::NodeRun run =
            run_node("fft_divider", params(128, 32, "hann", "\"divisor\":" + std::to_string(d)),
                     {x}, {}, 1, N);
        CHECK_EQ(run.status, AMP_OK);
        for (uint32_t t = 127; t < N; ++t)
            CHECK_NEAR(run.out.data[t], x.data[t - 127] / d, 1e-12 / std::fabs(d));
    }
}

// Division by a second signal with modulated band, intensity and phase: the node against the
// specification evaluated in the test (divider_reference.h).
TEST(division_by_a_signal_matches_the_specification) {
    const uint32_t N = 1500;
    const Tensor x = noise(1, 1, N, 7);
    Tensor d = noise(1, 1, N, 8);
    for (double &v : d.data) v = 1.5 + v; // mostly away from 0, a few small bins
    const Tensor lower = wobble(N, 0.3, 0.2, 700.0), upper = wobble(N, 0.6, 0.3, 450.0);
    const Tensor intensity = wobble(N, 0.5, 0.4, 900.0), phase = wobble(N, 0.0, 2.0, 333.0);
    const std::vector<NamedTensor> mods = {{"lower_band", lower},
                                           {"upper_band", upper},
                                           {"filter_intensity", intensity},
                                           {"phase_offset", phase}};
    for (const Case &c : {Case{64, 16, "hann"}, Case{48, 24, "hamming"}, Case{50, 10, "blackman"},
                          Case{32, 32, "rect"}}) {
        const amp_test::NodeRun run =
            run_node("fft_divider", params(c.W, c.H, c.window), {x, d}, mods, 1, N, {300, 77, 1});
        CHECK_EQ(run.status, AMP_OK);
        const std::vector<double> expected =
            divider_reference::divide(x.data, d.data, c.window, c.W, c.H, [&](int t) {
                divider_reference::Frame s;
                s.lower = std::min(lower.data[t], upper.data[t]);
                s.upper = std::max(lower.data[t], upper.data[t]);
                s.lower = std::min(1.0, std::max(0.0, s.lower));
                s.upper = std::min(1.0, std::max(0.0, s.upper));
                s.intensity = intensity.data[t];
                s.phase = phase.data[t];
                return s;
            });
        double scale = 1.0;
        for (double v : expected) scale = std::max(scale, std::fabs(v));
        const double worst = max_abs_diff(run.out.data, expected) / scale;
        if (worst > 1e-9) std::printf("  %s W=%d H=%d: worst %.3g\n", c.window, c.W, c.H, worst);
        CHECK(worst <= 1e-9);
    }
}

TEST(dft_matches_fft) {
    const uint32_t N = 1200;
    const Tensor x = noise(2, 2, N, 9);
    const std::vector<NamedTensor> mods = {{"lower_band", wobble(N, 0.4, 0.3, 500.0)},
                                           {"phase_offset", wobble(N, 0.5, 1.0, 800.0)}};
    for (const int W : {64, 60, 62}) {
        const std::string base = params(W, W / 4, "hann", "\"filter_intensity\":0.3");
        const std::string dft =
            params(W, W / 4, "hann", "\"filter_intensity\":0.3,\"algorithm\":\"dft\"");
        const amp_test::NodeRun a = run_node("fft_divider", base, {x}, mods, 2, N);
        const amp_test::NodeRun b = run_node("fft_divider", dft, {x}, mods, 2, N);
        CHECK_EQ(a.status, AMP_OK);
        CHECK_EQ(b.status, AMP_OK);
        CHECK(max_abs_diff(a.out.data, b.out.data) <= 1e-9);
        CHECK(max_abs_diff(a.out.data, std::vector<double>(a.out.data.size(), 0.0)) > 0.1);
    }
}

TEST(block_invariant_with_a_divisor_signal_and_modulation) {
    const uint32_t N = 900;
    const Tensor x = noise(2, 2, N, 11), d = noise(2, 1, N, 12);
    const std::vector<NamedTensor> mods = {{"upper_band", wobble(N, 0.5, 0.4, 300.0)},
                                           {"filter_intensity", wobble(N, 0.6, 0.3, 200.0)}};
    CHECK(amp_test::block_invariant("fft_divider", params(32, 8, "hann"), {x, d}, mods, 2, N));
    CHECK(amp_test::block_invariant(
        "fft_divider", params(33, 5, "blackman", "\"algorithm\":\"dft\""), {x}, mods, 2, N));
}

TEST(batches_and_channels_are_independent_lanes) {
    const uint32_t N = 700;
    const Tensor x = noise(2, 2, N, 13);
    const std::string p = params(64, 16, "hann",
                                 "\"lower_band\":0.1,\"upper_band\":0.5,"
                                 "\"filter_intensity\":0.8,\"phase_offset\":0.4");
    const amp_test::NodeRun both = run_node("fft_divider", p, {x}, {}, 2, N);
    CHECK_EQ(both.status, AMP_OK);
    for (uint32_t b = 0; b < 2; ++b)
        for (uint32_t c = 0; c < 2; ++c) {
            const Tensor one{1, 1, N, lane(x, b, c)};
            const amp_test::NodeRun alone = run_node("fft_divider", p, {one}, {}, 1, N);
            CHECK(lane(both.out, b, c) == alone.out.data);
        }
    // The lanes differ (different signals per lane).
    CHECK(lane(both.out, 0, 0) != lane(both.out, 1, 1));
}

// Forward and backward calls on one state; returns the metrics of the last call of each.
struct Telemetry {
    AmpNodeMetrics forward{}, backward{};
    int32_t status = AMP_OK;
};

Telemetry telemetry_after(const std::string &p, uint32_t N,
                          const std::vector<AmpParamView> &views) {
    Telemetry result;
    const Tensor x = noise(1, 1, N, 17);
    AmpNodeDescriptorView descriptor{"div", "fft_divider", p.c_str()};
    void *state = nullptr;
    double *out = nullptr;
    int32_t channels = 0;
    AmpAudioView audio{x.data.data(), 1, 1, N};
    AmpNodeInputs inputs{&audio, 1, views.data(), static_cast<uint32_t>(views.size())};
    result.status =
        amp_run_node_v2(&descriptor, &inputs, 1, 1, static_cast<int32_t>(N), kRate, &out, &channels,
                        &state, nullptr, AMP_EXECUTION_FORWARD, &result.forward);
    amp_free(out);
    if (result.status == AMP_OK)
        result.status =
            amp_run_node_v2(&descriptor, &inputs, 1, 1, static_cast<int32_t>(N), kRate, &out,
                            &channels, &state, nullptr, AMP_EXECUTION_BACKWARD, &result.backward);
    amp_free(out);
    amp_release_state(state);
    return result;
}

TEST(reserved_metrics_forward_and_backward) {
    const std::string p = params(64, 16, "hann",
                                 "\"phase_offset\":0.3,\"lower_band\":0.6,\"upper_band\":0.1,"
                                 "\"filter_intensity\":0.8,\"algorithm\":\"dft\"");
    const Telemetry t = telemetry_after(p, 500, {});
    CHECK_EQ(t.status, AMP_OK);
    const double expected[6] = {0.3, 0.1, 0.6, 0.8, 64.0, 1.0}; // the band edges swapped
    for (int i = 0; i < 6; ++i) {
        CHECK_EQ(t.forward.reserved[i], expected[i]);
        CHECK_EQ(t.backward.reserved[i], expected[i]);
    }
    // Modulated: the values at the latest frame's last sample (forward: t = 495 of 500, the
    // last t with t % 16 == 15; backward walks to the start: the first frame, t = 15).
    const uint32_t N = 500;
    std::vector<double> phase(N);
    for (uint32_t f = 0; f < N; ++f) phase[f] = 0.001 * f;
    const std::vector<AmpParamView> views = {{"phase_offset", phase.data(), 1, 1, N}};
    const Telemetry m = telemetry_after(params(64, 16, "hann"), N, views);
    CHECK_EQ(m.forward.reserved[0], 0.001 * 495);
    CHECK_EQ(m.backward.reserved[0], 0.001 * 15);
    CHECK_EQ(m.forward.reserved[4], 64.0);
    CHECK_EQ(m.forward.reserved[5], 0.0);
}

// The adjoint: forward windows over x, then backward windows walked from the end.
struct Adjoint {
    std::vector<double> y, grad;
    int32_t status = AMP_OK;
    std::string error;
};

Adjoint run_adjoint(const std::string &p, const Tensor &x, const Tensor &v,
                    const std::vector<NamedTensor> &mods, const std::vector<uint32_t> &chunks) {
    Adjoint result;
    const uint32_t B = x.batches, C = x.channels, N = x.frames;
    AmpNodeDescriptorView descriptor{"div", "fft_divider", p.c_str()};
    void *state = nullptr;
    std::vector<std::pair<uint32_t, uint32_t>> windows;
    for (uint32_t done = 0, call = 0; done < N; ++call) {
        const uint32_t n = std::min(chunks[call % chunks.size()], N - done);
        windows.push_back({done, n});
        done += n;
    }
    result.y.assign(x.data.size(), 0.0);
    result.grad.assign(x.data.size(), 0.0);
    auto call = [&](const Tensor &in, uint32_t offset, uint32_t n, AmpExecutionMode mode,
                    std::vector<double> &into) {
        const Tensor part = in.window(offset, n);
        std::vector<Tensor> param_parts;
        std::vector<AmpParamView> views;
        for (const NamedTensor &m : mods) param_parts.push_back(m.tensor.window(offset, n));
        for (size_t i = 0; i < mods.size(); ++i)
            views.push_back({mods[i].name.c_str(), param_parts[i].data.data(),
                             param_parts[i].batches, param_parts[i].channels,
                             param_parts[i].frames});
        AmpAudioView audio{part.data.data(), B, C, n};
        AmpNodeInputs inputs{&audio, 1, views.data(), static_cast<uint32_t>(views.size())};
        double *out = nullptr;
        int32_t channels = 0;
        result.status = amp_run_node_v2(&descriptor, &inputs, static_cast<int32_t>(B),
                                        static_cast<int32_t>(C), static_cast<int32_t>(n), kRate,
                                        &out, &channels, &state, nullptr, mode, nullptr);
        if (result.status != AMP_OK) {
            AmpErrorView error{};
            amp_run_node_last_error(&error);
            result.error = error.detail;
            return;
        }
        for (uint32_t lane = 0; lane < B * C; ++lane)
            for (uint32_t f = 0; f < n; ++f) into[lane * N + offset + f] = out[lane * n + f];
        amp_free(out);
    };
    for (const auto &w : windows)
        if (result.status == AMP_OK) call(x, w.first, w.second, AMP_EXECUTION_FORWARD, result.y);
    for (auto it = windows.rbegin(); it != windows.rend() && result.status == AMP_OK; ++it)
        call(v, it->first, it->second, AMP_EXECUTION_BACKWARD, result.grad);
    amp_release_state(state);
    return result;
}

double dot(const std::vector<double> &a, const std::vector<double> &b) {
    long double sum = 0.0L;
    for (size_t i = 0; i < a.size(); ++i) sum += static_cast<long double>(a[i]) * b[i];
    return static_cast<double>(sum);
}

TEST(the_adjoint_passes_the_dot_product_test) {
    const uint32_t N = 613;
    const Tensor x = noise(2, 2, N, 19), v = noise(2, 2, N, 23);
    const std::vector<NamedTensor> mods = {{"lower_band", wobble(N, 0.3, 0.25, 210.0)},
                                           {"phase_offset", wobble(N, 0.2, 1.5, 130.0)},
                                           {"divisor", wobble(N, 1.2, 0.5, 170.0)}};
    const std::string fixed = "\"upper_band\":0.7,\"filter_intensity\":0.6,\"divisor_imag\":0.3";
    const Case cases[] = {{32, 8, "hann"},     {32, 16, "hann"},   {32, 4, "hann"},
                          {32, 16, "hamming"}, {32, 8, "hamming"}, {30, 6, "blackman"},
                          {32, 8, "blackman"}, {32, 32, "rect"},   {32, 16, "rect"},
                          {31, 7, "hann"}};
    for (const Case &c : cases)
        for (const std::vector<uint32_t> &chunks :
             {std::vector<uint32_t>{N}, {1}, {50, 3, 128, 7}}) {
            const Adjoint a = run_adjoint(params(c.W, c.H, c.window, fixed), x, v, mods, chunks);
            CHECK_EQ(a.status, AMP_OK);
            const double left = dot(a.y, v.data), right = dot(x.data, a.grad);
            const double relative = std::fabs(left - right) / std::fabs(left);
            if (relative > 1e-10 || a.status != AMP_OK)
                std::printf("  %s W=%d H=%d chunks %u: <Ax,v> %.17g <x,A^T v> %.17g %s\n", c.window,
                            c.W, c.H, chunks[0], left, right, a.error.c_str());
            CHECK(relative <= 1e-10);
        }
}

TEST(the_adjoint_matches_finite_differences) {
    const uint32_t N = 300;
    const Tensor x = noise(1, 2, N, 29), v = noise(1, 2, N, 31), e = noise(1, 2, N, 37);
    const std::string p = params(32, 8, "hann",
                                 "\"lower_band\":0.2,\"upper_band\":0.5,\"filter_intensity\":0.9,"
                                 "\"phase_offset\":1.1,\"divisor\":0.8,\"divisor_imag\":-0.5");
    const Adjoint a = run_adjoint(p, x, v, {}, {N});
    Tensor plus = x, minus = x;
    const double h = 1e-3;
    for (size_t i = 0; i < x.data.size(); ++i) {
        plus.data[i] += h * e.data[i];
        minus.data[i] -= h * e.data[i];
    }
    const amp_test::NodeRun yp = run_node("fft_divider", p, {plus}, {}, 1, N);
    const amp_test::NodeRun ym = run_node("fft_divider", p, {minus}, {}, 1, N);
    double left = 0.0;
    for (size_t i = 0; i < v.data.size(); ++i)
        left += (yp.out.data[i] - ym.out.data[i]) / (2 * h) * v.data[i];
    CHECK_NEAR(dot(e.data, a.grad), left, 1e-9 * std::fabs(left));
}

TEST(backward_refusals) {
    const uint32_t N = 64;
    const Tensor x = noise(1, 1, N, 41), d = noise(1, 1, N, 43);
    const std::string p = params(16, 4, "hann");
    AmpNodeDescriptorView descriptor{"div", "fft_divider", p.c_str()};
    double *out = nullptr;
    int32_t channels = 0;
    AmpErrorView error{};
    // Without a forward stream: the window lies before its start.
    void *state = nullptr;
    AmpAudioView audio[2] = {{x.data.data(), 1, 1, N}, {d.data.data(), 1, 1, N}};
    AmpNodeInputs one{audio, 1, nullptr, 0}, two{audio, 2, nullptr, 0};
    CHECK_EQ(amp_run_node_v2(&descriptor, &one, 1, 1, N, kRate, &out, &channels, &state, nullptr,
                             AMP_EXECUTION_BACKWARD, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "before the start of the forward stream");
    amp_release_state(state);
    // With a divisor signal: unsupported, saying why.
    state = nullptr;
    CHECK_EQ(amp_run_node_v2(&descriptor, &two, 1, 1, N, kRate, &out, &channels, &state, nullptr,
                             AMP_EXECUTION_FORWARD, nullptr),
             AMP_OK);
    amp_free(out);
    CHECK_EQ(amp_run_node_v2(&descriptor, &two, 1, 1, N, kRate, &out, &channels, &state, nullptr,
                             AMP_EXECUTION_BACKWARD, nullptr),
             AMP_ERR_UNSUPPORTED);
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "divisor / divisor_imag parameters");
    amp_release_state(state);
}

// A graph: a sine into the divider, an LFO modulating lower_band; taps recorded in calls.
struct TapRun {
    int32_t status = AMP_OK;
    std::vector<double> samples, bands, times, spectrum;
    AmpTapInfo info[2]{};
    uint32_t taps = 0;
};

const char *const kSource = "{\"name\":\"src\",\"type\":\"sine_osc\",\"params\":{"
                            "\"frequency\":3000,\"amplitude\":0.9,\"channels\":2}}";
const char *const kLfo =
    "{\"name\":\"lfo\",\"type\":\"sine_osc\",\"params\":{\"frequency\":40,\"amplitude\":0.2}}";

// What a node alone renders (batch 0, channel 0): the divider's input, the LFO's values.
std::vector<double> alone(const char *node, uint32_t frames) {
    const amp_test::Rendered r = amp_test::render(
        std::string("{\"nodes\":[") + node + "],\"output\":\"" +
            (std::string(node).find("\"lfo\"") != std::string::npos ? "lfo" : "src") + "\"}",
        1, 512, frames);
    return std::vector<double>(r.samples.begin(), r.samples.begin() + frames);
}

TapRun render_taps(const std::string &divider_params, uint32_t block, uint32_t frames,
                   uint32_t call, bool lfo) {
    TapRun result;
    const std::string json =
        std::string("{\"nodes\":[") + kSource + "," + (lfo ? std::string(kLfo) + "," : "") +
        "{\"name\":\"div\",\"type\":\"fft_divider\",\"params\":" + divider_params +
        "}],\"edges\":[{\"from\":\"src\",\"to\":\"div\"}]," +
        (lfo ? "\"modulations\":[{\"from\":\"lfo\",\"to\":\"div\",\"param\":\"lower_band\","
               "\"mode\":\"add\"}],"
             : "") +
        "\"output\":\"div\"}";
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    result.taps = amp_graph_runtime_tap_count(rt);
    for (uint32_t i = 0; i < result.taps && i < 2; ++i)
        amp_graph_runtime_tap_info(rt, i, &result.info[i]);
    std::vector<std::vector<double>> rows;
    for (uint32_t done = 0; result.status == AMP_OK && done < frames;) {
        const uint32_t n = std::min(call, frames - done);
        std::vector<double> out(2 * 2 * static_cast<size_t>(n));
        std::vector<uint64_t> records(result.taps);
        size_t total = 0, total_records = 0;
        for (uint32_t i = 0; i < result.taps; ++i) {
            records[i] = amp_graph_runtime_tap_records(rt, i, n);
            total += 2 * result.info[i].values * records[i];
            total_records += records[i];
        }
        std::vector<double> taps(total), times(total_records);
        AmpRenderOptions options{};
        options.tap_out = taps.data();
        options.tap_len = taps.size();
        options.tap_time_out = times.data();
        options.tap_time_len = times.size();
        result.status = amp_graph_runtime_execute(rt, n, out.data(), out.size(), &options);
        rows.resize(2 * (result.info[0].values + (result.taps > 1 ? result.info[1].values : 0)));
        size_t at = 0, row = 0;
        for (uint32_t i = 0; i < result.taps; ++i)
            for (uint32_t r = 0; r < 2 * result.info[i].values; ++r, ++row) {
                rows[row].insert(rows[row].end(), taps.begin() + static_cast<std::ptrdiff_t>(at),
                                 taps.begin() + static_cast<std::ptrdiff_t>(at + records[i]));
                at += records[i];
            }
        result.times.insert(result.times.end(), times.begin(),
                            times.begin() + static_cast<std::ptrdiff_t>(records[0]));
        result.samples.resize(4 * static_cast<size_t>(frames));
        for (size_t l = 0; l < 4; ++l)
            std::copy(out.begin() + static_cast<std::ptrdiff_t>(l * n),
                      out.begin() + static_cast<std::ptrdiff_t>((l + 1) * n),
                      result.samples.begin() + static_cast<std::ptrdiff_t>(l * frames + done));
        done += n;
    }
    for (size_t r = 0; r < rows.size(); ++r) {
        std::vector<double> &into = r < 2 * result.info[0].values ? result.bands : result.spectrum;
        into.insert(into.end(), rows[r].begin(), rows[r].end());
    }
    amp_graph_runtime_destroy(rt);
    return result;
}

TEST(band_metrics_per_analysis_frame) {
    const uint32_t W = 64, H = 16, N = 1000;
    const std::string p = params(W, H, "hann", "\"upper_band\":0.9,\"filter_intensity\":0.7");
    const TapRun whole = render_taps(p, 512, N, N, true);
    CHECK_EQ(whole.status, AMP_OK);
    CHECK_EQ(whole.taps, 1u); // the spectrum tap is off
    CHECK_EQ(std::string(whole.info[0].name), std::string("bands"));
    CHECK_EQ(whole.info[0].period, H);
    CHECK_EQ(whole.info[0].phase, H - 1);
    CHECK_EQ(whole.info[0].group_values, 9u);
    CHECK_EQ(whole.info[0].values, 18u); // 2 channels
    CHECK_EQ(std::string(whole.info[0].value_names[4]), std::string("in_band"));
    const uint32_t records = N / H; // t_m = 15, 31, ..., 991
    CHECK_EQ(whole.times.size(), static_cast<size_t>(records));
    CHECK_EQ(whole.bands.size(), static_cast<size_t>(2 * 18 * records));
    // Block and call invariance.
    for (const auto &shape : {std::vector<uint32_t>{1, 1}, {37, 50}, {512, 7}}) {
        const TapRun split = render_taps(p, shape[0], N, shape[1], true);
        CHECK(split.bands == whole.bands);
        CHECK(split.times == whole.times);
        CHECK(split.samples == whole.samples);
    }
    const std::vector<double> input = alone(kSource, N), modulation = alone(kLfo, N);
    for (uint32_t r = 0; r < records; ++r) {
        const uint32_t t = r * H + H - 1;
        CHECK_EQ(whole.times[r], t / kRate);
        // lower = the LFO at t, clamped at 0.
        const double lfo = modulation[t];
        auto value = [&](uint32_t b, uint32_t c, uint32_t k) {
            return whole.bands[((b * 2 + c) * 9 + k) * records + r];
        };
        CHECK_NEAR(value(0, 0, 0), std::max(0.0, lfo), 1e-9);
        CHECK_NEAR(value(1, 1, 0), std::max(0.0, lfo), 1e-9);
        CHECK_EQ(value(0, 1, 1), 0.9);
        CHECK_EQ(value(0, 0, 2), 0.7);
        CHECK_EQ(value(0, 0, 6), 1.0); // mean |D| of the constant divisor 1
        // Parseval: in + out = the energy of the windowed frame (divisor 1).
        const std::vector<double> w = divider_reference::window("hann", W);
        double energy = 0.0;
        for (uint32_t j = 0; j < W; ++j) {
            const int i = static_cast<int>(t) - static_cast<int>(W) + 1 + static_cast<int>(j);
            const double s = i >= 0 ? input[static_cast<size_t>(i)] : 0.0;
            energy += (w[j] * s) * (w[j] * s);
        }
        CHECK_NEAR(value(0, 0, 4) + value(0, 0, 5), energy, 1e-9 * std::max(1.0, energy));
    }
    // The LFO moves the band edge frame by frame.
    CHECK(whole.bands[0 * records + 3] != whole.bands[0 * records + 4]);
}

TEST(the_spectrum_tap_holds_the_processed_spectra) {
    const uint32_t W = 32, H = 8, N = 400;
    const TapRun run =
        render_taps(params(W, H, "hann", "\"spectrum_tap\":true"), 64, N, 100, false);
    CHECK_EQ(run.status, AMP_OK);
    CHECK_EQ(run.taps, 2u);
    CHECK_EQ(run.info[1].values, 2 * W * 2);
    const uint32_t records = N / H;
    CHECK_EQ(run.spectrum.size(), static_cast<size_t>(2 * 2 * W * 2 * records));
    // Identity settings: Y = X = DFT(w x) of the frame (batch 0, channel 1, frame r).
    const std::vector<double> w = divider_reference::window("hann", W);
    const std::vector<double> input = alone(kSource, N);
    for (uint32_t r = 3; r < records; r += 11) {
        const uint32_t t = r * H + H - 1;
        std::vector<long double> frame(W);
        for (uint32_t j = 0; j < W; ++j) {
            const uint32_t i = t - W + 1 + j;
            frame[j] = w[j] * input[i];
        }
        const auto X = divider_reference::dft(frame);
        for (uint32_t k = 0; k < W; ++k)
            for (uint32_t comp = 0; comp < 2; ++comp) {
                const size_t value = (1 * W + k) * 2 + comp; // channel 1
                const double got = run.spectrum[value * records + r];
                const double expected = static_cast<double>(comp == 0 ? X[k].real() : X[k].imag());
                CHECK_NEAR(got, expected, 1e-9);
            }
    }
}

// Creating a graph (a sine into the divider) with these params fails naming every part.
void expect_bad_params(const std::string &, const std::string &divider_params,
                       const std::vector<std::string> &parts, int line) {
    const std::string json =
        std::string("{\"nodes\":[") + kSource +
        ",{\"name\":\"div\",\"type\":\"fft_divider\",\"params\":" + divider_params +
        "}],\"edges\":[{\"from\":\"src\",\"to\":\"div\"}],\"output\":\"div\"}";
    AmpGraphRuntime *rt = nullptr;
    if (amp_graph_runtime_create(json.c_str(), &rt) != AMP_ERR_INVALID_ARGUMENT) {
        ++amp_test::failures();
        std::printf("  line %d: %s was accepted\n", line, divider_params.c_str());
    }
    const std::string detail = amp_test::last_error(rt);
    for (const std::string &part : parts)
        if (!amp_test::contains(detail, part)) {
            ++amp_test::failures();
            std::printf("  line %d: \"%s\" does not contain \"%s\"\n", line, detail.c_str(),
                        part.c_str());
        }
    amp_graph_runtime_destroy(rt);
}

TEST(refusals_name_the_parameter_and_the_numbers) {
    expect_bad_params("fft_divider", "{\"window_size\":64,\"declared_delay_frames\":10}",
                      {"\"declared_delay_frames\"", "exactly 63", "got 10"}, __LINE__);
    expect_bad_params("fft_divider", "{\"window_size\":64,\"hop\":65}",
                      {"\"hop\"", "at most window_size", "65"}, __LINE__);
    expect_bad_params("fft_divider", "{\"window_size\":64,\"hop\":64}",
                      {"\"hop\" 64", "\"hann\"", "smaller hop"}, __LINE__);
    expect_bad_params("fft_divider", "{\"window_size\":16384,\"algorithm\":\"dft\"}",
                      {"\"algorithm\"", "8192", "16384"}, __LINE__);
    expect_bad_params("fft_divider", "{\"window\":\"kaiser\"}",
                      {"\"window\"", "\"hann\", \"hamming\", \"blackman\", \"rect\""}, __LINE__);
    // A divisor with 3 channels against an input of 2.
    const Tensor x = noise(1, 2, 32, 1), d = noise(1, 3, 32, 2);
    CHECK_EQ(run_node("fft_divider", "{}", {x, d}, {}, 1, 32).status, AMP_ERR_INVALID_ARGUMENT);
    AmpErrorView error{};
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "\"divisor\" has 3 channels; expected 1 or 2");
}

TEST(heat_is_the_shared_model_with_an_fft_work_term) {
    const uint32_t N = 256;
    const Tensor x = noise(1, 1, N, 47);
    double power = 0.0;
    for (double v : x.data) power += v * v;
    const amp_test::NodeRun defaults = run_node("fft_divider", "{}", {x}, {}, 1, N);
    CHECK_NEAR(defaults.heat, power + 9.0 * N, 1e-9); // 512 log2(512) / (4 128) = 9
    const amp_test::NodeRun wide =
        run_node("fft_divider", params(2048, 256, "hann"), {x}, {}, 1, N);
    CHECK_NEAR(wide.heat, power + 2048.0 * 11.0 / (4.0 * 256.0) * N, 1e-9);
}

} // namespace

AMP_TEST_MAIN()
