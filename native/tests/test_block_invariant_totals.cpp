// test_block_invariant_totals.cpp: every number a render reports is the same bits whatever the
// block size: samples, per-frame heat curves, node and graph heat totals, the last call's node
// heat, thermal-budget flags and their count. The graph has modulation and a feedback loop.
#include <cstring>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

// lfo ~> osc.frequency (add); osc -> sum -> out; sum -> d (delay 4000) -> fb (gain) -> sum.
const char *kGraph = R"({"nodes":[
  {"name":"lfo","type":"sine_osc","params":{"frequency":3,"amplitude":1}},
  {"name":"osc","type":"sine_osc","params":{"frequency":440,"amplitude":0.5}},
  {"name":"sum","type":"mix"},
  {"name":"d","type":"delay","params":{"frames":4000}},
  {"name":"fb","type":"gain","params":{"gain":0.5}},
  {"name":"out","type":"safety"}],
 "edges":[{"from":"osc","to":"sum"},{"from":"fb","to":"sum"},{"from":"sum","to":"d"},
          {"from":"d","to":"fb"},{"from":"sum","to":"out"}],
 "modulations":[{"from":"lfo","to":"osc","param":"frequency","mode":"add","scale":50}],
 "output":"out","thermal_budget":1150000})";

constexpr uint32_t kBatches = 2;
constexpr uint64_t kFrames = 9600;
constexpr uint32_t kNodes = 6;

struct Numbers {
    std::vector<double> samples, heat;
    std::vector<uint8_t> over;
    std::vector<double> node_totals, node_call_heat;
    AmpGraphSummary graph{};
};

Numbers render(uint32_t block) {
    Numbers numbers;
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, kBatches, block), AMP_OK);
    numbers.samples.assign(kBatches * kFrames, 0.0);
    numbers.heat.assign((kNodes + 1) * kBatches * kFrames, 0.0);
    numbers.over.assign(kBatches * kFrames, 0);
    AmpRenderOptions options{};
    options.heat_out = numbers.heat.data();
    options.heat_len = numbers.heat.size();
    options.over_budget_out = numbers.over.data();
    options.over_budget_len = numbers.over.size();
    CHECK_EQ(amp_graph_runtime_execute(rt, kFrames, numbers.samples.data(), numbers.samples.size(),
                                       &options),
             AMP_OK);
    for (uint32_t v = 0; v < kNodes; ++v) {
        AmpNodeSummary node{};
        amp_graph_runtime_describe_node(rt, amp_graph_runtime_node_name(rt, v), &node);
        numbers.node_totals.push_back(node.total_heat);
        numbers.node_call_heat.push_back(node.last_metrics.accumulated_heat);
    }
    amp_graph_runtime_describe_graph(rt, &numbers.graph);
    amp_graph_runtime_destroy(rt);
    return numbers;
}

bool same_bits(const std::vector<double> &a, const std::vector<double> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(block_sizes_1_37_512_48000_report_the_same_bits) {
    const Numbers reference = render(512);
    CHECK(reference.graph.frames_over_budget > 0);
    CHECK(reference.graph.frames_over_budget < kBatches * kFrames);
    for (const uint32_t block : {1u, 37u, 48000u}) {
        const Numbers other = render(block);
        CHECK(same_bits(other.samples, reference.samples));
        CHECK(same_bits(other.heat, reference.heat));
        CHECK(other.over == reference.over);
        CHECK(same_bits(other.node_totals, reference.node_totals));
        CHECK(same_bits(other.node_call_heat, reference.node_call_heat));
        CHECK(std::memcmp(&other.graph.total_heat, &reference.graph.total_heat, sizeof(double)) ==
              0);
        CHECK_EQ(other.graph.frames_over_budget, reference.graph.frames_over_budget);
    }
}

TEST(totals_do_not_depend_on_how_a_render_is_split_into_calls) {
    const amp_test::Rendered whole = amp_test::render(kGraph, kBatches, 512, kFrames);
    const amp_test::Rendered split =
        amp_test::render(kGraph, kBatches, 37, kFrames, {1, 700, 33, 4096});
    CHECK(whole.samples == split.samples);
    CHECK(std::memcmp(&whole.graph.total_heat, &split.graph.total_heat, sizeof(double)) == 0);
}

// Heat sums taken without writing the per-frame curve (runtime/heat.h accumulate_rows_heat for a
// source of 2 and 3 channels; the one-lane model row of an adsr with one of its two ports open,
// gate or trigger) equal the sums of the written curve (a render asking for the curves) bit
// for bit, node by node, at a block size with a partial last block.
const char *kFusedHeatGraph = R"({"nodes":[
  {"name":"lfo","type":"sine_osc","params":{"frequency":3,"amplitude":0.9}},
  {"name":"st","type":"oscillator","params":{"waveform":"saw","frequency":110,"stereo":true}},
  {"name":"three","type":"oscillator","params":{"waveform":"square","frequency":97,"channels":3}},
  {"name":"gated","type":"adsr","params":{"attack_ms":2,"release_ms":30}},
  {"name":"fired","type":"adsr","params":{"attack_ms":1,"release_ms":20}},
  {"name":"sum","type":"mix"},
  {"name":"out","type":"safety"}],
 "edges":[{"from":"lfo","to":"gated","port":"gate"},{"from":"lfo","to":"fired","port":"trigger"},
          {"from":"st","to":"sum"},{"from":"three","to":"sum"},{"from":"gated","to":"sum"},
          {"from":"fired","to":"sum"},{"from":"sum","to":"out"}],
 "output":"out"})";

std::vector<double> node_totals(bool curves) {
    constexpr uint32_t nodes = 7, block = 100;
    constexpr uint64_t frames = 4850;
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kFusedHeatGraph, &rt), AMP_OK);
    if (rt == nullptr) return {};
    CHECK_EQ(amp_graph_runtime_configure(rt, 1, block), AMP_OK);
    std::vector<double> samples(frames), heat((nodes + 1) * frames);
    AmpRenderOptions options{};
    options.heat_out = heat.data();
    options.heat_len = heat.size();
    CHECK_EQ(amp_graph_runtime_execute(rt, frames, samples.data(), samples.size(),
                                       curves ? &options : nullptr),
             AMP_OK);
    std::vector<double> totals;
    for (uint32_t v = 0; v < nodes; ++v) {
        AmpNodeSummary node{};
        amp_graph_runtime_describe_node(rt, amp_graph_runtime_node_name(rt, v), &node);
        totals.push_back(node.total_heat);
    }
    amp_graph_runtime_destroy(rt);
    return totals;
}

TEST(heat_sums_without_the_curve_equal_the_curves_sums) {
    const std::vector<double> fused = node_totals(false), written = node_totals(true);
    CHECK_EQ(fused.size(), size_t{7});
    CHECK(same_bits(fused, written));
    for (const double total : fused) CHECK(total > 0.0);
}

} // namespace

AMP_TEST_MAIN()
