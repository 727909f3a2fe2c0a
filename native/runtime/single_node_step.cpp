// single_node_step.cpp: one forward frame of a single-node call (single_node.h) without the block
// loop: GraphRuntime::execute(1) reduced to the work it does for a one-node graph.
//
// Why it is the same computation: when one_frame_ready() holds, execute(1, out, ...) with no
// heat, budget, tap, meter, progress or cancel option and no history (what a single-node call
// with metrics NULL and history NULL passes), and timing off, does exactly this, in this order:
//   begin_call_heat(); call_start_ = position_; clear the kept step timings;
//   one block of n = 1 at offset position_ % block_: run_block -> serial_steps_ in schedule
//   order (the feeders, then the node), each a lean step (every step is a plain Process step
//   and nothing records); sum_graph_heat returns at once (no curves: no thermal budget);
//   the output node's padding FIFO (declared delay) push and pull; out[k] = result[k x block_];
//   position_ += 1; last_total_seconds_ = 0.
// A feeder's lean step is FeederNode::process for one frame at offset 0 of the call's window
// (its view's frame 0: the view is batches x channels x 1 with no broadcast, so lane k's value
// is data[k]; or zeros for an optional port left open), with no heat (feeders neither heat nor
// are timed) and static parameters: here it is that copy, written inline. The node's
// lean step is the same lines as run_lean_step (executor.cpp). test_single_node_fast_path
// compares this path with execute() bit for bit (samples, heat, metrics, snapshots).
#include "runtime/graph_runtime.h"

#include <cstring>

#include "runtime/errors.h"

namespace amp {

bool GraphRuntime::one_frame_ready(uint32_t target) const {
    if (serial_steps_.size() != node_count() || workers_ != nullptr || !tap_nodes_.empty() ||
        needs_curves_ || graph_.thermal_budget > 0.0 || graph_.output != target ||
        target + 1 != node_count())
        return false;
    for (uint32_t i = 0; i < node_count(); ++i) {
        const Step &step = serial_steps_[i];
        // Feeders first, the node last (its only producers are the feeders).
        if (step.kind != StepKind::Process || !state_[step.node].plain ||
            (step.node == target) != (i == target) || state_[step.node].lanes != batches_)
            return false;
        if (step.node != target && !state_[step.node].feeder) return false;
    }
    return true;
}

void GraphRuntime::forward_one_frame(uint32_t target, const double *const *feeds, double *out) {
    if (rec_.armed) throw AmpFailure(AMP_ERR_INTERNAL, "run_node", "", "one-frame path recording");
    // execute(): per-call bookkeeping.
    heat_curves_ = false;
    // reset_call_heat(), through begin_call_heat: after a one-frame call only the previous
    // frame's lane of each row differs between the two copies, so one double per row is
    // copied (the whole copy after a restore, a reset or a call of kHeatLanes frames or more).
    NodeState &node = state_[target];
    const uint64_t position = position_;
    if (call_start_kind_ == kCallStartLanes && position - call_start_ == 1) {
        // begin_call_heat after a one-frame call: the previous frame's lane of each row, and of
        // the node's rows only (feeders never heat: compute_heat and plan_heat skip them, so
        // their rows change only by restore() or reset(), after which this branch is not taken).
        const size_t lane = call_start_ % kHeatLanes;
        double *to = call_start_lanes_.data() + static_cast<size_t>(target) * batches_ * kHeatLanes;
        for (size_t i = lane, end = static_cast<size_t>(batches_) * kHeatLanes; i < end;
             i += kHeatLanes)
            to[i] = node.heat_lanes[i];
    } else {
        begin_call_heat();
        call_start_kind_ = kCallStartLanes;
    }
    call_start_ = position;
    if (step_seconds_kept_)
        for (NodeState &each : state_) {
            each.processing_seconds = 0.0;
            each.cpu_seconds = 0.0;
        }
    step_seconds_kept_ = false;
    // The frame's offset in the configured block (read by parameter overrides and heat
    // overrides only).
    auto offset = [&] { return static_cast<uint32_t>(position % block_); };
    // The feeders' steps: the frame of each input (batches x feeder channels values, lane k =
    // b x channels + c at feeds[p][k]; null: an optional port left open, zeros) into lane k of
    // the feeder's output (stride block_).
    for (uint32_t p = 0; p < target; ++p) {
        double *to = state_[p].out;
        const double *from = feeds[p];
        const size_t lanes = static_cast<size_t>(batches_) * plan_.output_channels[p];
        if (lanes == 1)
            to[0] = from != nullptr ? from[0] : 0.0;
        else
            for (size_t k = 0; k < lanes; ++k) to[k * block_] = from != nullptr ? from[k] : 0.0;
    }
    // The node's step (run_lean_step).
    for (TensorView &view : node.inputs)
        if (!view.empty()) view.frames = 1;
    if (!node.static_params) evaluate_params(target, position, 1, offset());
    ProcessContext &context = node.context;
    context.frames = 1;
    context.history = nullptr;
    context.frame_index = position;
    plan_.nodes[target]->process(context);
    if (node.lanes == 1 && node.model_row != nullptr && node.call_heat.empty() &&
        node.heat_override.empty()) // add_model_heat's one-frame case for its one lane
        node.heat_lanes[position % kHeatLanes] +=
            node.model_row[0] * node.model_row[0] * node.heat_model.conductance +
            node.heat_model.work;
    else if (!add_model_heat(node, position, 1))
        compute_heat(target, position, 1, offset());
    // execute(): padding, output, position.
    const double *result = node.out;
    if (output_fifo_.capacity > 0) {
        output_fifo_.push(node.out, block_, position, 1);
        output_fifo_.pull(position, 1);
        result = output_fifo_.staging;
    }
    const size_t lanes = static_cast<size_t>(batches_) * plan_.output_channels[target];
    if (lanes == 1)
        out[0] = result[0];
    else
        for (size_t k = 0; k < lanes; ++k) out[k] = result[k * block_];
    position_ = position + 1;
    last_total_seconds_ = 0.0;
}

} // namespace amp

namespace amp {

bool GraphRuntime::plan_one_lane_frame(uint32_t target, OneLaneFrame &plan) {
    if (!one_frame_ready(target) || batches_ != 1 || target > 1 || output_fifo_.capacity > 0 ||
        plan_.output_channels[target] != 1)
        return false;
    NodeState &node = state_[target];
    if (node.lanes != 1 || node.model_row == nullptr || node.publishes_heat) return false;
    double *feeder_out = nullptr;
    if (target == 1) { // one port: connected (its view reads the feeder's lane), one channel
        if (plan_.output_channels[0] != 1 || node.inputs.size() != 1 ||
            node.inputs[0].data != state_[0].out || node.inputs[0].rows != nullptr)
            return false;
        feeder_out = state_[0].out;
    }
    // The frame kernel when the heat model squares the node's input (not its output), so that
    // run_one_lane_frame adds the heat term before the kernel's call.
    const bool model_reads_input = feeder_out != nullptr && node.model_row == feeder_out;
    plan = OneLaneFrame{plan_.nodes[target].get(),
                        model_reads_input ? plan_.nodes[target]->frame_kernel() : nullptr,
                        &node.context,
                        graph_.nodes[target].config.values.data(),
                        feeder_out,
                        node.out,
                        node.heat_lanes,
                        node.model_row,
                        node.heat_model.conductance,
                        node.heat_model.work};
    call_start_frame_node_ = target;
    return true;
}

bool GraphRuntime::one_lane_frame_ready(uint32_t target) const {
    const NodeState &node = state_[target];
    if (rec_.armed || graph_.timing || step_seconds_kept_ || heat_curves_ || !node.static_params ||
        !node.call_heat.empty() || !node.heat_override.empty() || node.call_params_bound ||
        node.context.frames != 1 || node.context.history != nullptr)
        return false;
    for (const TensorView &view : node.inputs)
        if (!view.empty() && view.frames != 1) return false;
    return true;
}

} // namespace amp
