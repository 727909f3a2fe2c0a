// test_one_engine.cpp: amp_run_node_v2 and a graph render are one engine. Every registered node
// type is rendered inside a graph and through the single-node call on the same input; samples,
// heat and metrics must agree bit for bit, with and without a declared delay (declared its
// latency + 3 -> measured the same both ways). Also: the single-node call checks `channels` in
// every mode.
#include <cstring>
#include <string>
#include <vector>

#include "nodes/node.h"
#include "test_support.h"

namespace {

constexpr uint32_t kBatches = 2;
constexpr uint32_t kFrames = 300;
constexpr uint32_t kBlock = 64;

// A 2-channel sine whose frequency differs per batch (a set_param override).
const char *kSource = R"({"name":"src","type":"sine_osc","params":{"channels":2,"frequency":0}})";

struct GraphRun {
    std::vector<double> samples;
    AmpNodeSummary node{};
    std::string error;
};

// params_json for a node type: defaults, plus a curve name for required text parameters (and for
// fft_divider a window short enough for 300 frames to show its output).
std::string base_params(const amp::NodeSpec &spec) {
    std::string json = std::string(spec.type_name) == "fft_divider" ? "\"window_size\":32" : "";
    for (uint32_t p = 0; p < spec.param_count; ++p)
        if (spec.params[p].kind == amp::ParamKind::Text && spec.params[p].default_text == nullptr)
            json += std::string(json.empty() ? "" : ",") + "\"" + spec.params[p].name + "\":\"c\"";
    return json;
}

const double kCurveTimes[] = {0, 100, 299};
const double kCurveValues[] = {0.25, -0.5, 0.75};
const AmpHistoryCurve kCurve{"c", kCurveTimes, kCurveValues, 3, AMP_INTERPOLATION_LINEAR};
const AmpControlHistory kHistory{&kCurve, 1, 0};

GraphRun render_graph(const amp::NodeSpec &spec, const std::string &params, bool with_node) {
    std::string json = std::string("{\"nodes\":[") + kSource;
    if (with_node) {
        json += std::string(",{\"name\":\"n\",\"type\":\"") + spec.type_name + "\",\"params\":{" +
                params + "}}],\"edges\":[";
        for (uint32_t p = 0; p < spec.input_count; ++p)
            json += std::string(p == 0 ? "" : ",") + "{\"from\":\"src\",\"to\":\"n\",\"port\":\"" +
                    spec.inputs[p].name + "\"}";
        json += "],\"output\":\"n\"}";
    } else {
        json += "],\"output\":\"src\"}";
    }
    GraphRun run;
    AmpGraphRuntime *rt = nullptr;
    if (amp_graph_runtime_create(json.c_str(), &rt) != AMP_OK ||
        amp_graph_runtime_configure(rt, kBatches, kBlock) != AMP_OK) {
        run.error = amp_test::last_error(rt);
        amp_graph_runtime_destroy(rt);
        return run;
    }
    std::vector<double> frequency(kBatches * kBlock);
    for (uint32_t f = 0; f < kBlock; ++f) {
        frequency[f] = 300.0;
        frequency[kBlock + f] = 1250.0;
    }
    CHECK_EQ(
        amp_graph_runtime_set_param(rt, "src", "frequency", frequency.data(), kBatches, 1, kBlock),
        AMP_OK);
    AmpGraphSummary graph{};
    amp_graph_runtime_describe_graph(rt, &graph);
    run.samples.assign(static_cast<size_t>(kBatches) * graph.output_channels * kFrames, 0.0);
    AmpRenderOptions options{};
    options.history = &kHistory;
    if (amp_graph_runtime_execute(rt, kFrames, run.samples.data(), run.samples.size(), &options) !=
        AMP_OK)
        run.error = amp_test::last_error(rt);
    else if (with_node)
        amp_graph_runtime_describe_node(rt, "n", &run.node);
    amp_graph_runtime_destroy(rt);
    return run;
}

struct NodeCall {
    std::vector<double> samples;
    AmpNodeMetrics metrics{};
    int32_t status = AMP_OK;
};

// The node alone on input x (one view per port), in calls of the given sizes (cycled).
NodeCall call_node(const amp::NodeSpec &spec, const std::string &params,
                   const std::vector<double> &x, std::vector<uint32_t> chunks) {
    const std::string json = "{" + params + "}";
    AmpNodeDescriptorView descriptor{"n", spec.type_name, json.c_str()};
    NodeCall result;
    void *state = nullptr;
    uint32_t done = 0;
    size_t call = 0;
    std::vector<std::vector<double>> pieces;
    std::vector<uint32_t> sizes;
    int32_t channels = 0;
    while (done < kFrames) {
        const uint32_t n = std::min(chunks[call++ % chunks.size()], kFrames - done);
        std::vector<double> window(static_cast<size_t>(kBatches) * 2 * n);
        for (uint32_t lane = 0; lane < kBatches * 2; ++lane)
            std::memcpy(window.data() + lane * n, x.data() + lane * kFrames + done,
                        n * sizeof(double));
        std::vector<AmpAudioView> audio(spec.input_count,
                                        AmpAudioView{window.data(), kBatches, 2, n});
        AmpNodeInputs inputs{audio.data(), spec.input_count, nullptr, 0};
        double *out = nullptr;
        result.status = amp_run_node_v2(
            &descriptor, &inputs, kBatches, spec.input_count == 0 ? 0 : 2, static_cast<int32_t>(n),
            48000.0, &out, &channels, &state, &kHistory, AMP_EXECUTION_FORWARD, &result.metrics);
        if (result.status != AMP_OK) break;
        pieces.emplace_back(out, out + static_cast<size_t>(kBatches) * channels * n);
        sizes.push_back(n);
        amp_free(out);
        done += n;
    }
    amp_release_state(state);
    result.samples.assign(static_cast<size_t>(kBatches) * channels * kFrames, 0.0);
    uint32_t offset = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
        for (uint32_t lane = 0; lane < kBatches * static_cast<uint32_t>(channels); ++lane)
            std::memcpy(result.samples.data() + lane * kFrames + offset,
                        pieces[i].data() + lane * sizes[i], sizes[i] * sizeof(double));
        offset += sizes[i];
    }
    return result;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

void compare_both_ways(const amp::NodeSpec &spec, const std::string &params,
                       const std::vector<double> &x, uint32_t expected_delay) {
    const GraphRun graph = render_graph(spec, params, true);
    CHECK_EQ(graph.error, std::string());
    const NodeCall one = call_node(spec, params, x, {kFrames});
    CHECK_EQ(one.status, AMP_OK);
    CHECK(one.samples == graph.samples);
    CHECK(same_bits(one.metrics.accumulated_heat, graph.node.total_heat));
    CHECK(same_bits(one.metrics.accumulated_heat, graph.node.last_metrics.accumulated_heat));
    CHECK(one.metrics.accumulated_heat > 0.0);
    CHECK_EQ(one.metrics.measured_delay_frames, graph.node.measured_delay_frames);
    CHECK_EQ(one.metrics.measured_delay_frames, static_cast<double>(expected_delay));
    for (int i = 0; i < 6; ++i)
        CHECK(same_bits(one.metrics.reserved[i], graph.node.last_metrics.reserved[i]));
    // Split calls give the same samples (block invariance of the single-node path).
    const NodeCall split = call_node(spec, params, x, {1, 7, 64, 3});
    CHECK_EQ(split.status, AMP_OK);
    CHECK(split.samples == graph.samples);
}

TEST(every_node_type_renders_the_same_bits_in_a_graph_and_alone) {
    const GraphRun source = render_graph(amp::NodeSpec{}, "", false);
    CHECK_EQ(source.error, std::string());
    size_t count = 0;
    const amp::NodeSpec *const *registry = amp::node_registry(&count);
    CHECK(count >= 7);
    for (size_t i = 0; i < count; ++i) {
        const amp::NodeSpec &spec = *registry[i];
        std::printf("  %s\n", spec.type_name);
        const std::string params = base_params(spec);
        // The node's own latency (fft_divider: window_size - 1), then a declared delay of 3
        // more (a node whose declared delay must be its latency: its latency, declared).
        const uint32_t latency = render_graph(spec, params, true).node.declared_delay_frames;
        compare_both_ways(spec, params, source.samples, latency);
        const uint32_t declared = spec.delay_is_latency ? latency : latency + 3;
        const std::string delayed = params + (params.empty() ? "" : ",") +
                                    "\"declared_delay_frames\":" + std::to_string(declared);
        compare_both_ways(spec, delayed, source.samples, declared);
    }
}

TEST(a_declared_delay_of_3_delays_the_single_node_output_by_3) {
    const double x[6] = {1, 2, 3, 4, 5, 6};
    AmpAudioView audio{x, 1, 1, 6};
    AmpNodeInputs inputs{&audio, 1, nullptr, 0};
    AmpNodeDescriptorView gain{"g", "gain", R"({"gain":2,"declared_delay_frames":3})"};
    double *out = nullptr;
    int32_t channels = 0;
    void *state = nullptr;
    AmpNodeMetrics metrics{};
    CHECK_EQ(amp_run_node_v2(&gain, &inputs, 1, 1, 6, 48000, &out, &channels, &state, nullptr,
                             AMP_EXECUTION_FORWARD, &metrics),
             AMP_OK);
    const std::vector<double> expected{0, 0, 0, 2, 4, 6};
    CHECK(std::vector<double>(out, out + 6) == expected);
    CHECK_EQ(metrics.measured_delay_frames, 3.0);
    amp_free(out);
    amp_release_state(state);
}

TEST(channels_is_checked_in_forward_and_backward_mode) {
    const double x[4] = {1, 2, 3, 4};
    AmpAudioView audio{x, 1, 2, 2};
    AmpNodeInputs inputs{&audio, 1, nullptr, 0};
    AmpNodeDescriptorView gain{"g", "gain", "{}"};
    double *out = nullptr;
    int32_t channels = 0;
    void *state = nullptr;
    AmpErrorView error{};
    CHECK_EQ(amp_run_node_v2(&gain, &inputs, 1, 7, 2, 48000, &out, &channels, &state, nullptr,
                             AMP_EXECUTION_FORWARD, nullptr),
             AMP_ERR_SHAPE_MISMATCH);
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "channels is 7; audio input 0 has 2");
    for (const int32_t wrong : {0, 7})
        CHECK_EQ(amp_run_node_v2(&gain, &inputs, 1, wrong, 2, 48000, &out, &channels, &state,
                                 nullptr, AMP_EXECUTION_BACKWARD, nullptr),
                 AMP_ERR_SHAPE_MISMATCH);
    CHECK_EQ(amp_run_node_v2(&gain, &inputs, 1, 2, 2, 48000, &out, &channels, &state, nullptr,
                             AMP_EXECUTION_BACKWARD, nullptr),
             AMP_OK);
    amp_free(out);
    out = nullptr;
    amp_release_state(state);
    state = nullptr;
    AmpNodeDescriptorView osc{"o", "sine_osc", "{}"};
    CHECK_EQ(amp_run_node_v2(&osc, nullptr, 1, 2, 2, 48000, &out, &channels, &state, nullptr,
                             AMP_EXECUTION_FORWARD, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "has no audio input: channels expects 0, got 2");
    CHECK(out == nullptr);
    amp_release_state(state);
}

} // namespace

AMP_TEST_MAIN()
