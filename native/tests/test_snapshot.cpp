// test_snapshot.cpp: a render continued from a restored snapshot is the uninterrupted render,
// bit for bit (samples, heat, budget count, telemetry), for a graph with feedback, modulation,
// declared delays and latency compensation; through a node state too; and every refusal
// leaves the runtime as it was.
#include <cstring>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

const char *kGraph = R"({"nodes":[
  {"name":"lfo","type":"sine_osc","params":{"frequency":3,"amplitude":1,"declared_delay_frames":5}},
  {"name":"osc","type":"sine_osc","params":{"frequency":440,"amplitude":0.5,"channels":2}},
  {"name":"sum","type":"mix","params":{"channels":2}},
  {"name":"d","type":"delay","params":{"frames":300}},
  {"name":"fb","type":"gain","params":{"gain":0.5}},
  {"name":"out","type":"safety"}],
 "edges":[{"from":"osc","to":"sum"},{"from":"fb","to":"sum"},{"from":"sum","to":"d"},
          {"from":"d","to":"fb"},{"from":"sum","to":"out"},{"from":"lfo","to":"out","delay_frames":2}],
 "modulations":[{"from":"lfo","to":"osc","param":"frequency","mode":"add","scale":50}],
 "output":"out","thermal_budget":1000000})";

constexpr uint32_t kBatches = 2;

AmpGraphRuntime *make(uint32_t batches = kBatches, const char *json = kGraph) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(json, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, batches, 64), AMP_OK);
    return rt;
}

struct Part {
    std::vector<double> samples;
    AmpGraphSummary graph{};
    std::vector<double> node_heat;
};

Part render(AmpGraphRuntime *rt, uint64_t frames) {
    Part part;
    part.samples.assign(kBatches * 2 * frames, 0.0);
    CHECK_EQ(
        amp_graph_runtime_execute(rt, frames, part.samples.data(), part.samples.size(), nullptr),
        AMP_OK);
    amp_graph_runtime_describe_graph(rt, &part.graph);
    for (uint32_t v = 0; v < amp_graph_runtime_node_count(rt); ++v) {
        AmpNodeSummary node{};
        amp_graph_runtime_describe_node(rt, amp_graph_runtime_node_name(rt, v), &node);
        part.node_heat.push_back(node.total_heat);
        part.node_heat.push_back(node.last_metrics.reserved[0]);
    }
    return part;
}

std::vector<unsigned char> snapshot(AmpGraphRuntime *rt) {
    uint64_t bytes = 0;
    CHECK_EQ(amp_graph_runtime_snapshot_size(rt, &bytes), AMP_OK);
    std::vector<unsigned char> data(bytes);
    CHECK_EQ(amp_graph_runtime_snapshot(rt, data.data(), data.size()), AMP_OK);
    return data;
}

bool same(const Part &a, const Part &b) {
    return a.samples == b.samples && a.node_heat == b.node_heat &&
           std::memcmp(&a.graph.total_heat, &b.graph.total_heat, sizeof(double)) == 0 &&
           a.graph.frames_over_budget == b.graph.frames_over_budget &&
           a.graph.frames_rendered == b.graph.frames_rendered;
}

TEST(a_render_continued_from_a_snapshot_is_the_uninterrupted_render) {
    AmpGraphRuntime *rt = make();
    render(rt, 1000);
    const std::vector<unsigned char> saved = snapshot(rt);
    const Part first = render(rt, 777);
    CHECK(first.graph.frames_over_budget > 0);
    CHECK_EQ(amp_graph_runtime_restore(rt, saved.data(), saved.size()), AMP_OK);
    CHECK(same(render(rt, 777), first));
    // Restored into another runtime of the same graph and configuration.
    AmpGraphRuntime *other = make();
    render(other, 123); // some unrelated stream, overwritten by the restore
    CHECK_EQ(amp_graph_runtime_restore(other, saved.data(), saved.size()), AMP_OK);
    CHECK(same(render(other, 777), first));
    // And the uninterrupted stream ends the same way.
    AmpGraphRuntime *straight = make();
    const Part whole = render(straight, 1777);
    CHECK(std::memcmp(&whole.graph.total_heat, &first.graph.total_heat, sizeof(double)) == 0);
    for (size_t lane = 0; lane < kBatches * 2; ++lane)
        CHECK(std::memcmp(whole.samples.data() + lane * 1777 + 1000,
                          first.samples.data() + lane * 777, 777 * sizeof(double)) == 0);
    amp_graph_runtime_destroy(rt);
    amp_graph_runtime_destroy(other);
    amp_graph_runtime_destroy(straight);
}

TEST(refused_snapshots_change_nothing_and_say_why) {
    AmpGraphRuntime *rt = make();
    render(rt, 500);
    std::vector<unsigned char> saved = snapshot(rt);
    const std::vector<unsigned char> now = snapshot(rt);
    CHECK_EQ(amp_graph_runtime_snapshot(rt, saved.data(), saved.size() - 1),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK_CONTAINS(amp_test::last_error(rt), "needs " + std::to_string(saved.size()));
    CHECK_EQ(amp_graph_runtime_restore(rt, saved.data(), saved.size() - 8),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "truncated or padded");
    std::vector<unsigned char> corrupt = saved;
    corrupt[0] ^= 0xff;
    CHECK_EQ(amp_graph_runtime_restore(rt, corrupt.data(), corrupt.size()),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "not a runtime snapshot");
    AmpGraphRuntime *mono = make(1);
    CHECK_EQ(amp_graph_runtime_restore(mono, saved.data(), saved.size()), AMP_ERR_SHAPE_MISMATCH);
    CHECK_CONTAINS(amp_test::last_error(mono), "snapshot was taken with batches 2");
    const char *renamed = R"({"nodes":[{"name":"x","type":"sine_osc"}],"output":"x"})";
    AmpGraphRuntime *other = make(kBatches, renamed);
    CHECK_EQ(amp_graph_runtime_restore(other, saved.data(), saved.size()),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(other), "another graph");
    // Nothing was half-applied: the runtime's state is what it was before the refusals.
    CHECK(snapshot(rt) == now);
    amp_graph_runtime_destroy(rt);
    amp_graph_runtime_destroy(mono);
    amp_graph_runtime_destroy(other);
}

// A node state: the delay's ring and its declared-delay padding FIFO are part of the stream.
TEST(a_node_state_snapshot_restores_the_single_node_stream) {
    std::vector<double> x(2 * 80);
    for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37 * static_cast<double>(i));
    AmpNodeDescriptorView delay{"d", "delay", R"({"frames":7,"declared_delay_frames":3})"};
    void *state = nullptr;
    auto call = [&](uint32_t offset, uint32_t n) {
        std::vector<double> window(2 * n);
        for (uint32_t c = 0; c < 2; ++c)
            std::memcpy(window.data() + c * n, x.data() + c * 80 + offset, n * sizeof(double));
        AmpAudioView audio{window.data(), 1, 2, n};
        AmpNodeInputs inputs{&audio, 1, nullptr, 0};
        double *out = nullptr;
        int32_t channels = 0;
        AmpNodeMetrics metrics{};
        CHECK_EQ(amp_run_node_v2(&delay, &inputs, 1, 2, static_cast<int32_t>(n), 48000, &out,
                                 &channels, &state, nullptr, AMP_EXECUTION_FORWARD, &metrics),
                 AMP_OK);
        std::vector<double> result(out, out + 2 * n);
        result.push_back(metrics.accumulated_heat);
        amp_free(out);
        return result;
    };
    call(0, 50);
    uint64_t bytes = 0;
    CHECK_EQ(amp_node_state_snapshot_size(state, &bytes), AMP_OK);
    std::vector<unsigned char> saved(bytes);
    CHECK_EQ(amp_node_state_snapshot(state, saved.data(), saved.size()), AMP_OK);
    const std::vector<double> first = call(50, 30);
    CHECK_EQ(amp_node_state_restore(state, saved.data(), saved.size()), AMP_OK);
    CHECK(call(50, 30) == first);
    CHECK_EQ(amp_node_state_restore(state, saved.data(), 3), AMP_ERR_INVALID_ARGUMENT);
    AmpErrorView error{};
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "too short to be a snapshot");
    CHECK_EQ(amp_node_state_restore(nullptr, saved.data(), saved.size()), AMP_ERR_INVALID_ARGUMENT);
    amp_release_state(state);
}

} // namespace

AMP_TEST_MAIN()
