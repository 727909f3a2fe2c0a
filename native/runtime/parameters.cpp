// parameters.cpp: parameter overrides (set_param, clear_params) and the per-block evaluation of
// signal parameters: base value or override, then the modulation edges in description order.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "runtime/errors.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

std::string shape_json(uint32_t batches, uint32_t channels, uint32_t frames) {
    return "{\"batches\":" + std::to_string(batches) + ",\"channels\":" + std::to_string(channels) +
           ",\"frames\":" + std::to_string(frames) + "}";
}

std::string shape_text(uint32_t batches, uint32_t channels, uint32_t frames) {
    return std::to_string(batches) + "x" + std::to_string(channels) + "x" + std::to_string(frames);
}

// Frames [offset, offset + n) of a view whose frame axis is 1 (constant: returned whole) or
// covers the whole call.
TensorView frame_window(const TensorView &view, uint64_t offset, uint32_t n) {
    if (view.frames == 1) return view;
    TensorView part = view;
    part.data += offset;
    part.lane_stride = view.stride();
    part.frames = n;
    return part;
}

} // namespace

void GraphRuntime::bind_call(uint32_t v, const TensorView *params, TensorView heat) {
    NodeState &node = state_[v];
    bool any = false;
    for (uint32_t p = 0; p < graph_.nodes[v].spec->param_count; ++p) {
        node.call_params[p] = params[p];
        any = any || !params[p].empty();
    }
    node.call_heat = heat;
    if (any) refresh_params(v); // else static_params is what it was
    node.call_params_bound = any;
}

void GraphRuntime::unbind_call(uint32_t v) {
    NodeState &node = state_[v];
    node.call_heat = TensorView{};
    if (!node.call_params_bound) return; // every call view is empty already
    std::fill(node.call_params.begin(), node.call_params.end(), TensorView{});
    node.call_params_bound = false;
    refresh_params(v);
}

// A node's signal parameters are static when none is modulated, overridden (set_param) or given
// by a single-node call: each is then the params_json constant, the view evaluate_params would
// build at every step.
void GraphRuntime::refresh_params(uint32_t v) {
    const NodeDescription &description = graph_.nodes[v];
    NodeState &node = state_[v];
    bool fixed = true;
    for (uint32_t p = 0; p < description.spec->param_count; ++p)
        if (description.spec->params[p].kind == ParamKind::Signal)
            fixed = fixed && plan_.param_mods[v][p].empty() && node.overrides[p].empty() &&
                    node.call_params[p].empty();
    node.static_params = fixed;
    if (!fixed) return;
    for (uint32_t p = 0; p < description.spec->param_count; ++p)
        if (description.spec->params[p].kind == ParamKind::Signal)
            node.params[p] = TensorView{&description.config.values[p], 1, 1, 1, 0};
}

void GraphRuntime::set_param(const char *node_name, const char *param, const double *data,
                             uint32_t batches, uint32_t channels, uint32_t frames) {
    const uint32_t v = find_node(node_name, "set_param");
    const NodeDescription &node = graph_.nodes[v];
    const std::string label = node_label(node.name, node.spec->type_name);
    if (param == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                         label + ": parameter name is null");
    const std::string name = param;
    const bool is_heat = name == node.config.heat_param;
    const int index = is_heat ? -1 : find_param_index(*node.spec, name);
    if (!is_heat) {
        std::string signal_names;
        for (uint32_t p = 0; p < node.spec->param_count; ++p)
            if (node.spec->params[p].kind == ParamKind::Signal)
                signal_names +=
                    std::string(signal_names.empty() ? "" : ", ") + node.spec->params[p].name;
        signal_names += std::string(signal_names.empty() ? "" : ", ") + node.config.heat_param;
        if (index < 0)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                             label + ": unknown parameter \"" + name +
                                 "\"; settable: " + signal_names);
        if (node.spec->params[index].kind != ParamKind::Signal)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                             label + ": parameter \"" + name +
                                 "\" is static (set it in params_json); settable: " + signal_names);
    }
    if (batches != batches_ || channels != 1 || frames != block_) {
        const std::string expected = shape_text(batches_, 1, block_);
        const std::string provided = shape_text(batches, channels, frames);
        log("{\"event\":\"amp_graph_runtime_set_param_shape_mismatch\",\"node\":" +
            json_quote(node.name) + ",\"param\":" + json_quote(name) +
            ",\"expected\":" + shape_json(batches_, 1, block_) +
            ",\"provided\":" + shape_json(batches, channels, frames) + "}");
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "set_param", node.name,
                         label + ": parameter \"" + name + "\" expects a tensor of shape " +
                             expected + " (batches x 1 x block_frames), got " + provided +
                             "; the previous value stays in force");
    }
    if (data == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                         label + ": parameter \"" + name + "\": data is null");
    const size_t count = static_cast<size_t>(batches) * frames;
    for (size_t i = 0; i < count; ++i) {
        const bool ok = is_heat ? (std::isfinite(data[i]) && data[i] >= 0.0)
                                : value_in_range(node.spec->params[index], data[i]);
        if (!ok)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                             label + ": parameter \"" + name + "\" expects " +
                                 (is_heat ? std::string("a finite number >= 0")
                                          : describe_range(node.spec->params[index])) +
                                 ", got " + format_number(data[i]) + " at batch " +
                                 std::to_string(i / frames) + ", frame " +
                                 std::to_string(i % frames));
    }
    check_shared_override(v, name, data); // lanes.cpp
    std::vector<double> &target =
        is_heat ? state_[v].heat_override : state_[v].overrides[static_cast<size_t>(index)];
    target.assign(data, data + count);
    if (!is_heat) {
        // Constant within every lane (a sweep's per-lane value): the view evaluate_params builds
        // is then constant over frames, the one a params_json value gives, so the node takes the
        // path it takes for that value (same bits, and no per-frame work).
        bool constant = true;
        for (size_t i = 0; i < count && constant; ++i)
            constant = std::memcmp(&data[i], &data[i - i % frames], sizeof(double)) == 0;
        state_[v].override_constant[static_cast<size_t>(index)] = constant ? 1 : 0;
    }
    refresh_params(v);
    log("{\"event\":\"amp_graph_runtime_set_param\",\"node\":" + json_quote(node.name) +
        ",\"param\":" + json_quote(name) + ",\"shape\":" + shape_json(batches, channels, frames) +
        "}");
}

void GraphRuntime::clear_params(const char *node_name) {
    const uint32_t first = node_name == nullptr ? 0 : find_node(node_name, "clear_params");
    const uint32_t last = node_name == nullptr ? node_count() : first + 1;
    for (uint32_t v = first; v < last; ++v) {
        for (auto &values : state_[v].overrides) values.clear();
        state_[v].heat_override.clear();
        refresh_params(v);
    }
    log(std::string("{\"event\":\"amp_graph_runtime_clear_params\",\"node\":") +
        (node_name == nullptr ? "null" : json_quote(node_name)) + "}");
}

// Runs for nodes without static_params (refresh_params). The base value of each signal
// parameter, in order of precedence: a single-node call's view
// (windowed at the frame offset within the call), a set_param override, the params_json value.
// Modulation edges then add to or multiply a copy of it.
void GraphRuntime::evaluate_params(uint32_t v, uint64_t position, uint32_t frames,
                                   uint32_t offset_in_block) {
    NodeState &node = state_[v];
    const NodeDescription &description = graph_.nodes[v];
    for (uint32_t p = 0; p < description.spec->param_count; ++p) {
        if (description.spec->params[p].kind != ParamKind::Signal) continue;
        const std::vector<double> &override_values = node.overrides[p];
        const TensorView &call = node.call_params[p];
        const TensorView base =
            !call.empty()             ? frame_window(call, position - call_start_, frames)
            : override_values.empty() ? TensorView{&description.config.values[p], 1, 1, 1, 0}
            : node.override_constant[p] != 0
                ? TensorView{override_values.data(), batches_, 1, 1, block_} // lane b: [b x block]
                : TensorView{override_values.data() + offset_in_block, batches_, 1, frames, block_};
        double *buffer = node.param_buffers[p];
        if (buffer == nullptr) {
            node.params[p] = base;
            continue;
        }
        const uint32_t channels = plan_.param_channels[plan_.param_slot(v, p)];
        const size_t base_step = base.frame_stride();
        const auto &mods = plan_.param_mods[v][p];
        // The base copied with the first edge applied in the same pass (the same operations:
        // base + scale m, or base x (scale m)); the other edges then add or multiply in turn.
        const ModulationEdge *head = mods.empty() ? nullptr : &graph_.modulations[mods[0]];
        const double *head_src = nullptr;
        uint32_t head_total = 0, head_channel = 0, head_count = 1;
        if (head != nullptr) {
            const uint32_t link = plan_.audio_edge_count + mods[0];
            head_src = link_source(link);
            head_total = plan_.output_channels[head->from];
            head_channel = plan_.link_first_channel[link];
            head_count = plan_.link_channels[link];
        }
        for (uint32_t b = 0; b < node.lanes; ++b)
            for (uint32_t c = 0; c < channels; ++c) {
                const double *from = base.row(b, c);
                double *to = buffer + (static_cast<size_t>(b) * channels + c) * block_;
                if (head == nullptr) {
                    for (uint32_t f = 0; f < frames; ++f) to[f] = from[f * base_step];
                    continue;
                }
                const uint32_t sc =
                    head->channel >= 0 ? static_cast<uint32_t>(head->channel) : c % head_count;
                const double *m =
                    head_src +
                    (static_cast<size_t>(lane_of(head->from, b)) * head_total + head_channel + sc) *
                        block_;
                const double scale = head->scale;
                const bool add = head->mode == ModulationMode::Add;
                if (base_step == 0) {
                    const double x = from[0];
                    if (add)
                        for (uint32_t f = 0; f < frames; ++f) to[f] = x + scale * m[f];
                    else
                        for (uint32_t f = 0; f < frames; ++f) to[f] = x * (scale * m[f]);
                } else if (add) {
                    for (uint32_t f = 0; f < frames; ++f) to[f] = from[f] + scale * m[f];
                } else {
                    for (uint32_t f = 0; f < frames; ++f) to[f] = from[f] * (scale * m[f]);
                }
            }
        for (size_t e = 1; e < mods.size(); ++e) {
            const uint32_t id = mods[e];
            const ModulationEdge &edge = graph_.modulations[id];
            const uint32_t link = plan_.audio_edge_count + id;
            const uint32_t total = plan_.output_channels[edge.from];
            const uint32_t first = plan_.link_first_channel[link];
            const uint32_t source_channels = plan_.link_channels[link];
            const double *src = link_source(link);
            const double scale = edge.scale;
            for (uint32_t b = 0; b < node.lanes; ++b)
                for (uint32_t c = 0; c < channels; ++c) {
                    const uint32_t sc = edge.channel >= 0 ? static_cast<uint32_t>(edge.channel)
                                                          : c % source_channels;
                    const double *m =
                        src +
                        (static_cast<size_t>(lane_of(edge.from, b)) * total + first + sc) * block_;
                    double *to = buffer + (static_cast<size_t>(b) * channels + c) * block_;
                    if (edge.mode == ModulationMode::Add)
                        for (uint32_t f = 0; f < frames; ++f) to[f] += scale * m[f];
                    else
                        for (uint32_t f = 0; f < frames; ++f) to[f] *= scale * m[f];
                }
        }
        node.params[p] = TensorView{buffer, node.lanes, channels, frames, block_};
    }
}

} // namespace amp
