// test_scheduling.cpp: declared delays and latency compensation, feedback through delayed
// edges, control-history curves, explicit schedules, thermal budgets.
#include <cmath>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using amp_test::Curve;
using Render = amp_test::Rendered;

Render run(const std::string &json, uint32_t batches, uint32_t block, uint64_t frames,
           const std::vector<Curve> &curves = {}, bool flags = false) {
    return amp_test::render(json, batches, block, frames, {}, curves, flags);
}

// An impulse at frame 0 from a step curve, split into two paths with different declared
// delays, summed by a mix.
std::string two_paths(bool compensation) {
    return std::string(R"({"nodes":[
        {"name":"impulse","type":"controller","params":{"curve":"impulse"}},
        {"name":"slow","type":"gain","params":{"declared_delay_frames":10}},
        {"name":"fast","type":"gain","params":{"declared_delay_frames":3}},
        {"name":"sum","type":"mix"}],
      "edges":[{"from":"impulse","to":"slow"},{"from":"impulse","to":"fast"},
               {"from":"slow","to":"sum"},{"from":"fast","to":"sum"}],
      "output":"sum","latency_compensation":)") +
           (compensation ? "true" : "false") + "}";
}

const Curve kImpulse{"impulse", {0.0, 1.0}, {1.0, 0.0}, AMP_INTERPOLATION_STEP};

std::vector<uint64_t> nonzero_frames(const std::vector<double> &samples) {
    std::vector<uint64_t> frames;
    for (uint64_t f = 0; f < samples.size(); ++f)
        if (samples[f] != 0.0) frames.push_back(f);
    return frames;
}

} // namespace

TEST(compensation_aligns_parallel_paths_with_different_declared_delays) {
    for (uint32_t block : {1u, 4u, 64u}) {
        const Render on = run(two_paths(true), 1, block, 40, {kImpulse});
        CHECK_EQ(on.status, AMP_OK);
        CHECK(nonzero_frames(on.samples) == std::vector<uint64_t>{10});
        CHECK_EQ(on.samples[10], 2.0);
        CHECK_EQ(on.graph.latency_frames, 10u); // reported latency = observed latency
        CHECK_EQ(on.graph.latency_compensation, 1u);
        const Render off = run(two_paths(false), 1, block, 40, {kImpulse});
        CHECK_EQ(off.status, AMP_OK);
        CHECK((nonzero_frames(off.samples) == std::vector<uint64_t>{3, 10}));
        CHECK_EQ(off.samples[3], 1.0);
        CHECK_EQ(off.samples[10], 1.0);
    }
}

TEST(measured_delay_of_every_node_agrees_with_its_declared_delay) {
    // Each node alone behind the impulse: the first non-zero output frame is its delay.
    for (const char *type : {"gain", "safety", "mix"}) {
        for (uint32_t declared : {0u, 1u, 7u, 300u}) {
            const std::string json = std::string(R"({"nodes":[
                {"name":"impulse","type":"controller","params":{"curve":"impulse"}},
                {"name":"n","type":")") +
                                     type + R"(","params":{"declared_delay_frames":)" +
                                     std::to_string(declared) + R"(}}],
              "edges":[{"from":"impulse","to":"n"}],"output":"n"})";
            AmpGraphRuntime *rt = nullptr;
            CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_OK);
            AmpNodeSummary summary{};
            amp_graph_runtime_describe_node(rt, "n", &summary);
            CHECK_EQ(summary.declared_delay_frames, declared);
            CHECK_EQ(summary.measured_delay_frames, static_cast<double>(declared));
            amp_graph_runtime_destroy(rt);
            const Render r = run(json, 1, 64, 400, {kImpulse});
            const auto hits = nonzero_frames(r.samples);
            CHECK(!hits.empty() && hits.front() == declared);
            CHECK_EQ(r.graph.latency_frames, declared);
        }
    }
}

TEST(a_feedback_loop_through_a_delayed_edge_is_exact_for_any_block_size) {
    // y[n] = x[n] + a * y[n - D] with the loop closed by an edge delay instead of a node.
    const double a = -0.75;
    for (uint32_t d : {1u, 5u, 33u}) {
        const std::string json = R"({"nodes":[
            {"name":"x","type":"controller","params":{"curve":"impulse"}},
            {"name":"y","type":"mix"},
            {"name":"fb","type":"gain","params":{"gain":-0.75}}],
          "edges":[{"from":"x","to":"y"},{"from":"y","to":"fb","delay_frames":)" +
                                 std::to_string(d) + R"(},{"from":"fb","to":"y"}],"output":"y"})";
        const uint64_t frames = 300;
        std::vector<double> expected(frames);
        for (uint64_t n = 0; n < frames; ++n)
            expected[n] = (n == 0 ? 1.0 : 0.0) + (n >= d ? a * expected[n - d] : 0.0);
        for (uint32_t block : {1u, 7u, 64u, 4096u}) {
            const Render r = run(json, 1, block, frames, {kImpulse});
            CHECK_EQ(r.status, AMP_OK);
            CHECK(r.samples == expected);
            CHECK(r.graph.scheduler_block_frames <= d);
        }
    }
}

TEST(modulation_inside_a_feedback_loop_needs_and_honours_a_delay) {
    // osc's amplitude is modulated by its own output one frame late (a delayed modulation edge).
    const std::string looped =
        R"({"nodes":[{"name":"osc","type":"sine_osc","params":{"frequency":1000,"amplitude":0.5}}],
        "modulations":[{"from":"osc","to":"osc","param":"amplitude","mode":"add","scale":0.25,"delay_frames":1}],
        "output":"osc"})";
    const Render reference = run(looped, 1, 1, 200);
    CHECK_EQ(reference.status, AMP_OK);
    double previous = 0.0;
    for (uint64_t n = 0; n < 200; ++n) {
        const double amplitude = 0.5 + 0.25 * previous;
        const double expected =
            amplitude * std::sin(2 * M_PI * static_cast<double>(n + 1) * 1000.0 / 48000.0);
        CHECK_NEAR(reference.samples[n], expected, 1e-12);
        previous = reference.samples[n];
    }
    for (uint32_t block : {7u, 64u}) CHECK(run(looped, 1, block, 200).samples == reference.samples);
    const Render undelayed = run(R"({"nodes":[{"name":"osc","type":"sine_osc"}],
        "modulations":[{"from":"osc","to":"osc","param":"amplitude"}],"output":"osc"})",
                                 1, 8, 8);
    CHECK_EQ(undelayed.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(undelayed.error, "osc ~> osc.amplitude");
}

TEST(a_control_curve_drives_a_parameter_frame_by_frame) {
    // gain = 0 + curve (add): a linear ramp 0 -> 1 over frames [10, 50], then a step to 0.25.
    const std::string json = R"({"nodes":[
        {"name":"one","type":"constant","params":{"value":1,"channels":2}},
        {"name":"ctl","type":"controller","params":{"curve":"level"}},
        {"name":"g","type":"gain","params":{"gain":0}}],
      "edges":[{"from":"one","to":"g"}],
      "modulations":[{"from":"ctl","to":"g","param":"gain","mode":"add"}],"output":"g"})";
    const Curve linear{
        "level", {10.0, 50.0, 50.0, 80.5}, {0.0, 1.0, 0.25, 0.75}, AMP_INTERPOLATION_LINEAR};
    const Curve step{
        "level", {10.0, 50.0, 50.0, 80.5}, {0.0, 1.0, 0.25, 0.75}, AMP_INTERPOLATION_STEP};
    const uint64_t frames = 120;
    const Render r = run(json, 2, 16, frames, {linear});
    CHECK_EQ(r.status, AMP_OK);
    for (uint64_t f = 0; f < frames; ++f) {
        double expected = 0.0;
        if (f < 10)
            expected = 0.0;
        else if (f < 50)
            expected = (static_cast<double>(f) - 10.0) / 40.0;
        else if (static_cast<double>(f) < 80.5)
            expected = 0.25 + 0.5 * ((static_cast<double>(f) - 50.0) / 30.5);
        else
            expected = 0.75;
        for (size_t lane = 0; lane < 4; ++lane)
            CHECK_NEAR(r.samples[lane * frames + f], expected, 1e-15);
    }
    const Render s = run(json, 2, 16, frames, {step});
    for (uint64_t f = 0; f < frames; ++f) {
        const double expected = f < 50 ? (f < 10 ? 0.0 : 0.0) : (f < 81 ? 0.25 : 0.75);
        CHECK_EQ(s.samples[f], f < 10 ? 0.0 : expected);
    }
    for (uint32_t block : {1u, 7u, 64u})
        CHECK(run(json, 2, block, frames, {linear}).samples == r.samples);
    // Times are relative to each render call: a second call starts the curve again.
    AmpGraphRuntime *rt = nullptr;
    amp_graph_runtime_create(json.c_str(), &rt);
    AmpHistoryCurve view{"level", linear.times.data(), linear.values.data(), 4,
                         AMP_INTERPOLATION_LINEAR};
    AmpControlHistory history{&view, 1, 0};
    AmpRenderOptions options{};
    options.history = &history;
    std::vector<double> first(2 * frames), second(2 * frames);
    amp_graph_runtime_execute(rt, frames, first.data(), first.size(), &options);
    amp_graph_runtime_execute(rt, frames, second.data(), second.size(), &options);
    CHECK(first == second);
    amp_graph_runtime_destroy(rt);
}

TEST(a_missing_or_malformed_curve_is_a_clear_error) {
    const std::string json =
        R"({"nodes":[{"name":"ctl","type":"controller","params":{"curve":"cutoff"}}],"output":"ctl"})";
    const Render missing = run(json, 1, 8, 8);
    CHECK_EQ(missing.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(missing.error,
                   "node \"ctl\" (controller): no control-history curve named \"cutoff\"");
    const Render unordered = run(json, 1, 8, 8, {{"cutoff", {5.0, 1.0}, {0.0, 1.0}, 1}});
    CHECK_CONTAINS(unordered.error, "times must be ascending");
    const Render other = run(json, 1, 8, 8, {{"gain", {0.0}, {1.0}, 0}});
    CHECK_CONTAINS(other.error, "supplied: \"gain\"");
    const Render unnamed =
        run(R"({"nodes":[{"name":"ctl","type":"controller"}],"output":"ctl"})", 1, 8, 8);
    CHECK_CONTAINS(unnamed.error, "parameter \"curve\" is required");
}

TEST(an_explicit_schedule_is_checked_and_gives_identical_output) {
    const std::string base = R"({"nodes":[
        {"name":"a","type":"sine_osc","params":{"frequency":300}},
        {"name":"b","type":"sine_osc","params":{"frequency":500}},
        {"name":"ga","type":"gain","params":{"gain":0.5}},
        {"name":"gb","type":"gain","params":{"gain":0.25}},
        {"name":"m","type":"mix"}],
      "edges":[{"from":"a","to":"ga"},{"from":"b","to":"gb"},{"from":"ga","to":"m"},{"from":"gb","to":"m"}],
      "modulations":[{"from":"b","to":"a","param":"frequency","scale":10}],
      "output":"m")";
    const Render plain = run(base + "}", 2, 32, 500);
    CHECK_EQ(plain.status, AMP_OK);
    const Render staged = run(base + R"(,"schedule":[["b"],["gb","a"],["ga"],["m"]]})", 2, 32, 500);
    CHECK_EQ(staged.status, AMP_OK);
    CHECK(staged.samples == plain.samples);
    const Render wrong = run(base + R"(,"schedule":[["a","b"],["ga","gb"],["m"]]})", 2, 32, 500);
    CHECK_EQ(wrong.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(wrong.error,
                   "node \"a\" (stage 0) depends on node \"b\" (stage 0) through b ~> a.frequency");
    const Render partial = run(base + R"(,"schedule":[["a","b"],["ga","gb"]]})", 2, 32, 500);
    CHECK_CONTAINS(partial.error, "does not list node \"m\"");
}

TEST(a_thermal_budget_flags_frames_and_leaves_the_audio_alone) {
    // A sine of amplitude 1: heat per frame = sin^2 + 8 (W); per second x 48000.
    const std::string base =
        R"({"nodes":[{"name":"osc","type":"sine_osc","params":{"frequency":1000,"amplitude":1}}],"output":"osc")";
    const double budget = 8.5 * 48000.0;
    const Render without = run(base + "}", 2, 64, 480);
    const Render with =
        run(base + ",\"thermal_budget\":" + std::to_string(budget) + "}", 2, 64, 480, {}, true);
    CHECK_EQ(with.status, AMP_OK);
    CHECK(with.samples == without.samples);
    uint64_t over = 0;
    for (size_t b = 0; b < 2; ++b)
        for (uint64_t f = 0; f < 480; ++f) {
            const double x = with.samples[b * 480 + f];
            const bool expected = (x * x + 8.0) * 48000.0 > budget;
            CHECK_EQ(with.over[b * 480 + f] != 0, expected);
            over += expected ? 1 : 0;
        }
    CHECK(over > 100 && over < 860);
    CHECK_EQ(with.graph.frames_over_budget, over);
    const Render no_budget = run(base + "}", 1, 64, 8, {}, true);
    CHECK_CONTAINS(no_budget.error, "no \"thermal_budget\"");
}

AMP_TEST_MAIN()
