// heat_accounting.cpp: heat per node and for the graph (the nodes.md model or a node's override),
// per-frame curves when asked for, and the thermal-budget flags.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <cstring>

#include "dsp/reduce.h"
#include "runtime/heat.h"

namespace amp {

void GraphRuntime::check_budget(uint32_t frames, uint64_t done, uint64_t total, uint8_t *flags) {
    const double limit = graph_.thermal_budget / sample_rate_; // heat per frame
    for (uint32_t b = 0; b < batches_; ++b) {
        const double *heat = graph_heat_ + static_cast<size_t>(b) * block_;
        for (uint32_t f = 0; f < frames; ++f) {
            const bool over = heat[f] > limit;
            frames_over_budget_ += over ? 1 : 0;
            if (flags != nullptr) flags[static_cast<size_t>(b) * total + done + f] = over ? 1 : 0;
        }
    }
}

// Graph totals, in node order whatever thread ran each node, so they are the same bits for any
// thread count.
void GraphRuntime::sum_graph_heat(uint32_t frames) {
    for (uint32_t v = 0; v < node_count(); ++v) {
        graph_heat_total_ += state_[v].block_heat;
        state_[v].block_heat = 0.0;
    }
    if (!heat_curves_) return;
    for (uint32_t b = 0; b < batches_; ++b) {
        double *total = graph_heat_ + static_cast<size_t>(b) * block_;
        std::fill_n(total, frames, 0.0);
        for (uint32_t v = 0; v < node_count(); ++v) {
            const double *heat = state_[v].heat + static_cast<size_t>(b) * block_;
            for (uint32_t f = 0; f < frames; ++f) total[f] += heat[f];
        }
    }
}

// The heat of one node over the block (nodes.md model). Without per-frame curves only the
// energy of each lane is needed; a node that feeds another node's port directly keeps its lane
// energies, and that consumer adds them instead of scanning the same samples again (the same
// numbers added in the same order: the totals are bit-identical either way).
void GraphRuntime::compute_heat(uint32_t v, uint32_t frames, uint32_t offset_in_block) {
    const NodeDescription &description = graph_.nodes[v];
    NodeState &node = state_[v];
    const HeatModel model = HeatModel::of(description.config);
    const bool source = description.spec->input_count == 0;
    const uint32_t channels = plan_.output_channels[v];
    const TensorView output{node.out, batches_, channels, frames, block_};
    const TensorView *signals = source ? &output : node.inputs.data();
    const uint32_t signal_count = source ? 1 : description.spec->input_count;
    double total = 0.0;
    for (uint32_t b = 0; b < batches_; ++b) {
        if (node.keeps_lane_energy)
            for (uint32_t c = 0; c < channels; ++c)
                node.lane_energy[static_cast<size_t>(b) * channels + c] =
                    dsp::sum_of_squares(output.row(b, c), frames);
        double *heat = node.heat + static_cast<size_t>(b) * block_;
        if (!node.heat_override.empty()) {
            const double *values =
                node.heat_override.data() + static_cast<size_t>(b) * block_ + offset_in_block;
            for (uint32_t f = 0; f < frames; ++f) total += values[f];
            if (heat_curves_) std::memcpy(heat, values, frames * sizeof(double));
        } else if (heat_curves_) {
            heat_curve_for_batch(model, signals, signal_count, b, frames, heat);
            for (uint32_t f = 0; f < frames; ++f) total += heat[f];
        } else if (source && node.keeps_lane_energy) {
            double energy = 0.0;
            for (uint32_t c = 0; c < channels; ++c)
                energy += node.lane_energy[static_cast<size_t>(b) * channels + c];
            total += energy * model.conductance + model.work * frames;
        } else if (!source) {
            total += input_energy(v, b, frames) * model.conductance + model.work * frames;
        } else {
            total += heat_total_for_batch(model, signals, signal_count, b, frames);
        }
    }
    node.heat_total += total;
    node.block_heat += total;
}

// Sum of squares of a node's inputs for one batch, in port and channel order.
double GraphRuntime::input_energy(uint32_t v, uint32_t b, uint32_t frames) const {
    const NodeState &node = state_[v];
    double energy = 0.0;
    for (uint32_t p = 0; p < graph_.nodes[v].spec->input_count; ++p) {
        if (!node.port_reads_energy[p]) {
            for (uint32_t c = 0; c < node.inputs[p].channels; ++c)
                energy += dsp::sum_of_squares(node.inputs[p].row(b, c), frames);
            continue;
        }
        for (uint32_t id : plan_.port_edges[v][p]) {
            const uint32_t source = graph_.edges[id].from;
            const uint32_t channels = plan_.output_channels[source];
            const double *lanes =
                state_[source].lane_energy.data() + static_cast<size_t>(b) * channels;
            for (uint32_t c = 0; c < channels; ++c) energy += lanes[c];
        }
    }
    return energy;
}

// Decides which ports read their producers' lane energies: those whose lanes are exactly the
// producers' output lanes of this block (one matching edge read in place, or a concat of
// undelayed edges) from producers that finish their step before the consumer runs (not a
// delay node split by a loop: its output exists before its heat is computed). Those producers
// keep lane energies; so do sources, for their own heat.
void GraphRuntime::plan_energy_sharing() {
    std::vector<bool> split(graph_.nodes.size(), false);
    for (const Step &step : plan_.steps)
        if (step.kind == StepKind::Emit) split[step.node] = true;
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        state_[v].keeps_lane_energy = graph_.nodes[v].spec->input_count == 0;
        state_[v].port_reads_energy.assign(graph_.nodes[v].spec->input_count, false);
    }
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        for (uint32_t p = 0; p < spec.input_count; ++p) {
            const auto &edges = plan_.port_edges[v][p];
            bool direct = !port_needs_buffer(v, p);
            for (uint32_t id : edges)
                direct = direct && plan_.links[id].delay == 0 && !split[graph_.edges[id].from] &&
                         !plan_.reads_group(id);
            if (!direct) continue;
            state_[v].port_reads_energy[p] = true;
            for (uint32_t id : edges) state_[graph_.edges[id].from].keeps_lane_energy = true;
        }
    }
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v)
        state_[v].lane_energy.assign(state_[v].keeps_lane_energy
                                         ? static_cast<size_t>(batches_) * plan_.output_channels[v]
                                         : 0,
                                     0.0);
}

} // namespace amp
