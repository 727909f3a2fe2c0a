// small_calls.cpp: the small-call plan. A call whose frames fit in what is left of the current
// block (one frame per call is the seed's usual invocation), that records nothing and asks for
// the output only, is one block of the general loop (executor.cpp) with nothing to split, copy
// or check per block. execute_small() runs it from a flat step list fixed at configure: each
// step's node state and node resolved, a plain node's Process step inline, any other step
// (delayed links, gathered ports, a loop's emit and absorb) through run_step. The work, its
// order and every number (samples, heat lanes, taps, telemetry) are the general loop's, so the
// bits are too (test_small_calls compares the two on graphs with modulation, feedback, several
// lanes and taps).
#include <cstring>

#include "runtime/graph_runtime.h"

namespace amp {

// What makes a graph eligible does not change between calls: a serial schedule (no level split
// among threads), no output padding, no thermal budget (flags per block), no node reading a
// control-history curve (checked per call). Everything a call can change (options, recording,
// timing, overrides, call views) is checked per call or per step.
void GraphRuntime::plan_small_calls() {
    small_steps_.clear();
    small_frames_ = 0; // allocate() has rebuilt the contexts and views
    small_position_ = 0;
    small_offset_ = 0; // block_ may have changed; position 0 is at offset 0 in any block
    small_ready_ = small_enabled_ && !serial_steps_.empty() && output_fifo_.capacity == 0 &&
                   !(graph_.thermal_budget > 0.0) && !needs_curves_;
    if (!small_ready_) return;
    // Taps with a record every `period` frames: their counts depend on the position too.
    small_counts_taps_ = !tap_nodes_.empty() && !per_frame_taps_only_;
    small_steps_.reserve(serial_steps_.size());
    for (const Step &step : serial_steps_)
        small_steps_.push_back({&state_[step.node], plan_.nodes[step.node].get(), step,
                                state_[step.node].plain && step.kind == StepKind::Process});
    small_out_lanes_ = static_cast<size_t>(batches_) * plan_.output_channels[graph_.output];
    small_result_ = state_[graph_.output].out;
}

// What run_lean_step sets at every step, set when the call's frames differ from the last
// block's: every node's input views and context frames (a null history), and per-frame tap
// record counts (which depend on the frames alone).
void GraphRuntime::set_small_frames(uint32_t frames) {
    for (const SmallStep &small : small_steps_) {
        for (TensorView &view : small.state->inputs)
            if (!view.empty()) view.frames = frames;
        small.state->context.frames = frames;
        small.state->context.history = nullptr;
    }
    if (!tap_nodes_.empty() && per_frame_taps_only_) count_tap_records(position_, frames);
    small_frames_ = frames;
}

void GraphRuntime::add_block_heat(NodeState &node, uint64_t position, uint32_t frames) {
    add_model_heat(node, position, frames);
}

void GraphRuntime::clear_step_seconds() {
    for (NodeState &node : state_) {
        node.processing_seconds = 0.0;
        node.cpu_seconds = 0.0;
    }
    step_seconds_kept_ = false;
}

// execute() for one block of `frames` frames from position_ (takes_small_plan holds; a call
// that does not fit in what is left of the current block goes to the block loop). The general
// loop's steps for that block, without its per-block branches for what the call does not ask
// for. The output size needs no overflow check: small_out_lanes_ x frames is at most the output
// node's buffer, which exists.
int32_t GraphRuntime::execute_small(uint32_t frames, double *out, uint64_t out_len,
                                    const AmpRenderOptions *options) {
    const uint64_t position = position_;
    // position % block_, a division, once per stream position reached otherwise than by the
    // previous call's end (a pure function of the position while block_ stays).
    if (position != small_position_) {
        small_position_ = position;
        small_offset_ = static_cast<uint32_t>(position % block_);
    }
    const uint32_t offset = small_offset_;
    if (frames > block_ - offset) return execute_blocks(frames, out, out_len, options);
    const size_t needed = small_out_lanes_ * frames;
    if (out == nullptr || out_len < needed) refuse_output(out, out_len, frames, needed);
    heat_curves_ = false;
    begin_call_heat();
    call_start_ = position;
    last_total_seconds_ = 0.0;
    if (step_seconds_kept_) clear_step_seconds(); // the previous call was timed
    if (options != nullptr && options->cancel_flag != nullptr && *options->cancel_flag != 0)
        return AMP_ERR_CANCELLED;
    if (frames != small_frames_) set_small_frames(frames);
    if (small_counts_taps_) count_tap_records(position, frames);
    const uint32_t heat_lane = static_cast<uint32_t>(position % kHeatLanes);
    for (const SmallStep &small : small_steps_) {
        if (!small.lean) {
            run_step(small.step, position, frames, offset, nullptr);
            continue;
        }
        NodeState &node = *small.state;
        if (!node.static_params) evaluate_params(small.step.node, position, frames, offset);
        node.context.frame_index = position;
        small.node->process(node.context);
        // add_model_heat without a curve (heat_curves_ is false), else compute_heat.
        if (node.model_row == nullptr || !node.call_heat.empty() || !node.heat_override.empty()) {
            compute_heat(small.step.node, position, frames, offset);
        } else if (frames == 1) { // the one value of each of the node's lanes (>= 1)
            const double g = node.heat_model.conductance, w = node.heat_model.work;
            const double *x = node.model_row;
            const size_t x_stride = node.model_batch_stride;
            double *lane = node.heat_lanes + heat_lane;
            uint32_t count = node.lanes;
            do {
                *lane += x[0] * x[0] * g + w;
                lane += kHeatLanes;
                x += x_stride;
            } while (--count != 0);
        } else {
            add_block_heat(node, position, frames);
        }
    }
    // Lane k = b x out_channels + c: at k x frames in `out`, at k x block_ in the output buffer
    // (small_out_lanes_ >= 1).
    const double *from = small_result_;
    const double *const end = out + small_out_lanes_ * frames;
    if (frames == 1) {
        do {
            *out++ = *from;
            from += block_;
        } while (out != end);
    } else {
        do {
            std::memcpy(out, from, frames * sizeof(double));
            out += frames;
            from += block_;
        } while (out != end);
    }
    const uint32_t next = offset + frames;
    position_ = position + frames;
    small_position_ = position + frames;
    small_offset_ = next == block_ ? 0 : next;
    ++small_calls_;
    return AMP_OK;
}

} // namespace amp
