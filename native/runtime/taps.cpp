// taps.cpp: the taps nodes publish (NodeSpec::taps, Node::tap_layout). Each tap's block rows
// are arena slices cut at configure (arena.cpp), holding the records the longest block can
// publish; the node writes them in process(); execute() copies them to the caller's tap buffer
// after each block, tap after tap in tap-index order, each planar batches x values x records,
// with each record's time in seconds. Nothing here allocates.
#include <cstring>

#include "runtime/errors.h"
#include "runtime/graph_runtime.h"
#include "runtime/node_config.h"
#include "runtime/tap_records.h"

namespace amp {

void GraphRuntime::plan_taps() {
    for (uint32_t v = 0; v < node_count(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        NodeState &node = state_[v];
        node.tap_layouts.assign(spec.tap_count, TapLayout{});
        for (uint32_t t = 0; t < spec.tap_count; ++t) {
            const TapLayout layout = plan_.nodes[v]->tap_layout(t, plan_.output_channels[v]);
            if (layout.period < 1 || layout.phase >= layout.period ||
                (layout.groups == 0 && !spec.taps[t].optional))
                throw AmpFailure(AMP_ERR_INTERNAL, "compile", graph_.nodes[v].name,
                                 node_label(graph_.nodes[v].name, spec.type_name) + ": tap \"" +
                                     spec.taps[t].name + "\" has an invalid layout (groups " +
                                     std::to_string(layout.groups) + ", period " +
                                     std::to_string(layout.period) + ", phase " +
                                     std::to_string(layout.phase) + ")");
            node.tap_layouts[t] = layout;
        }
    }
}

uint32_t GraphRuntime::tap_count() const {
    uint32_t count = 0;
    for (const NodeState &node : state_)
        for (const TapLayout &layout : node.tap_layouts) count += layout.groups > 0 ? 1 : 0;
    return count;
}

void GraphRuntime::tap_info(uint32_t index, AmpTapInfo &info) const {
    uint32_t seen = 0;
    for (uint32_t v = 0; v < node_count(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        for (uint32_t t = 0; t < spec.tap_count; ++t) {
            const TapLayout &layout = state_[v].tap_layouts[t];
            if (layout.groups == 0) continue;
            if (seen++ != index) continue;
            const TapSpec &tap = spec.taps[t];
            info.node = graph_.nodes[v].name.c_str();
            info.name = tap.name;
            info.unit = tap.unit;
            info.values = tap.values * layout.groups;
            info.group_values = tap.values;
            info.value_names = tap.value_names;
            info.period = layout.period;
            info.phase = layout.phase;
            return;
        }
    }
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "tap_info", "",
                     "tap index " + std::to_string(index) + " is out of range; the graph has " +
                         std::to_string(seen) + " taps");
}

uint64_t GraphRuntime::tap_records(uint32_t index, uint64_t frames) const {
    uint32_t seen = 0;
    for (const NodeState &node : state_)
        for (const TapLayout &layout : node.tap_layouts) {
            if (layout.groups == 0) continue;
            if (seen++ == index) return tap_records_in(layout, position_, frames);
        }
    return 0;
}

uint64_t GraphRuntime::tap_doubles(uint64_t frames) const {
    uint64_t values = 0;
    for (uint32_t v = 0; v < node_count(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        for (uint32_t t = 0; t < spec.tap_count; ++t) {
            const TapLayout &layout = state_[v].tap_layouts[t];
            values += static_cast<uint64_t>(spec.taps[t].values) * layout.groups *
                      tap_records_in(layout, position_, frames);
        }
    }
    return values * batches_;
}

uint64_t GraphRuntime::tap_time_doubles(uint64_t frames) const {
    uint64_t records = 0;
    for (const NodeState &node : state_)
        for (const TapLayout &layout : node.tap_layouts)
            if (layout.groups > 0) records += tap_records_in(layout, position_, frames);
    return records;
}

void GraphRuntime::count_tap_records(uint64_t position, uint32_t frames) {
    // Taps with a record per frame only: the counts depend on `frames` alone.
    if (per_frame_taps_only_ && frames == counted_frames_) return;
    counted_frames_ = frames;
    for (uint32_t v : tap_nodes_) {
        NodeState &node = state_[v];
        for (size_t t = 0; t < node.tap_layouts.size(); ++t) {
            const TapLayout &layout = node.tap_layouts[t];
            node.tap_records[t] =
                layout.groups == 0 ? 0
                : layout.period == 1
                    ? frames // a record per frame
                    : static_cast<uint32_t>(tap_records_in(layout, position, frames));
        }
    }
}

void GraphRuntime::copy_taps(double *tap_out, double *tap_time_out, uint64_t frames,
                             uint32_t n) const {
    double *tap = tap_out;
    double *times = tap_time_out;
    for (uint32_t v = 0; v < node_count(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        const NodeState &node = state_[v];
        for (uint32_t t = 0; t < spec.tap_count; ++t) {
            const TapLayout &layout = node.tap_layouts[t];
            if (layout.groups == 0) continue;
            // This call's records so far, this block's, and the call's total.
            const uint64_t done = tap_records_in(layout, call_start(), position_ - call_start());
            const uint64_t here = tap_records_in(layout, position_, n);
            const uint64_t total = tap_records_in(layout, call_start(), frames);
            const size_t values = static_cast<size_t>(spec.taps[t].values) * layout.groups;
            const size_t rows = batches_ * values;
            if (tap != nullptr) {
                // Row r = b x values + k; a shared node's lane 0 stands for every b (lanes.cpp).
                for (size_t r = 0; r < rows; ++r) {
                    const size_t from =
                        lane_of(v, static_cast<uint32_t>(r / values)) * values + r % values;
                    std::memcpy(tap + r * total + done, node.taps[t] + from * node.tap_strides[t],
                                here * sizeof(double));
                }
                tap += rows * total;
            }
            if (times != nullptr) {
                const uint64_t first = tap_records_before(layout, position_);
                for (uint64_t r = 0; r < here; ++r)
                    times[done + r] =
                        static_cast<double>(layout.phase + (first + r) * layout.period) /
                        sample_rate_;
                times += total;
            }
        }
    }
}

} // namespace amp
