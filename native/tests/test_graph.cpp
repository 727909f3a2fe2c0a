// test_graph.cpp: graph compilation and scheduling: cycles, feedback through delays,
// modulation (add / multiply / scale / broadcast / fixed channel), gathering, block
// invariance of whole graphs, heat curves and latency.
#include <cmath>
#include <string>
#include <vector>

#include "test_support.h"

using amp_test::render;

namespace {

// Uses every node of the first set, with modulation and fan-out.
const char *kEveryNode = R"({
  "nodes": [
    {"name": "lfo", "type": "sine_osc", "params": {"frequency": 3, "amplitude": 200}},
    {"name": "osc", "type": "sine_osc", "params": {"frequency": 440, "channels": 2}},
    {"name": "bias", "type": "constant", "params": {"value": 0.1, "channels": 2}},
    {"name": "amp", "type": "gain", "params": {"gain": 0.8}},
    {"name": "echo", "type": "delay", "params": {"frames": 37}},
    {"name": "sum", "type": "mix", "params": {"channels": 2, "normalize": true}},
    {"name": "out", "type": "safety", "params": {"dc_alpha": 0.995, "limit": 0.9}}
  ],
  "edges": [
    {"from": "osc", "to": "amp"}, {"from": "bias", "to": "amp"},
    {"from": "amp", "to": "echo"}, {"from": "amp", "to": "sum"}, {"from": "echo", "to": "sum"},
    {"from": "sum", "to": "out"}
  ],
  "modulations": [
    {"from": "lfo", "to": "osc", "param": "frequency", "mode": "add", "scale": 1},
    {"from": "lfo", "to": "amp", "param": "gain", "mode": "multiply", "scale": 0.004}
  ],
  "output": "out"
})";

std::string comb(uint32_t d, double a) {
    return R"({"nodes":[
      {"name":"x","type":"constant","params":{"value":0}},
      {"name":"sum","type":"mix"},
      {"name":"fb","type":"delay","params":{"frames":)" +
           std::to_string(d) + R"(}},
      {"name":"a","type":"gain","params":{"gain":)" +
           std::to_string(a) + R"(}}],
     "edges":[{"from":"x","to":"sum"},{"from":"a","to":"sum"},{"from":"sum","to":"fb"},{"from":"fb","to":"a"}],
     "output":"sum"})";
}

} // namespace

TEST(a_graph_with_every_node_is_block_invariant) {
    const uint64_t frames = 3000;
    const auto reference = render(kEveryNode, 2, 4096, frames);
    CHECK_EQ(reference.status, AMP_OK);
    CHECK_EQ(reference.channels, 2u);
    for (uint32_t block : {1u, 7u, 64u, 512u}) {
        const auto other = render(kEveryNode, 2, block, frames);
        CHECK(other.samples == reference.samples);
    }
    const auto uneven = render(kEveryNode, 2, 64, frames, {1, 7, 64, 3, 129, 1000});
    CHECK(uneven.samples == reference.samples);
    double energy = 0.0;
    for (double x : reference.samples) energy += x * x;
    CHECK(energy > 1.0);
}

TEST(a_feedback_comb_is_exact_for_any_block_size) {
    // y[n] = x[n] + a * y[n - D], x an impulse at n = 0 (set through a per-frame override).
    const double a = 0.5;
    for (uint32_t d : {1u, 3u, 50u}) {
        const uint64_t frames = 400;
        std::vector<double> expected(frames, 0.0);
        for (uint64_t n = 0; n < frames; ++n)
            expected[n] = (n == 0 ? 1.0 : 0.0) + (n >= d ? a * expected[n - d] : 0.0);
        for (uint32_t block : {1u, 7u, 64u, 4096u}) {
            AmpGraphRuntime *rt = nullptr;
            CHECK_EQ(amp_graph_runtime_create(comb(d, a).c_str(), &rt), AMP_OK);
            CHECK_EQ(amp_graph_runtime_configure(rt, 1, block), AMP_OK);
            std::vector<double> impulse(block, 0.0);
            impulse[0] = 1.0;
            CHECK_EQ(amp_graph_runtime_set_param(rt, "x", "value", impulse.data(), 1, 1, block),
                     AMP_OK);
            std::vector<double> first(block), out(frames);
            // The first block carries the impulse; then the override is cleared.
            const uint64_t head = std::min<uint64_t>(block, frames);
            CHECK_EQ(amp_graph_runtime_execute(rt, head, out.data(), head, nullptr), AMP_OK);
            amp_graph_runtime_clear_params(rt, "x");
            CHECK_EQ(amp_graph_runtime_execute(rt, frames - head, out.data() + head, frames - head,
                                               nullptr),
                     AMP_OK);
            CHECK(out == expected);
            amp_graph_runtime_destroy(rt);
        }
    }
}

TEST(a_delay_free_cycle_is_rejected_with_its_nodes) {
    const auto result = render(R"({"nodes":[
        {"name":"src","type":"constant"},{"name":"p","type":"gain"},{"name":"q","type":"gain"}],
      "edges":[{"from":"src","to":"p"},{"from":"p","to":"q"},{"from":"q","to":"p"}],"output":"q"})",
                               1, 64, 64);
    CHECK_EQ(result.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(result.error, "cycle without a delay");
    CHECK_CONTAINS(result.error, "\"p\"");
    CHECK_CONTAINS(result.error, "\"q\"");
    CHECK(!amp_test::contains(result.error, "\"src\""));
}

TEST(a_zero_frame_delay_does_not_make_a_loop_legal) {
    const auto result = render(R"({"nodes":[
        {"name":"src","type":"constant"},{"name":"m","type":"mix"},{"name":"d","type":"delay","params":{"frames":0}}],
      "edges":[{"from":"src","to":"m"},{"from":"m","to":"d"},{"from":"d","to":"m"}],"output":"m"})",
                               1, 64, 64);
    CHECK_EQ(result.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(result.error, "\"d\"");
}

TEST(a_modulation_cycle_is_rejected_with_its_nodes) {
    const auto result = render(R"({"nodes":[
        {"name":"a","type":"sine_osc"},{"name":"b","type":"sine_osc"}],
      "modulations":[{"from":"a","to":"b","param":"frequency"},{"from":"b","to":"a","param":"amplitude"}],
      "output":"b"})",
                               1, 64, 64);
    CHECK_EQ(result.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(result.error, "~> b.frequency");
    CHECK_CONTAINS(result.error, "~> a.amplitude");
}

TEST(modulation_add_and_multiply_apply_scale_per_frame) {
    // gain = 2 + 0.5 * m (add), then times (3 * m2) (multiply); m and m2 are constants.
    const auto result = render(R"({"nodes":[
        {"name":"x","type":"constant","params":{"value":1}},
        {"name":"m","type":"constant","params":{"value":4}},
        {"name":"m2","type":"constant","params":{"value":0.25}},
        {"name":"g","type":"gain","params":{"gain":2}}],
      "edges":[{"from":"x","to":"g"}],
      "modulations":[{"from":"m","to":"g","param":"gain","mode":"add","scale":0.5},
                     {"from":"m2","to":"g","param":"gain","mode":"multiply","scale":3}],
      "output":"g"})",
                               2, 16, 20);
    CHECK_EQ(result.status, AMP_OK);
    for (double x : result.samples) CHECK_NEAR(x, (2 + 0.5 * 4) * (3 * 0.25), 1e-15);
}

TEST(modulation_broadcasts_channels_and_can_pick_one) {
    // A 2-channel modulator (0.1, 0.2 via a stereo sine? use constant per channel through mix):
    // constant "m" has 2 identical channels 0.5; a 1-channel target broadcasts; a fixed
    // channel picks it; a 3-channel target reads channel c mod 2.
    const auto result = render(R"({"nodes":[
        {"name":"x","type":"constant","params":{"value":1,"channels":3}},
        {"name":"m","type":"sine_osc","params":{"frequency":1000,"amplitude":1,"channels":2}},
        {"name":"g","type":"gain","params":{"gain":0}}],
      "edges":[{"from":"x","to":"g"}],
      "modulations":[{"from":"m","to":"g","param":"gain","mode":"add","scale":1}],
      "output":"g"})",
                               1, 32, 32);
    CHECK_EQ(result.status, AMP_OK);
    CHECK_EQ(result.channels, 3u);
    for (uint32_t f = 0; f < 32; ++f) {
        const double expected = std::sin(2 * M_PI * (f + 1) * 1000.0 / 48000.0);
        CHECK_NEAR(result.samples[0 * 32 + f], expected, 1e-12);
        CHECK_NEAR(result.samples[2 * 32 + f], expected, 1e-12); // channel 2 reads 2 mod 2 = 0
    }
    const auto fixed = render(R"({"nodes":[
        {"name":"x","type":"constant","params":{"value":1}},
        {"name":"m","type":"sine_osc","params":{"frequency":1000,"amplitude":1,"channels":2}},
        {"name":"g","type":"gain","params":{"gain":0}}],
      "edges":[{"from":"x","to":"g"}],
      "modulations":[{"from":"m","to":"g","param":"gain","channel":1}],
      "output":"g"})",
                              1, 32, 8);
    CHECK_EQ(fixed.status, AMP_OK);
    CHECK_NEAR(fixed.samples[0], std::sin(2 * M_PI * 1000.0 / 48000.0), 1e-12);
    const auto bad = render(R"({"nodes":[
        {"name":"x","type":"constant"},{"name":"m","type":"sine_osc"},{"name":"g","type":"gain"}],
      "edges":[{"from":"x","to":"g"}],
      "modulations":[{"from":"m","to":"g","param":"gain","channel":3}],"output":"g"})",
                            1, 32, 8);
    CHECK_EQ(bad.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bad.error, "\"channel\" 3 is out of range");
}

TEST(modulation_of_a_static_or_unknown_parameter_is_rejected) {
    const auto result = render(R"({"nodes":[
        {"name":"m","type":"constant"},{"name":"o","type":"sine_osc"}],
      "modulations":[{"from":"m","to":"o","param":"channels"}],"output":"o"})",
                               1, 32, 8);
    CHECK_EQ(result.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(result.error,
                   "no modulatable parameter \"channels\"; modulatable: frequency, amplitude");
}

TEST(sum_gather_broadcasts_and_concat_gather_stacks_channels) {
    // gain's input sums a 1-channel and a 2-channel source: 2 channels, mono added to both.
    const auto summed = render(R"({"nodes":[
        {"name":"a","type":"constant","params":{"value":1}},
        {"name":"b","type":"constant","params":{"value":10,"channels":2}},
        {"name":"g","type":"gain"}],
      "edges":[{"from":"a","to":"g"},{"from":"b","to":"g"}],"output":"g"})",
                               2, 8, 4);
    CHECK_EQ(summed.status, AMP_OK);
    CHECK_EQ(summed.channels, 2u);
    for (double x : summed.samples) CHECK_EQ(x, 11.0);
    // mix's input concatenates: 1 + 2 channels, normalized sum = (1 + 10 + 10) / 3.
    const auto mixed = render(R"({"nodes":[
        {"name":"a","type":"constant","params":{"value":1}},
        {"name":"b","type":"constant","params":{"value":10,"channels":2}},
        {"name":"m","type":"mix","params":{"normalize":true}}],
      "edges":[{"from":"a","to":"m"},{"from":"b","to":"m"}],"output":"m"})",
                              2, 8, 4);
    CHECK_EQ(mixed.status, AMP_OK);
    for (double x : mixed.samples) CHECK_NEAR(x, 7.0, 1e-15);
}

TEST(an_unconnected_input_is_rejected) {
    const auto result = render(R"({"nodes":[{"name":"g","type":"gain"}],"output":"g"})", 1, 8, 8);
    CHECK_EQ(result.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(result.error, "node \"g\" (gain): input \"in\" has no incoming edge");
}

TEST(graph_description_errors_name_the_problem) {
    auto check = [](const char *json, const char *part) {
        const auto result = render(json, 1, 8, 8);
        CHECK(result.status != AMP_OK);
        CHECK_CONTAINS(result.error, part);
    };
    check(R"({"nodes":[{"name":"a","type":"constant"}],"output":"zz"})", "no node named \"zz\"");
    check(R"({"nodes":[{"name":"a","type":"constant"},{"name":"a","type":"gain"}],"output":"a"})",
          "duplicate node name \"a\"");
    check(
        R"({"nodes":[{"name":"a","type":"constant"}],"edges":[{"from":"a","to":"a"}],"output":"a"})",
        "is a source and has no audio input");
    check(R"({"nodes":[{"name":"a","type":"constant"}],"output":"a","extra":1})",
          "unknown key \"extra\"");
    check(R"({"nodes":[],"output":"a"})", "at least one node");
    check(R"({"nodes":[{"name":"a","type":"constant"}],"output":"a","sample_rate":-1})",
          "sample_rate");
}

TEST(heat_curves_sum_to_the_totals_and_do_not_change_the_audio) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kEveryNode, &rt), AMP_OK);
    amp_graph_runtime_configure(rt, 2, 128);
    const uint64_t frames = 1000;
    const uint32_t nodes = amp_graph_runtime_node_count(rt);
    std::vector<double> out(2 * 2 * frames), heat((nodes + 1) * 2 * frames, -1.0);
    AmpRenderOptions options{};
    options.heat_out = heat.data();
    options.heat_len = heat.size();
    CHECK_EQ(amp_graph_runtime_execute(rt, frames, out.data(), out.size(), &options), AMP_OK);
    const auto plain = render(kEveryNode, 2, 128, frames);
    CHECK(plain.samples == out);
    double graph_total = 0.0;
    for (uint32_t v = 0; v < nodes; ++v) {
        double node_total = 0.0;
        for (size_t i = 0; i < 2 * frames; ++i) {
            CHECK(heat[v * 2 * frames + i] >= 0.0);
            node_total += heat[v * 2 * frames + i];
        }
        AmpNodeSummary summary{};
        amp_graph_runtime_describe_node(rt, amp_graph_runtime_node_name(rt, v), &summary);
        CHECK_NEAR(summary.total_heat, node_total, 1e-9 * node_total);
        graph_total += node_total;
    }
    double curve_total = 0.0;
    for (size_t i = 0; i < 2 * frames; ++i) curve_total += heat[nodes * 2 * frames + i];
    AmpGraphSummary graph{};
    amp_graph_runtime_describe_graph(rt, &graph);
    CHECK_NEAR(graph.total_heat, graph_total, 1e-9 * graph_total);
    CHECK_NEAR(curve_total, graph_total, 1e-9 * graph_total);
    CHECK_EQ(graph.frames_rendered, frames);
    amp_graph_runtime_destroy(rt);
}

TEST(heat_totals_match_the_curves_in_feedback_graphs_too) {
    // Totals are computed from lane energies (shared between producers and consumers where the
    // samples are the same), curves frame by frame: they must agree, loops and delays included.
    const std::string json = R"({"nodes":[
        {"name":"x","type":"sine_osc","params":{"frequency":700,"channels":2}},
        {"name":"sum","type":"mix","params":{"channels":2}},
        {"name":"echo","type":"delay","params":{"frames":5}},
        {"name":"fb","type":"gain","params":{"gain":0.7}},
        {"name":"tap","type":"gain","params":{"gain":2}}],
      "edges":[{"from":"x","to":"sum"},{"from":"fb","to":"sum"},{"from":"sum","to":"echo"},
               {"from":"echo","to":"fb"},{"from":"echo","to":"tap"},{"from":"x","to":"tap","delay_frames":3}],
      "output":"sum"})";
    for (uint32_t block : {1u, 5u, 64u}) {
        AmpGraphRuntime *rt = nullptr;
        CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_OK);
        amp_graph_runtime_configure(rt, 2, block);
        const uint64_t frames = 700;
        const uint32_t nodes = amp_graph_runtime_node_count(rt);
        std::vector<double> out(2 * 2 * frames), heat((nodes + 1) * 2 * frames);
        CHECK_EQ(amp_graph_runtime_execute(rt, frames, out.data(), out.size(), nullptr), AMP_OK);
        std::vector<double> totals(nodes);
        for (uint32_t v = 0; v < nodes; ++v) {
            AmpNodeSummary summary{};
            amp_graph_runtime_describe_node(rt, amp_graph_runtime_node_name(rt, v), &summary);
            totals[v] = summary.total_heat;
        }
        amp_graph_runtime_reset(rt);
        AmpRenderOptions options{};
        options.heat_out = heat.data();
        options.heat_len = heat.size();
        CHECK_EQ(amp_graph_runtime_execute(rt, frames, out.data(), out.size(), &options), AMP_OK);
        for (uint32_t v = 0; v < nodes; ++v) {
            double curve = 0.0;
            for (size_t i = 0; i < 2 * frames; ++i) curve += heat[v * 2 * frames + i];
            CHECK_NEAR(totals[v], curve, 1e-9 * curve);
        }
        amp_graph_runtime_destroy(rt);
    }
}

TEST(graph_latency_accumulates_declared_delays_along_the_longest_path) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(R"({"nodes":[
        {"name":"s","type":"sine_osc","params":{"declared_delay_frames":10}},
        {"name":"p","type":"gain","params":{"declared_delay_frames":5}},
        {"name":"q","type":"gain"},
        {"name":"m","type":"mix","params":{"declared_delay_frames":1}}],
      "edges":[{"from":"s","to":"p"},{"from":"s","to":"q"},{"from":"p","to":"m"},{"from":"q","to":"m"}],
      "output":"m"})",
                                      &rt),
             AMP_OK);
    AmpGraphSummary graph{};
    amp_graph_runtime_describe_graph(rt, &graph);
    CHECK_EQ(graph.latency_frames, 16u);
    amp_graph_runtime_destroy(rt);
}

AMP_TEST_MAIN()
