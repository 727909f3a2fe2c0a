// one_lane_frame.h: GraphRuntime::run_one_lane_frame, inline so that the single-node call's
// entry point (c_api_node.cpp) runs it without a call of its own (the entry has saved the
// registers the node's call needs already).
//
// Why run_one_lane_frame is forward_one_frame: with one_lane_frame_ready() true, that
// function's per-call settings (heat_curves_, the kept step timings, the views' and context's
// frames and history) already hold their one-frame values, the node's parameters are static
// and bound to nothing, and its heat is the model on one row. What is left is done here in
// the same order where it matters: the feeder's copy of the input, the node's process() (or
// its Node::frame_kernel, whose value is stored where process() writes it) at the stream position,
// the model's one heat term added to the frame's lane (the same expression; before the kernel's
// call, which cannot change the input it squares), the output, the position. The call-start heat is
// not copied: the lane's value before the frame is kept instead (kCallStartFrame; call_start_total
// folds it when a total is read, the next call other than this one copies every lane), and the
// call's start is not stored (call_start() is position_ - 1 after a one-lane frame).
// test_single_node_fast_path compares this path with execute() bit for bit (samples, heat, metrics,
// snapshots, state changes between calls).
#pragma once

#include "runtime/graph_runtime.h"

namespace amp {

inline int32_t GraphRuntime::run_one_lane_frame(const OneLaneFrame &plan, const double *x,
                                                double *out) noexcept {
    const uint64_t position = position_;
    double *lane = plan.heat_lanes + position % kHeatLanes;
    const double start = *lane;
    call_start_frame_value_ = start;
    call_start_kind_ = kCallStartFrame; // call_start() is position_ - 1
    position_ = position + 1;
    if (plan.kernel != nullptr) {
        // One input port (plan_one_lane_frame: the feeder's lane is the view the node reads)
        // whose value the model squares: its term first, so that nothing but the output waits
        // for the kernel's call.
        const double input = *x;
        *plan.feeder_out = input;
        *lane = start + (input * input * plan.conductance + plan.work);
        const double y = plan.kernel(*plan.node, plan.values, input);
        *plan.result = y;
        out[0] = y;
        return AMP_OK;
    }
    if (plan.feeder_out != nullptr) *plan.feeder_out = *x;
    plan.context->frame_index = position;
    plan.node->process(*plan.context);
    const double *row = plan.model_row;
    // The lane read again (process() does not write it): `start` is not kept across the call.
    *lane += row[0] * row[0] * plan.conductance + plan.work;
    out[0] = plan.result[0];
    return AMP_OK;
}

} // namespace amp
