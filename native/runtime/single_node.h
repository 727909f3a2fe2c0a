// single_node.h: the state behind amp_run_node / amp_run_node_v2: a one-node graph run by the
// same executor as every graph render (GraphRuntime), so declared delay, heat, metrics,
// parameter handling and errors are the graph's by construction.
//
// The graph holds the node and one feeder per audio input port; a feeder copies the call's
// input window into the arena and neither heats nor is timed. The call's parameter and heat
// views are bound to the node for the duration of one execute.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "amp_native.h"
#include "nodes/node.h"
#include "runtime/graph_runtime.h"

namespace amp {

class SingleNodeRuntime {
  public:
    // Throws AmpFailure (stage "run_node") when the node refuses the input channels.
    SingleNodeRuntime(const NodeSpec &spec, NodeConfig config,
                      const std::vector<uint32_t> &input_channels, uint32_t batches,
                      double sample_rate);

    const NodeSpec &spec() const { return *spec_; }
    const NodeConfig &config() const { return config_; }
    uint32_t batches() const { return batches_; }
    const std::vector<uint32_t> &input_channels() const { return input_channels_; }
    double sample_rate() const { return sample_rate_; }
    uint32_t output_channels() const { return output_channels_; }
    Node &node() { return runtime_->node_instance(target_); }
    GraphRuntime &runtime() { return *runtime_; }
    // The node's AmpNodeMetrics::reserved[6] (backward calls write it too).
    double *telemetry() { return runtime_->telemetry(target_); }
    const GraphRuntime &runtime() const { return *runtime_; }

    // Renders `frames` frames of the node's stream into `out` (batches x output channels x
    // frames). `audio` has one view per port (full call), `params` one per spec param (empty =
    // not given), `heat` may be empty. Metrics (when non-null) are the graph's node summary.
    void forward(const TensorView *audio, const TensorView *params, TensorView heat,
                 uint32_t frames, double *out, const AmpControlHistory *history,
                 AmpNodeMetrics *metrics);

    // True when forward_frame() may serve a one-frame call (single_node_step.cpp: fixed once the
    // graph is configured).
    bool one_frame_ready() const { return one_frame_ready_; }
    // forward(audio, params, heat, 1, out, nullptr, nullptr), without the block loop: the same
    // bits and the same state after it. feeds[p]: audio port p's frame (batches x channels x 1,
    // as the call's view; null for an optional port left open). `bound`: some params view or
    // the heat view is not empty.
    void forward_frame(const double *const *feeds, const TensorView *params, const TensorView &heat,
                       bool bound, double *out) {
        // forward() binds every call (an all-empty binding changes nothing: the views are empty
        // between calls) and sets the timing from the metrics (none here).
        runtime_->set_timing(false);
        if (!bound)
            runtime_->forward_one_frame(target_, feeds, out);
        else
            forward_frame_bound(feeds, params, heat, out);
    }

  private:
    void forward_frame_bound(const double *const *feeds, const TensorView *params,
                             const TensorView &heat, double *out);

    const NodeSpec *spec_;
    NodeConfig config_;
    std::vector<uint32_t> input_channels_;
    uint32_t batches_;
    double sample_rate_;
    uint32_t target_ = 0;
    uint32_t output_channels_ = 0;
    bool one_frame_ready_ = false;
    std::unique_ptr<GraphRuntime> runtime_;
};

// Test hooks (c_api_node.cpp). The one-frame calls a node state made by amp_run_node served
// through forward_frame (0 for anything else); a switch (on by default) that sends every call
// through forward() instead, so a test can compare both paths.
uint64_t one_frame_calls(const void *state);
void set_one_frame_path(bool on);
// True when the next one-frame call on a node state may take the one-lane frame
// (one_lane_frame.h; false for anything else).
bool one_lane_frame_armed(const void *state);
// Bytes at the end of a node state's snapshot that the nodes save themselves (Node::save_state).
uint64_t node_saved_state_bytes(const void *state);

} // namespace amp
