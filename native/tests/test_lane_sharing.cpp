// test_lane_sharing.cpp: amp_graph_runtime_share_lanes (runtime/lanes.cpp). A multi-batch
// render whose lanes differ only in declared parameters runs the nodes outside their downstream
// cone once for every lane; each lane's output, heat totals, heat curves and taps must equal a
// one-batch runtime that rendered that lane alone (bits, not tolerances), through shared nodes
// read in place, by lane tables (concat), summed ports, delayed links and modulation. What would
// break it is refused with a named error: a lane-varying override on a shared node (set_param,
// or one in force when sharing is declared), recording, an unknown or static parameter.
#include <string>
#include <vector>

#include "test_support.h"

using namespace amp_test;

namespace {

// Two sources summed by a shared safety (a summed port, taps), a shared gain behind a delayed
// edge, an LFO modulating the swept filter's frequency, the filter fed by a summed port of a
// shared producer and a delayed link, a concat mix of shared and per-lane channels, and a
// per-lane safety at the output (taps per lane).
std::string graph_json(double cutoff) {
    return R"({"nodes":[
      {"name":"a","type":"sine_osc","params":{"frequency":220,"amplitude":0.9}},
      {"name":"b","type":"sine_osc","params":{"frequency":331,"amplitude":0.7}},
      {"name":"lfo","type":"sine_osc","params":{"frequency":3,"amplitude":50}},
      {"name":"pre","type":"safety","params":{"limit":0.8}},
      {"name":"d","type":"gain","params":{"gain":0.5}},
      {"name":"lp","type":"biquad","params":{"frequency":)" +
           std::to_string(cutoff) + R"(}},
      {"name":"m","type":"mix","params":{}},
      {"name":"out","type":"safety","params":{"limit":0.6}}],
     "edges":[{"from":"a","to":"pre"},{"from":"b","to":"pre"},
      {"from":"pre","to":"d","delay_frames":7},
      {"from":"d","to":"lp"},{"from":"pre","to":"lp","delay_frames":5},
      {"from":"lp","to":"m"},{"from":"a","to":"m"},{"from":"d","to":"m"},
      {"from":"m","to":"out"}],
     "modulations":[{"from":"lfo","to":"lp","param":"frequency","mode":"add"}],
     "output":"out"})";
}

const double kCutoffs[] = {500.0, 1500.0, 3000.0, 7000.0};
constexpr uint32_t kLanes = 4, kBlock = 64, kFrames = 1000, kNodes = 8;

struct Run {
    std::vector<double> out, heat, curves, taps;
};

// Renders kFrames in two uneven calls (heat curves and taps of the calls concatenated per row).
Run render(AmpGraphRuntime *rt, uint32_t lanes) {
    Run run;
    run.out.assign(static_cast<size_t>(lanes) * kFrames, 0.0);
    run.curves.assign(static_cast<size_t>(kNodes + 1) * lanes * kFrames, 0.0);
    const uint64_t tap_rows = static_cast<uint64_t>(lanes) * 4; // two safeties x two taps
    run.taps.assign(tap_rows * kFrames, 0.0);
    uint64_t done = 0;
    for (const uint64_t n : {uint64_t{333}, uint64_t{kFrames - 333}}) {
        std::vector<double> out(lanes * n), curves((kNodes + 1) * lanes * n), taps(tap_rows * n);
        AmpRenderOptions options{};
        options.heat_out = curves.data();
        options.heat_len = curves.size();
        options.tap_out = taps.data();
        options.tap_len = taps.size();
        CHECK_EQ(amp_graph_runtime_execute(rt, n, out.data(), out.size(), &options), AMP_OK);
        for (uint64_t r = 0; r < lanes; ++r)
            for (uint64_t f = 0; f < n; ++f) run.out[r * kFrames + done + f] = out[r * n + f];
        for (uint64_t r = 0; r < (kNodes + 1) * lanes; ++r)
            for (uint64_t f = 0; f < n; ++f) run.curves[r * kFrames + done + f] = curves[r * n + f];
        for (uint64_t r = 0; r < tap_rows; ++r)
            for (uint64_t f = 0; f < n; ++f) run.taps[r * kFrames + done + f] = taps[r * n + f];
        done += n;
    }
    run.heat.assign((kNodes + 1) * lanes, 0.0);
    CHECK_EQ(amp_graph_runtime_heat_by_batch(rt, run.heat.data(), run.heat.size()), AMP_OK);
    return run;
}

std::vector<double> lane_values(const double *values, uint32_t lanes) {
    std::vector<double> data(static_cast<size_t>(lanes) * kBlock);
    for (uint32_t b = 0; b < lanes; ++b)
        for (uint32_t f = 0; f < kBlock; ++f) data[b * kBlock + f] = values[b];
    return data;
}

AmpGraphRuntime *packed_runtime(bool share) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph_json(1000.0).c_str(), &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, kLanes, kBlock), AMP_OK);
    if (share) {
        const char *nodes[] = {"lp"}, *params[] = {"frequency"};
        CHECK_EQ(amp_graph_runtime_share_lanes(rt, nodes, params, 1), AMP_OK);
    }
    const std::vector<double> cutoff = lane_values(kCutoffs, kLanes);
    CHECK_EQ(amp_graph_runtime_set_param(rt, "lp", "frequency", cutoff.data(), kLanes, 1, kBlock),
             AMP_OK);
    return rt;
}

// Row `lane` of a (rows x lanes x frames) block equals row 0 of a one-lane run's.
bool same_rows(const std::vector<double> &packed, const std::vector<double> &alone, uint32_t rows,
               uint32_t lane, uint32_t lanes, size_t width) {
    for (uint32_t r = 0; r < rows; ++r)
        for (size_t i = 0; i < width; ++i)
            if (packed[(static_cast<size_t>(r) * lanes + lane) * width + i] !=
                alone[static_cast<size_t>(r) * width + i])
                return false;
    return true;
}

} // namespace

TEST(shared_lanes_equal_separate_renders_bit_for_bit) {
    AmpGraphRuntime *shared = packed_runtime(true);
    AmpGraphRuntime *unshared = packed_runtime(false);
    const Run a = render(shared, kLanes);
    const Run b = render(unshared, kLanes);
    // Sharing changes no bit of the packed render.
    CHECK(a.out == b.out);
    CHECK(a.heat == b.heat);
    CHECK(a.curves == b.curves);
    CHECK(a.taps == b.taps);
    // The sources, the LFO, pre and d run once: 5 of 8 nodes (lp, m, out keep their lanes).
    const size_t length = amp_graph_runtime_read_log(shared, nullptr, 0);
    std::string log(length + 1, '\0');
    amp_graph_runtime_read_log(shared, log.data(), log.size());
    log.resize(length);
    CHECK_CONTAINS(
        log,
        R"("event":"amp_graph_runtime_share_lanes","varying":["lp.frequency"],"shared_nodes":5)");
    for (uint32_t lane = 0; lane < kLanes; ++lane) {
        AmpGraphRuntime *alone = nullptr;
        CHECK_EQ(amp_graph_runtime_create(graph_json(kCutoffs[lane]).c_str(), &alone), AMP_OK);
        CHECK_EQ(amp_graph_runtime_configure(alone, 1, kBlock), AMP_OK);
        const Run one = render(alone, 1);
        CHECK(same_rows(a.out, one.out, 1, lane, kLanes, kFrames));
        CHECK(same_rows(a.heat, one.heat, kNodes + 1, lane, kLanes, 1));
        CHECK(same_rows(a.curves, one.curves, kNodes + 1, lane, kLanes, kFrames));
        CHECK(same_rows(a.taps, one.taps, 4, lane, kLanes, kFrames));
        AmpGraphSummary graph{};
        amp_graph_runtime_describe_graph(alone, &graph);
        CHECK(a.heat[kNodes * kLanes + lane] == graph.total_heat);
        amp_graph_runtime_destroy(alone);
    }
    // The packed totals (summed over lanes) are the unshared runtime's too.
    AmpGraphSummary s{}, u{};
    amp_graph_runtime_describe_graph(shared, &s);
    amp_graph_runtime_describe_graph(unshared, &u);
    CHECK(s.total_heat == u.total_heat);
    AmpNodeSummary sa{}, ua{};
    amp_graph_runtime_describe_node(shared, "a", &sa);
    amp_graph_runtime_describe_node(unshared, "a", &ua);
    CHECK(sa.total_heat == ua.total_heat);
    CHECK(sa.last_metrics.accumulated_heat == ua.last_metrics.accumulated_heat);
    amp_graph_runtime_destroy(shared);
    amp_graph_runtime_destroy(unshared);
}

TEST(sharing_survives_configure_and_threads_and_turns_off) {
    AmpGraphRuntime *rt = packed_runtime(true);
    CHECK_EQ(amp_graph_runtime_set_threads(rt, 3), AMP_OK);
    const Run threaded = render(rt, kLanes);
    AmpGraphRuntime *unshared = packed_runtime(false);
    const Run reference = render(unshared, kLanes);
    CHECK(threaded.out == reference.out);
    CHECK(threaded.heat == reference.heat);
    // configure drops the overrides but keeps the declaration: lanes equal again, still shared.
    CHECK_EQ(amp_graph_runtime_configure(rt, kLanes, kBlock), AMP_OK);
    const std::vector<double> cutoff = lane_values(kCutoffs, kLanes);
    CHECK_EQ(amp_graph_runtime_set_param(rt, "lp", "frequency", cutoff.data(), kLanes, 1, kBlock),
             AMP_OK);
    CHECK(render(rt, kLanes).out == reference.out);
    CHECK_EQ(amp_graph_runtime_record(rt, 100, 0), AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_graph_runtime_share_lanes(rt, nullptr, nullptr, 0), AMP_OK);
    CHECK_EQ(amp_graph_runtime_record(rt, 100, 0), AMP_OK);
    amp_graph_runtime_destroy(rt);
    amp_graph_runtime_destroy(unshared);
}

TEST(equal_lanes_on_a_shared_node_are_accepted_and_differing_lanes_refused) {
    AmpGraphRuntime *rt = packed_runtime(true);
    const double same[] = {250.0, 250.0, 250.0, 250.0};
    const std::vector<double> equal = lane_values(same, kLanes);
    CHECK_EQ(amp_graph_runtime_set_param(rt, "a", "frequency", equal.data(), kLanes, 1, kBlock),
             AMP_OK);
    // The accepted override renders as the value in the graph does, in every lane.
    std::string json = graph_json(kCutoffs[2]);
    json.replace(json.find(R"("frequency":220)"), 15, R"("frequency":250)");
    AmpGraphRuntime *alone = nullptr;
    CHECK_EQ(amp_graph_runtime_create(json.c_str(), &alone), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(alone, 1, kBlock), AMP_OK);
    const Run packed = render(rt, kLanes);
    const Run one = render(alone, 1);
    CHECK(same_rows(packed.out, one.out, 1, 2, kLanes, kFrames));
    CHECK(same_rows(packed.heat, one.heat, kNodes + 1, 2, kLanes, 1));
    amp_graph_runtime_destroy(alone);

    const double differ[] = {250.0, 250.0, 260.0, 250.0};
    const std::vector<double> varying = lane_values(differ, kLanes);
    CHECK_EQ(amp_graph_runtime_set_param(rt, "a", "amplitude", varying.data(), kLanes, 1, kBlock),
             AMP_ERR_INVALID_ARGUMENT);
    const std::string error = last_error(rt);
    CHECK_CONTAINS(error,
                   R"(node "a" (sine_osc): parameter "amplitude" differs between batch lanes)");
    CHECK_CONTAINS(error, "lane 0: 250, lane 2: 260 at frame 0");
    CHECK_CONTAINS(error, "declares only lp.frequency as varying");
    // The heat channel of a shared node too; a varying override on a node in the cone is fine.
    CHECK_EQ(
        amp_graph_runtime_set_param(rt, "pre", "thermo.heat", varying.data(), kLanes, 1, kBlock),
        AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(rt), R"(node "pre" (safety): parameter "thermo.heat" differs)");
    const double limits[] = {0.3, 0.4, 0.5, 0.6};
    const std::vector<double> limit = lane_values(limits, kLanes);
    CHECK_EQ(amp_graph_runtime_set_param(rt, "out", "limit", limit.data(), kLanes, 1, kBlock),
             AMP_OK);
    amp_graph_runtime_destroy(rt);
}

TEST(share_lanes_refuses_bad_declarations_and_varying_overrides_in_force) {
    AmpGraphRuntime *rt = packed_runtime(false);
    const double differ[] = {0.1, 0.2, 0.3, 0.4};
    const std::vector<double> amplitude = lane_values(differ, kLanes);
    CHECK_EQ(amp_graph_runtime_set_param(rt, "b", "amplitude", amplitude.data(), kLanes, 1, kBlock),
             AMP_OK);
    const char *nodes[] = {"lp"}, *params[] = {"frequency"};
    CHECK_EQ(amp_graph_runtime_share_lanes(rt, nodes, params, 1), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(rt), R"(node "b" (sine_osc): parameter "amplitude" differs)");
    CHECK_CONTAINS(last_error(rt), "an override set earlier");
    // Nothing changed: sharing is still off, so recording works and the render is unshared.
    CHECK_EQ(amp_graph_runtime_record(rt, 10, 0), AMP_OK);
    // Declaring b.amplitude too puts b in the cone: accepted.
    const char *both_nodes[] = {"lp", "b"}, *both_params[] = {"frequency", "amplitude"};
    CHECK_EQ(amp_graph_runtime_share_lanes(rt, both_nodes, both_params, 2), AMP_OK);

    const char *unknown_node[] = {"nope"}, *static_param[] = {"phase"}, *unknown[] = {"cutof"};
    CHECK_EQ(amp_graph_runtime_share_lanes(rt, unknown_node, params, 1), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(rt), R"(no node named "nope")");
    const char *a[] = {"a"};
    CHECK_EQ(amp_graph_runtime_share_lanes(rt, a, static_param, 1), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(rt),
                   R"(node "a" (sine_osc): lane-varying parameter "phase" is static)");
    CHECK_EQ(amp_graph_runtime_share_lanes(rt, nodes, unknown, 1), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(rt),
                   R"(lane-varying parameter "cutof" is unknown; lanes may differ in: frequency)");
    CHECK_EQ(amp_graph_runtime_share_lanes(rt, nullptr, nullptr, 1), AMP_ERR_INVALID_ARGUMENT);
    amp_graph_runtime_destroy(rt);
}

AMP_TEST_MAIN()
