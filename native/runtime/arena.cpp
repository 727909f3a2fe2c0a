// arena.cpp: the runtime's buffers. Every buffer of the render path (node outputs, heat rows,
// gathered ports, modulated parameters, link FIFOs, the output padding) is one slice of one
// arena, sized and cut at configure; node states are prepared here too. Nothing allocates after.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <cmath>

#include "runtime/errors.h"
#include "runtime/memory_budget.h"
#include "runtime/node_config.h"
#include "runtime/tap_records.h"

namespace amp {

bool GraphRuntime::port_needs_buffer(uint32_t v, uint32_t p) const {
    const auto &edges = plan_.port_edges[v][p];
    if (edges.empty()) return false; // an optional port left open
    if (edges.size() == 1) return plan_.link_channels[edges[0]] != plan_.port_channels[v][p];
    return graph_.nodes[v].spec->inputs[p].gather == Gather::Sum;
}

size_t GraphRuntime::heat_square_channels(uint32_t v, size_t b) const {
    if (b < 2) return 0;
    size_t channels = 0;
    for (uint32_t p = 0; p < graph_.nodes[v].spec->input_count; ++p)
        channels += plan_.port_channels[v][p];
    return channels;
}

size_t GraphRuntime::arena_doubles(size_t b, size_t f) const {
    size_t total = b * f; // graph heat
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        total += b * plan_.output_channels[v] * f + b * f;
        total += heat_square_channels(v, b) * f;
        for (uint32_t t = 0; t < spec.tap_count; ++t) {
            const TapLayout &layout = state_[v].tap_layouts[t];
            total += b * spec.taps[t].values * layout.groups * tap_block_records(layout, f);
        }
        for (uint32_t p = 0; p < spec.input_count; ++p)
            if (port_needs_buffer(v, p)) total += b * plan_.port_channels[v][p] * f;
        for (uint32_t p = 0; p < spec.param_count; ++p)
            if (!plan_.param_mods[v][p].empty())
                total += b * plan_.param_channels[plan_.param_slot(v, p)] * f;
    }
    for (const LinkPlan &link : plan_.links)
        if (link.delay > 0) total += b * plan_.output_channels[link.from] * (link.delay + 2 * f);
    const uint32_t output_padding = plan_.padding[graph_.output];
    if (output_padding > 0)
        total += b * plan_.output_channels[graph_.output] * (output_padding + 2 * f);
    return total;
}

double GraphRuntime::buffer_bytes(uint32_t batches, uint32_t block, uint32_t max_step) const {
    double bytes = static_cast<double>(arena_doubles(batches, block)) * sizeof(double);
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        std::vector<uint32_t> channels(plan_.port_channels[v]);
        const PrepareContext context{batches,
                                     max_step,
                                     sample_rate_,
                                     channels.data(),
                                     graph_.nodes[v].spec->input_count,
                                     plan_.output_channels[v]};
        bytes += static_cast<double>(plan_.nodes[v]->prepared_bytes(context));
    }
    return bytes;
}

double GraphRuntime::buffer_bytes(uint32_t batches, uint32_t block) const {
    return buffer_bytes(batches, block, std::min(block, plan_.max_block));
}

// Refuses configurations whose buffers (arena + node states) would exceed the memory budget
// (memory_budget.h; default half the machine's memory): better a clear error naming the size
// than the kernel's out-of-memory killer.
void GraphRuntime::check_memory(uint32_t batches, uint32_t block, uint32_t max_step) const {
    const double bytes = buffer_bytes(batches, block, max_step);
    const double budget = memory_budget_bytes();
    if (bytes > budget)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "configure", "",
                         "batches " + std::to_string(batches) + " x block_frames " +
                             std::to_string(block) + " needs " +
                             format_number(std::ceil(bytes / (1024.0 * 1024.0))) +
                             " MiB of buffers; the limit is " +
                             format_number(std::floor(budget / (1024.0 * 1024.0))) + " MiB (" +
                             (memory_budget_is_default() ? "half the machine's memory"
                                                         : "the memory budget set by the host") +
                             ")");
}

void GraphRuntime::allocate() {
    const size_t b = batches_, f = block_;
    const size_t total = arena_doubles(b, f);
    const uint32_t output_padding = plan_.padding[graph_.output];
    const size_t output_lanes = b * plan_.output_channels[graph_.output];
    arena_.assign(total, 0.0);
    plan_lanes();
    double *cursor = arena_.data();
    auto take = [&cursor](size_t count) {
        double *slice = cursor;
        cursor += count;
        return slice;
    };
    graph_heat_ = take(b * f);
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        NodeState &node = state_[v];
        node.out = take(b * plan_.output_channels[v] * f);
        node.heat = take(b * f);
        const size_t square_channels = heat_square_channels(v, b);
        node.heat_squares = square_channels > 0 ? take(square_channels * f) : nullptr;
        node.heat_square_rows.assign(square_channels, nullptr);
        node.taps.assign(spec.tap_count, nullptr);
        node.tap_strides.assign(spec.tap_count, 0);
        node.tap_records.assign(spec.tap_count, 0);
        for (uint32_t t = 0; t < spec.tap_count; ++t) {
            const TapLayout &layout = node.tap_layouts[t];
            if (layout.groups == 0) continue;
            node.tap_strides[t] = tap_block_records(layout, f);
            node.taps[t] = take(b * spec.taps[t].values * layout.groups * node.tap_strides[t]);
        }
        for (uint32_t p = 0; p < spec.input_count; ++p)
            node.port_buffers[p] =
                port_needs_buffer(v, p) ? take(b * plan_.port_channels[v][p] * f) : nullptr;
        for (uint32_t p = 0; p < spec.param_count; ++p)
            node.param_buffers[p] =
                plan_.param_mods[v][p].empty()
                    ? nullptr
                    : take(b * plan_.param_channels[plan_.param_slot(v, p)] * f);
    }
    for (uint32_t id = 0; id < plan_.links.size(); ++id) {
        const LinkPlan &link = plan_.links[id];
        LinkFifo &fifo = fifos_[id];
        fifo = LinkFifo{};
        if (link.delay == 0) continue;
        // A shared producer's link carries its one lane (lanes.cpp).
        fifo.lanes = state_[link.from].lanes * plan_.output_channels[link.from];
        fifo.delay = link.delay;
        fifo.block = f;
        fifo.capacity = link.delay + f;
        fifo.ring = take(fifo.lanes * fifo.capacity);
        fifo.staging = take(fifo.lanes * f);
    }
    output_fifo_ = LinkFifo{};
    if (output_padding > 0) {
        output_fifo_.lanes = static_cast<uint32_t>(output_lanes);
        output_fifo_.delay = output_padding;
        output_fifo_.block = f;
        output_fifo_.capacity = output_padding + f;
        output_fifo_.ring = take(output_lanes * output_fifo_.capacity);
        output_fifo_.staging = take(output_lanes * f);
    }
    // Second pass, now that every output buffer exists: concat lane tables, then prepare.
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        NodeState &node = state_[v];
        for (uint32_t p = 0; p < spec.input_count; ++p) {
            node.port_rows[p].clear();
            const auto &edges = plan_.port_edges[v][p];
            const bool concat = spec.inputs[p].gather == Gather::Concat && edges.size() >= 2;
            const bool group =
                edges.size() == 1 && !port_needs_buffer(v, p) && plan_.reads_group(edges[0]);
            if (!concat && !group) continue;
            // A concat input, or one named output of a producer, reads each lane where its
            // producer wrote it: a table, no copy.
            for (uint32_t batch = 0; batch < batches_; ++batch)
                for (uint32_t id : edges) {
                    const uint32_t lanes = plan_.output_channels[graph_.edges[id].from];
                    for (uint32_t c = 0; c < plan_.link_channels[id]; ++c)
                        node.port_rows[p].push_back(
                            link_source(id) +
                            (static_cast<size_t>(lane_of(graph_.edges[id].from, batch)) * lanes +
                             plan_.link_first_channel[id] + c) *
                                f);
                }
        }
        plan_inputs(v);
        refresh_params(v);
        plan_heat(v);
        plan_context(v);
        std::vector<uint32_t> channels(plan_.port_channels[v]);
        PrepareContext context{node.lanes,      max_step_,        sample_rate_,
                               channels.data(), spec.input_count, plan_.output_channels[v]};
        plan_.nodes[v]->prepare(context);
    }
    // What execute() may skip for this graph.
    needs_curves_ = false;
    tap_nodes_.clear();
    per_frame_taps_only_ = true;
    counted_frames_ = 0;
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        needs_curves_ = needs_curves_ || plan_.nodes[v]->required_curve(0) != nullptr;
        bool taps = false;
        for (const TapLayout &layout : state_[v].tap_layouts) {
            taps = taps || layout.groups > 0;
            per_frame_taps_only_ =
                per_frame_taps_only_ && (layout.groups == 0 || layout.period == 1);
        }
        if (taps) tap_nodes_.push_back(v);
    }
    plan_small_calls();
}

} // namespace amp
