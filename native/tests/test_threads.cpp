// test_threads.cpp: rendering with several threads gives the same bits as one thread, for
// outputs, heat curves and totals, with feedback, delays, modulation and curves.
#include <string>
#include <vector>

#include "test_support.h"

namespace {

// Wide levels (8 oscillators, 8 gains), a feedback loop, modulation, declared delays, a curve.
const char *kWide = R"({
  "nodes": [
    {"name": "ctl", "type": "controller", "params": {"curve": "level", "channels": 2}},
    {"name": "o0", "type": "sine_osc", "params": {"frequency": 110, "channels": 2}},
    {"name": "o1", "type": "sine_osc", "params": {"frequency": 220}},
    {"name": "o2", "type": "sine_osc", "params": {"frequency": 330, "declared_delay_frames": 9}},
    {"name": "o3", "type": "sine_osc", "params": {"frequency": 440}},
    {"name": "o4", "type": "constant", "params": {"value": 0.1, "channels": 2}},
    {"name": "g0", "type": "gain", "params": {"gain": 0.5}},
    {"name": "g1", "type": "gain", "params": {"gain": 0.4}},
    {"name": "g2", "type": "gain", "params": {"gain": 0.3}},
    {"name": "g3", "type": "gain", "params": {"gain": 0.2}},
    {"name": "sum", "type": "mix", "params": {"channels": 2}},
    {"name": "echo", "type": "delay", "params": {"frames": 600}},
    {"name": "fb", "type": "gain", "params": {"gain": 0.6}},
    {"name": "out", "type": "safety"}
  ],
  "edges": [
    {"from": "o0", "to": "g0"}, {"from": "o1", "to": "g1"}, {"from": "o2", "to": "g2"}, {"from": "o3", "to": "g3"},
    {"from": "o4", "to": "g0"},
    {"from": "g0", "to": "sum"}, {"from": "g1", "to": "sum"}, {"from": "g2", "to": "sum"}, {"from": "g3", "to": "sum"},
    {"from": "fb", "to": "sum"}, {"from": "sum", "to": "echo"}, {"from": "echo", "to": "fb"},
    {"from": "sum", "to": "out"}
  ],
  "modulations": [
    {"from": "ctl", "to": "g1", "param": "gain", "mode": "multiply"},
    {"from": "o3", "to": "o1", "param": "frequency", "scale": 50, "delay_frames": 3}
  ],
  "output": "out"
})";

struct Result {
    std::vector<double> samples, heat;
    AmpGraphSummary graph{};
};

Result render(uint32_t threads, uint32_t block) {
    AmpGraphRuntime *rt = nullptr;
    Result result;
    CHECK_EQ(amp_graph_runtime_create(kWide, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_set_threads(rt, threads), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 2, block), AMP_OK);
    const double times[2] = {0.0, 3000.0};
    const double values[2] = {1.0, 0.0};
    AmpHistoryCurve curve{"level", times, values, 2, AMP_INTERPOLATION_LINEAR};
    AmpControlHistory history{&curve, 1, 0};
    const uint64_t frames = 3000;
    const uint32_t nodes = amp_graph_runtime_node_count(rt);
    result.samples.assign(2 * 2 * frames, 0.0);
    result.heat.assign((nodes + 1) * 2 * frames, 0.0);
    AmpRenderOptions options{};
    options.history = &history;
    options.heat_out = result.heat.data();
    options.heat_len = result.heat.size();
    CHECK_EQ(amp_graph_runtime_execute(rt, frames, result.samples.data(), result.samples.size(),
                                       &options),
             AMP_OK);
    amp_graph_runtime_describe_graph(rt, &result.graph);
    amp_graph_runtime_destroy(rt);
    return result;
}

} // namespace

TEST(any_thread_count_gives_the_same_bits) {
    for (uint32_t block : {1u, 7u, 64u, 512u}) {
        const Result one = render(1, block);
        CHECK(one.graph.levels >= 3);
        for (uint32_t threads : {2u, 3u, 16u}) {
            const Result many = render(threads, block);
            CHECK_EQ(many.graph.threads, threads);
            // Levels run in parallel once the scheduler block reaches 256 frames.
            CHECK_EQ(many.graph.parallel_levels > 0, block >= 256);
            CHECK(many.samples == one.samples);
            CHECK(many.heat == one.heat);
            CHECK_EQ(many.graph.total_heat, one.graph.total_heat);
        }
    }
}

TEST(threads_out_of_range_are_rejected) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kWide, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_set_threads(rt, 0), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "threads expects an integer in [1, 16], got 0");
    CHECK_EQ(amp_graph_runtime_set_threads(rt, 17), AMP_ERR_INVALID_ARGUMENT);
    amp_graph_runtime_destroy(rt);
}

TEST(a_runtime_can_change_its_thread_count_between_renders) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(
        amp_graph_runtime_create(
            R"({"nodes":[{"name":"a","type":"sine_osc"},{"name":"b","type":"sine_osc","params":{"frequency":3}},{"name":"m","type":"mix"}],
        "edges":[{"from":"a","to":"m"},{"from":"b","to":"m"}],"output":"m"})",
            &rt),
        AMP_OK);
    std::vector<double> first(4096), second(4096);
    amp_graph_runtime_set_threads(rt, 2);
    CHECK_EQ(amp_graph_runtime_execute(rt, 4096, first.data(), first.size(), nullptr), AMP_OK);
    amp_graph_runtime_reset(rt);
    amp_graph_runtime_set_threads(rt, 1);
    CHECK_EQ(amp_graph_runtime_execute(rt, 4096, second.data(), second.size(), nullptr), AMP_OK);
    CHECK(first == second);
    amp_graph_runtime_set_threads(rt, 4);
    amp_graph_runtime_destroy(rt); // helpers join while asleep
}

AMP_TEST_MAIN()
