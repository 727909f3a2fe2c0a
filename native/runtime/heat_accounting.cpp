// heat_accounting.cpp: heat per node and for the graph (the nodes.md model or an override),
// per-frame curves, block-invariant totals, and the thermal-budget flags.
//
// Every step that consumes a node's input computes the node's per-frame heat for the block
// (heat[b, f], a value that depends only on that frame's samples) and adds it to the node's
// accumulators (heat.h: accumulate_heat, lanes by frame index, since create / reset). Totals are
// read by folding the lanes, batches in order; the graph total is the node totals added in node
// order; a call's heat is the node total minus its value when the call started. None of it depends
// on the block size or the thread count.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <cstring>

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

// The graph's per-frame heat: node curves added in node order (only when a render records
// curves or checks a budget).
void GraphRuntime::sum_graph_heat(uint32_t frames) {
    if (!heat_curves_) return;
    for (uint32_t b = 0; b < batches_; ++b) {
        double *total = graph_heat_ + static_cast<size_t>(b) * block_;
        std::fill_n(total, frames, 0.0);
        for (uint32_t v = 0; v < node_count(); ++v) {
            if (state_[v].feeder) continue;
            const double *heat = state_[v].heat + static_cast<size_t>(lane_of(v, b)) * block_;
            for (uint32_t f = 0; f < frames; ++f) total[f] += heat[f];
        }
    }
}

// One node's heat over frames [position, position + frames): the override in force (a call's
// heat view, else a set_param override), else the heat the node published, else the model on
// the node's inputs (sources: its output).
void GraphRuntime::compute_heat(uint32_t v, uint64_t position, uint32_t frames,
                                uint32_t offset_in_block) {
    NodeState &node = state_[v];
    if (node.feeder) return;
    const HeatModel &model = node.heat_model;
    if (add_model_heat(node, position, frames)) return;
    const NodeDescription &description = graph_.nodes[v];
    const bool source = description.spec->input_count == 0;
    const TensorView output{node.out, node.lanes, plan_.output_channels[v], frames, block_};
    const TensorView *signals = source ? &output : node.inputs.data();
    const uint32_t signal_count = source ? 1 : description.spec->input_count;
    const uint64_t call_offset = position - call_start();
    const double *const *squares = nullptr; // set by lane 0 for the model over many rows
    for (uint32_t b = 0; b < node.lanes; ++b) {
        double *heat = node.heat + static_cast<size_t>(b) * block_;
        if (!node.call_heat.empty()) {
            for (uint32_t f = 0; f < frames; ++f)
                heat[f] = node.call_heat.at(b, 0, static_cast<uint32_t>(call_offset + f));
        } else if (!node.heat_override.empty()) {
            std::memcpy(
                heat, node.heat_override.data() + static_cast<size_t>(b) * block_ + offset_in_block,
                frames * sizeof(double));
        } else if (!node.publishes_heat) {
            if (!heat_curves_ && signal_count == 1 && signals[0].channels == 1) {
                // One lane and no curve asked for: the same sums without writing the curve.
                accumulate_lane_heat(node.heat_lanes + static_cast<size_t>(b) * kHeatLanes,
                                     position, model, signals[0].row(b, 0), frames);
                continue;
            }
            if (!heat_curves_) { // a few rows (e.g. a controller's curves): the same, fused
                const double *rows[kFusedHeatRows];
                uint32_t count = 0;
                for (uint32_t s = 0; s < signal_count && count <= kFusedHeatRows; ++s)
                    for (uint32_t c = 0; c < signals[s].channels && count <= kFusedHeatRows; ++c)
                        if (count++ < kFusedHeatRows) rows[count - 1] = signals[s].row(b, c);
                if (count >= 1 && count <= kFusedHeatRows) {
                    accumulate_rows_heat(node.heat_lanes + static_cast<size_t>(b) * kHeatLanes,
                                         position, model, rows, count, frames);
                    continue;
                }
            }
            // Every lane reaches this line or none does (nothing above depends on the lane).
            if (b == 0 && node.lanes > 1 && !source)
                squares = square_shared_rows(node, signals, signal_count, frames);
            heat_curve_for_batch(model, signals, signal_count, b, frames, heat, squares);
        } // else: the node wrote its own heat for this block in process() / absorb()
        accumulate_heat(node.heat_lanes + static_cast<size_t>(b) * kHeatLanes, position, heat,
                        frames);
    }
}

// A row every lane reads alike (a shared node's output read by a node that runs per lane) has
// the same squares in every lane: they are computed once here (x * x, the value the model adds)
// and every lane's sum reads them, in the same order as the rows they stand for.
const double *const *GraphRuntime::square_shared_rows(NodeState &node, const TensorView *signals,
                                                      uint32_t signal_count, uint32_t frames) {
    size_t total = 0;
    for (uint32_t s = 0; s < signal_count; ++s) total += signals[s].channels;
    if (node.heat_squares == nullptr || total > node.heat_square_rows.size()) return nullptr;
    bool any = false;
    size_t i = 0;
    for (uint32_t s = 0; s < signal_count; ++s)
        for (uint32_t c = 0; c < signals[s].channels; ++c, ++i) {
            const double *x = signals[s].row(0, c);
            bool alike = true;
            for (uint32_t b = 1; b < node.lanes && alike; ++b) alike = signals[s].row(b, c) == x;
            node.heat_square_rows[i] = nullptr;
            if (!alike) continue;
            double *square = node.heat_squares + i * block_;
            for (uint32_t f = 0; f < frames; ++f) square[f] = x[f] * x[f];
            node.heat_square_rows[i] = square;
            any = true;
        }
    return any ? node.heat_square_rows.data() : nullptr;
}

// The one lane the heat model reads, when it reads one (a node without published heat whose
// signals are a single one-channel view without a lane table: a source's output or its one
// input): batch b's row at model_row + b * model_batch_stride. Set at configure (plan_inputs has
// fixed the input views).
void GraphRuntime::plan_heat(uint32_t v) {
    NodeState &node = state_[v];
    const NodeSpec &spec = *graph_.nodes[v].spec;
    node.heat_model = HeatModel::of(graph_.nodes[v].config);
    node.model_row = nullptr;
    node.model_batch_stride = 0;
    if (node.feeder || node.publishes_heat) return;
    if (spec.input_count == 0) {
        if (plan_.output_channels[v] != 1) return;
        node.model_row = node.out;
        node.model_batch_stride = block_;
        return;
    }
    // The one connected port (optional ports left open add no channel to the model's sum, so
    // the sum over the connected one is the same value).
    const TensorView *connected = nullptr;
    for (uint32_t p = 0; p < spec.input_count; ++p) {
        if (node.inputs[p].empty()) continue;
        if (connected != nullptr) return; // two or more ports
        connected = &node.inputs[p];
    }
    if (connected == nullptr) return;
    const TensorView &in = *connected;
    if (in.channels != 1 || in.rows != nullptr) return;
    node.model_row = in.data;
    node.model_batch_stride = in.batches == 1 ? 0 : in.stride();
}

double GraphRuntime::fold_batches(uint32_t v) const {
    const double *lanes = state_[v].heat_lanes;
    double total = 0.0;
    for (uint32_t b = 0; b < batches_; ++b)
        total += fold_heat(lanes + static_cast<size_t>(lane_of(v, b)) * kHeatLanes);
    return total;
}

double GraphRuntime::node_heat_total(uint32_t v) const { return fold_batches(v); }

// The node's total now minus its total when the call started: both block-invariant, so the
// difference is too (and exact for a call that starts a stream).
double GraphRuntime::node_call_heat(uint32_t v) const {
    return node_heat_total(v) - call_start_total(v);
}

// fold_batches over the lanes copied at the start of the call: the same values in the same
// order, so the same bits as folding them then.
double GraphRuntime::call_start_total(uint32_t v) const {
    if (call_start_kind_ == kCallStartRestored) return state_[v].call_start_heat;
    if (call_start_kind_ == kCallStartFrame) {
        // The lanes then: heat_lanes_ now, but for the one lane the call's frame added to (one
        // batch lane: run_one_lane_frame needs batches 1).
        if (v != call_start_frame_node_) return fold_batches(v);
        double lanes[kHeatLanes];
        std::memcpy(lanes, state_[v].heat_lanes, sizeof lanes);
        lanes[call_start() % kHeatLanes] = call_start_frame_value_;
        double total = 0.0;
        total += fold_heat(lanes);
        return total;
    }
    const double *lanes = call_start_lanes_.data() + static_cast<size_t>(v) * batches_ * kHeatLanes;
    double total = 0.0;
    for (uint32_t b = 0; b < batches_; ++b)
        total += fold_heat(lanes + static_cast<size_t>(lane_of(v, b)) * kHeatLanes);
    return total;
}

// Runs after every block of a render with a progress callback: the node totals are folded
// inline (the same additions, in the same order, as node_heat_total).
double GraphRuntime::graph_heat_total() const {
    double total = 0.0;
    const uint32_t count = node_count();
    for (uint32_t v = 0; v < count; ++v) {
        const NodeState &node = state_[v];
        if (node.feeder) continue;
        const double *lanes = node.heat_lanes;
        double node_total = 0.0;
        for (uint32_t b = 0; b < batches_; ++b)
            node_total += fold_heat(lanes + static_cast<size_t>(lane_of(v, b)) * kHeatLanes);
        total += node_total;
    }
    return total;
}

void GraphRuntime::heat_by_batch(double *out) const {
    double *graph = out + static_cast<size_t>(node_count()) * batches_;
    for (uint32_t b = 0; b < batches_; ++b) graph[b] = 0.0;
    for (uint32_t v = 0; v < node_count(); ++v) {
        for (uint32_t b = 0; b < batches_; ++b) {
            // 0.0 + fold: the value fold_batches gives a one-batch runtime.
            const double total = 0.0 + fold_heat(state_[v].heat_lanes +
                                                 static_cast<size_t>(lane_of(v, b)) * kHeatLanes);
            out[static_cast<size_t>(v) * batches_ + b] = total;
            if (!state_[v].feeder) graph[b] += total;
        }
    }
}

// Sizes the accumulators for the configured batches (at configure) and zeroes them.
void GraphRuntime::reset_heat() {
    const size_t per_node = static_cast<size_t>(batches_) * kHeatLanes;
    heat_lanes_.assign(per_node * state_.size(), 0.0);
    call_start_lanes_.assign(heat_lanes_.size(), 0.0);
    call_start_kind_ = kCallStartLanes;
    for (size_t v = 0; v < state_.size(); ++v) {
        state_[v].heat_lanes = heat_lanes_.data() + v * per_node;
        state_[v].call_start_heat = 0.0;
    }
}

// Runs at the start of every execute call: one copy, no fold (call_start_total folds).
void GraphRuntime::reset_call_heat() {
    std::memcpy(call_start_lanes_.data(), heat_lanes_.data(), heat_lanes_.size() * sizeof(double));
    call_start_kind_ = kCallStartLanes;
}

} // namespace amp
