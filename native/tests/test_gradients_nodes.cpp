// test_gradients_nodes.cpp: node adjoints in configurations the conformance suite's defaults do
// not reach (its `gradients` check, run here with other parameters): the resampler converting
// for real (several ratios and tiers; its default up = down is the identity), the rci stage's
// current output, and a recording that starts mid-stream (the resampler's phase is tied to
// stream frame 0). Linear nodes: the dot-product test <e, J^T dy> = <J e, dy> to 1e-10.
#include <cmath>
#include <string>
#include <vector>

#include "conformance.h"

using conformance::gradient_inputs;

namespace {

// The conformance `gradients` check on `type` with `params` as its suite setup.
conformance::Problems gradients_with(const std::string &type,
                                     std::vector<std::pair<std::string, std::string>> params) {
    conformance::register_input_node();
    const std::vector<conformance::NodeType> types = conformance::catalogue();
    const conformance::NodeType *node = conformance::find(types, type);
    if (node == nullptr) return {"no node type " + type};
    auto &setups = conformance::suite_setups();
    const auto saved = setups;
    setups[type] = {std::move(params), node->heat_work()};
    conformance::Problems problems = conformance::gradients(*node);
    setups = saved;
    return problems;
}

void report(const std::string &what, const conformance::Problems &problems) {
    for (const std::string &problem : problems) {
        ++amp_test::failures();
        std::printf("  %s: %s\n", what.c_str(), problem.c_str());
    }
}

// in (the suite's input, slot 0) -> node; `skip` frames rendered, then `frames` recorded.
// Returns y over the recorded span and, with dy, dL/d(in) over it.
struct SpanRun {
    int32_t status = AMP_OK;
    std::vector<double> y, dx;
};

SpanRun span_run(const std::string &type, const std::string &params, uint32_t skip, uint32_t frames,
                 uint32_t block, const std::vector<double> *dy) {
    SpanRun result;
    const std::string json = R"({"nodes":[{"name":"node","type":")" + type + R"(","params":)" +
                             params +
                             R"(},{"name":"in","type":"conformance input","params":{}}],
 "edges":[{"from":"in","to":"node"}],"output":"node"})";
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    std::vector<double> head(static_cast<size_t>(2) * 2 * skip);
    if (result.status == AMP_OK && skip > 0)
        result.status = amp_graph_runtime_execute(rt, skip, head.data(), head.size(), nullptr);
    if (result.status == AMP_OK && dy != nullptr)
        result.status = amp_graph_runtime_record(rt, frames, 0);
    result.y.assign(static_cast<size_t>(2) * 2 * frames, 0.0);
    if (result.status == AMP_OK)
        result.status =
            amp_graph_runtime_execute(rt, frames, result.y.data(), result.y.size(), nullptr);
    if (result.status == AMP_OK && dy != nullptr) {
        result.dx.assign(result.y.size(), 0.0);
        const AmpGradientRequest request{"in", nullptr, 0, result.dx.data(), result.dx.size()};
        result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), &request, 1);
    }
    if (result.status != AMP_OK) std::printf("  %s\n", amp_test::last_error(rt).c_str());
    amp_graph_runtime_destroy(rt);
    return result;
}

// smp (sampler, 2 channels, rate per batch and frame) -> g (gain 0.5) -> output, the buffer
// `buffer` (1 channel: both output channels read it), rendered in calls of `call` frames at
// `block`; with dy, the gradient with respect to the buffer (summed over batches, and per batch).
struct SamplerRun {
    int32_t status = AMP_OK;
    std::vector<double> y, summed, per_batch;
};

SamplerRun sampler_run(const std::string &params, const std::vector<double> &buffer,
                       uint32_t frames, uint32_t block, uint32_t call,
                       const std::vector<double> *dy) {
    SamplerRun result;
    const std::string json = R"({"nodes":[{"name":"smp","type":"sampler","params":)" + params +
                             R"(},{"name":"g","type":"gain","params":{"gain":0.5}}],
 "edges":[{"from":"smp","to":"g"}],"output":"g"})";
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    if (result.status == AMP_OK)
        result.status =
            amp_graph_runtime_set_buffer(rt, "smp", 0, buffer.data(), 1, buffer.size(), 48000.0);
    std::vector<double> rate(static_cast<size_t>(2) * block);
    for (uint32_t f = 0; f < block; ++f) { // a rate that depends on the stream frame only
        rate[f] = 0.73;
        rate[block + f] = 1.37;
    }
    if (result.status == AMP_OK)
        result.status = amp_graph_runtime_set_param(rt, "smp", "rate", rate.data(), 2, 1, block);
    if (result.status == AMP_OK && dy != nullptr)
        result.status = amp_graph_runtime_record(rt, frames, 0);
    result.y.assign(static_cast<size_t>(2) * 2 * frames, 0.0);
    if (result.status == AMP_OK)
        result.status = amp_test::execute_in_calls(rt, 4, frames, {call}, result.y);
    if (result.status == AMP_OK && dy != nullptr) {
        result.summed.assign(buffer.size(), 0.0);
        result.per_batch.assign(2 * buffer.size(), 0.0);
        const AmpGradientRequest requests[2] = {
            {"smp", "@buffer", 1, result.summed.data(), result.summed.size()},
            {"smp", "@buffer", 0, result.per_batch.data(), result.per_batch.size()}};
        // One request per pass (a buffer is requested once per pass).
        result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), &requests[0], 1);
        if (result.status == AMP_OK)
            result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), &requests[1], 1);
    }
    if (result.status != AMP_OK) std::printf("  %s\n", amp_test::last_error(rt).c_str());
    amp_graph_runtime_destroy(rt);
    return result;
}

// A graph `json` rendered for `frames` frames at `block` (B = 2), recorded, then one backward
// pass per request ("node", "param") of dL/dparam for dy = noise (summed over frames when
// `summed`); `replayed`: node "osc"'s cache count (telemetry reserved[0]).
struct GraphGrads {
    int32_t status = AMP_OK;
    std::vector<double> y;
    std::vector<std::vector<double>> grads;
    double replayed = 0.0;
};

GraphGrads graph_grads(const std::string &json, uint32_t frames, uint32_t block,
                       const std::vector<std::pair<std::string, std::string>> &wrt, bool summed) {
    GraphGrads result;
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_record(rt, frames, 0);
    AmpGraphSummary summary{};
    if (result.status == AMP_OK) amp_graph_runtime_describe_graph(rt, &summary);
    result.y.assign(static_cast<size_t>(2) * summary.output_channels * frames, 0.0);
    if (result.status == AMP_OK)
        result.status =
            amp_graph_runtime_execute(rt, frames, result.y.data(), result.y.size(), nullptr);
    AmpNodeSummary node{};
    if (result.status == AMP_OK && amp_graph_runtime_describe_node(rt, "osc", &node) == AMP_OK)
        result.replayed = node.last_metrics.reserved[0];
    const std::vector<double> dy =
        amp_test::noise(1, 1, static_cast<uint32_t>(result.y.size()), 31).data;
    for (const auto &request : wrt) {
        if (result.status != AMP_OK) break;
        std::vector<double> grad(summed ? 2 : static_cast<size_t>(2) * frames);
        const AmpGradientRequest r{request.first.c_str(), request.second.c_str(), summed ? 1u : 0u,
                                   grad.data(), grad.size()};
        result.status = amp_graph_runtime_backward(rt, dy.data(), dy.size(), &r, 1);
        result.grads.push_back(grad);
    }
    if (result.status != AMP_OK) std::printf("  %s\n", amp_test::last_error(rt).c_str());
    amp_graph_runtime_destroy(rt);
    return result;
}

// <dy, y> of a graph (the loss whose gradient graph_grads takes).
double loss_of(const std::string &json, uint32_t frames) {
    const GraphGrads run = graph_grads(json, frames, 64, {}, true);
    const std::vector<double> dy =
        amp_test::noise(1, 1, static_cast<uint32_t>(run.y.size()), 31).data;
    double total = 0.0;
    for (size_t i = 0; i < dy.size(); ++i) total += dy[i] * run.y[i];
    return total;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

std::string osc_graph(const std::string &params) {
    return R"({"nodes":[{"name":"osc","type":"oscillator","params":)" + params +
           R"(}],"edges":[],"output":"osc"})";
}

} // namespace

TEST(resampler_adjoint_passes_the_gradients_check_for_real_conversions) {
    const std::vector<std::vector<std::pair<std::string, std::string>>> configs = {
        {{"up", "3"}, {"down", "2"}},
        {{"up", "2"}, {"down", "5"}, {"quality", "\"linear\""}},
        {{"up", "147"}, {"down", "160"}},
        {{"up", "7"}, {"down", "3"}, {"quality", "\"best\""}},
    };
    for (const auto &config : configs) {
        std::string what = "resampler";
        for (const auto &member : config) what += " " + member.first + "=" + member.second;
        report(what, gradients_with("resampler", config));
    }
}

TEST(rci_adjoint_passes_the_gradients_check_for_both_outputs) {
    report("rci voltage", gradients_with("rci", {{"resistance", "3"}}));
    report("rci current", gradients_with("rci", {{"output", "\"current\""}}));
}

TEST(lfo_adjoint_passes_the_gradients_check_for_shapes_and_smoothing) {
    report("lfo slew", gradients_with("lfo", {{"slew_ms", "0.3"}}));
    report("lfo triangle", gradients_with("lfo", {{"shape", "\"triangle\""}, {"phase", "0.2"}}));
    report("lfo saw slew",
           gradients_with("lfo", {{"shape", "\"saw\""}, {"phase", "0.6"}, {"slew_ms", "0.1"}}));
}

// The suite's noise inputs cross the 0.5 thresholds often: with velocity every attack latches
// a gate or trigger value, whose frames receive the gradient (1 ms stages, inside the render).
TEST(adsr_velocity_adjoint_passes_the_gradients_check) {
    report("adsr velocity", gradients_with("adsr", {{"velocity", "true"},
                                                    {"attack_ms", "0.1"},
                                                    {"decay_ms", "0.2"},
                                                    {"release_ms", "0.1"}}));
}

// A recording that starts after 53 frames: the adjoint must use stream frames (the conversion's
// polyphase pattern), checked by the dot-product test against renders of the whole stream, at
// blocks 1 and 64 (bit-identical).
TEST(resampler_adjoint_of_a_span_recorded_mid_stream) {
    conformance::register_input_node();
    const uint32_t skip = 53, frames = 150, total = skip + frames;
    const std::string params = R"({"up":5,"down":3})";
    gradient_inputs()[0] = amp_test::noise(2, 2, total, 11);
    const std::vector<double> dy = amp_test::noise(2, 2, frames, 12).data;
    const SpanRun run = span_run("resampler", params, skip, frames, 64, &dy);
    CHECK_EQ(run.status, AMP_OK);
    const SpanRun one = span_run("resampler", params, skip, frames, 1, &dy);
    CHECK_EQ(one.status, AMP_OK);
    CHECK(one.dx == run.dx);
    // <J e, dy> with e on the recorded frames only.
    const amp_test::Tensor base = gradient_inputs()[0];
    const amp_test::Tensor e = amp_test::noise(2, 2, frames, 13);
    for (size_t lane = 0; lane < 4; ++lane)
        for (uint32_t f = 0; f < frames; ++f)
            gradient_inputs()[0].data[lane * total + skip + f] += e.data[lane * frames + f];
    const SpanRun moved = span_run("resampler", params, skip, frames, 64, nullptr);
    gradient_inputs()[0] = base;
    double numeric = 0.0, analytic = 0.0;
    for (size_t i = 0; i < dy.size(); ++i) numeric += dy[i] * (moved.y[i] - run.y[i]);
    for (size_t i = 0; i < e.data.size(); ++i) analytic += e.data[i] * run.dx[i];
    std::printf("  mid-stream span: <e, dx> = %.17g, <J e, dy> = %.17g\n", analytic, numeric);
    CHECK(std::fabs(numeric - analytic) <= 1e-10 * std::fabs(numeric));
    CHECK(std::fabs(numeric) > 1e-3); // the span really reaches the output
}

// The sampler's output is linear in its buffer: the dot-product test for the buffer gradient
// (summed over batches, and per batch), cubic and linear, with and without a loop, bit-identical
// across blocks 1, 7 and 97 and uneven render calls.
TEST(sampler_buffer_gradient_passes_the_dot_product_test) {
    const uint32_t frames = 160, length = 90;
    const std::vector<double> buffer = amp_test::noise(1, 1, length, 21).data;
    const std::vector<double> e = amp_test::noise(1, 1, length, 22).data;
    const std::vector<double> dy = amp_test::noise(2, 2, frames, 23).data;
    for (const char *params :
         {R"({"channels":2})", R"({"channels":2,"interpolation":"linear","start":3})",
          R"({"channels":2,"loop":true,"loop_start":20,"loop_end":70,"start":5})",
          R"({"channels":2,"loop":true,"loop_start":10,"interpolation":"linear"})"}) {
        const SamplerRun run = sampler_run(params, buffer, frames, 97, frames, &dy);
        CHECK_EQ(run.status, AMP_OK);
        std::vector<double> moved_buffer = buffer;
        for (uint32_t i = 0; i < length; ++i) moved_buffer[i] += e[i];
        const SamplerRun moved = sampler_run(params, moved_buffer, frames, 97, frames, nullptr);
        double numeric = 0.0, summed = 0.0, per_batch = 0.0;
        for (size_t i = 0; i < dy.size(); ++i) numeric += dy[i] * (moved.y[i] - run.y[i]);
        for (uint32_t i = 0; i < length; ++i) {
            summed += e[i] * run.summed[i];
            per_batch += e[i] * (run.per_batch[i] + run.per_batch[length + i]);
        }
        std::printf("  %s: <e, dbuffer> = %.17g, <J e, dy> = %.17g\n", params, summed, numeric);
        CHECK(std::fabs(numeric) > 1e-2);
        CHECK(std::fabs(summed - numeric) <= 1e-10 * std::fabs(numeric));
        CHECK(std::fabs(per_batch - numeric) <= 1e-10 * std::fabs(numeric));
        for (const auto &[block, call] :
             std::vector<std::pair<uint32_t, uint32_t>>{{1, 160}, {7, 33}}) {
            const SamplerRun other = sampler_run(params, buffer, frames, block, call, &dy);
            CHECK(other.y == run.y);
            CHECK(other.summed == run.summed);
            CHECK(other.per_batch == run.per_batch);
        }
    }
}

// The integrator's adjoint in each mode and with each limit binding: the ideal running sum,
// a slew limit, an acceleration limit, clamps (the room bound) and all of them (the braking
// bound). Inputs are the suite's noise (|x| < 1 unit/s), so the limits below bind on many
// frames; `integrator_limits_bind` shows they do.
TEST(integrator_adjoint_passes_the_gradients_check_with_each_limit) {
    for (const auto &config : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {{"mode", "\"no_impingement\""}, {"initial", "0.25"}},
             {{"slew_rate", "0.5"}},
             {{"max_acceleration", "3000"}},
             {{"clamp_min", "-3e-5"}, {"clamp_max", "3e-5"}},
             {{"max_acceleration", "3000"},
              {"slew_rate", "0.6"},
              {"clamp_min", "-2e-5"},
              {"clamp_max", "2e-5"}}}) {
        std::string what = "integrator";
        for (const auto &[key, value] : config) what += " " + key + "=" + value;
        report(what, gradients_with("integrator", config));
    }
}

// The limited configurations above really bind: their outputs differ from the running sum on
// the suite's input (so the gradient check exercised the bound frames).
TEST(integrator_limits_bind_on_the_suite_input) {
    conformance::register_input_node();
    gradient_inputs()[0] = amp_test::noise(2, 2, 97, 600);
    const std::vector<double> dy = amp_test::noise(2, 2, 97, 700).data;
    const SpanRun free = span_run("integrator", "{}", 0, 97, 97, &dy);
    CHECK_EQ(free.status, AMP_OK);
    for (const char *params :
         {R"({"slew_rate":0.5})", R"({"max_acceleration":3000})",
          R"({"clamp_min":-3e-5,"clamp_max":3e-5})",
          R"({"max_acceleration":3000,"slew_rate":0.6,"clamp_min":-2e-5,"clamp_max":2e-5})"}) {
        const SpanRun run = span_run("integrator", params, 0, 97, 97, &dy);
        CHECK_EQ(run.status, AMP_OK);
        size_t differ = 0, stopped = 0;
        for (size_t i = 0; i < run.y.size(); ++i) {
            differ += run.y[i] != free.y[i] ? 1 : 0;
            stopped += run.dx[i] != free.dx[i] ? 1 : 0;
        }
        std::printf("  %s: %zu of %zu outputs limited, %zu input gradients changed\n", params,
                    differ, run.y.size(), stopped);
        CHECK(differ > run.y.size() / 4);
        CHECK(stopped > run.y.size() / 4);
    }
}

// no_impingement needs no recorded values: the suite's single-node `adjoint` check (central
// differences against backward calls walked from the end, split windows) runs it.
TEST(integrator_no_impingement_adjoint_runs_in_single_node_calls) {
    conformance::register_input_node();
    const std::vector<conformance::NodeType> types = conformance::catalogue();
    const conformance::NodeType *node = conformance::find(types, "integrator");
    CHECK(node != nullptr);
    if (node == nullptr) return;
    auto &setups = conformance::suite_setups();
    const auto saved = setups;
    setups["integrator"] = {{{"mode", "\"no_impingement\""}}, node->heat_work()};
    report("integrator no_impingement (single-node)", conformance::adjoint(*node));
    // The call answers (not -4): one window through amp_run_node_v2 backward mode.
    const std::string params = conformance::base_params(*node);
    const amp_test::Tensor x = amp_test::noise(1, 1, 8, 61);
    void *state = nullptr;
    int32_t status = AMP_OK;
    conformance::call(*node, params, conformance::Inputs{{x}, {}}, 1, 0, 8, &state, &status);
    CHECK_EQ(status, AMP_OK);
    AmpNodeDescriptorView descriptor{"cut", "integrator", params.c_str()};
    const std::vector<double> g(8, 1.0);
    AmpAudioView audio{g.data(), 1, 1, 8};
    AmpNodeInputs inputs{&audio, 1, nullptr, 0};
    double *out = nullptr;
    int32_t channels = 0;
    CHECK_EQ(amp_run_node_v2(&descriptor, &inputs, 1, 1, 8, 48000.0, &out, &channels, &state,
                             nullptr, AMP_EXECUTION_BACKWARD, nullptr),
             AMP_OK);
    if (out != nullptr) { // the reverse cumulative sum over 1 / sr
        CHECK_NEAR(out[0], 8.0 / 48000.0, 1e-18);
        CHECK_NEAR(out[7], 1.0 / 48000.0, 1e-18);
    }
    amp_free(out);
    amp_release_state(state);
    setups = saved;
}

TEST(pitch_quantizer_adjoint_passes_the_gradients_check_with_glide) {
    report("pitch_quantizer glide", gradients_with("pitch_quantizer", {{"glide_ms", "1"}}));
}

// oscillator_pitch: the slew binding (a step of ~2 Hz per frame against targets that move by
// tens of Hz), the min_freq clamp binding, and both.
TEST(oscillator_pitch_adjoint_passes_the_gradients_check_with_slew_and_clamp) {
    for (const auto &config : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {{"slew_hz_per_s", "1e5"}},
             {{"min_freq", "430"}},
             {{"min_freq", "430"}, {"slew_hz_per_s", "3e5"}}}) {
        std::string what = "oscillator_pitch";
        for (const auto &[key, value] : config) what += " " + key + "=" + value;
        report(what, gradients_with("oscillator_pitch", config));
    }
}

TEST(subharmonic_adjoint_passes_the_gradients_check_in_other_settings) {
    for (const auto &config : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {{"div4", "0.7"}, {"out_hp_hz", "0"}, {"env_attack_ms", "0"}},
             {{"mix", "1"}, {"drive", "0.3"}, {"band_lo_hz", "0"}, {"band_hi_hz", "5000"}}}) {
        std::string what = "subharmonic";
        for (const auto &[key, value] : config) what += " " + key + "=" + value;
        report(what, gradients_with("subharmonic", config));
    }
}

// smp (sampler, 2 channels, the rate per batch and frame given for one block) -> g (gain 0.5):
// y and, with dy, dL/d rate (batches x frames).
namespace {

struct RateRun {
    int32_t status = AMP_OK;
    std::vector<double> y, drate;
};

RateRun sampler_rate_run(const std::string &params, const std::vector<double> &buffer,
                         uint32_t frames, uint32_t block, uint32_t call,
                         const std::vector<double> &rate, const std::vector<double> *dy) {
    RateRun result;
    const std::string json = R"({"nodes":[{"name":"smp","type":"sampler","params":)" + params +
                             R"(},{"name":"g","type":"gain","params":{"gain":0.5}}],
 "edges":[{"from":"smp","to":"g"}],"output":"g"})";
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    if (result.status == AMP_OK)
        result.status =
            amp_graph_runtime_set_buffer(rt, "smp", 0, buffer.data(), 1, buffer.size(), 48000.0);
    if (result.status == AMP_OK)
        result.status = amp_graph_runtime_set_param(rt, "smp", "rate", rate.data(), 2, 1, block);
    if (result.status == AMP_OK && dy != nullptr)
        result.status = amp_graph_runtime_record(rt, frames, 0);
    result.y.assign(static_cast<size_t>(2) * 2 * frames, 0.0);
    if (result.status == AMP_OK)
        result.status = amp_test::execute_in_calls(rt, 4, frames, {call}, result.y);
    if (result.status == AMP_OK && dy != nullptr) {
        result.drate.assign(static_cast<size_t>(2) * frames, 0.0);
        const AmpGradientRequest request{"smp", "rate", 0, result.drate.data(),
                                         result.drate.size()};
        result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), &request, 1);
    }
    if (result.status != AMP_OK) std::printf("  %s\n", amp_test::last_error(rt).c_str());
    amp_graph_runtime_destroy(rt);
    return result;
}

} // namespace

// The sampler's rate gradient against central differences along a per-frame direction (step
// 1e-6, 1e-6 relative), cubic and linear, with and without a loop (wrapping several times) and
// a lane that plays to the end; bit-identical across blocks 1, 7 and 160 and uneven calls.
TEST(sampler_rate_gradient_matches_central_differences) {
    const uint32_t frames = 160, length = 90;
    const std::vector<double> buffer = amp_test::noise(1, 1, length, 31).data;
    const std::vector<double> dy = amp_test::noise(2, 2, frames, 33).data;
    const std::vector<double> e = amp_test::noise(2, 1, frames, 34).data;
    const std::vector<double> wobble = amp_test::noise(2, 1, frames, 35).data;
    std::vector<double> rate(2 * static_cast<size_t>(frames));
    for (uint32_t f = 0; f < frames; ++f) { // batch 0 slower, batch 1 faster (reaches the end)
        rate[f] = 0.73 + 0.2 * wobble[f];
        rate[frames + f] = 1.37 + 0.3 * wobble[frames + f];
    }
    for (const char *params :
         {R"({"channels":2})", R"({"channels":2,"interpolation":"linear","start":3})",
          R"({"channels":2,"loop":true,"loop_start":20,"loop_end":70,"start":5})",
          R"({"channels":2,"loop":true,"loop_start":10,"interpolation":"linear"})"}) {
        const RateRun run = sampler_rate_run(params, buffer, frames, frames, frames, rate, &dy);
        CHECK_EQ(run.status, AMP_OK);
        const double numeric =
            amp_test::central_difference(rate, e, 1e-6, [&](const std::vector<double> &moved) {
                return amp_test::dot(
                    dy, sampler_rate_run(params, buffer, frames, frames, frames, moved, nullptr).y);
            });
        const double analytic = amp_test::dot(e, run.drate);
        std::printf("  %s: <e, drate> = %.17g, central differences %.17g\n", params, analytic,
                    numeric);
        CHECK(std::fabs(numeric) > 1e-1);
        CHECK(std::fabs(analytic - numeric) <= 1e-6 * std::fabs(numeric));
        // Bit-identity across blocks: a rate constant per batch (the same at any block size).
        std::vector<RateRun> flat;
        for (const auto &[block, call] :
             std::vector<std::pair<uint32_t, uint32_t>>{{frames, frames}, {1, frames}, {7, 33}}) {
            std::vector<double> constant(2 * static_cast<size_t>(block), 0.81);
            std::fill(constant.begin() + block, constant.end(), 1.29);
            flat.push_back(sampler_rate_run(params, buffer, frames, block, call, constant, &dy));
        }
        for (size_t i = 1; i < flat.size(); ++i) {
            CHECK(flat[i].y == flat[0].y);
            CHECK(flat[i].drate == flat[0].drate);
        }
    }
}

// The FFT divider inside a graph: in -> g1 (gain 0.7) -> fd (W 16, H 4, divisor 2 - 0.5i,
// filter_intensity and phase_offset per frame) -> d (delay 3) -> out (a gain summing it with
// `in` directly: latency compensation pads the direct edge by the divider's 15 frames), fan-out
// from `in`. y is linear in `in`: the dot-product test over the whole span, and the gradient
// bit-identical across blocks 97 (one window), 1 and 7 with uneven render calls.
namespace {

struct DividerRun {
    int32_t status = AMP_OK;
    std::vector<double> y, dx;
};

DividerRun divider_run(const std::string &fd_params, uint32_t frames, uint32_t block,
                       const std::vector<uint32_t> &calls, bool varying,
                       const std::vector<double> *dy) {
    DividerRun result;
    const std::string json =
        R"({"nodes":[{"name":"in","type":"conformance input","params":{}},
 {"name":"g1","type":"gain","params":{"gain":0.7}},
 {"name":"fd","type":"fft_divider","params":)" +
        fd_params + R"(},
 {"name":"d","type":"delay","params":{"frames":3}},
 {"name":"out","type":"gain","params":{"gain":1.0}}],
 "edges":[{"from":"in","to":"g1"},{"from":"g1","to":"fd"},{"from":"fd","to":"d"},
  {"from":"d","to":"out"},{"from":"in","to":"out"}],"output":"out"})";
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    // Per batch and frame (`varying`: periodic with the block; else constant per batch): the
    // gate's intensity and the phase.
    std::vector<double> intensity(2 * static_cast<size_t>(block)),
        phase(2 * static_cast<size_t>(block));
    for (uint32_t i = 0; i < 2 * block; ++i) {
        const double at = varying ? i : (i < block ? 0.0 : 1.0);
        intensity[i] = 0.6 + 0.3 * std::sin(0.37 * at);
        phase[i] = 0.8 * std::cos(0.23 * at);
    }
    if (result.status == AMP_OK)
        result.status = amp_graph_runtime_set_param(rt, "fd", "filter_intensity", intensity.data(),
                                                    2, 1, block);
    if (result.status == AMP_OK)
        result.status =
            amp_graph_runtime_set_param(rt, "fd", "phase_offset", phase.data(), 2, 1, block);
    if (result.status == AMP_OK && dy != nullptr)
        result.status = amp_graph_runtime_record(rt, frames, 0);
    result.y.assign(static_cast<size_t>(2) * 2 * frames, 0.0);
    if (result.status == AMP_OK)
        result.status = amp_test::execute_in_calls(rt, 4, frames, calls, result.y);
    if (result.status == AMP_OK && dy != nullptr) {
        result.dx.assign(result.y.size(), 0.0);
        const AmpGradientRequest request{"in", nullptr, 0, result.dx.data(), result.dx.size()};
        // Twice: a second pass over the same recording gives the same bits.
        result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), &request, 1);
        std::vector<double> again(result.dx.size());
        const AmpGradientRequest repeat{"in", nullptr, 0, again.data(), again.size()};
        if (result.status == AMP_OK)
            result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), &repeat, 1);
        if (result.status == AMP_OK && again != result.dx) result.status = AMP_ERR_INTERNAL;
    }
    if (result.status != AMP_OK) std::printf("  %s\n", amp_test::last_error(rt).c_str());
    amp_graph_runtime_destroy(rt);
    return result;
}

} // namespace

TEST(fft_divider_adjoint_runs_in_the_graph_pass_between_other_nodes) {
    conformance::register_input_node();
    const uint32_t frames = 97;
    const std::vector<double> dy = amp_test::noise(2, 2, frames, 41).data;
    const amp_test::Tensor x = amp_test::noise(2, 2, frames, 42);
    const amp_test::Tensor e = amp_test::noise(2, 2, frames, 43);
    for (const char *params :
         {R"({"window_size":16,"divisor":2,"divisor_imag":-0.5,"lower_band":0.2,"upper_band":0.7})",
          R"({"window_size":16,"hop":8,"window":"hamming","divisor":0.5})"}) {
        // The dot-product test with per-frame parameters, in one window and at block 7 with
        // uneven render calls.
        for (const auto &[block, calls] : std::vector<std::pair<uint32_t, std::vector<uint32_t>>>{
                 {97, {97}}, {7, {5, 1, 30, 2}}}) {
            gradient_inputs()[0] = x;
            const DividerRun run = divider_run(params, frames, block, calls, true, &dy);
            CHECK_EQ(run.status, AMP_OK);
            amp_test::Tensor moved = x;
            for (size_t i = 0; i < moved.data.size(); ++i) moved.data[i] += e.data[i];
            gradient_inputs()[0] = moved;
            const DividerRun shifted = divider_run(params, frames, block, calls, true, nullptr);
            gradient_inputs()[0] = x;
            double numeric = 0.0, analytic = 0.0;
            for (size_t i = 0; i < dy.size(); ++i) numeric += dy[i] * (shifted.y[i] - run.y[i]);
            for (size_t i = 0; i < e.data.size(); ++i) analytic += e.data[i] * run.dx[i];
            std::printf("  %s block %u: <e, dx> = %.17g, <J e, dy> = %.17g\n", params, block,
                        analytic, numeric);
            CHECK(std::fabs(numeric) > 1e-1);
            CHECK(std::fabs(analytic - numeric) <= 1e-10 * std::fabs(numeric));
        }
        // Bit-identity across blocks 97, 1 and 7 (parameters constant per batch).
        gradient_inputs()[0] = x;
        const DividerRun one = divider_run(params, frames, 97, {97}, false, &dy);
        for (const auto &[block, calls] : std::vector<std::pair<uint32_t, std::vector<uint32_t>>>{
                 {1, {97}}, {7, {5, 1, 30, 2}}}) {
            const DividerRun other = divider_run(params, frames, block, calls, false, &dy);
            CHECK_EQ(other.status, AMP_OK);
            CHECK(other.y == one.y);
            CHECK(other.dx == one.dx);
        }
    }
}

// The divider's walk starts at the end of the recorded span, not at the end of the forward
// stream: 13 frames before the span, 60 recorded, 21 rendered after it; the dot-product test
// over the span (the input moved inside the span only).
TEST(fft_divider_adjoint_of_a_span_recorded_mid_stream_with_frames_after_it) {
    conformance::register_input_node();
    const uint32_t skip = 13, frames = 60, after = 21, total = skip + frames + after;
    const std::string json =
        R"({"nodes":[{"name":"in","type":"conformance input","params":{}},
 {"name":"fd","type":"fft_divider","params":{"window_size":16,"hop":4,"divisor":1.5,"phase_offset":0.4}}],
 "edges":[{"from":"in","to":"fd"}],"output":"fd"})";
    const amp_test::Tensor x = amp_test::noise(2, 2, total, 51);
    const amp_test::Tensor e = amp_test::noise(2, 2, frames, 52);
    const std::vector<double> dy = amp_test::noise(2, 2, frames, 53).data;
    // y over the span for input `input`; with `dx`, the gradient with respect to `in` over it.
    auto run = [&](const amp_test::Tensor &input, std::vector<double> *dx) {
        gradient_inputs()[0] = input;
        AmpGraphRuntime *rt = nullptr;
        CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_OK);
        CHECK_EQ(amp_graph_runtime_configure(rt, 2, 8), AMP_OK);
        std::vector<double> head(4 * static_cast<size_t>(skip)), y(4 * static_cast<size_t>(frames)),
            tail(4 * static_cast<size_t>(after));
        CHECK_EQ(amp_graph_runtime_execute(rt, skip, head.data(), head.size(), nullptr), AMP_OK);
        if (dx != nullptr) CHECK_EQ(amp_graph_runtime_record(rt, frames, 0), AMP_OK);
        CHECK_EQ(amp_graph_runtime_execute(rt, frames, y.data(), y.size(), nullptr), AMP_OK);
        CHECK_EQ(amp_graph_runtime_execute(rt, after, tail.data(), tail.size(), nullptr), AMP_OK);
        if (dx != nullptr) {
            dx->assign(y.size(), 0.0);
            const AmpGradientRequest request{"in", nullptr, 0, dx->data(), dx->size()};
            CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &request, 1), AMP_OK);
        }
        amp_graph_runtime_destroy(rt);
        return y;
    };
    std::vector<double> dx;
    const std::vector<double> y = run(x, &dx);
    amp_test::Tensor moved = x;
    for (uint32_t lane = 0; lane < 4; ++lane)
        for (uint32_t f = 0; f < frames; ++f)
            moved.data[lane * total + skip + f] += e.data[lane * frames + f];
    const std::vector<double> shifted = run(moved, nullptr);
    double numeric = 0.0, analytic = 0.0;
    for (size_t i = 0; i < dy.size(); ++i) numeric += dy[i] * (shifted[i] - y[i]);
    for (size_t i = 0; i < e.data.size(); ++i) analytic += e.data[i] * dx[i];
    std::printf("  mid-stream span: <e, dx> = %.17g, <J e, dy> = %.17g\n", analytic, numeric);
    CHECK(std::fabs(numeric) > 1e-1);
    CHECK(std::fabs(analytic - numeric) <= 1e-10 * std::fabs(numeric));
}

// The divider with a divisor signal, between other nodes: in (2 channels) -> g (gain 0.7) -> fd
// (W 16, H 4, stabilizer 0.05 so that some bins divide by eps) <- den (1 channel, 1.2 + 0.4
// noise: broadcast to both lanes); fd -> out. Central differences of <dy, y> along directions of
// the divisor signal, of phase_offset and of stabilizer (per frame, only the analysis frames'
// values count) against the graph pass's gradients at blocks 16 and 5 with uneven calls, which
// agree bit for bit with each other and with a checkpointed recording (every 23 frames).
namespace {

struct DivisorRun {
    int32_t status = AMP_OK;
    std::vector<double> y, dden, dphase, deps;
};

DivisorRun divisor_run(uint32_t frames, uint32_t block, const std::vector<uint32_t> &calls,
                       uint64_t checkpoint, const std::vector<double> &phase,
                       const std::vector<double> &eps, const std::vector<double> *dy) {
    DivisorRun result;
    const std::string json =
        R"({"nodes":[{"name":"in","type":"conformance input","params":{}},
 {"name":"den","type":"conformance input","params":{"slot":1,"channels":1}},
 {"name":"g","type":"gain","params":{"gain":0.7}},
 {"name":"fd","type":"fft_divider","params":{"window_size":16,"hop":4,"lower_band":0.1,"upper_band":0.8,"filter_intensity":0.7}},
 {"name":"out","type":"gain","params":{"gain":1.0}}],
 "edges":[{"from":"in","to":"g"},{"from":"g","to":"fd"},{"from":"den","to":"fd","port":"divisor"},
  {"from":"fd","to":"out"}],"output":"out"})";
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    if (result.status == AMP_OK)
        result.status = amp_graph_runtime_set_param(rt, "fd", "phase_offset", phase.data(), 2, 1,
                                                    static_cast<uint32_t>(phase.size() / 2));
    if (result.status == AMP_OK)
        result.status = amp_graph_runtime_set_param(rt, "fd", "stabilizer", eps.data(), 2, 1,
                                                    static_cast<uint32_t>(eps.size() / 2));
    if (result.status == AMP_OK && dy != nullptr)
        result.status = checkpoint == 0
                            ? amp_graph_runtime_record(rt, frames, 0)
                            : amp_graph_runtime_record_checkpointed(rt, frames, checkpoint, 0);
    result.y.assign(static_cast<size_t>(2) * 2 * frames, 0.0);
    if (result.status == AMP_OK)
        result.status = amp_test::execute_in_calls(rt, 4, frames, calls, result.y);
    if (result.status == AMP_OK && dy != nullptr) {
        result.dden.assign(static_cast<size_t>(2) * frames, 0.0);
        result.dphase.assign(static_cast<size_t>(2) * frames, 0.0);
        result.deps.assign(static_cast<size_t>(2) * frames, 0.0);
        const AmpGradientRequest requests[] = {
            {"den", nullptr, 0, result.dden.data(), result.dden.size()},
            {"fd", "phase_offset", 0, result.dphase.data(), result.dphase.size()},
            {"fd", "stabilizer", 0, result.deps.data(), result.deps.size()}};
        result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), requests, 3);
    }
    if (result.status != AMP_OK) std::printf("  %s\n", amp_test::last_error(rt).c_str());
    amp_graph_runtime_destroy(rt);
    return result;
}

} // namespace

TEST(fft_divider_divisor_signal_and_parameter_gradients_through_a_graph) {
    conformance::register_input_node();
    const uint32_t frames = 90;
    const std::vector<double> dy = amp_test::noise(2, 2, frames, 61).data;
    gradient_inputs()[0] = amp_test::noise(2, 2, frames, 62);
    amp_test::Tensor den = amp_test::noise(2, 1, frames, 63);
    for (double &v : den.data) v = 1.2 + 0.4 * v;
    gradient_inputs()[1] = den;
    // Per-frame parameters for a block (the overrides repeat with the block).
    auto values = [](uint32_t block, double base, double depth, uint64_t seed) {
        std::vector<double> v = amp_test::noise(2, 1, block, seed).data;
        for (double &x : v) x = base + depth * x;
        return v;
    };
    std::vector<DivisorRun> runs;
    for (const auto &[block, calls] :
         std::vector<std::pair<uint32_t, std::vector<uint32_t>>>{{16, {16}}, {5, {5, 1, 30, 2}}}) {
        const std::vector<double> phase = values(block, 0.3, 0.5, 64);
        const std::vector<double> eps = values(block, 0.05, 0.02, 65);
        const DivisorRun run = divisor_run(frames, block, calls, 0, phase, eps, &dy);
        CHECK_EQ(run.status, AMP_OK);
        if (run.status != AMP_OK) return;
        // <dy, y> of a run: the loss whose gradient is checked.
        auto objective = [&](const DivisorRun &moved) { return amp_test::dot(dy, moved.y); };
        const double h = 1e-6;
        // The divisor signal.
        const amp_test::Tensor e = amp_test::noise(2, 1, frames, 66);
        double numeric = amp_test::central_difference(
            den.data, e.data, h, [&](const std::vector<double> &moved) {
                gradient_inputs()[1].data = moved;
                return objective(divisor_run(frames, block, calls, 0, phase, eps, nullptr));
            });
        gradient_inputs()[1] = den;
        double analytic = amp_test::dot(e.data, run.dden);
        std::printf("  block %u divisor: <e, dd> = %.17g, central differences %.17g\n", block,
                    analytic, numeric);
        CHECK(std::fabs(numeric) > 1e-2);
        CHECK(std::fabs(analytic - numeric) <= 1e-6 * std::fabs(numeric));
        // The parameters, along per-frame directions periodic with the block.
        for (int which = 0; which < 2; ++which) {
            const std::vector<double> direction = values(block, 0.0, 1.0, 67 + which);
            const std::vector<double> &base = which == 0 ? phase : eps;
            const std::vector<double> &grad = which == 0 ? run.dphase : run.deps;
            const double step = which == 0 ? h : 1e-8;
            numeric = amp_test::central_difference(
                base, direction, step, [&](const std::vector<double> &moved) {
                    return objective(divisor_run(frames, block, calls, 0,
                                                 which == 0 ? moved : phase,
                                                 which == 0 ? eps : moved, nullptr));
                });
            analytic = amp_test::periodic_dot(direction, block, grad, 2, frames);
            std::printf("  block %u %s: <e, dp> = %.17g, central differences %.17g\n", block,
                        which == 0 ? "phase_offset" : "stabilizer", analytic, numeric);
            CHECK(std::fabs(numeric) > 1e-2);
            CHECK(std::fabs(analytic - numeric) <= 1e-6 * std::fabs(numeric));
        }
        runs.push_back(run);
    }
    // Bit for bit across blocks and with a checkpointed recording (parameters constant per
    // batch, so the same at any block size).
    auto flat = [](uint32_t block, double first, double second) {
        std::vector<double> v(2 * static_cast<size_t>(block), first);
        std::fill(v.begin() + block, v.end(), second);
        return v;
    };
    std::vector<DivisorRun> same;
    for (const auto &[block, checkpoint] :
         std::vector<std::pair<uint32_t, uint64_t>>{{16, 0}, {5, 0}, {16, 23}, {1, 23}})
        same.push_back(divisor_run(frames, block, {frames}, checkpoint, flat(block, 0.3, -0.2),
                                   flat(block, 0.05, 0.03), &dy));
    for (size_t i = 1; i < same.size(); ++i) {
        CHECK_EQ(same[i].status, AMP_OK);
        CHECK(same[i].y == same[0].y);
        CHECK(same[i].dden == same[0].dden);
        CHECK(same[i].dphase == same[0].dphase);
        CHECK(same[i].deps == same[0].deps);
    }
    // Only the analysis frames' parameter values count (t_m = 4m + 3).
    for (uint32_t f = 0; f < frames; ++f)
        if (f % 4 != 3) CHECK(same[0].dphase[f] == 0.0 && same[0].dphase[frames + f] == 0.0);
}

// Other geometries through the suite's `gradients` check (every port, the divisor signal
// included, and every signal parameter): an odd window with direct sums, and hop W / 2.
TEST(fft_divider_passes_the_gradients_check_in_other_geometries) {
    report("fft_divider W 15 H 5 dft", gradients_with("fft_divider", {{"window_size", "15"},
                                                                      {"hop", "5"},
                                                                      {"window", "\"hamming\""},
                                                                      {"algorithm", "\"dft\""}}));
    report("fft_divider W 16 H 8",
           gradients_with("fft_divider", {{"window_size", "16"}, {"hop", "8"}}));
}

// Refusals: a node without a buffer, a buffer requested twice, a short output array.
TEST(buffer_gradient_refusals_name_the_node) {
    const std::string json = R"({"nodes":[{"name":"smp","type":"sampler","params":{}},
 {"name":"g","type":"gain","params":{}}],"edges":[{"from":"smp","to":"g"}],"output":"g"})";
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_OK);
    std::vector<double> y(64), dy(64, 1.0), d(64);
    CHECK_EQ(amp_graph_runtime_record(rt, 64, 0), AMP_OK);
    CHECK_EQ(amp_graph_runtime_execute(rt, 64, y.data(), y.size(), nullptr), AMP_OK);
    const AmpGradientRequest none{"smp", "@buffer", 0, d.data(), d.size()};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &none, 1), AMP_ERR_UNSUPPORTED);
    CHECK_CONTAINS(amp_test::last_error(rt), "node \"smp\" (sampler) has no buffer");
    const AmpGradientRequest gain{"g", "@buffer", 0, d.data(), d.size()};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &gain, 1), AMP_ERR_UNSUPPORTED);
    const std::vector<double> buffer(40, 0.5);
    CHECK_EQ(amp_graph_runtime_set_buffer(rt, "smp", 0, buffer.data(), 1, 40, 48000.0), AMP_OK);
    CHECK_EQ(amp_graph_runtime_record(rt, 64, 0), AMP_OK);
    CHECK_EQ(amp_graph_runtime_execute(rt, 64, y.data(), y.size(), nullptr), AMP_OK);
    const AmpGradientRequest twice[2] = {{"smp", "@buffer", 1, d.data(), 40},
                                         {"smp", "@buffer", 0, d.data(), 40}};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), twice, 2),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "requested twice");
    const AmpGradientRequest shorter{"smp", "@buffer", 1, d.data(), 39};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &shorter, 1),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK_CONTAINS(amp_test::last_error(rt), "needs 40 doubles");
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &twice[0], 1), AMP_OK);
    double total = 0.0;
    for (uint32_t i = 0; i < 40; ++i) total += d[i];
    CHECK_NEAR(total, 40.0, 1e-12); // every output frame read one buffer frame at weight 1
    amp_graph_runtime_destroy(rt);
}

// Every waveform with both drivers at oversample 1 (per-frame frequency, amplitude, phase_offset
// and pulse_width from the suite's wobble; steps of frequency and phase_offset on the 2^-20
// grid the oscillator quantizes to), stereo (pan) and a clamp that cuts the wave.
TEST(oscillator_adjoint_passes_the_gradients_check_for_each_waveform_and_driver) {
    for (const char *wave : {"sine", "saw", "square", "triangle"})
        for (const char *driver : {"polyblep", "naive"})
            report(std::string("oscillator ") + wave + " " + driver,
                   gradients_with("oscillator", {{"waveform", std::string("\"") + wave + "\""},
                                                 {"driver", std::string("\"") + driver + "\""}}));
    report("oscillator stereo",
           gradients_with("oscillator", {{"waveform", "\"triangle\""}, {"stereo", "true"}}));
    report("oscillator clamp", gradients_with("oscillator", {{"clamp", "0.8"}}));
    report("oscillator square stereo clamp",
           gradients_with("oscillator",
                          {{"waveform", "\"square\""}, {"stereo", "true"}, {"clamp", "0.9"}}));
}

// Oversampling: the rendered-rate gradient through the decimator's transpose (its latency,
// K frames, inside the span), every factor and tier.
TEST(oscillator_adjoint_passes_the_gradients_check_when_oversampling) {
    const char *waves[] = {"saw", "square", "triangle", "sine"};
    const char *tiers[] = {"fast", "linear", "best", "fast"};
    uint32_t i = 0;
    for (const char *os : {"2", "4", "8", "16"}) {
        const std::string wave = waves[i], tier = tiers[i++];
        report("oscillator " + wave + " oversample " + os + " " + tier,
               gradients_with("oscillator", {{"waveform", "\"" + wave + "\""},
                                             {"oversample", os},
                                             {"quality", "\"" + tier + "\""}}));
    }
    report("oscillator stereo naive saw oversample 4",
           gradients_with("oscillator", {{"waveform", "\"saw\""},
                                         {"driver", "\"naive\""},
                                         {"stereo", "true"},
                                         {"oversample", "4"}}));
}

// The periodicity cache serves most frames of a 10-frame period (4800 Hz; the op_amp follower's
// state repeats too once settled): the gradients are the
// same bits with it on and off (and at block 1), and the summed frequency gradient matches
// central differences (steps on the 2^-20 Hz grid, so the quantized increment sees them exactly).
TEST(oscillator_gradients_are_the_same_with_the_cache_on_and_off) {
    const uint32_t frames = 400;
    const std::vector<std::pair<std::string, std::string>> wrt = {{"osc", "frequency"},
                                                                  {"osc", "amplitude"},
                                                                  {"osc", "phase_offset"},
                                                                  {"osc", "pulse_width"}};
    for (const char *os : {"1", "4"})
        for (const char *wave :
             {R"("waveform":"saw")", R"("waveform":"square")",
              R"("waveform":"square","mode":"op_amp","slew":200000,"clamp":0.9)"}) {
            const std::string common = std::string(wave) + R"(,"oversample":)" + os +
                                       R"(,"phase_offset":0.013,"amplitude":0.7)";
            const auto with = [&](double frequency, const char *cache) {
                return osc_graph("{" + common + ",\"frequency\":" + number(frequency) +
                                 ",\"cache\":" + cache + "}");
            };
            const std::string what = std::string(wave) + " oversample " + os;
            const GraphGrads on = graph_grads(with(4800.0, "true"), frames, 64, wrt, false);
            const GraphGrads off = graph_grads(with(4800.0, "false"), frames, 64, wrt, false);
            const GraphGrads on_block1 = graph_grads(with(4800.0, "true"), frames, 1, wrt, false);
            CHECK_EQ(on.status, AMP_OK);
            CHECK_EQ(off.status, AMP_OK);
            if (on.replayed < 0.5 * frames)
                std::printf("  %s: %g frames replayed\n", what.c_str(), on.replayed);
            CHECK(on.replayed > 0.5 * frames);
            CHECK(off.replayed == 0.0);
            CHECK(on.y == off.y);
            CHECK(on.grads == off.grads);
            CHECK(on_block1.grads == on.grads);
            // The summed frequency gradient against central differences (both batches move).
            const GraphGrads summed = graph_grads(with(4800.0, "true"), frames, 64, wrt, true);
            const double h = 0x1p-12;
            const double numeric = (loss_of(with(4800.0 + h, "true"), frames) -
                                    loss_of(with(4800.0 - h, "true"), frames)) /
                                   (2 * h);
            const double analytic = summed.grads[0][0] + summed.grads[0][1];
            if (!conformance::gradient_close(numeric, analytic, 1e-6))
                std::printf("  %s: d frequency %.12g, central differences %.12g\n", what.c_str(),
                            analytic, numeric);
            CHECK(conformance::gradient_close(numeric, analytic, 1e-6));
            CHECK(std::fabs(analytic) > 1e-3);
        }
}

// Frequency modulated through an add edge (scale 4) from a constant into an oversampled
// PolyBLEP saw: the constant's gradient (summed) against central differences (steps of 2^-14,
// 2^-12 Hz at the oscillator: on its grid).
TEST(oscillator_frequency_gradient_through_a_modulation_edge) {
    const auto graph = [](double value) {
        return R"({"nodes":[{"name":"m","type":"constant","params":{"value":)" + number(value) +
               R"(}},{"name":"osc","type":"oscillator","params":{"waveform":"saw",
 "frequency":997,"oversample":2,"amplitude":0.6}}],"edges":[],
 "modulations":[{"from":"m","to":"osc","param":"frequency","mode":"add","scale":4}],
 "output":"osc"})";
    };
    const uint32_t frames = 300;
    const GraphGrads run = graph_grads(graph(3.0), frames, 37, {{"m", "value"}}, true);
    CHECK_EQ(run.status, AMP_OK);
    const double h = 0x1p-14;
    const double numeric =
        (loss_of(graph(3.0 + h), frames) - loss_of(graph(3.0 - h), frames)) / (2 * h);
    const double analytic = run.grads[0][0] + run.grads[0][1];
    if (!conformance::gradient_close(numeric, analytic, 1e-6))
        std::printf("  d m.value %.12g, central differences %.12g\n", analytic, numeric);
    CHECK(conformance::gradient_close(numeric, analytic, 1e-6));
    CHECK(std::fabs(analytic) > 1e-3);
}

// A square lfo on reset restarts the phase every 160 frames: the frequency gradient's running
// sum stops at each restart (frames before it no longer move the phase), in every mode; the
// summed gradient against central differences at oversample 1 and 2.
TEST(oscillator_frequency_gradient_stops_at_phase_restarts) {
    for (const char *extra :
         {R"("oversample":1)", R"("oversample":2,"mode":"op_amp","slew":90000)"}) {
        const auto graph = [&](double frequency) {
            return R"({"nodes":[{"name":"wob","type":"lfo","params":{"shape":"square",
 "rate_hz":300,"depth":1}},{"name":"osc","type":"oscillator","params":{"waveform":"saw",
 "amplitude":0.6,"frequency":)" +
                   number(frequency) + "," + extra + R"(}}],"edges":[],
 "modulations":[{"from":"wob","to":"osc","param":"reset","mode":"add"}],"output":"osc"})";
        };
        const uint32_t frames = 700;
        const GraphGrads run = graph_grads(graph(1234.5), frames, 64, {{"osc", "frequency"}}, true);
        CHECK_EQ(run.status, AMP_OK);
        const double h = 0x1p-12;
        const double numeric =
            (loss_of(graph(1234.5 + h), frames) - loss_of(graph(1234.5 - h), frames)) / (2 * h);
        const double analytic = run.grads[0][0] + run.grads[0][1];
        if (!conformance::gradient_close(numeric, analytic, 1e-6))
            std::printf("  %s: d frequency %.12g, central differences %.12g\n", extra, analytic,
                        numeric);
        CHECK(conformance::gradient_close(numeric, analytic, 1e-6));
        CHECK(std::fabs(analytic) > 1e-3);
    }
}

// Modes integrator and op_amp: the recursion's adjoint (the state clamp and the follower's slew
// limit as recorded), at oversample 1 and 4, mono and stereo.
TEST(oscillator_modes_pass_the_gradients_check) {
    report("oscillator integrator square",
           gradients_with("oscillator", {{"mode", "\"integrator\""}, {"waveform", "\"square\""}}));
    report("oscillator integrator saw clamped",
           gradients_with("oscillator", {{"mode", "\"integrator\""},
                                         {"waveform", "\"saw\""},
                                         {"integrator_gain", "2"},
                                         {"leak", "0.9"},
                                         {"clamp", "0.7"}}));
    report("oscillator integrator triangle oversample 4",
           gradients_with("oscillator", {{"mode", "\"integrator\""},
                                         {"waveform", "\"triangle\""},
                                         {"oversample", "4"},
                                         {"stereo", "true"}}));
    report("oscillator op_amp square",
           gradients_with("oscillator", {{"mode", "\"op_amp\""}, {"waveform", "\"square\""}}));
    report("oscillator op_amp sine slew",
           gradients_with("oscillator",
                          {{"mode", "\"op_amp\""}, {"slew", "20000"}, {"clamp", "0.6"}}));
    report("oscillator op_amp saw oversample 4",
           gradients_with("oscillator", {{"mode", "\"op_amp\""},
                                         {"waveform", "\"saw\""},
                                         {"slew", "50000"},
                                         {"oversample", "4"},
                                         {"quality", "\"linear\""}}));
}

AMP_TEST_MAIN()

// The pitch shifter's adjoint through a graph: in (two partials and a little noise, 2 channels)
// -> g (gain 0.8) -> ps (window 256, hop 64, ratio per frame near 1.2 or 0.8) -> out. Central
// differences of <dy, y> (step 1e-7 for both: the noise's bins, magnitudes near 0.01, turn their
// phases fast, so a step of 1e-6 leaves a truncation error near 1e-5 relative; 1e-5 crosses peak
// choices) along a direction of the input and of the ratio (per frame: only the analysis
// frames' values count) against the graph pass at blocks 64 and 7 (uneven calls), and
// the gradients bit for bit across blocks 64, 1 and 7 and a checkpointed recording.
namespace {

struct ShiftRun {
    int32_t status = AMP_OK;
    std::vector<double> y, dx, dratio;
};

ShiftRun shift_run(uint32_t frames, uint32_t block, const std::vector<uint32_t> &calls,
                   uint64_t checkpoint, const std::vector<double> &ratio,
                   const std::vector<double> *dy) {
    ShiftRun result;
    const std::string json =
        R"({"nodes":[{"name":"in","type":"conformance input","params":{}},
 {"name":"g","type":"gain","params":{"gain":0.8}},
 {"name":"ps","type":"pitch_shift","params":{"window":256,"hop":64}},
 {"name":"out","type":"gain","params":{"gain":1.0}}],
 "edges":[{"from":"in","to":"g"},{"from":"g","to":"ps"},{"from":"ps","to":"out"}],
 "output":"out"})";
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    if (result.status == AMP_OK)
        result.status = amp_graph_runtime_set_param(rt, "ps", "ratio", ratio.data(), 2, 1, block);
    if (result.status == AMP_OK && dy != nullptr)
        result.status = checkpoint == 0
                            ? amp_graph_runtime_record(rt, frames, 0)
                            : amp_graph_runtime_record_checkpointed(rt, frames, checkpoint, 0);
    result.y.assign(static_cast<size_t>(2) * 2 * frames, 0.0);
    if (result.status == AMP_OK)
        result.status = amp_test::execute_in_calls(rt, 4, frames, calls, result.y);
    if (result.status == AMP_OK && dy != nullptr) {
        result.dx.assign(result.y.size(), 0.0);
        result.dratio.assign(static_cast<size_t>(2) * frames, 0.0);
        const AmpGradientRequest requests[] = {
            {"in", nullptr, 0, result.dx.data(), result.dx.size()},
            {"ps", "ratio", 0, result.dratio.data(), result.dratio.size()}};
        result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), requests, 2);
    }
    if (result.status != AMP_OK) std::printf("  %s\n", amp_test::last_error(rt).c_str());
    amp_graph_runtime_destroy(rt);
    return result;
}

} // namespace

TEST(pitch_shift_gradients_through_a_graph_match_central_differences) {
    conformance::register_input_node();
    const uint32_t frames = 700;
    const std::vector<double> dy = amp_test::noise(2, 2, frames, 71).data;
    amp_test::Tensor x = amp_test::noise(2, 2, frames, 72);
    for (uint32_t lane = 0; lane < 4; ++lane)
        for (uint32_t f = 0; f < frames; ++f) {
            double &v = x.data[lane * frames + f];
            v = 0.5 * std::sin(2 * M_PI * (0.031 + 0.002 * lane) * f) +
                0.3 * std::sin(2 * M_PI * 0.083 * f + lane) + 0.01 * v;
        }
    gradient_inputs()[0] = x;
    for (const double centre : {1.2, 0.8}) {
        for (const auto &[block, calls] : std::vector<std::pair<uint32_t, std::vector<uint32_t>>>{
                 {64, {64}}, {7, {5, 1, 300, 2}}}) {
            std::vector<double> ratio = amp_test::noise(2, 1, block, 73).data;
            for (double &r : ratio) r = centre + 0.05 * r;
            const ShiftRun run = shift_run(frames, block, calls, 0, ratio, &dy);
            CHECK_EQ(run.status, AMP_OK);
            if (run.status != AMP_OK) return;
            // <dy, y> of a run: the loss whose gradient is checked.
            auto objective = [&](const ShiftRun &moved) { return amp_test::dot(dy, moved.y); };
            const double h = 1e-7;
            const amp_test::Tensor e = amp_test::noise(2, 2, frames, 74);
            double numeric = amp_test::central_difference(
                x.data, e.data, h, [&](const std::vector<double> &moved) {
                    gradient_inputs()[0].data = moved;
                    return objective(shift_run(frames, block, calls, 0, ratio, nullptr));
                });
            gradient_inputs()[0] = x;
            double analytic = amp_test::dot(e.data, run.dx);
            std::printf("  ratio %.1f block %u input: <e, dx> = %.17g, central differences "
                        "%.17g\n",
                        centre, block, analytic, numeric);
            CHECK(std::fabs(numeric) > 1e-2);
            CHECK(std::fabs(analytic - numeric) <= 1e-6 * std::fabs(numeric));
            const std::vector<double> direction = amp_test::noise(2, 1, block, 75).data;
            numeric = amp_test::central_difference(
                ratio, direction, h, [&](const std::vector<double> &moved) {
                    return objective(shift_run(frames, block, calls, 0, moved, nullptr));
                });
            analytic = amp_test::periodic_dot(direction, block, run.dratio, 2, frames);
            std::printf("  ratio %.1f block %u ratio: <e, dr> = %.17g, central differences "
                        "%.17g\n",
                        centre, block, analytic, numeric);
            CHECK(std::fabs(numeric) > 1e-2);
            CHECK(std::fabs(analytic - numeric) <= 1e-6 * std::fabs(numeric));
        }
    }
    // Bit for bit across blocks and with a checkpointed recording (the ratio constant per
    // batch); only the analysis frames' ratio values get a gradient (t_m = 64 m + 63).
    std::vector<ShiftRun> same;
    for (const auto &[block, checkpoint] :
         std::vector<std::pair<uint32_t, uint64_t>>{{64, 0}, {1, 0}, {7, 0}, {64, 150}}) {
        std::vector<double> ratio(2 * static_cast<size_t>(block), 1.25);
        std::fill(ratio.begin() + block, ratio.end(), 0.75);
        same.push_back(shift_run(frames, block, {frames}, checkpoint, ratio, &dy));
    }
    for (size_t i = 1; i < same.size(); ++i) {
        CHECK_EQ(same[i].status, AMP_OK);
        CHECK(same[i].y == same[0].y);
        CHECK(same[i].dx == same[0].dx);
        CHECK(same[i].dratio == same[0].dratio);
    }
    for (uint32_t f = 0; f < frames; ++f)
        if (f % 64 != 63) CHECK(same[0].dratio[f] == 0.0 && same[0].dratio[frames + f] == 0.0);
}
