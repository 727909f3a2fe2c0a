// c_api_node.cpp: amp_run_node / amp_run_node_v2: one node, one window, outside any graph.
// The state is a one-node graph runtime (single_node.h: params_json parsed once, when it is
// created), run forward by the graph executor; backward calls the node's own adjoint.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "amp_native.h"
#include "nodes/node.h"
#include "runtime/call_buffers.h"
#include "runtime/errors.h"
#include "runtime/json.h"
#include "runtime/node_config.h"
#include "runtime/one_lane_frame.h"
#include "runtime/single_node.h"

namespace {

constexpr uint64_t kStateMagic = 0x31454432504d41ull; // "AMP2DE1"
std::atomic<int64_t> g_live_states{0};
std::atomic<bool> g_one_frame_path{true};
// SingleNodeState::lane_key of an armed state; the key the entry compares it with is
// g_lane_key: kLaneKey while the one-frame path is on, kNoLaneKey (never stored) while it is off.
constexpr uint64_t kLaneKey = 0x314e414c504d41ull; // "AMPLAN1"
constexpr uint64_t kNoLaneKey = 1;
std::atomic<uint64_t> g_lane_key{kLaneKey};

// The last failure of amp_run_node / amp_run_node_v2 on this thread (like errno: per thread,
// so concurrent callers never see each other's errors).
struct NodeCallError {
    int32_t code = AMP_OK;
    std::string stage;
    std::string node;
    std::string detail;
};
thread_local NodeCallError t_last_error;

int32_t record_failure(int32_t code, const std::string &stage, const std::string &node,
                       const std::string &detail) {
    try {
        t_last_error.code = code;
        t_last_error.stage = stage;
        t_last_error.node = node;
        t_last_error.detail = detail;
    } catch (...) {
        t_last_error.code = code; // out of memory for the text: keep the code
    }
    return code;
}

struct SingleNodeState {
    uint64_t magic = kStateMagic;
    // kLaneKey while the one-lane frame is armed, else 0: the entry's one comparison for the
    // state's magic, the arming and the one-frame switch (g_lane_key).
    uint64_t lane_key = 0;
    std::unique_ptr<amp::SingleNodeRuntime> runtime;
    // Per-call views, reused so that a call allocates nothing but its output.
    std::vector<amp::TensorView> audio;
    std::vector<amp::TensorView> params;
    std::vector<const double *> feeds; // one-frame calls: each audio port's data
    amp::TensorView heat;              // one-frame calls: the heat view
    // The `channels` argument a call on this state passes (audio port 0's channels, 0 for a
    // source), and the one-frame calls served by forward_frame (test hook).
    int32_t call_channels = 0;
    uint64_t one_frame_calls = 0;
    // Fixed when the state is made, for lean_frame: the values a one-frame call is compared
    // with and the runtime it runs, without the indirections of SingleNodeRuntime.
    const char *type_name = nullptr;          // spec().type_name (registry storage)
    uint32_t batches = 0;                     // runtime->batches()
    double sample_rate = 0.0;                 // runtime->sample_rate()
    uint32_t input_count = 0;                 // spec().input_count
    const uint32_t *input_channels = nullptr; // runtime->input_channels().data()
    uint32_t produced = 0;                    // runtime->output_channels()
    uint32_t output_class = 0;                // call_buffer_class(batches x produced)
    // Every audio port is connected (no optional port left open when the state was made).
    bool ports_connected = false;
    bool one_frame_ready = false;       // runtime->one_frame_ready()
    amp::GraphRuntime *graph = nullptr; // &runtime->runtime()
    uint32_t target = 0;                // the node's index in `graph`
    // The one-lane frame (one_lane_frame.h): its plan when the runtime has that shape.
    // lean_frame arms it (lane_key) after a forward_one_frame that left the runtime ready for it
    // (one_lane_frame_ready); every call that takes another path (run_guarded) disarms it first,
    // so nothing but lean calls ran since it was armed.
    amp::GraphRuntime::OneLaneFrame lane_plan;
    bool lane_shape = false;

    SingleNodeState() { ++g_live_states; }
    ~SingleNodeState() {
        magic = 0;
        lane_key = 0;
        --g_live_states;
    }
};

[[noreturn]] void fail(int32_t code, const std::string &detail) {
    throw amp::AmpFailure(code, "run_node", "", detail);
}

std::unique_ptr<SingleNodeState> make_state(const amp::NodeSpec &spec,
                                            const AmpNodeDescriptorView &d, uint32_t batches,
                                            const std::vector<uint32_t> &channels,
                                            double sample_rate) {
    auto state = std::make_unique<SingleNodeState>();
    const std::string name = d.name != nullptr ? d.name : spec.type_name;
    amp::JsonValue params;
    if (d.params_json != nullptr && d.params_json[0] != '\0') {
        std::string error;
        if (!amp::parse_json(d.params_json, params, error))
            throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "run_node", name,
                                  amp::node_label(name, spec.type_name) +
                                      ": params_json is malformed: " + error);
    }
    // Metadata that would be accepted and ignored here is refused.
    if (params.find("modulation") != nullptr)
        throw amp::AmpFailure(
            AMP_ERR_INVALID_ARGUMENT, "run_node", name,
            amp::node_label(name, spec.type_name) +
                ": parameter \"modulation\" applies to the modulation edges of a graph; a "
                "single-node call has none (pass parameter tensors instead)");
    state->runtime = std::make_unique<amp::SingleNodeRuntime>(
        spec, amp::parse_node_config(spec, name, &params, "run_node"), channels, batches,
        sample_rate);
    state->audio.resize(spec.input_count);
    state->params.resize(spec.param_count);
    state->feeds.resize(spec.input_count);
    state->call_channels =
        spec.input_count == 0 ? 0 : static_cast<int32_t>(state->runtime->input_channels()[0]);
    amp::SingleNodeRuntime &runtime = *state->runtime;
    state->type_name = spec.type_name;
    state->batches = runtime.batches();
    state->sample_rate = runtime.sample_rate();
    state->input_count = spec.input_count;
    state->input_channels = runtime.input_channels().data();
    state->produced = runtime.output_channels();
    state->output_class =
        amp::call_buffer_class(static_cast<size_t>(runtime.batches()) * runtime.output_channels());
    state->ports_connected =
        std::all_of(runtime.input_channels().begin(), runtime.input_channels().end(),
                    [](uint32_t port_channels) { return port_channels > 0; });
    state->one_frame_ready = runtime.one_frame_ready();
    state->graph = &runtime.runtime();
    state->target = spec.input_count; // feeders 0 .. input_count - 1, then the node
    state->lane_shape = state->graph->plan_one_lane_frame(state->target, state->lane_plan);
    return state;
}

void check_dimension(const char *what, const char *dimension, uint32_t given, uint32_t full) {
    if (given == 1 || given == full) return;
    const std::string expected = full == 1 ? "1" : "1 or " + std::to_string(full);
    fail(AMP_ERR_SHAPE_MISMATCH, std::string(what) + ": " + dimension + " is " +
                                     std::to_string(given) + "; expected " + expected);
}

// The call's parameter views, checked like set_param overrides (name, shape, values in range),
// into state.params (one per spec param) and the heat view.
amp::TensorView bind_params(SingleNodeState &state, const AmpNodeInputs *inputs, uint32_t B,
                            uint32_t F) {
    amp::SingleNodeRuntime &runtime = *state.runtime;
    const amp::NodeSpec &spec = runtime.spec();
    const std::string label = inputs != nullptr && inputs->param_count > 0
                                  ? amp::node_label(runtime.config().name, spec.type_name)
                                  : std::string();
    std::fill(state.params.begin(), state.params.end(), amp::TensorView{});
    amp::TensorView heat;
    for (uint32_t i = 0; inputs != nullptr && i < inputs->param_count; ++i) {
        const AmpParamView &view = inputs->params[i];
        const std::string name = view.name != nullptr ? view.name : "";
        const std::string what = label + ": parameter \"" + name + "\"";
        check_dimension(what.c_str(), "batches", view.batches, B);
        check_dimension(what.c_str(), "channels", view.channels, runtime.output_channels());
        check_dimension(what.c_str(), "frames", view.frames, F);
        if (view.data == nullptr) fail(AMP_ERR_INVALID_ARGUMENT, what + ": data is null");
        const amp::TensorView tensor{view.data, view.batches, view.channels, view.frames, 0};
        const bool is_heat = name == runtime.config().heat_param;
        const int index = is_heat ? -1 : amp::find_param_index(spec, name);
        if (!is_heat && (index < 0 || spec.params[index].kind != amp::ParamKind::Signal))
            fail(AMP_ERR_INVALID_ARGUMENT, label + ": no signal parameter \"" + name + "\"");
        const size_t count = static_cast<size_t>(view.batches) * view.channels * view.frames;
        for (size_t k = 0; k < count; ++k) {
            const double x = view.data[k];
            const bool ok = is_heat ? (std::isfinite(x) && x >= 0.0)
                                    : amp::value_in_range(spec.params[index], x);
            if (!ok)
                fail(AMP_ERR_INVALID_ARGUMENT,
                     what + " expects " +
                         (is_heat ? std::string("a finite number >= 0")
                                  : amp::describe_range(spec.params[index])) +
                         ", got " + amp::format_number(x) + " at index " + std::to_string(k));
        }
        if (is_heat)
            heat = tensor;
        else
            state.params[static_cast<size_t>(index)] = tensor;
    }
    return heat;
}

// The call's parameter views when every one is valid (known signal parameter or the heat
// parameter, dimensions 1 or full, data present, values in range) into state.params and `heat`:
// the checks of bind_params, without building a message. False: some check fails (bind_params
// then names it).
bool bind_params_quietly(SingleNodeState &state, const AmpNodeInputs &inputs, uint32_t B,
                         amp::TensorView &heat) {
    amp::SingleNodeRuntime &runtime = *state.runtime;
    const amp::NodeSpec &spec = runtime.spec();
    const uint32_t C = runtime.output_channels();
    std::fill(state.params.begin(), state.params.end(), amp::TensorView{});
    for (uint32_t i = 0; i < inputs.param_count; ++i) {
        const AmpParamView &view = inputs.params[i];
        if (view.name == nullptr || view.data == nullptr || view.frames != 1 ||
            (view.batches != 1 && view.batches != B) || (view.channels != 1 && view.channels != C))
            return false;
        const amp::TensorView tensor{view.data, view.batches, view.channels, 1, 0};
        const size_t count = static_cast<size_t>(view.batches) * view.channels;
        if (std::strcmp(view.name, runtime.config().heat_param.c_str()) == 0) {
            for (size_t k = 0; k < count; ++k)
                if (!(std::isfinite(view.data[k]) && view.data[k] >= 0.0)) return false;
            heat = tensor;
            continue;
        }
        uint32_t index = 0;
        while (index < spec.param_count && std::strcmp(spec.params[index].name, view.name) != 0)
            ++index;
        if (index == spec.param_count || spec.params[index].kind != amp::ParamKind::Signal)
            return false;
        for (size_t k = 0; k < count; ++k)
            if (!amp::value_in_range(spec.params[index], view.data[k])) return false;
        state.params[index] = tensor;
    }
    return true;
}

// The one-frame fast path: a forward call of one frame, metrics and history NULL, on a state
// made for exactly this call's node type and shapes. Every argument is checked as run() checks
// it (null pointers, the state's magic and node type by name, batches, channels, sample rate,
// every audio view's data and shape, every parameter view); the comparisons are with the values
// the state was made for. Returns false, having changed nothing, when anything differs or
// fails: run() then handles the call (a new state, or the error and its message).
bool run_one_frame(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs,
                   int32_t batches, int32_t channels, double sample_rate, double **out,
                   int32_t *out_channels, void **state_slot) {
    if (descriptor == nullptr || descriptor->type_name == nullptr || out == nullptr ||
        out_channels == nullptr || state_slot == nullptr || *state_slot == nullptr)
        return false;
    auto *state = static_cast<SingleNodeState *>(*state_slot);
    if (state->magic != kStateMagic) return false;
    amp::SingleNodeRuntime &runtime = *state->runtime;
    const amp::NodeSpec &spec = runtime.spec();
    const uint32_t B = runtime.batches();
    if (!runtime.one_frame_ready() || batches != static_cast<int32_t>(B) ||
        channels != state->call_channels || sample_rate != runtime.sample_rate() ||
        std::strcmp(descriptor->type_name, spec.type_name) != 0)
        return false;
    const uint32_t audio_count = inputs != nullptr ? inputs->audio_count : 0;
    const std::vector<uint32_t> &input_channels = runtime.input_channels();
    for (uint32_t p = 0; p < spec.input_count; ++p) {
        const AmpAudioView *view = p < audio_count ? &inputs->audio[p] : nullptr;
        if (input_channels[p] == 0) { // an optional port left open when the state was made
            if (view != nullptr && (view->data != nullptr || view->channels != 0)) return false;
            state->feeds[p] = nullptr;
            continue;
        }
        if (view == nullptr || view->data == nullptr || view->channels != input_channels[p] ||
            view->batches != B || view->frames != 1)
            return false;
        state->feeds[p] = view->data;
    }
    const bool bound = inputs != nullptr && inputs->param_count > 0;
    amp::TensorView &heat = state->heat;
    if (bound) {
        heat = amp::TensorView{};
        if (!bind_params_quietly(*state, *inputs, B, heat)) return false;
    }
    const uint32_t produced = runtime.output_channels();
    double *buffer = amp::acquire_call_buffer(static_cast<size_t>(B) * produced);
    try {
        runtime.forward_frame(state->feeds.data(), state->params.data(), heat, bound, buffer);
    } catch (...) {
        amp::release_call_buffer(buffer);
        throw;
    }
    ++state->one_frame_calls;
    *out = buffer;
    *out_channels = static_cast<int32_t>(produced);
    return true;
}

// The type name a call passes against the state's (spec().type_name): the same pointer, or
// the same characters (read in order, stopping at the first difference, so a shorter given
// string is never read past its terminator).
inline bool same_type_name(const char *given, const char *expected) {
    if (given == expected) return true;
    if (given == nullptr) return false;
    for (; *expected != '\0'; ++given, ++expected)
        if (*given != *expected) return false;
    return *given == '\0';
}

// run_one_frame's common case, without a throw: no parameter or heat view, the output buffer
// from the calling thread's cache. The same checks as run_one_frame against the values the
// state was made for (the caller checked frames, mode, metrics, history and the state slot);
// false, having changed nothing, when any differs, when a view is given, when the cache has no
// buffer of the size or a recording is armed: run_one_frame / run then take the call.
inline bool lean_frame(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs,
                       int32_t batches, int32_t channels, double sample_rate, double **out,
                       int32_t *out_channels, SingleNodeState *state) noexcept {
    if (descriptor == nullptr || out == nullptr || out_channels == nullptr ||
        state->magic != kStateMagic || !state->one_frame_ready ||
        batches != static_cast<int32_t>(state->batches) || channels != state->call_channels ||
        sample_rate != state->sample_rate ||
        !same_type_name(descriptor->type_name, state->type_name))
        return false;
    uint32_t audio_count = 0;
    if (inputs != nullptr) {
        if (inputs->param_count > 0) return false;
        audio_count = inputs->audio_count;
    }
    const double **feeds = state->feeds.data();
    const uint32_t ports = state->input_count;
    if (state->ports_connected && audio_count >= ports) { // every port needs its view
        const AmpAudioView *views = inputs != nullptr ? inputs->audio : nullptr;
        for (uint32_t p = 0; p < ports; ++p) {
            const AmpAudioView &view = views[p];
            if (view.data == nullptr || view.channels != state->input_channels[p] ||
                view.batches != state->batches || view.frames != 1)
                return false;
            feeds[p] = view.data;
        }
    } else
        for (uint32_t p = 0; p < ports; ++p) {
            const AmpAudioView *view = p < audio_count ? &inputs->audio[p] : nullptr;
            const uint32_t expected = state->input_channels[p];
            if (expected == 0) { // an optional port left open when the state was made
                if (view != nullptr && (view->data != nullptr || view->channels != 0)) return false;
                feeds[p] = nullptr;
                continue;
            }
            if (view == nullptr || view->data == nullptr || view->channels != expected ||
                view->batches != state->batches || view->frames != 1)
                return false;
            feeds[p] = view->data;
        }
    amp::GraphRuntime &graph = *state->graph;
    if (graph.recording_armed()) return false;
    double *buffer = amp::acquire_cached_call_buffer_of_class(state->output_class);
    if (buffer == nullptr) return false;
    // SingleNodeRuntime::forward_frame with nothing bound: timing off, then the frame (its
    // only throw is for an armed recording, refused above).
    graph.set_timing(false);
    graph.forward_one_frame(state->target, feeds, buffer);
    state->lane_key = state->lane_shape && graph.one_lane_frame_ready(state->target) ? kLaneKey : 0;
    ++state->one_frame_calls;
    *out = buffer;
    *out_channels = static_cast<int32_t>(state->produced);
    return true;
}

// The one-lane frame when the calling thread's cache has no one-double buffer in its slot: the
// general cache, else one from the system (what the general path would do), a failure recorded as
// run_guarded records it.
__attribute__((noinline, cold)) int32_t lane_call_fresh(SingleNodeState *state, const double *x,
                                                        double **out, int32_t *out_channels) {
    double *buffer = nullptr;
    try {
        buffer = amp::acquire_call_buffer(1);
    } catch (...) {
        return record_failure(AMP_ERR_INTERNAL, "run_node", "", "out of memory");
    }
    ++state->one_frame_calls;
    *out = buffer;
    *out_channels = 1;
    return state->graph->run_one_lane_frame(state->lane_plan, x, buffer);
}

// lean_frame on a state whose one-lane frame is armed (amp_run_node_v2 checked frames, mode,
// metrics, history, the state slot and its lane_key): the remaining checks against the
// values the state was made for, specialised to its shape (batches 1; no port, or one port of
// one channel). True: the call is run_one_lane_frame's, `x` its input (null for a source);
// false, having changed nothing, when a check fails (run_other then takes the call).
inline bool lane_checks(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs,
                        int32_t batches, int32_t channels, double sample_rate, double **out,
                        int32_t *out_channels, const SingleNodeState *state,
                        const double *&x) noexcept {
    if (descriptor == nullptr || out == nullptr || out_channels == nullptr || batches != 1 ||
        channels != state->call_channels || sample_rate != state->sample_rate ||
        !same_type_name(descriptor->type_name, state->type_name))
        return false;
    x = nullptr;
    if (inputs != nullptr && inputs->param_count != 0) return false;
    if (state->input_count != 0) { // its one port, connected, of one channel
        if (inputs == nullptr || inputs->audio_count == 0) return false;
        const AmpAudioView &view = inputs->audio[0];
        if (view.data == nullptr || view.batches != 1 || view.channels != 1 || view.frames != 1)
            return false;
        x = view.data;
    }
    return true;
}

int32_t run(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs, int32_t batches,
            int32_t channels, int32_t frames, double sample_rate, double **out,
            int32_t *out_channels, void **state_slot, const AmpControlHistory *history,
            AmpExecutionMode mode, AmpNodeMetrics *metrics) {
    if (descriptor == nullptr || descriptor->type_name == nullptr || out == nullptr ||
        out_channels == nullptr || state_slot == nullptr)
        fail(AMP_ERR_INVALID_ARGUMENT,
             "descriptor, type_name, out, out_channels and state must not be null");
    if (batches < 1 || frames < 0 || channels < 0 || !(sample_rate > 0.0))
        fail(AMP_ERR_INVALID_ARGUMENT,
             "batches >= 1, frames >= 0, channels >= 0 and sample_rate > 0 expected; got " +
                 std::to_string(batches) + ", " + std::to_string(frames) + ", " +
                 std::to_string(channels) + ", " + amp::format_number(sample_rate));
    if (mode != AMP_EXECUTION_FORWARD && mode != AMP_EXECUTION_BACKWARD)
        fail(AMP_ERR_INVALID_ARGUMENT, "mode expects 0 (forward) or 1 (backward), got " +
                                           std::to_string(static_cast<int>(mode)));
    *out = nullptr;
    auto *existing = static_cast<SingleNodeState *>(*state_slot);
    if (existing != nullptr && existing->magic != kStateMagic)
        fail(AMP_ERR_INVALID_ARGUMENT, "state is not a node state made by amp_run_node");
    // The state's node type is checked by name first: a repeated call skips the registry search.
    const amp::NodeSpec *spec =
        existing != nullptr &&
                std::strcmp(existing->runtime->spec().type_name, descriptor->type_name) == 0
            ? &existing->runtime->spec()
            : amp::find_node_spec(descriptor->type_name);
    if (spec == nullptr)
        fail(AMP_ERR_UNKNOWN_NODE_TYPE,
             std::string("unknown node type \"") + descriptor->type_name + "\"");
    const bool backward = mode == AMP_EXECUTION_BACKWARD;
    if (backward && !spec->has_backward)
        fail(AMP_ERR_UNSUPPORTED, std::string("node type \"") + spec->type_name +
                                      "\" has no backward mode: " + spec->backward_doc);
    if (backward && spec->input_count == 0)
        fail(AMP_ERR_UNSUPPORTED, std::string("node type \"") + spec->type_name +
                                      "\" has no audio input to return a gradient for; its "
                                      "parameter gradients come from a graph backward pass "
                                      "(amp_graph_runtime_record, amp_graph_runtime_backward)");
    if (existing != nullptr && &existing->runtime->spec() != spec)
        fail(AMP_ERR_INVALID_ARGUMENT, std::string("state belongs to node type \"") +
                                           existing->runtime->spec().type_name + "\", not \"" +
                                           spec->type_name + "\"");
    const uint32_t B = static_cast<uint32_t>(batches), F = static_cast<uint32_t>(frames);

    const uint32_t audio_count = inputs != nullptr ? inputs->audio_count : 0;
    thread_local std::vector<uint32_t> input_channels;
    input_channels.assign(spec->input_count, 0);
    for (uint32_t p = 0; p < spec->input_count; ++p) {
        // An optional port is left open by a missing view or one with null data and 0 channels.
        const bool open = p >= audio_count ||
                          (inputs->audio[p].data == nullptr && inputs->audio[p].channels == 0);
        if (open && spec->inputs[p].optional) continue;
        if (open)
            fail(AMP_ERR_INVALID_ARGUMENT, std::string("node type \"") + spec->type_name +
                                               "\" needs audio input " + std::to_string(p) +
                                               " (\"" + spec->inputs[p].name + "\"); got " +
                                               std::to_string(audio_count) + " audio view(s)");
        const AmpAudioView &view = inputs->audio[p];
        if (view.data == nullptr && F > 0)
            fail(AMP_ERR_INVALID_ARGUMENT,
                 std::string("audio input ") + std::to_string(p) + " has no data");
        if (view.batches != B || view.frames != F)
            fail(AMP_ERR_SHAPE_MISMATCH,
                 "audio input " + std::to_string(p) + " is " + std::to_string(view.batches) + "x" +
                     std::to_string(view.channels) + "x" + std::to_string(view.frames) +
                     "; expected " + std::to_string(B) + "xCx" + std::to_string(F));
        input_channels[p] = backward && p == 0 ? static_cast<uint32_t>(channels) : view.channels;
    }
    // `channels` is the channel count of audio port 0 (forward: of the input; backward: of the
    // forward input, the gradient to return), 0 for a source.
    // (An optional port 0 left open has 0 channels: `channels` is 0 then.)
    const uint32_t expected_channels = spec->input_count == 0 ? 0 : input_channels[0];
    const bool port0_open = spec->input_count > 0 && !backward && input_channels[0] == 0;
    if (spec->input_count == 0 && channels != 0)
        fail(AMP_ERR_INVALID_ARGUMENT, std::string("node type \"") + spec->type_name +
                                           "\" has no audio input: channels expects 0, got " +
                                           std::to_string(channels));
    if (spec->input_count > 0 && ((channels < 1 && !port0_open) || channels < 0 ||
                                  static_cast<uint32_t>(channels) != expected_channels))
        fail(AMP_ERR_SHAPE_MISMATCH,
             std::string("channels is ") + std::to_string(channels) +
                 (backward ? "; the forward input's channels expected (at least 1)"
                           : "; audio input 0 has " + std::to_string(expected_channels)));

    SingleNodeState *state = existing;
    std::unique_ptr<SingleNodeState> fresh;
    if (state == nullptr || state->runtime->batches() != B ||
        state->runtime->input_channels() != input_channels ||
        state->runtime->sample_rate() != sample_rate) {
        fresh = make_state(*spec, *descriptor, B, input_channels, sample_rate);
        state = fresh.get();
    }
    amp::SingleNodeRuntime &runtime = *state->runtime;
    const amp::TensorView heat = bind_params(*state, inputs, B, F);

    const uint32_t produced_channels = backward ? input_channels[0] : runtime.output_channels();
    const size_t count = static_cast<size_t>(B) * produced_channels * F;
    // A forward render writes every element; a backward hook may not, and a 0-frame call
    // returns one zero.
    double *buffer = amp::acquire_call_buffer(count);
    if (backward || count == 0) std::fill_n(buffer, count > 0 ? count : 1, 0.0);
    try {
        if (backward) {
            const AmpAudioView &g = inputs->audio[0];
            const std::string label = amp::node_label(runtime.config().name, spec->type_name);
            if (g.channels != runtime.output_channels())
                fail(AMP_ERR_SHAPE_MISMATCH, label + ": the upstream gradient has " +
                                                 std::to_string(g.channels) +
                                                 " channels; the forward output has " +
                                                 std::to_string(runtime.output_channels()));
            // Backward is the node's own hook; parameters are the call's views or the
            // params_json values.
            const amp::NodeConfig &config = runtime.config();
            for (uint32_t p = 0; p < spec->param_count; ++p)
                if (state->params[p].empty() && spec->params[p].kind == amp::ParamKind::Signal)
                    state->params[p] = amp::TensorView{&config.values[p], 1, 1, 1, 0};
            amp::BackwardContext context{amp::TensorView{g.data, B, g.channels, F, 0},
                                         state->params.data(),
                                         buffer,
                                         input_channels[0],
                                         B,
                                         F,
                                         sample_rate};
            context.telemetry = runtime.telemetry();
            const char *refusal = nullptr;
            context.error = &refusal;
            const auto started = std::chrono::steady_clock::now();
            const int32_t status = runtime.node().backward(context);
            if (status == AMP_ERR_UNSUPPORTED && refusal == nullptr)
                fail(status, label + ": this adjoint needs forward values recorded by a graph "
                                     "render (amp_graph_runtime_record, "
                                     "amp_graph_runtime_backward); a single-node call has none");
            if (status != AMP_OK)
                fail(status, label + ": backward failed" +
                                 (refusal != nullptr ? std::string(": ") + refusal : ""));
            if (metrics != nullptr) {
                *metrics = AmpNodeMetrics{};
                metrics->measured_delay_frames = runtime.node().latency_frames();
                metrics->processing_time_seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                        .count();
                metrics->total_time_seconds = metrics->processing_time_seconds;
                std::copy(runtime.telemetry(), runtime.telemetry() + 6, metrics->reserved);
            }
        } else {
            for (uint32_t p = 0; p < spec->input_count; ++p) {
                if (input_channels[p] == 0) {
                    state->audio[p] = amp::TensorView{}; // an optional port left open
                    continue;
                }
                const AmpAudioView &view = inputs->audio[p];
                state->audio[p] = amp::TensorView{view.data, B, view.channels, F, 0};
            }
            runtime.forward(state->audio.data(), state->params.data(), heat, F, buffer, history,
                            metrics);
        }
    } catch (...) {
        amp::release_call_buffer(buffer);
        throw;
    }
    *out = buffer;
    *out_channels = static_cast<int32_t>(produced_channels);
    if (fresh) *state_slot = fresh.release();
    return AMP_OK;
}

// Runs `body` on a live node state, recording any failure for amp_run_node_last_error.
template <typename Body>
int32_t guarded_state(const void *state, Body body) {
    try {
        auto *s = static_cast<SingleNodeState *>(const_cast<void *>(state));
        if (s == nullptr || s->magic != kStateMagic)
            throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "snapshot", "",
                                  "state is not a live node state made by amp_run_node");
        body(*s);
        return AMP_OK;
    } catch (const amp::AmpFailure &failure) {
        return record_failure(failure.code, failure.stage, failure.node, failure.what());
    } catch (const std::bad_alloc &) {
        return record_failure(AMP_ERR_INTERNAL, "snapshot", "", "out of memory");
    } catch (...) {
        return record_failure(AMP_ERR_INTERNAL, "snapshot", "", "internal error");
    }
}

// Every call lean_frame did not take: the one-frame path with views (run_one_frame) or the
// general one (run), each failure recorded for amp_run_node_last_error. Out of line, so the
// exported entry point stays a few instructions in front of lean_frame.
__attribute__((noinline)) int32_t run_guarded(const AmpNodeDescriptorView *descriptor,
                                              const AmpNodeInputs *inputs, int32_t batches,
                                              int32_t channels, int32_t frames, double sample_rate,
                                              double **out, int32_t *out_channels, void **state,
                                              const AmpControlHistory *history,
                                              AmpExecutionMode mode, AmpNodeMetrics *metrics) {
    if (state != nullptr && *state != nullptr) { // this call may change what the plan assumes
        auto *s = static_cast<SingleNodeState *>(*state);
        if (s->magic == kStateMagic) s->lane_key = 0;
    }
    try {
        if (frames == 1 && mode == AMP_EXECUTION_FORWARD && metrics == nullptr &&
            history == nullptr && g_one_frame_path.load(std::memory_order_relaxed) &&
            run_one_frame(descriptor, inputs, batches, channels, sample_rate, out, out_channels,
                          state))
            return AMP_OK;
        return run(descriptor, inputs, batches, channels, frames, sample_rate, out, out_channels,
                   state, history, mode, metrics);
    } catch (const amp::AmpFailure &failure) {
        const std::string node = !failure.node.empty() ? failure.node
                                 : descriptor != nullptr && descriptor->name != nullptr
                                     ? descriptor->name
                                     : "";
        // Every failure of a node call has the call's stage, wherever it was raised.
        return record_failure(failure.code, "run_node", node, failure.what());
    } catch (const std::bad_alloc &) {
        return record_failure(AMP_ERR_INTERNAL, "run_node", "", "out of memory");
    } catch (const std::exception &error) {
        return record_failure(AMP_ERR_INTERNAL, "run_node", "",
                              std::string("internal error: ") + error.what());
    } catch (...) {
        return record_failure(AMP_ERR_INTERNAL, "run_node", "", "internal error");
    }
}

// A call of one frame, forward, metrics and history null, with a state slot, that the one-lane
// frame does not take: lean_frame, else run_guarded. Out of line, so the exported entry point
// keeps few registers in front of the one-lane frame.
__attribute__((noinline)) int32_t run_other(const AmpNodeDescriptorView *descriptor,
                                            const AmpNodeInputs *inputs, int32_t batches,
                                            int32_t channels, int32_t frames, double sample_rate,
                                            double **out, int32_t *out_channels, void **state,
                                            const AmpControlHistory *history, AmpExecutionMode mode,
                                            AmpNodeMetrics *metrics) {
    if (*state != nullptr && g_one_frame_path.load(std::memory_order_relaxed) &&
        lean_frame(descriptor, inputs, batches, channels, sample_rate, out, out_channels,
                   static_cast<SingleNodeState *>(*state)))
        return AMP_OK;
    return run_guarded(descriptor, inputs, batches, channels, frames, sample_rate, out,
                       out_channels, state, history, mode, metrics);
}

} // namespace

extern "C" {

int32_t amp_run_node_v2(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs,
                        int32_t batches, int32_t channels, int32_t frames, double sample_rate,
                        double **out, int32_t *out_channels, void **state,
                        const AmpControlHistory *history, AmpExecutionMode mode,
                        AmpNodeMetrics *metrics) {
    if (frames == 1 && mode == AMP_EXECUTION_FORWARD && metrics == nullptr && history == nullptr &&
        state != nullptr) {
        auto *s = static_cast<SingleNodeState *>(*state);
        const double *x;
        if (s != nullptr && s->lane_key == g_lane_key.load(std::memory_order_relaxed) &&
            lane_checks(descriptor, inputs, batches, channels, sample_rate, out, out_channels, s,
                        x)) {
            // The output from the slot of the thread's cache.
            double *buffer = amp::acquire_slot_call_buffer_of_class(0);
            if (buffer == nullptr) return lane_call_fresh(s, x, out, out_channels);
            ++s->one_frame_calls;
            *out = buffer;
            *out_channels = 1;
            return s->graph->run_one_lane_frame(s->lane_plan, x, buffer);
        }
        return run_other(descriptor, inputs, batches, channels, frames, sample_rate, out,
                         out_channels, state, history, mode, metrics);
    }
    return run_guarded(descriptor, inputs, batches, channels, frames, sample_rate, out,
                       out_channels, state, history, mode, metrics);
}

int32_t amp_run_node_last_error(AmpErrorView *out_error) {
    if (out_error == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    out_error->code = t_last_error.code;
    out_error->stage = t_last_error.stage.c_str();
    out_error->node = t_last_error.node.c_str();
    out_error->detail = t_last_error.detail.c_str();
    return t_last_error.code;
}

int32_t amp_run_node(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs,
                     int32_t batches, int32_t channels, int32_t frames, double sample_rate,
                     double **out, int32_t *out_channels, void **state,
                     const AmpControlHistory *history) {
    return amp_run_node_v2(descriptor, inputs, batches, channels, frames, sample_rate, out,
                           out_channels, state, history, AMP_EXECUTION_FORWARD, nullptr);
}

void amp_release_state(void *state) {
    auto *node_state = static_cast<SingleNodeState *>(state);
    if (node_state != nullptr && node_state->magic == kStateMagic) delete node_state;
}

int64_t amp_live_state_count(void) { return g_live_states.load(); }

int32_t amp_node_state_snapshot_size(const void *state, uint64_t *out_bytes) {
    return guarded_state(state, [&](SingleNodeState &s) {
        if (out_bytes == nullptr) fail(AMP_ERR_INVALID_ARGUMENT, "out_bytes is null");
        *out_bytes = s.runtime->runtime().snapshot_bytes();
    });
}

int32_t amp_node_state_snapshot(const void *state, void *buffer, uint64_t capacity) {
    return guarded_state(
        state, [&](SingleNodeState &s) { s.runtime->runtime().snapshot(buffer, capacity); });
}

int32_t amp_node_state_restore(void *state, const void *buffer, uint64_t size) {
    return guarded_state(state,
                         [&](SingleNodeState &s) { s.runtime->runtime().restore(buffer, size); });
}

} // extern "C"

namespace amp {

uint64_t one_frame_calls(const void *state) {
    const auto *s = static_cast<const SingleNodeState *>(state);
    return s != nullptr && s->magic == kStateMagic ? s->one_frame_calls : 0;
}

bool one_lane_frame_armed(const void *state) {
    const auto *s = static_cast<const SingleNodeState *>(state);
    return s != nullptr && s->magic == kStateMagic && s->lane_key == kLaneKey;
}

void set_one_frame_path(bool on) {
    g_one_frame_path.store(on, std::memory_order_relaxed);
    g_lane_key.store(on ? kLaneKey : kNoLaneKey, std::memory_order_relaxed);
}

uint64_t node_saved_state_bytes(const void *state) {
    const auto *s = static_cast<const SingleNodeState *>(state);
    if (s == nullptr || s->magic != kStateMagic) return 0;
    GraphRuntime &runtime = s->runtime->runtime();
    uint64_t bytes = 0;
    for (uint32_t v = 0; v < runtime.node_count(); ++v)
        bytes += runtime.node_instance(v).state_bytes();
    return bytes;
}

} // namespace amp
