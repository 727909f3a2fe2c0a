// test_single_node_fast_path.cpp: the one-frame path of amp_run_node_v2 (c_api_node.cpp
// run_one_frame -> single_node_step.cpp) against the block-loop path it replaces. Each sequence
// of calls runs twice, on two fresh states: once with the one-frame path on (the default) and
// once with every call sent through GraphRuntime::execute (amp::set_one_frame_path(false)).
// Statuses, error messages, every output sample, the final state's snapshot bytes (node state,
// heat accumulators, call-start totals, stream position) and a last call's metrics must agree
// bit for bit; and the path must really have served the calls it should (amp::one_frame_calls).
// Also the runtime allocator of the outputs (call_buffers.h).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "nodes/node.h"
#include "runtime/call_buffers.h"
#include "runtime/single_node.h"
#include "test_support.h"

namespace {

// One call of a sequence: shapes, the audio value pattern, and optional parameter views.
struct Call {
    uint32_t batches = 1;
    uint32_t channels = 1; // of every audio port (0 for a source)
    uint32_t frames = 1;
    const char *type = nullptr; // another node type for this call (null: the sequence's)
    std::vector<std::pair<std::string, std::vector<double>>> params; // name, B x C x F data
    std::vector<uint32_t> param_shape;                               // B, C per param view
    bool metrics = false; // pass metrics (their heat and telemetry join the call's output)
    // Before the call: keep a snapshot of the state (save), or restore the kept one (restore).
    bool save = false;
    bool restore = false;
    // Free this call's output after the next call (whose output block then is not the one in the
    // cache's slot).
    bool hold = false;
};

struct Outcome {
    std::vector<int32_t> statuses;
    std::vector<std::string> errors;
    std::vector<std::vector<double>> outputs;
    std::vector<unsigned char> snapshot;
    uint64_t node_bytes = 0;  // of the snapshot: the nodes' own saved state, at its end
    std::vector<double> tail; // 8 frames rendered after the sequence
    AmpNodeMetrics metrics{};
    uint64_t one_frame_calls = 0;
    uint32_t states_replaced = 0;
    bool lane_armed = false; // the one-lane frame was armed after the sequence
};

double input_value(uint32_t call, size_t k) {
    return 0.25 * std::sin(0.37 * call + 1.3 * static_cast<double>(k)) +
           0.01 * static_cast<double>(k);
}

bool same_bits(const std::vector<double> &a, const std::vector<double> &b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

Outcome run_sequence(const amp::NodeSpec &spec, const std::string &params_json,
                     const std::vector<Call> &calls, bool one_frame_path) {
    amp::set_one_frame_path(one_frame_path);
    Outcome result;
    void *state = nullptr;
    const std::string json = "{" + params_json + "}";
    std::vector<unsigned char> kept;
    double *held = nullptr;
    for (uint32_t i = 0; i < calls.size(); ++i) {
        const Call &call = calls[i];
        if (call.save) {
            uint64_t bytes = 0;
            CHECK_EQ(amp_node_state_snapshot_size(state, &bytes), AMP_OK);
            kept.resize(bytes);
            CHECK_EQ(amp_node_state_snapshot(state, kept.data(), bytes), AMP_OK);
        }
        if (call.restore) CHECK_EQ(amp_node_state_restore(state, kept.data(), kept.size()), AMP_OK);
        AmpNodeDescriptorView descriptor{"n", call.type != nullptr ? call.type : spec.type_name,
                                         json.c_str()};
        std::vector<double> audio_data(static_cast<size_t>(call.batches) * call.channels *
                                       call.frames);
        for (size_t k = 0; k < audio_data.size(); ++k) audio_data[k] = input_value(i, k);
        std::vector<AmpAudioView> audio(
            spec.input_count,
            AmpAudioView{audio_data.data(), call.batches, call.channels, call.frames});
        std::vector<AmpParamView> views;
        for (size_t p = 0; p < call.params.size(); ++p)
            views.push_back({call.params[p].first.c_str(), call.params[p].second.data(),
                             call.param_shape[2 * p], call.param_shape[2 * p + 1], call.frames});
        AmpNodeInputs inputs{audio.data(), spec.input_count, views.data(),
                             static_cast<uint32_t>(views.size())};
        double *out = nullptr;
        int32_t out_channels = -1;
        void *before = state;
        AmpNodeMetrics metrics{};
        const int32_t status =
            amp_run_node_v2(&descriptor, &inputs, static_cast<int32_t>(call.batches),
                            static_cast<int32_t>(spec.input_count == 0 ? 0 : call.channels),
                            static_cast<int32_t>(call.frames), 48000.0, &out, &out_channels, &state,
                            nullptr, AMP_EXECUTION_FORWARD, call.metrics ? &metrics : nullptr);
        result.statuses.push_back(status);
        AmpErrorView error{};
        if (status != AMP_OK) amp_run_node_last_error(&error);
        result.errors.push_back(status != AMP_OK ? error.detail : "");
        if (before != nullptr && state != before) { // a new stream: the caller releases the old
            result.one_frame_calls += amp::one_frame_calls(before);
            amp_release_state(before);
            ++result.states_replaced;
        }
        result.outputs.emplace_back();
        if (status == AMP_OK)
            result.outputs.back().assign(out, out + static_cast<size_t>(call.batches) *
                                                        out_channels * call.frames);
        if (call.metrics) {
            result.outputs.back().push_back(metrics.accumulated_heat);
            result.outputs.back().insert(result.outputs.back().end(), metrics.reserved,
                                         metrics.reserved + 6);
        }
        amp_free(held);
        held = nullptr;
        if (call.hold)
            held = out;
        else
            amp_free(out);
    }
    amp_free(held);
    if (state != nullptr) {
        result.one_frame_calls += amp::one_frame_calls(state);
        result.lane_armed = amp::one_lane_frame_armed(state);
        uint64_t bytes = 0;
        CHECK_EQ(amp_node_state_snapshot_size(state, &bytes), AMP_OK);
        result.snapshot.resize(bytes);
        CHECK_EQ(amp_node_state_snapshot(state, result.snapshot.data(), bytes), AMP_OK);
        result.node_bytes = amp::node_saved_state_bytes(state);
        // A last call of 8 frames with metrics (the block-loop path both times): the stream's
        // state shows in its samples and heat.
        const Call &last = calls.back();
        std::vector<double> ramp(static_cast<size_t>(last.batches) * last.channels * 8);
        for (size_t k = 0; k < ramp.size(); ++k) ramp[k] = 0.01 * static_cast<double>(k);
        std::vector<AmpAudioView> audio(spec.input_count,
                                        AmpAudioView{ramp.data(), last.batches, last.channels, 8});
        AmpNodeInputs inputs{audio.data(), spec.input_count, nullptr, 0};
        AmpNodeDescriptorView descriptor{"n", spec.type_name, json.c_str()};
        double *out = nullptr;
        int32_t out_channels = 0;
        CHECK_EQ(amp_run_node_v2(&descriptor, &inputs, static_cast<int32_t>(last.batches),
                                 static_cast<int32_t>(spec.input_count == 0 ? 0 : last.channels), 8,
                                 48000.0, &out, &out_channels, &state, nullptr,
                                 AMP_EXECUTION_FORWARD, &result.metrics),
                 AMP_OK);
        result.tail.assign(out, out + static_cast<size_t>(last.batches) * out_channels * 8);
        amp_free(out);
        amp_release_state(state);
    }
    amp::set_one_frame_path(true);
    return result;
}

// Runs the sequence both ways and checks that they agree; returns the one-frame run.
Outcome compare_paths(const amp::NodeSpec &spec, const std::string &params_json,
                      const std::vector<Call> &calls) {
    const Outcome fast = run_sequence(spec, params_json, calls, true);
    const Outcome slow = run_sequence(spec, params_json, calls, false);
    CHECK(fast.statuses == slow.statuses);
    CHECK(fast.errors == slow.errors);
    CHECK_EQ(fast.outputs.size(), slow.outputs.size());
    for (size_t i = 0; i < fast.outputs.size() && i < slow.outputs.size(); ++i)
        CHECK(same_bits(fast.outputs[i], slow.outputs[i]));
    // The snapshots agree bit for bit up to the bytes the nodes save themselves (some nodes save
    // structs with padding, whose bytes are not reproducible even between two identical runs);
    // the node's own state shows in the 8 frames rendered after the sequence.
    CHECK_EQ(fast.snapshot.size(), slow.snapshot.size());
    CHECK_EQ(fast.node_bytes, slow.node_bytes);
    CHECK(fast.snapshot.size() >= fast.node_bytes);
    CHECK(std::equal(fast.snapshot.begin(), fast.snapshot.end() - fast.node_bytes,
                     slow.snapshot.begin()));
    CHECK(same_bits(fast.tail, slow.tail));
    CHECK(same_bits(fast.metrics.accumulated_heat, slow.metrics.accumulated_heat));
    CHECK_EQ(fast.metrics.measured_delay_frames, slow.metrics.measured_delay_frames);
    for (int i = 0; i < 6; ++i)
        CHECK(same_bits(fast.metrics.reserved[i], slow.metrics.reserved[i]));
    CHECK_EQ(slow.one_frame_calls, 0u);
    CHECK(!slow.lane_armed);
    CHECK_EQ(fast.states_replaced, slow.states_replaced);
    return fast;
}

const amp::NodeSpec &spec_named(const char *name) {
    size_t count = 0;
    const amp::NodeSpec *const *registry = amp::node_registry(&count);
    for (size_t i = 0; i < count; ++i)
        if (std::strcmp(registry[i]->type_name, name) == 0) return *registry[i];
    std::abort();
}

std::vector<Call> frames_of(uint32_t count, uint32_t batches, uint32_t channels) {
    Call call;
    call.batches = batches;
    call.channels = channels;
    return std::vector<Call>(count, call);
}

// params_json for a node type: defaults, plus a curve name for required text parameters.
std::string base_params(const amp::NodeSpec &spec) {
    std::string json;
    for (uint32_t p = 0; p < spec.param_count; ++p)
        if (spec.params[p].kind == amp::ParamKind::Text && spec.params[p].default_text == nullptr)
            json += std::string(json.empty() ? "" : ",") + "\"" + spec.params[p].name + "\":\"c\"";
    return json;
}

} // namespace

TEST(every_node_type_agrees_frame_by_frame_with_b2_c2_and_a_declared_delay) {
    size_t count = 0;
    const amp::NodeSpec *const *registry = amp::node_registry(&count);
    for (size_t i = 0; i < count; ++i) {
        const amp::NodeSpec &spec = *registry[i];
        std::printf("  %s\n", spec.type_name);
        const std::string params = base_params(spec);
        const std::vector<Call> calls = frames_of(40, 2, spec.input_count == 0 ? 0 : 2);
        const Outcome plain = compare_paths(spec, params, calls);
        // Every call after the first (which makes the state) takes the one-frame path, or none
        // does (a node that reads a control curve needs the block loop's history check; a tap
        // publisher the loop's tap records).
        CHECK(plain.one_frame_calls == 0 || plain.one_frame_calls == calls.size() - 1);
        if (!spec.delay_is_latency)
            compare_paths(
                spec, params + (params.empty() ? "" : ",") + "\"declared_delay_frames\":3", calls);
    }
    // The two nodes of the per-call benchmark take it.
    CHECK_EQ(compare_paths(spec_named("gain"), "", frames_of(10, 2, 2)).one_frame_calls, 9u);
    CHECK_EQ(compare_paths(spec_named("sine_osc"), "\"channels\":2", frames_of(10, 2, 0))
                 .one_frame_calls,
             9u);
    CHECK_EQ(compare_paths(spec_named("gain"), "\"declared_delay_frames\":3", frames_of(10, 1, 1))
                 .one_frame_calls,
             9u);
}

TEST(a_state_reused_after_a_shape_change_starts_a_new_stream_both_ways) {
    std::vector<Call> calls = frames_of(5, 1, 1);
    const std::vector<Call> wide = frames_of(5, 2, 2);
    calls.insert(calls.end(), wide.begin(), wide.end());
    Call window; // a longer window on the new state, then frames again
    window.batches = 2;
    window.channels = 2;
    window.frames = 7;
    calls.push_back(window);
    const std::vector<Call> more = frames_of(3, 2, 2);
    calls.insert(calls.end(), more.begin(), more.end());
    calls.push_back(Call{}); // back to 1 x 1: another new stream
    const Outcome run = compare_paths(spec_named("gain"), "\"gain\":0.5", calls);
    CHECK_EQ(run.states_replaced, 2u);
    // The first call of each shape makes its state; the 7-frame window takes the block loop.
    CHECK_EQ(run.one_frame_calls, 4u + 4u + 3u);
}

TEST(a_state_of_another_node_type_is_an_error_and_stays_usable) {
    std::vector<Call> calls = frames_of(4, 1, 1);
    Call other;
    other.type = "sine_osc";
    calls.insert(calls.begin() + 2, other);
    Call misspelt;
    misspelt.type = "gainx";
    calls.insert(calls.begin() + 3, misspelt);
    const Outcome run = compare_paths(spec_named("gain"), "", calls);
    CHECK_EQ(run.statuses[2], AMP_ERR_INVALID_ARGUMENT);
    CHECK(run.errors[2].find("state belongs to node type \"gain\", not \"sine_osc\"") !=
          std::string::npos);
    CHECK_EQ(run.statuses[3], AMP_ERR_UNKNOWN_NODE_TYPE);
    CHECK_EQ(run.one_frame_calls, 3u); // calls 1, 4 and 5 (call 0 makes the state)
}

TEST(parameter_and_heat_views_given_per_call_agree_and_bad_ones_give_the_same_errors) {
    const amp::NodeSpec &gain = spec_named("gain");
    std::vector<Call> calls;
    for (uint32_t i = 0; i < 6; ++i) {
        Call call;
        call.batches = 2;
        call.channels = 2;
        call.params = {{"gain", {0.5 + 0.1 * i, -0.25 * i}}};
        call.param_shape = {2, 1};
        if (i % 2 == 1) { // a heat view on every other call, and a per-channel gain
            call.params = {{"gain", {1.5, 2.0}}, {"thermo.heat", {0.125 * i, 0.5}}};
            call.param_shape = {1, 2, 2, 1};
        }
        calls.push_back(call);
    }
    Call out_of_range = calls[0];
    out_of_range.params = {{"gain", {1e13, 1.0}}};
    calls.insert(calls.begin() + 2, out_of_range);
    Call unknown = calls[0];
    unknown.params = {{"gian", {1.0, 1.0}}};
    calls.insert(calls.begin() + 3, unknown);
    Call bad_shape = calls[0];
    bad_shape.params = {{"gain", {1.0, 1.0, 1.0}}};
    bad_shape.param_shape = {1, 3};
    calls.insert(calls.begin() + 4, bad_shape);
    Call negative_heat = calls[0];
    negative_heat.params = {{"thermo.heat", {-1.0, 0.0}}};
    calls.insert(calls.begin() + 5, negative_heat);
    const Outcome run = compare_paths(gain, "", calls);
    CHECK_EQ(run.statuses[2], AMP_ERR_INVALID_ARGUMENT);
    CHECK(run.errors[2].find("expects") != std::string::npos);
    CHECK_EQ(run.statuses[3], AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(run.statuses[4], AMP_ERR_SHAPE_MISMATCH);
    CHECK_EQ(run.statuses[5], AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(run.one_frame_calls, 5u); // the valid calls after the first

    // A source with per-channel frequency and amplitude views.
    std::vector<Call> sine;
    for (uint32_t i = 0; i < 5; ++i) {
        Call call;
        call.batches = 2;
        call.channels = 0;
        call.params = {{"frequency", {300.0 + 7 * i, 1250.0}}, {"amplitude", {0.25 * i}}};
        call.param_shape = {1, 2, 1, 1};
        sine.push_back(call);
    }
    sine.push_back(frames_of(1, 2, 0)[0]); // then the params_json values again
    CHECK_EQ(compare_paths(spec_named("sine_osc"), "\"channels\":2", sine).one_frame_calls, 5u);
}

// The one-lane frame (one_lane_frame.h): one batch lane, one channel. Every node type, then the
// events that disarm it or that it must survive, between one-frame calls.
TEST(one_lane_calls_agree_for_every_node_type_and_across_state_changes) {
    size_t count = 0;
    const amp::NodeSpec *const *registry = amp::node_registry(&count);
    uint32_t armed = 0;
    for (size_t i = 0; i < count; ++i) {
        const amp::NodeSpec &spec = *registry[i];
        std::printf("  %s\n", spec.type_name);
        const Outcome run =
            compare_paths(spec, base_params(spec), frames_of(24, 1, spec.input_count == 0 ? 0 : 1));
        armed += run.lane_armed ? 1 : 0;
    }
    CHECK(armed >= 2);
    for (const char *name : {"gain", "sine_osc"}) {
        const amp::NodeSpec &spec = spec_named(name);
        const uint32_t channels = spec.input_count == 0 ? 0 : 1;
        const std::string params = std::strcmp(name, "gain") == 0 ? "\"gain\":0.75" : "";
        const Outcome plain = compare_paths(spec, params, frames_of(12, 1, channels));
        CHECK(plain.lane_armed);
        CHECK_EQ(plain.one_frame_calls, 11u);
        std::vector<Call> calls = frames_of(30, 1, channels);
        calls[5].metrics = true;  // one frame with metrics after lean calls
        calls[6].metrics = true;  // twice (the lanes were copied by the first)
        calls[9].save = true;     // a snapshot between lean calls ...
        calls[14].restore = true; // ... restored five frames later
        calls[17].restore = true; // ... and again
        calls[18].frames = 5;     // a window
        calls[20].params = {{spec.params[0].name, {spec.params[0].default_value * 0.5 + 1.0}}};
        calls[20].param_shape = {1, 1}; // a parameter view on one call, then none
        calls[24].params = {{"thermo.heat", {0.375}}};
        calls[24].param_shape = {1, 1}; // a heat view on one call, then none
        calls[27].metrics = true;       // metrics right after the heat view's call
        calls[28].hold = true;          // call 29's output block is not the slot's
        const Outcome run = compare_paths(spec, params, calls);
        CHECK(run.lane_armed);
        for (const int32_t status : run.statuses) CHECK_EQ(status, AMP_OK);
    }
}

TEST(the_output_allocator_reuses_buffers_and_keeps_a_bounded_cache) {
    amp_free(nullptr); // a no-op
    double *a = amp::acquire_call_buffer(3);
    a[0] = a[1] = a[2] = 1.0;
    amp_free(a);
    double *b = amp::acquire_call_buffer(4); // the same size class: the cached block
    CHECK(a == b);
    amp_free(b);
    std::vector<double *> many;
    for (int i = 0; i < 10; ++i) many.push_back(amp::acquire_call_buffer(1));
    const uint32_t before = amp::cached_call_buffers();
    for (double *p : many) amp_free(p);
    CHECK(amp::cached_call_buffers() <= before + amp::kCachedPerClass);
    // Too large to cache: goes back to the system.
    const uint32_t cached = amp::cached_call_buffers();
    amp_free(amp::acquire_call_buffer(amp::kMaxCachedDoubles + 1));
    CHECK_EQ(amp::cached_call_buffers(), cached);
    // Freed on another thread: that thread's cache takes it and releases it when the thread
    // exits (the leak checks see nothing left).
    double *c = amp::acquire_call_buffer(100);
    uint32_t other_cached = 0;
    std::thread([&] {
        amp_free(c);
        other_cached = amp::cached_call_buffers();
    }).join();
    CHECK_EQ(other_cached, 1u);
    CHECK_EQ(amp::cached_call_buffers(), cached);
#if defined(__SANITIZE_ADDRESS__)
    // A cached block is poisoned: a use after amp_free is reported.
    double *d = amp::acquire_call_buffer(2);
    CHECK_EQ(__asan_address_is_poisoned(d), 0);
    amp_free(d);
    CHECK(__asan_address_is_poisoned(d) != 0);
#endif
}

AMP_TEST_MAIN()
