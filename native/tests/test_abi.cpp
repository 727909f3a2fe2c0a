// test_abi.cpp: the C ABI contract: chained gains, set_param overrides and shape errors, the
// log, error codes, state ownership, describe_node.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

const char *kGainChain = R"({
  "nodes": [
    {"name": "src", "type": "constant", "params": {"value": 0.75}},
    {"name": "a", "type": "gain", "params": {"gain": 2}},
    {"name": "b", "type": "gain", "params": {"gain": 3}},
    {"name": "c", "type": "gain", "params": {"gain": 0.5}}
  ],
  "edges": [{"from": "src", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "c"}],
  "output": "c"
})";

struct Runtime {
    AmpGraphRuntime *rt = nullptr;
    int32_t status = 0;
    explicit Runtime(const char *json) { status = amp_graph_runtime_create(json, &rt); }
    ~Runtime() { amp_graph_runtime_destroy(rt); }
    std::vector<double> run(uint64_t frames, uint32_t batches, uint32_t channels) {
        std::vector<double> out(static_cast<size_t>(batches) * channels * frames, -1.0);
        status = amp_graph_runtime_execute(rt, frames, out.data(), out.size(), nullptr);
        return out;
    }
    std::string log() const {
        std::string text(amp_graph_runtime_read_log(rt, nullptr, 0) + 1, '\0');
        amp_graph_runtime_read_log(rt, text.data(), text.size());
        text.resize(text.size() - 1);
        return text;
    }
};

// Per-frame gains, different per batch (B = 2, F = 4).
const double kA[8] = {1.0, 2.0, 3.0, 4.0, -1.0, 0.5, 0.25, 8.0};
const double kB[8] = {0.5, 0.25, 2.0, 1.5, 3.0, -2.0, 1.0, 0.125};
const double kC[8] = {10.0, 1.0, 0.1, -3.0, 0.2, 0.4, 0.6, 0.8};

} // namespace

TEST(gain_chain_with_per_frame_overrides_gives_the_product) {
    Runtime r(kGainChain);
    CHECK_EQ(r.status, AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(r.rt, 2, 4), AMP_OK);
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "a", "gain", kA, 2, 1, 4), AMP_OK);
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "b", "gain", kB, 2, 1, 4), AMP_OK);
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "c", "gain", kC, 2, 1, 4), AMP_OK);
    const std::vector<double> out = r.run(4, 2, 1);
    CHECK_EQ(r.status, AMP_OK);
    for (int i = 0; i < 8; ++i) CHECK_NEAR(out[i], 0.75 * kA[i] * kB[i] * kC[i], 1e-9);
}

TEST(clearing_overrides_restores_the_params_json_values) {
    Runtime r(kGainChain);
    amp_graph_runtime_configure(r.rt, 2, 4);
    amp_graph_runtime_set_param(r.rt, "b", "gain", kB, 2, 1, 4);
    std::vector<double> out = r.run(4, 2, 1);
    CHECK_NEAR(out[0], 0.75 * 2 * kB[0] * 0.5, 1e-12);
    CHECK_EQ(amp_graph_runtime_clear_params(r.rt, "b"), AMP_OK);
    out = r.run(4, 2, 1);
    for (double x : out) CHECK_NEAR(x, 0.75 * 2 * 3 * 0.5, 1e-12);
    amp_graph_runtime_set_param(r.rt, "a", "gain", kA, 2, 1, 4);
    CHECK_EQ(amp_graph_runtime_clear_params(r.rt, nullptr), AMP_OK);
    out = r.run(4, 2, 1);
    for (double x : out) CHECK_NEAR(x, 2.25, 1e-12);
}

TEST(set_param_with_a_wrong_shape_is_rejected_and_logged) {
    Runtime r(kGainChain);
    amp_graph_runtime_configure(r.rt, 2, 4);
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "a", "gain", kA, 2, 1, 4), AMP_OK);
    const double wrong[16] = {0};
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "a", "gain", wrong, 2, 1, 8),
             AMP_ERR_SHAPE_MISMATCH);
    AmpErrorView error{};
    CHECK_EQ(amp_graph_runtime_last_error(r.rt, &error), AMP_ERR_SHAPE_MISMATCH);
    CHECK_EQ(std::string(error.stage), std::string("set_param"));
    CHECK_EQ(std::string(error.node), std::string("a"));
    CHECK_CONTAINS(error.detail, "2x1x4");
    CHECK_CONTAINS(error.detail, "2x1x8");
    const std::string log = r.log();
    CHECK_CONTAINS(log, "\"event\":\"amp_graph_runtime_set_param_shape_mismatch\"");
    CHECK_CONTAINS(log, "\"expected\":{\"batches\":2,\"channels\":1,\"frames\":4}");
    CHECK_CONTAINS(log, "\"provided\":{\"batches\":2,\"channels\":1,\"frames\":8}");
    // The previous override stays in force.
    const std::vector<double> out = r.run(4, 2, 1);
    for (int i = 0; i < 8; ++i) CHECK_NEAR(out[i], 0.75 * kA[i] * 3 * 0.5, 1e-12);
    // A multiple of the expected frame count is a mismatch too, and so are wrong channels.
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "a", "gain", wrong, 2, 2, 4),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "a", "gain", wrong, 1, 1, 4),
             AMP_ERR_SHAPE_MISMATCH);
}

TEST(set_param_rejects_unknown_static_and_out_of_range_values) {
    Runtime r(R"({"nodes":[{"name":"osc","type":"sine_osc"}],"output":"osc"})");
    amp_graph_runtime_configure(r.rt, 1, 2);
    const double values[2] = {1.0, 2.0};
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "osc", "freq", values, 1, 1, 2),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(r.rt), "unknown parameter \"freq\"");
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "osc", "channels", values, 1, 1, 2),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(r.rt), "is static");
    const double huge[2] = {1.0, 5e6};
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "osc", "frequency", huge, 1, 1, 2),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(r.rt), "got 5000000 at batch 0, frame 1");
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "nope", "frequency", values, 1, 1, 2),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(r.rt), "no node named \"nope\"");
}

TEST(thermo_heat_override_checks_shape_and_leaves_audio_alone) {
    Runtime plain(kGainChain);
    amp_graph_runtime_configure(plain.rt, 2, 4);
    const std::vector<double> reference = plain.run(8, 2, 1);

    Runtime r(kGainChain);
    amp_graph_runtime_configure(r.rt, 2, 4);
    const double heat[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "b", "thermo.heat", heat, 2, 1, 3),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK_EQ(amp_graph_runtime_set_param(r.rt, "b", "thermo.heat", heat, 2, 1, 4), AMP_OK);
    const std::vector<double> out = r.run(8, 2, 1);
    CHECK(out == reference);
    AmpNodeSummary summary{};
    CHECK_EQ(amp_graph_runtime_describe_node(r.rt, "b", &summary), AMP_OK);
    CHECK_NEAR(summary.total_heat, 2 * 36.0, 1e-12); // two blocks of the 8-value override
}

TEST(unknown_node_type_is_code_minus_3) {
    Runtime r(R"({"nodes":[{"name":"x","type":"warp_drive"}],"output":"x"})");
    CHECK_EQ(r.status, AMP_ERR_UNKNOWN_NODE_TYPE);
    AmpErrorView error{};
    amp_graph_runtime_last_error(r.rt, &error);
    CHECK_CONTAINS(error.detail, "unknown node type \"warp_drive\"");
    CHECK_EQ(std::string(error.node), std::string("x"));
    // A failed runtime refuses everything but last_error, read_log and destroy.
    CHECK_EQ(amp_graph_runtime_configure(r.rt, 1, 64), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(r.log(), "amp_graph_runtime_error");

    AmpNodeDescriptorView descriptor{"x", "warp_drive", "{}"};
    double *out = nullptr;
    int32_t out_channels = 0;
    void *state = nullptr;
    CHECK_EQ(
        amp_run_node(&descriptor, nullptr, 1, 0, 4, 48000, &out, &out_channels, &state, nullptr),
        AMP_ERR_UNKNOWN_NODE_TYPE);
    CHECK(state == nullptr);
}

TEST(backward_on_a_node_without_adjoint_is_code_minus_4) {
    AmpNodeDescriptorView descriptor{"osc", "sine_osc", "{}"};
    const double gradient[4] = {1, 1, 1, 1};
    AmpAudioView audio{gradient, 1, 1, 4};
    AmpNodeInputs inputs{&audio, 1, nullptr, 0};
    double *out = nullptr;
    int32_t out_channels = 0;
    void *state = nullptr;
    AmpNodeMetrics metrics{};
    CHECK_EQ(amp_run_node_v2(&descriptor, &inputs, 1, 1, 4, 48000, &out, &out_channels, &state,
                             nullptr, AMP_EXECUTION_BACKWARD, &metrics),
             AMP_ERR_UNSUPPORTED);
    CHECK(out == nullptr);
    CHECK(state == nullptr);
}

TEST(backward_of_gain_is_its_adjoint) {
    AmpNodeDescriptorView descriptor{"g", "gain", "{\"gain\": -2.5}"};
    const double gradient[6] = {1, 2, 3, 4, 5, 6};
    AmpAudioView audio{gradient, 2, 1, 3};
    AmpNodeInputs inputs{&audio, 1, nullptr, 0};
    double *out = nullptr;
    int32_t out_channels = 0;
    void *state = nullptr;
    CHECK_EQ(amp_run_node_v2(&descriptor, &inputs, 2, 1, 3, 48000, &out, &out_channels, &state,
                             nullptr, AMP_EXECUTION_BACKWARD, nullptr),
             AMP_OK);
    CHECK_EQ(out_channels, 1);
    for (int i = 0; i < 6; ++i) CHECK_NEAR(out[i], -2.5 * gradient[i], 0.0);
    amp_free(out);
    amp_release_state(state);
}

TEST(run_node_failures_are_readable_per_thread) {
    AmpNodeDescriptorView descriptor{"osc", "sine_osc", "{\"frequency\": 5e6}"};
    double *out = nullptr;
    int32_t out_channels = 0;
    void *state = nullptr;
    CHECK_EQ(
        amp_run_node(&descriptor, nullptr, 1, 0, 4, 48000, &out, &out_channels, &state, nullptr),
        AMP_ERR_INVALID_ARGUMENT);
    AmpErrorView error{};
    CHECK_EQ(amp_run_node_last_error(&error), AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(std::string(error.node), std::string("osc"));
    CHECK_CONTAINS(error.detail, "node \"osc\" (sine_osc): parameter \"frequency\" expects a "
                                 "finite number in [-1000000, 1000000] Hz, got 5000000");
    AmpNodeDescriptorView gain{"g", "gain", "{}"};
    CHECK_EQ(amp_run_node(&gain, nullptr, 1, 0, 4, 48000, &out, &out_channels, &state, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "needs audio input 0 (\"in\"); got 0 audio view(s)");
}

TEST(a_replaced_state_is_released_exactly_once_by_the_caller) {
    const int64_t before = amp_live_state_count();
    AmpNodeDescriptorView descriptor{"g", "gain", "{\"gain\": 2}"};
    const double x[4] = {1, 2, 3, 4};
    AmpAudioView mono{x, 1, 1, 4};
    AmpNodeInputs inputs{&mono, 1, nullptr, 0};
    double *out = nullptr;
    int32_t out_channels = 0;
    void *state = nullptr;
    CHECK_EQ(
        amp_run_node(&descriptor, &inputs, 1, 1, 4, 48000, &out, &out_channels, &state, nullptr),
        AMP_OK);
    amp_free(out);
    void *first = state;
    CHECK(first != nullptr);
    CHECK_EQ(amp_live_state_count(), before + 1);
    // Same shape: the state is reused.
    CHECK_EQ(
        amp_run_node(&descriptor, &inputs, 1, 1, 4, 48000, &out, &out_channels, &state, nullptr),
        AMP_OK);
    amp_free(out);
    CHECK(state == first);
    // Two channels now: the node replaces the state; the old one is still alive for the caller.
    AmpAudioView stereo{x, 1, 2, 2};
    inputs.audio = &stereo;
    CHECK_EQ(
        amp_run_node(&descriptor, &inputs, 1, 2, 2, 48000, &out, &out_channels, &state, nullptr),
        AMP_OK);
    amp_free(out);
    CHECK(state != first);
    CHECK_EQ(out_channels, 2);
    CHECK_EQ(amp_live_state_count(), before + 2);
    amp_release_state(first);
    CHECK_EQ(amp_live_state_count(), before + 1);
    amp_release_state(state);
    CHECK_EQ(amp_live_state_count(), before);
}

TEST(a_state_of_another_node_type_is_an_error_not_an_abort) {
    AmpNodeDescriptorView gain{"g", "gain", "{}"};
    AmpNodeDescriptorView delay{"d", "delay", "{}"};
    const double x[4] = {1, 2, 3, 4};
    AmpAudioView audio{x, 1, 1, 4};
    AmpNodeInputs inputs{&audio, 1, nullptr, 0};
    double *out = nullptr;
    int32_t out_channels = 0;
    void *state = nullptr;
    CHECK_EQ(amp_run_node(&gain, &inputs, 1, 1, 4, 48000, &out, &out_channels, &state, nullptr),
             AMP_OK);
    amp_free(out);
    void *kept = state;
    CHECK_EQ(amp_run_node(&delay, &inputs, 1, 1, 4, 48000, &out, &out_channels, &state, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK(state == kept);
    amp_release_state(state);
}

// (oversample > 1 needs a node that oversamples: test_descriptor_rules registers one.)
TEST(describe_node_reports_declared_delay_and_oversample) {
    Runtime r(R"({"nodes":[
        {"name":"osc","type":"sine_osc","params":{"oversample":1,"declared_delay_frames":128}},
        {"name":"g","type":"gain"}],
      "edges":[{"from":"osc","to":"g"}],"output":"g"})");
    CHECK_EQ(r.status, AMP_OK);
    AmpNodeSummary summary{};
    CHECK_EQ(amp_graph_runtime_describe_node(r.rt, "osc", &summary), AMP_OK);
    CHECK_EQ(summary.declared_delay_frames, 128u);
    CHECK_EQ(summary.oversample, 1u);
    CHECK_EQ(std::string(summary.type_name), std::string("sine_osc"));
    CHECK_EQ(amp_graph_runtime_describe_node(r.rt, "g", &summary), AMP_OK);
    CHECK_EQ(summary.declared_delay_frames, 0u);
    CHECK_EQ(summary.oversample, 1u);
    CHECK_EQ(amp_graph_runtime_describe_node(r.rt, "missing", &summary), AMP_ERR_INVALID_ARGUMENT);
}

TEST(a_configuration_too_large_for_memory_is_refused_and_the_old_one_stays) {
    Runtime r(R"({"nodes":[{"name":"x","type":"constant"},
        {"name":"d","type":"delay","params":{"frames":16777216}}],
      "edges":[{"from":"x","to":"d"}],"output":"d"})");
    CHECK_EQ(r.status, AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(r.rt, 2, 64), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(r.rt, 4096, 1u << 20), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(r.rt), "MiB of buffers; the limit is");
    AmpGraphSummary summary{};
    amp_graph_runtime_describe_graph(r.rt, &summary);
    CHECK_EQ(summary.batches, 2u);
    CHECK_EQ(summary.block_frames, 64u);
    const std::vector<double> out = r.run(100, 2, 64);
    CHECK_EQ(r.status, AMP_OK);
}

TEST(status_names_and_api_version_are_stable) {
    CHECK_EQ(amp_api_version(), AMP_API_VERSION);
    CHECK_EQ(std::string(amp_status_name(-2)), std::string("AMP_ERR_SHAPE_MISMATCH"));
    CHECK_EQ(std::string(amp_status_name(-6)), std::string("AMP_ERR_CANCELLED"));
    CHECK_CONTAINS(amp_node_catalog_json(), "\"type\":\"sine_osc\"");
}

TEST(malformed_json_names_line_and_column) {
    Runtime r("{\"nodes\": [\n  {\"name\": \"x\",, }]}");
    CHECK_EQ(r.status, AMP_ERR_INVALID_ARGUMENT);
    AmpErrorView error{};
    amp_graph_runtime_last_error(r.rt, &error);
    CHECK_EQ(std::string(error.stage), std::string("parse"));
    CHECK_CONTAINS(error.detail, "line 2, column");
}

TEST(cancel_flag_stops_a_render_and_the_runtime_renders_again) {
    Runtime r(R"({"nodes":[{"name":"osc","type":"sine_osc"}],"output":"osc"})");
    amp_graph_runtime_configure(r.rt, 1, 64);
    std::vector<double> out(1000);
    volatile int32_t flag = 1;
    AmpRenderOptions options{};
    options.cancel_flag = &flag;
    CHECK_EQ(amp_graph_runtime_execute(r.rt, 1000, out.data(), out.size(), &options),
             AMP_ERR_CANCELLED);
    AmpGraphSummary summary{};
    amp_graph_runtime_describe_graph(r.rt, &summary);
    CHECK_EQ(summary.frames_rendered, 0u);
    flag = 0;
    CHECK_EQ(amp_graph_runtime_execute(r.rt, 1000, out.data(), out.size(), &options), AMP_OK);
    CHECK_NEAR(out[0], 0.5 * std::sin(2 * M_PI * 440.0 / 48000.0), 1e-15);
}

AMP_TEST_MAIN()
