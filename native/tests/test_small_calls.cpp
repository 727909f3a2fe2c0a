// test_small_calls.cpp: the small-call plan (runtime/small_calls.cpp) gives the general block
// loop's bits. Graphs with modulation, a feedback loop through a delay, several batch lanes and
// channels with per-lane overrides, and taps, at blocks 1, 37 and 512:
//   - one-frame calls with the plan on and off leave the same samples and the same stream state
//     byte for byte (snapshot: node states, FIFOs, heat lanes, telemetry, every buffer) and
//     report the same heat totals, call heat and telemetry; the plan must have run every call;
//   - one-frame calls, and calls of mixed sizes some of which ask for taps (the general loop),
//     give the samples, heat totals and taps of one long call.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "runtime/graph_runtime.h"
#include "test_support.h"

namespace {

struct Case {
    const char *name;
    const char *json;
    uint32_t batches;
    // A per-lane override of gain "g" (set_param), making the lanes differ; none when false.
    bool lane_override;
};

const Case kCases[] = {
    {"chain",
     R"({"nodes":[{"name":"s","type":"sine_osc","params":{"frequency":440}},
       {"name":"g","type":"gain","params":{"gain":0.5}},{"name":"y","type":"safety"}],
       "edges":[{"from":"s","to":"g"},{"from":"g","to":"y"}],"output":"y"})",
     1, false},
    // lfo ~> osc.frequency; osc -> sum -> y; sum -> d (delay 50) -> fb -> sum (a loop).
    {"modulation and feedback",
     R"({"nodes":[
       {"name":"lfo","type":"sine_osc","params":{"frequency":3,"amplitude":1}},
       {"name":"osc","type":"sine_osc","params":{"frequency":440,"amplitude":0.5}},
       {"name":"sum","type":"mix"},
       {"name":"d","type":"delay","params":{"frames":50}},
       {"name":"fb","type":"gain","params":{"gain":0.5}},
       {"name":"y","type":"safety","params":{"limit":0.6}}],
      "edges":[{"from":"osc","to":"sum"},{"from":"fb","to":"sum"},{"from":"sum","to":"d"},
               {"from":"d","to":"fb"},{"from":"sum","to":"y"}],
      "modulations":[{"from":"lfo","to":"osc","param":"frequency","mode":"add","scale":50}],
      "output":"y"})",
     2, false},
    // Two lanes of two channels, the gain overridden per lane, the safety clipping (taps).
    {"lanes and channels",
     R"({"nodes":[{"name":"s","type":"sine_osc","params":{"frequency":440,"channels":2,
       "amplitude":0.9}},
       {"name":"g","type":"gain","params":{"gain":0.5}},
       {"name":"y","type":"safety","params":{"limit":0.3,"dc_alpha":0.9}}],
       "edges":[{"from":"s","to":"g"},{"from":"g","to":"y"}],"output":"y"})",
     2, true},
};

constexpr uint64_t kFrames = 1200; // longer than every block below: one call is several blocks

std::unique_ptr<amp::GraphRuntime> make(const Case &c, uint32_t block, bool plan) {
    auto runtime = std::make_unique<amp::GraphRuntime>(std::string(c.json));
    runtime->configure(c.batches, block);
    runtime->set_small_calls(plan);
    if (c.lane_override) {
        std::vector<double> gains(static_cast<size_t>(c.batches) * block);
        for (uint32_t b = 0; b < c.batches; ++b)
            for (uint32_t f = 0; f < block; ++f) gains[b * block + f] = 1.5 + 0.25 * b;
        runtime->set_param("g", "gain", gains.data(), c.batches, 1, block);
    }
    return runtime;
}

struct Result {
    std::vector<double> samples; // lanes x kFrames
    std::vector<double> taps;    // every tap, batches x values x kFrames (where asked for)
    std::vector<uint8_t> tapped; // per frame: 1 when its call asked for taps
    std::vector<double> totals;  // per node: total heat, call heat; the graph total; telemetry
    std::vector<unsigned char> state;
    uint64_t small_calls = 0;
};

// Renders kFrames in calls of the sizes `calls` (cycled); a call whose index is in `tap_every`
// multiples (0: never) asks for taps.
Result render(const Case &c, uint32_t block, bool plan, const std::vector<uint64_t> &calls,
              uint32_t tap_every) {
    auto rt = make(c, block, plan);
    AmpGraphSummary graph{};
    rt->describe_graph(graph);
    const size_t lanes = static_cast<size_t>(c.batches) * graph.output_channels;
    Result r;
    r.samples.assign(lanes * kFrames, 0.0);
    uint64_t tap_rows = 0;
    for (uint32_t t = 0; t < rt->tap_count(); ++t) {
        AmpTapInfo info{};
        rt->tap_info(t, info);
        tap_rows += static_cast<uint64_t>(c.batches) * info.values;
    }
    r.taps.assign(tap_rows * kFrames, 0.0);
    r.tapped.assign(kFrames, 0);
    uint64_t done = 0;
    for (size_t call = 0; done < kFrames; ++call) {
        const uint64_t n = std::min<uint64_t>(calls[call % calls.size()], kFrames - done);
        std::vector<double> part(lanes * n), taps(tap_rows * n);
        AmpRenderOptions options{};
        const bool tapped = tap_every > 0 && call % tap_every == 0;
        if (tapped) {
            options.tap_out = taps.data();
            options.tap_len = taps.size();
        }
        CHECK_EQ(rt->execute(n, part.data(), part.size(), &options), AMP_OK);
        for (size_t lane = 0; lane < lanes; ++lane)
            std::memcpy(&r.samples[lane * kFrames + done], &part[lane * n], n * sizeof(double));
        if (tapped) {
            for (uint64_t row = 0; row < tap_rows; ++row)
                std::memcpy(&r.taps[row * kFrames + done], &taps[row * n], n * sizeof(double));
            std::fill_n(&r.tapped[done], n, 1);
        }
        done += n;
    }
    for (uint32_t v = 0; v < rt->node_count(); ++v) {
        AmpNodeSummary node{};
        rt->describe_node(v, node);
        r.totals.push_back(node.total_heat);
        r.totals.push_back(node.last_metrics.accumulated_heat);
        r.totals.insert(r.totals.end(), std::begin(node.last_metrics.reserved),
                        std::end(node.last_metrics.reserved));
    }
    r.totals.push_back(rt->graph_heat_total());
    std::vector<double> by_batch((rt->node_count() + 1) * c.batches);
    rt->heat_by_batch(by_batch.data());
    r.totals.insert(r.totals.end(), by_batch.begin(), by_batch.end());
    r.state.assign(rt->snapshot_bytes(), 0);
    rt->snapshot(r.state.data(), r.state.size());
    r.small_calls = rt->small_calls();
    return r;
}

bool same_bits(const std::vector<double> &a, const std::vector<double> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Totals without the last call's heat (entries 1 of each node's 8): a call's heat depends on
// how the render was split into calls.
std::vector<double> split_free(const Result &r, uint32_t nodes) {
    std::vector<double> out(r.totals);
    for (uint32_t v = 0; v < nodes; ++v) out[v * 8 + 1] = 0.0;
    return out;
}

TEST(one_frame_calls_leave_the_same_bits_with_the_plan_on_and_off) {
    for (const Case &c : kCases)
        for (const uint32_t block : {1u, 37u, 512u}) {
            const Result on = render(c, block, true, {1}, 0);
            const Result off = render(c, block, false, {1}, 0);
            CHECK_EQ(on.small_calls, kFrames); // every call took the plan
            CHECK_EQ(off.small_calls, 0u);
            CHECK(same_bits(on.samples, off.samples));
            CHECK(same_bits(on.totals, off.totals));
            CHECK(on.state == off.state);
            if (!same_bits(on.samples, off.samples) || on.state != off.state)
                std::printf("  diverged: %s, block %u\n", c.name, block);
        }
}

TEST(one_frame_and_mixed_calls_give_one_long_calls_samples_heat_and_taps) {
    for (const Case &c : kCases)
        for (const uint32_t block : {1u, 37u, 512u}) {
            const Result whole = render(c, block, true, {kFrames}, 1);
            CHECK_EQ(whole.small_calls, 0u);
            const uint32_t nodes = static_cast<uint32_t>(whole.totals.size() - 1) / 8;
            const Result ones = render(c, block, true, {1}, 0);
            CHECK(same_bits(ones.samples, whole.samples));
            CHECK(same_bits(split_free(ones, nodes), split_free(whole, nodes)));
            // Mixed sizes, every third call asking for taps (the general loop) between calls
            // that take the plan.
            const Result mixed = render(c, block, true, {1, 1, 5, 1, 40, 2, 1, 3}, 3);
            CHECK(mixed.small_calls > 0);
            CHECK(same_bits(mixed.samples, whole.samples));
            CHECK(same_bits(split_free(mixed, nodes), split_free(whole, nodes)));
            const size_t rows = whole.taps.size() / kFrames;
            bool taps_equal = true;
            for (uint64_t f = 0; f < kFrames; ++f)
                for (size_t row = 0; mixed.tapped[f] && row < rows; ++row)
                    taps_equal = taps_equal &&
                                 std::memcmp(&mixed.taps[row * kFrames + f],
                                             &whole.taps[row * kFrames + f], sizeof(double)) == 0;
            CHECK(taps_equal);
            CHECK(rows == 0 || std::count(mixed.tapped.begin(), mixed.tapped.end(), 1) > 0);
        }
}

// The clipping case really clips (its taps are not all zero), so the tap comparison above
// compares something.
TEST(the_tap_case_clips) {
    const Result whole = render(kCases[2], 512, true, {kFrames}, 1);
    double clipped = 0.0;
    for (const double x : whole.taps) clipped += x;
    CHECK(clipped > 0.0);
}

} // namespace

AMP_TEST_MAIN()
