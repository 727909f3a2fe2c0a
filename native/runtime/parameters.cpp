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

// One modulation edge of a parameter lane: its source row, scale and mode.
struct Term {
    const double *m;
    double scale;
    bool add;
};

// to[f] = the base (x, or from[f]) with one, two or three terms applied in order: v + scale m
// (add) or v x (scale m) (multiply); a third term is always an add.
template <bool kConstant, bool kAdd1, int kTerms, bool kAdd2>
void apply_loop(double *__restrict to, const double *from, const Term *terms, uint32_t frames) {
    const double x = from[0], s1 = terms[0].scale;
    const double *m1 = terms[0].m;
    const double s2 = kTerms > 1 ? terms[1].scale : 0.0;
    const double *m2 = kTerms > 1 ? terms[1].m : nullptr;
    const double s3 = kTerms > 2 ? terms[2].scale : 0.0;
    const double *m3 = kTerms > 2 ? terms[2].m : nullptr;
#pragma GCC unroll 4
    for (uint32_t f = 0; f < frames; ++f) {
        double value = kConstant ? x : from[f];
        value = kAdd1 ? value + s1 * m1[f] : value * (s1 * m1[f]);
        if (kTerms > 1) value = kAdd2 ? value + s2 * m2[f] : value * (s2 * m2[f]);
        if (kTerms > 2) value = value + s3 * m3[f];
        to[f] = value;
    }
}

template <bool kConstant, int kTerms>
void apply_two_modes(double *to, const double *from, const Term *terms, uint32_t frames) {
    const bool a1 = terms[0].add, a2 = terms[1].add;
    if (a1 && a2)
        apply_loop<kConstant, true, kTerms, true>(to, from, terms, frames);
    else if (a1)
        apply_loop<kConstant, true, kTerms, false>(to, from, terms, frames);
    else if (a2)
        apply_loop<kConstant, false, kTerms, true>(to, from, terms, frames);
    else
        apply_loop<kConstant, false, kTerms, false>(to, from, terms, frames);
}

template <bool kConstant>
void apply_terms_from(double *to, const double *from, const Term *terms, size_t count,
                      uint32_t frames) {
    const bool a1 = terms[0].add;
    if (count == 1) {
        if (a1)
            apply_loop<kConstant, true, 1, true>(to, from, terms, frames);
        else
            apply_loop<kConstant, false, 1, true>(to, from, terms, frames);
        return;
    }
    if (count == 2)
        apply_two_modes<kConstant, 2>(to, from, terms, frames);
    else
        apply_two_modes<kConstant, 3>(to, from, terms, frames);
}

// A parameter lane's base (constant over frames, or one value per frame) with its first one,
// two or three modulation edges applied (a third only when it adds), into `to`.
void apply_terms(double *to, const double *from, bool constant, const Term *terms, size_t count,
                 uint32_t frames) {
    if (constant)
        apply_terms_from<true>(to, from, terms, count, frames);
    else
        apply_terms_from<false>(to, from, terms, count, frames);
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
            !call.empty()             ? frame_window(call, position - call_start(), frames)
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
        // Edge e's source row for lane (b, c) of the parameter.
        const auto source_row = [&](size_t e, uint32_t b, uint32_t c) {
            const ModulationEdge &edge = graph_.modulations[mods[e]];
            const uint32_t link = plan_.audio_edge_count + mods[e];
            const uint32_t sc = edge.channel >= 0 ? static_cast<uint32_t>(edge.channel)
                                                  : c % plan_.link_channels[link];
            return link_source(link) +
                   (static_cast<size_t>(lane_of(edge.from, b)) * plan_.output_channels[edge.from] +
                    plan_.link_first_channel[link] + sc) *
                       block_;
        };
        // The base copied with the first two edges applied in the same pass, and the third
        // when it adds (the same operations in the same order: base + scale m, or base x
        // (scale m), then the next edge on that value); the other edges then add or multiply
        // in turn.
        const bool third_adds =
            mods.size() > 2 && graph_.modulations[mods[2]].mode == ModulationMode::Add;
        const size_t fused = third_adds ? 3 : std::min<size_t>(mods.size(), 2);
        for (uint32_t b = 0; b < node.lanes; ++b)
            for (uint32_t c = 0; c < channels; ++c) {
                const double *from = base.row(b, c);
                double *to = buffer + (static_cast<size_t>(b) * channels + c) * block_;
                if (fused == 0) {
                    for (uint32_t f = 0; f < frames; ++f) to[f] = from[f * base_step];
                    continue;
                }
                Term terms[3];
                for (size_t e = 0; e < fused; ++e) {
                    const ModulationEdge &edge = graph_.modulations[mods[e]];
                    terms[e] = {source_row(e, b, c), edge.scale, edge.mode == ModulationMode::Add};
                }
                apply_terms(to, from, base_step == 0, terms, fused, frames);
            }
        for (size_t e = fused; e < mods.size(); ++e) {
            const ModulationEdge &edge = graph_.modulations[mods[e]];
            const double scale = edge.scale;
            for (uint32_t b = 0; b < node.lanes; ++b)
                for (uint32_t c = 0; c < channels; ++c) {
                    const double *m = source_row(e, b, c);
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
