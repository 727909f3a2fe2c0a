// test_sweep_support.cpp: what parameter sweeps rely on, through the C ABI:
// amp_graph_runtime_heat_by_batch (a lane's heat totals equal a one-batch runtime's that
// rendered that lane alone, with the lane's value in the graph JSON) and amp_analysis_centroid
// (against a direct DFT of the Welch power, two-tone midpoint, silence, bad input).
#include <cmath>
#include <string>
#include <vector>

#include "analysis_support.h"
#include "test_support.h"

using namespace amp_test;

namespace {

std::string graph_json(double frequency, double limit) {
    return R"({"nodes":[{"name":"osc","type":"sine_osc","params":{"frequency":)" +
           std::to_string(frequency) +
           R"(,"amplitude":0.9}},{"name":"out","type":"safety","params":{"limit":)" +
           std::to_string(limit) + R"(}}],"edges":[{"from":"osc","to":"out"}],"output":"out"})";
}

} // namespace

TEST(heat_by_batch_lanes_equal_one_batch_runtimes_and_overrides_equal_json_values) {
    const double frequencies[] = {110.0, 440.0, 1250.0};
    const double limits[] = {0.2, 0.5, 0.8};
    const uint32_t block = 64, frames = 1000, lanes = 3;
    AmpGraphRuntime *packed = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph_json(1.0, 1.0).c_str(), &packed), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(packed, lanes, block), AMP_OK);
    std::vector<double> f(lanes * block), l(lanes * block);
    for (uint32_t b = 0; b < lanes; ++b)
        for (uint32_t i = 0; i < block; ++i) {
            f[b * block + i] = frequencies[b];
            l[b * block + i] = limits[b];
        }
    CHECK_EQ(amp_graph_runtime_set_param(packed, "osc", "frequency", f.data(), lanes, 1, block),
             AMP_OK);
    CHECK_EQ(amp_graph_runtime_set_param(packed, "out", "limit", l.data(), lanes, 1, block),
             AMP_OK);
    std::vector<double> out(lanes * frames);
    CHECK_EQ(amp_graph_runtime_execute(packed, frames, out.data(), out.size(), nullptr), AMP_OK);
    std::vector<double> heat(3 * lanes);
    CHECK_EQ(amp_graph_runtime_heat_by_batch(packed, heat.data(), heat.size()), AMP_OK);
    CHECK_EQ(amp_graph_runtime_heat_by_batch(packed, heat.data(), heat.size() - 1),
             AMP_ERR_INVALID_ARGUMENT);
    for (uint32_t b = 0; b < lanes; ++b) {
        AmpGraphRuntime *alone = nullptr;
        CHECK_EQ(amp_graph_runtime_create(graph_json(frequencies[b], limits[b]).c_str(), &alone),
                 AMP_OK);
        CHECK_EQ(amp_graph_runtime_configure(alone, 1, block), AMP_OK);
        std::vector<double> one(frames);
        CHECK_EQ(amp_graph_runtime_execute(alone, frames, one.data(), frames, nullptr), AMP_OK);
        CHECK(std::vector<double>(out.begin() + b * frames, out.begin() + (b + 1) * frames) == one);
        AmpNodeSummary osc{}, safety{};
        AmpGraphSummary graph{};
        amp_graph_runtime_describe_node(alone, "osc", &osc);
        amp_graph_runtime_describe_node(alone, "out", &safety);
        amp_graph_runtime_describe_graph(alone, &graph);
        CHECK(heat[0 * lanes + b] == osc.total_heat);
        CHECK(heat[1 * lanes + b] == safety.total_heat);
        CHECK(heat[2 * lanes + b] == graph.total_heat);
        amp_graph_runtime_destroy(alone);
    }
    amp_graph_runtime_destroy(packed);
}

TEST(centroid_equals_a_direct_dft_of_the_welch_power) {
    const double rate = 48000.0;
    const uint32_t size = 128, hop = 64;
    Random random(3);
    std::vector<double> x(1000);
    for (double &v : x) v = 0.5 * random.uniform();
    AmpAnalysisConfig c = config(AMP_WINDOW_HANN, size, hop, rate);
    AmpAnalysisPlan *plan = nullptr;
    CHECK_EQ(amp_analysis_plan_create(&c, &plan), AMP_OK);
    const AmpAudioView view = mono(x);
    const uint32_t lane = 0;
    double centroid = -1.0;
    CHECK_EQ(amp_analysis_centroid(plan, &view, &lane, 1, &centroid), AMP_OK);
    // Reference: periodic Hann, direct DFT per segment, one-sided power summed over segments.
    std::vector<double> power(size / 2 + 1, 0.0);
    for (size_t start = 0; start + size <= x.size(); start += hop) {
        for (uint32_t k = 0; k <= size / 2; ++k) {
            double re = 0.0, im = 0.0;
            for (uint32_t n = 0; n < size; ++n) {
                const double w = 0.5 - 0.5 * std::cos(2.0 * M_PI * n / size);
                re += w * x[start + n] * std::cos(2.0 * M_PI * k * n / size);
                im -= w * x[start + n] * std::sin(2.0 * M_PI * k * n / size);
            }
            power[k] += (k == 0 || k == size / 2 ? 1.0 : 2.0) * (re * re + im * im);
        }
    }
    double weighted = 0.0, total = 0.0;
    for (uint32_t k = 0; k <= size / 2; ++k) {
        weighted += k * rate / size * power[k];
        total += power[k];
    }
    CHECK_NEAR(centroid, weighted / total, 1e-9 * rate);
    amp_analysis_plan_destroy(plan);
}

TEST(centroid_of_two_equal_tones_is_their_midpoint_and_silence_reads_0) {
    // 1500 and 4500 Hz are bins 8 and 24 of a 256-point frame at 48 kHz.
    std::vector<double> x = sine(1500.0, 0.5, 48000.0, 4096);
    const std::vector<double> y = sine(4500.0, 0.5, 48000.0, 4096, 1.0);
    for (size_t i = 0; i < x.size(); ++i) x[i] += y[i];
    const std::vector<double> silence(4096, 0.0);
    AmpAnalysisConfig c = config(AMP_WINDOW_HANN, 256, 128);
    AmpAnalysisPlan *plan = nullptr;
    CHECK_EQ(amp_analysis_plan_create(&c, &plan), AMP_OK);
    const uint32_t lane = 0;
    double centroid = 0.0;
    AmpAudioView view = mono(x);
    CHECK_EQ(amp_analysis_centroid(plan, &view, &lane, 1, &centroid), AMP_OK);
    CHECK_NEAR(centroid, 3000.0, 1e-6);
    view = mono(silence);
    CHECK_EQ(amp_analysis_centroid(plan, &view, &lane, 1, &centroid), AMP_OK);
    CHECK(centroid == 0.0);
    const std::vector<double> short_signal(100, 0.1);
    view = mono(short_signal);
    centroid = 7.0;
    CHECK_EQ(amp_analysis_centroid(plan, &view, &lane, 1, &centroid), AMP_ERR_INVALID_ARGUMENT);
    CHECK(centroid == 7.0);
    CHECK(analysis_error().find("size") != std::string::npos);
    CHECK_EQ(amp_analysis_centroid(plan, &view, &lane, 1, nullptr), AMP_ERR_INVALID_ARGUMENT);
    amp_analysis_plan_destroy(plan);
}

AMP_TEST_MAIN()
