// c_api_node.cpp: amp_run_node / amp_run_node_v2: one node, one window, outside any graph.
// The state holds the node instance (params_json parsed once, when it is created). Windows
// longer than the prepared block are processed in chunks (block invariance makes that exact).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "amp_native.h"
#include "dsp/control_curve.h"
#include "nodes/node.h"
#include "runtime/errors.h"
#include "runtime/heat.h"
#include "runtime/json.h"
#include "runtime/node_config.h"

namespace {

constexpr uint64_t kStateMagic = 0x31454432504d41ull; // "AMP2DE1"
constexpr uint32_t kChunkFrames = 4096;
std::atomic<int64_t> g_live_states{0};

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
    const amp::NodeSpec *spec = nullptr;
    amp::NodeConfig config;
    std::unique_ptr<amp::Node> node;
    uint32_t batches = 0;
    std::vector<uint32_t> input_channels;
    uint32_t output_channels = 0;
    double sample_rate = 0.0;
    uint64_t position = 0;
    double telemetry[6] = {0, 0, 0, 0, 0, 0};

    SingleNodeState() { ++g_live_states; }
    ~SingleNodeState() {
        magic = 0;
        --g_live_states;
    }
};

std::string supplied_curves(const AmpControlHistory *history) {
    std::string names;
    for (uint32_t c = 0; history != nullptr && c < history->curve_count; ++c)
        names += std::string(names.empty() ? "" : ", ") + "\"" +
                 (history->curves[c].name != nullptr ? history->curves[c].name : "") + "\"";
    return names.empty() ? "none" : names;
}

[[noreturn]] void fail(int32_t code, const std::string &detail) {
    throw amp::AmpFailure(code, "run_node", "", detail);
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::unique_ptr<SingleNodeState> make_state(const amp::NodeSpec &spec,
                                            const AmpNodeDescriptorView &d, uint32_t batches,
                                            const std::vector<uint32_t> &channels,
                                            double sample_rate) {
    auto state = std::make_unique<SingleNodeState>();
    state->spec = &spec;
    const std::string name = d.name != nullptr ? d.name : spec.type_name;
    amp::JsonValue params;
    if (d.params_json != nullptr && d.params_json[0] != '\0') {
        std::string error;
        if (!amp::parse_json(d.params_json, params, error))
            throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "run_node", name,
                                  amp::node_label(name, spec.type_name) +
                                      ": params_json is malformed: " + error);
    }
    state->config = amp::parse_node_config(spec, name, &params, "run_node");
    state->node = spec.create(state->config);
    state->batches = batches;
    state->input_channels = channels;
    state->sample_rate = sample_rate;
    std::string error;
    state->output_channels = state->node->output_channels(channels.data(), spec.input_count, error);
    if (state->output_channels == 0)
        throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "run_node", name,
                              amp::node_label(name, spec.type_name) + ": " + error);
    amp::PrepareContext context{batches,         kChunkFrames,     sample_rate,
                                channels.data(), spec.input_count, state->output_channels};
    state->node->prepare(context);
    return state;
}

// A window [offset, offset + frames) of a view whose frame axis is either 1 or full length.
amp::TensorView window(const amp::TensorView &view, uint32_t offset, uint32_t frames) {
    if (view.empty() || view.frames == 1) return view;
    amp::TensorView part = view;
    part.data += offset;
    part.lane_stride = view.stride();
    part.frames = frames;
    return part;
}

void check_dimension(const char *what, const char *dimension, uint32_t given, uint32_t full) {
    if (given == 1 || given == full) return;
    const std::string expected = full == 1 ? "1" : "1 or " + std::to_string(full);
    fail(AMP_ERR_SHAPE_MISMATCH, std::string(what) + ": " + dimension + " is " +
                                     std::to_string(given) + "; expected " + expected);
}

int32_t run(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs, int32_t batches,
            int32_t channels, int32_t frames, double sample_rate, double **out,
            int32_t *out_channels, void **state_slot, const AmpControlHistory *history,
            AmpExecutionMode mode, AmpNodeMetrics *metrics) {
    const auto started = std::chrono::steady_clock::now();
    const double cpu_started = thread_cpu_seconds();
    if (descriptor == nullptr || descriptor->type_name == nullptr || out == nullptr ||
        out_channels == nullptr || state_slot == nullptr)
        fail(AMP_ERR_INVALID_ARGUMENT,
             "descriptor, type_name, out, out_channels and state must not be null");
    if (batches < 1 || frames < 0 || channels < 0 || !(sample_rate > 0.0))
        fail(AMP_ERR_INVALID_ARGUMENT,
             "batches >= 1, frames >= 0, channels >= 0 and sample_rate > 0 expected; got " +
                 std::to_string(batches) + ", " + std::to_string(frames) + ", " +
                 std::to_string(channels) + ", " + amp::format_number(sample_rate));
    *out = nullptr;
    const amp::NodeSpec *spec = amp::find_node_spec(descriptor->type_name);
    if (spec == nullptr)
        fail(AMP_ERR_UNKNOWN_NODE_TYPE,
             std::string("unknown node type \"") + descriptor->type_name + "\"");
    const bool backward = mode == AMP_EXECUTION_BACKWARD;
    if (backward && !spec->has_backward)
        fail(AMP_ERR_UNSUPPORTED, std::string("node type \"") + spec->type_name +
                                      "\" has no backward mode: " + spec->backward_doc);
    const uint32_t B = static_cast<uint32_t>(batches), F = static_cast<uint32_t>(frames);

    const uint32_t audio_count = inputs != nullptr ? inputs->audio_count : 0;
    std::vector<uint32_t> input_channels(spec->input_count);
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

    auto *existing = static_cast<SingleNodeState *>(*state_slot);
    if (existing != nullptr && existing->magic != kStateMagic)
        fail(AMP_ERR_INVALID_ARGUMENT, "state is not a node state made by amp_run_node");
    if (existing != nullptr && existing->spec != spec)
        fail(AMP_ERR_INVALID_ARGUMENT, std::string("state belongs to node type \"") +
                                           existing->spec->type_name + "\", not \"" +
                                           spec->type_name + "\"");
    SingleNodeState *state = existing;
    std::unique_ptr<SingleNodeState> fresh;
    if (state == nullptr || state->batches != B || state->input_channels != input_channels ||
        state->sample_rate != sample_rate) {
        fresh = make_state(*spec, *descriptor, B, input_channels, sample_rate);
        state = fresh.get();
    }
    const std::string label = amp::node_label(state->config.name, spec->type_name);
    if (const char *needed = state->node->required_curve();
        !backward && needed != nullptr && amp::dsp::find_curve(history, needed) == nullptr)
        throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "run_node", state->config.name,
                              label + ": no control-history curve named \"" + needed +
                                  "\" in this call; supplied: " + supplied_curves(history));

    // Parameters: defaults from params_json, overridden by named views.
    std::vector<amp::TensorView> params(spec->param_count);
    for (uint32_t p = 0; p < spec->param_count; ++p)
        if (spec->params[p].kind == amp::ParamKind::Signal)
            params[p] = amp::TensorView{&state->config.values[p], 1, 1, 1, 0};
    amp::TensorView heat_override;
    for (uint32_t i = 0; inputs != nullptr && i < inputs->param_count; ++i) {
        const AmpParamView &view = inputs->params[i];
        const std::string name = view.name != nullptr ? view.name : "";
        const std::string what = label + ": parameter \"" + name + "\"";
        check_dimension(what.c_str(), "batches", view.batches, B);
        check_dimension(what.c_str(), "channels", view.channels, state->output_channels);
        check_dimension(what.c_str(), "frames", view.frames, F);
        if (view.data == nullptr) fail(AMP_ERR_INVALID_ARGUMENT, what + ": data is null");
        const amp::TensorView tensor{view.data, view.batches, view.channels, view.frames, 0};
        if (name == state->config.heat_param) {
            heat_override = tensor;
            continue;
        }
        const int index = amp::find_param_index(*spec, name);
        if (index < 0 || spec->params[index].kind != amp::ParamKind::Signal)
            fail(AMP_ERR_INVALID_ARGUMENT, label + ": no signal parameter \"" + name + "\"");
        params[static_cast<size_t>(index)] = tensor;
    }

    const uint32_t produced_channels = backward ? input_channels[0] : state->output_channels;
    const size_t count = static_cast<size_t>(B) * produced_channels * F;
    double *buffer = static_cast<double *>(std::calloc(count > 0 ? count : 1, sizeof(double)));
    if (buffer == nullptr) fail(AMP_ERR_INTERNAL, "out of memory");

    double heat_sum = 0.0;
    double processing = 0.0;
    int32_t status = AMP_OK;
    if (backward) {
        const AmpAudioView &g = inputs->audio[0];
        if (g.channels != state->output_channels) {
            std::free(buffer);
            fail(AMP_ERR_SHAPE_MISMATCH,
                 label + ": the upstream gradient has " + std::to_string(g.channels) +
                     " channels; the forward output has " + std::to_string(state->output_channels));
        }
        amp::BackwardContext context{amp::TensorView{g.data, B, g.channels, F, 0},
                                     params.data(),
                                     buffer,
                                     input_channels[0],
                                     B,
                                     F,
                                     sample_rate};
        const auto before = std::chrono::steady_clock::now();
        status = state->node->backward(context);
        processing =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
    } else {
        std::vector<amp::TensorView> audio(spec->input_count);
        std::vector<amp::TensorView> param_windows(spec->param_count);
        const amp::HeatModel model = amp::HeatModel::of(state->config);
        for (uint32_t offset = 0; offset < F; offset += kChunkFrames) {
            const uint32_t n = std::min(kChunkFrames, F - offset);
            for (uint32_t p = 0; p < spec->input_count; ++p) {
                if (input_channels[p] == 0) {
                    audio[p] = amp::TensorView{}; // an optional port left open
                    continue;
                }
                const AmpAudioView &view = inputs->audio[p];
                audio[p] = window(amp::TensorView{view.data, B, view.channels, F, 0}, offset, n);
            }
            for (uint32_t p = 0; p < spec->param_count; ++p)
                param_windows[p] = window(params[p], offset, n);
            amp::ProcessContext context{};
            context.inputs = audio.data();
            context.params = param_windows.data();
            context.out = buffer + offset;
            context.out_lane_stride = F;
            context.output_channels = state->output_channels;
            context.batches = B;
            context.frames = n;
            context.sample_rate = sample_rate;
            context.history = history;
            context.frame_index = state->position;
            context.telemetry = state->telemetry;
            const auto before = std::chrono::steady_clock::now();
            state->node->process(context);
            processing +=
                std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
            const amp::TensorView output{buffer + offset, B, state->output_channels, n, F};
            const bool source = spec->input_count == 0;
            for (uint32_t b = 0; b < B; ++b) {
                if (!heat_override.empty()) {
                    const amp::TensorView part = window(heat_override, offset, n);
                    for (uint32_t f = 0; f < n; ++f) heat_sum += part.at(b, 0, f);
                } else {
                    heat_sum += amp::heat_total_for_batch(model, source ? &output : audio.data(),
                                                          source ? 1 : spec->input_count, b, n);
                }
            }
            state->position += n;
        }
    }
    if (status != AMP_OK) {
        std::free(buffer);
        fail(status, label + ": backward failed");
    }
    *out = buffer;
    *out_channels = static_cast<int32_t>(produced_channels);
    if (metrics != nullptr) {
        *metrics = AmpNodeMetrics{};
        metrics->measured_delay_frames = state->node->latency_frames();
        metrics->accumulated_heat = heat_sum;
        metrics->processing_time_seconds = processing;
        metrics->total_time_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        metrics->thread_cpu_time_seconds = thread_cpu_seconds() - cpu_started;
        std::memcpy(metrics->reserved, state->telemetry, sizeof(state->telemetry));
    }
    if (fresh) *state_slot = fresh.release();
    return AMP_OK;
}

} // namespace

extern "C" {

int32_t amp_run_node_v2(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs,
                        int32_t batches, int32_t channels, int32_t frames, double sample_rate,
                        double **out, int32_t *out_channels, void **state,
                        const AmpControlHistory *history, AmpExecutionMode mode,
                        AmpNodeMetrics *metrics) {
    try {
        return run(descriptor, inputs, batches, channels, frames, sample_rate, out, out_channels,
                   state, history, mode, metrics);
    } catch (const amp::AmpFailure &failure) {
        const std::string node = !failure.node.empty() ? failure.node
                                 : descriptor != nullptr && descriptor->name != nullptr
                                     ? descriptor->name
                                     : "";
        return record_failure(failure.code, failure.stage, node, failure.what());
    } catch (const std::bad_alloc &) {
        return record_failure(AMP_ERR_INTERNAL, "run_node", "", "out of memory");
    } catch (const std::exception &error) {
        return record_failure(AMP_ERR_INTERNAL, "run_node", "",
                              std::string("internal error: ") + error.what());
    } catch (...) {
        return record_failure(AMP_ERR_INTERNAL, "run_node", "", "internal error");
    }
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

void amp_free(double *buffer) { std::free(buffer); }

int64_t amp_live_state_count(void) { return g_live_states.load(); }

} // extern "C"
