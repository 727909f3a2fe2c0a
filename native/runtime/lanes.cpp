// lanes.cpp: lane sharing. A multi-batch render whose lanes differ only in a few parameters
// (a sweep packing its points into batch lanes) declares them; every node outside the
// downstream cone of those parameters' nodes (over audio and modulation links), other than the
// output node, computes the same values in every lane, so it runs once per block as one lane
// (lane 0, prepared for one batch) and every consumer reads that lane (a view broadcast over
// batches, a lane table pointing at lane 0, or b -> 0 in a gather; no copy). Its heat totals,
// heat curves and taps are reported for every lane as lane 0's, which are the values a
// one-batch runtime rendering any lane alone gives, so every lane stays bit-identical to its
// separate render. What would break that is refused: an override that differs between lanes on
// a shared node (set_param, or one in force when sharing is declared) and recording (the
// backward pass reads every lane of every node).
#include <cstring>
#include <deque>
#include <utility>

#include "runtime/errors.h"
#include "runtime/graph_runtime.h"
#include "runtime/json.h"
#include "runtime/node_config.h"

namespace amp {

void GraphRuntime::plan_lanes() {
    for (uint32_t v = 0; v < node_count(); ++v)
        state_[v].lanes = varying_.empty() || varying_[v] != 0 ? batches_ : 1;
}

uint32_t GraphRuntime::shared_node_count() const {
    uint32_t count = 0;
    for (const NodeState &node : state_) count += node.lanes == 1 && batches_ > 1 ? 1 : 0;
    return count;
}

void GraphRuntime::check_shared_override(uint32_t v, const std::string &param,
                                         const double *data) const {
    if (varying_.empty() || varying_[v] != 0 || batches_ == 1) return;
    for (uint32_t b = 1; b < batches_; ++b) {
        const double *lane = data + static_cast<size_t>(b) * block_;
        // Bits, not values: -0 and 0 may render differently downstream.
        if (std::memcmp(lane, data, block_ * sizeof(double)) == 0) continue;
        uint32_t f = 0;
        while (std::memcmp(lane + f, data + f, sizeof(double)) == 0) ++f;
        const NodeDescription &node = graph_.nodes[v];
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                         node_label(node.name, node.spec->type_name) + ": parameter \"" + param +
                             "\" differs between batch lanes (lane 0: " + format_number(data[f]) +
                             ", lane " + std::to_string(b) + ": " + format_number(lane[f]) +
                             " at frame " + std::to_string(f) +
                             ") but the lanes share this node's work: lane sharing declares only " +
                             varying_text_ + " as varying; declare " + node.name + "." + param +
                             " too, or turn lane sharing off");
    }
}

void GraphRuntime::refuse_shared_lanes(const char *stage) const {
    const uint32_t shared = shared_node_count();
    if (shared == 0) return;
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, "",
                     "recording for a backward pass needs every lane of every node, but lane "
                     "sharing runs " +
                         std::to_string(shared) +
                         " node(s) once for all lanes (declared varying: " + varying_text_ +
                         "); turn lane sharing off first");
}

void GraphRuntime::share_lanes(const std::vector<std::pair<std::string, std::string>> &varying) {
    std::vector<uint8_t> cone;
    std::string text;
    if (!varying.empty()) {
        cone.assign(node_count(), 0);
        std::deque<uint32_t> queue;
        for (const auto &[node_name, param] : varying) {
            const uint32_t v = find_node(node_name.c_str(), "share_lanes");
            const NodeDescription &node = graph_.nodes[v];
            const bool is_heat = param == node.config.heat_param;
            const int index = is_heat ? -1 : find_param_index(*node.spec, param);
            if (!is_heat && (index < 0 || node.spec->params[index].kind != ParamKind::Signal)) {
                std::string settable;
                for (uint32_t p = 0; p < node.spec->param_count; ++p)
                    if (node.spec->params[p].kind == ParamKind::Signal)
                        settable +=
                            std::string(settable.empty() ? "" : ", ") + node.spec->params[p].name;
                settable += std::string(settable.empty() ? "" : ", ") + node.config.heat_param;
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "share_lanes", node.name,
                                 node_label(node.name, node.spec->type_name) +
                                     ": lane-varying parameter \"" + param + "\" is " +
                                     (index < 0 ? "unknown" : "static (the same in every lane)") +
                                     "; lanes may differ in: " + settable);
            }
            text += (text.empty() ? "" : ", ") + node.name + "." + param;
            queue.push_back(v);
        }
        queue.push_back(graph_.output);
        while (!queue.empty()) {
            const uint32_t v = queue.front();
            queue.pop_front();
            if (cone[v] != 0) continue;
            cone[v] = 1;
            for (const LinkPlan &link : plan_.links)
                if (link.from == v && cone[link.to] == 0) queue.push_back(link.to);
        }
        // An override in force that differs between lanes must be on a node that keeps them.
        const std::vector<uint8_t> previous = std::exchange(varying_, cone);
        const std::string previous_text = std::exchange(varying_text_, text);
        try {
            for (uint32_t v = 0; v < node_count(); ++v) {
                const NodeSpec &spec = *graph_.nodes[v].spec;
                for (uint32_t p = 0; p < spec.param_count; ++p)
                    if (!state_[v].overrides[p].empty())
                        check_shared_override(v, spec.params[p].name,
                                              state_[v].overrides[p].data());
                if (!state_[v].heat_override.empty())
                    check_shared_override(v, graph_.nodes[v].config.heat_param,
                                          state_[v].heat_override.data());
            }
        } catch (const AmpFailure &failure) {
            varying_ = previous;
            varying_text_ = previous_text;
            throw AmpFailure(failure.code, "share_lanes", failure.node,
                             std::string(failure.what()) +
                                 " (an override set earlier: clear it first)");
        }
        varying_ = previous;
        varying_text_ = previous_text;
    }
    const std::vector<uint8_t> old_varying = std::exchange(varying_, cone);
    const std::string old_text = std::exchange(varying_text_, text);
    try {
        allocate();
    } catch (...) {
        varying_ = old_varying;
        varying_text_ = old_text;
        allocate();
        throw;
    }
    reset();
    std::string list;
    for (const auto &[node_name, param] : varying)
        list += std::string(list.empty() ? "" : ",") + json_quote(node_name + "." + param);
    log("{\"event\":\"amp_graph_runtime_share_lanes\",\"varying\":[" + list +
        "],\"shared_nodes\":" + std::to_string(shared_node_count()) + "}");
}

} // namespace amp
