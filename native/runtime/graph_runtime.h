// graph_runtime.h: one compiled graph with its buffers, overrides, heat totals, errors and log.
// The C functions amp_graph_runtime_* (c_api_graph.cpp) are thin wrappers over this class.
// Methods throw AmpFailure; the wrappers record it as the last error.
//
// The class's jobs live in one file each:
//   graph_runtime.cpp    lifecycle (create, configure, sample rate, reset), describe, log
//   arena.cpp            the one arena of every render-path buffer, node prepare
//   parameters.cpp       set_param / clear_params overrides, per-block parameter evaluation
//                        with modulation
//   executor.cpp         execute(): the block loop, one node's step
//   small_calls.cpp      the small-call plan: a call within one block that asks for the
//                        output only runs a flat step list fixed at configure
//   gather.cpp           what each input port reads (in place, lane table, or summed)
//   heat_accounting.cpp  heat per node and graph, curves, thermal-budget flags
//   thread_plan.cpp      helper threads and the split of each level among them
//   snapshot.cpp         the stream state as bytes (snapshot / restore)
//   recording.cpp        recording a span of a render for a backward pass
//   checkpoint.cpp       checkpointed recordings: snapshots per segment, segment re-renders
//   backward.cpp         the graph backward pass (reverse schedule through every link)
//   buffers.cpp          set_buffer: PCM data handed to a node
//   lanes.cpp            lane sharing: nodes outside the cone of the lane-varying parameters
//                        run once for every batch lane
//   single_node.cpp      the one-node graph behind amp_run_node / amp_run_node_v2
//   single_node_step.cpp its one-frame forward without the block loop
//   one_lane_frame.h     its one-lane frame, inline in the single-node call's entry point
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "amp_native.h"
#include "runtime/graph_compiler.h"
#include "runtime/graph_description.h"
#include "runtime/heat.h"
#include "runtime/level_workers.h"
#include "runtime/link_fifo.h"

namespace amp {

class WorkMeter;

class GraphRuntime {
  public:
    // Parses and compiles; throws AmpFailure. Configures B = 1, block = 512.
    explicit GraphRuntime(const std::string &graph_json);
    // Compiles an already validated description (the single-node call builds one).
    explicit GraphRuntime(GraphDescription graph);

    void configure(uint32_t batches, uint32_t block_frames);
    // Bytes configure(batches, block) would allocate: the arena and every node's prepared state.
    double buffer_bytes(uint32_t batches, uint32_t block) const;
    void set_sample_rate(double sample_rate);
    // Threads a render may use (1 = the render thread only). Results do not depend on it.
    void set_threads(uint32_t threads);
    void reset();
    void set_param(const char *node, const char *param, const double *data, uint32_t batches,
                   uint32_t channels, uint32_t frames);
    void clear_params(const char *node);
    // Lane sharing (lanes.cpp, docs/sweeps.md): the batch lanes may differ only in these
    // parameters (node, param: a signal parameter or the node's heat parameter). Every node
    // outside their downstream cone (audio and modulation links), other than the output node,
    // then runs once per block as one lane (lane 0) and every lane reads that lane; its heat,
    // heat curves and taps are reported for every lane. Each lane stays bit-identical to a
    // one-batch runtime rendering it alone. An empty list turns sharing off. Re-prepares the
    // nodes and resets the stream (overrides stay); refused, changing nothing, when an
    // override in force differs between lanes on a node that would be shared.
    void share_lanes(const std::vector<std::pair<std::string, std::string>> &varying);
    // Nodes whose work every lane shares (0 when sharing is off or batches is 1).
    uint32_t shared_node_count() const;
    // Hands a PCM buffer (planar channels x frames) to a node (buffers.cpp); the node copies it.
    void set_buffer(const char *node, uint32_t slot, const double *data, uint32_t channels,
                    uint64_t frames, double sample_rate);
    // Returns AMP_OK or AMP_ERR_CANCELLED; throws on invalid arguments.
    // A call within one block that asks for the output only takes the small-call plan
    // (small_calls.cpp), any other the block loop (executor.cpp); both give the same bits.
    int32_t execute(uint64_t frames, double *out, uint64_t out_len,
                    const AmpRenderOptions *options) {
        if (takes_small_plan(frames, options))
            return execute_small(static_cast<uint32_t>(frames), out, out_len, options);
        return execute_blocks(frames, out, out_len, options);
    }

    // Heat since create / reset, summed over batches (block-invariant: see heat_accounting.cpp).
    double node_heat_total(uint32_t node) const;
    // Heat of the last execute call, summed over its frames and batches.
    double node_call_heat(uint32_t node) const;
    // The node totals added in node order.
    double graph_heat_total() const;
    // The same totals per batch lane: (node_count + 1) x batches, row node_count the graph's.
    // Each batch's values equal the totals of a one-batch runtime rendering that lane alone.
    void heat_by_batch(double *out) const;

    // --- Single-node calls (single_node.cpp): the same executor with the call's views. ---
    // Marks a node as an input feeder of a single-node call: it neither heats nor is timed.
    void mark_feeder(uint32_t node) {
        state_[node].feeder = true;
        state_[node].model_row = nullptr;
    }
    // Views of the next execute call: per-parameter tensors (one per spec param of `node`,
    // empty = not given) and a heat tensor; windows are read at the frame offset within the
    // call. A call's history keeps its own frame_offset (stream frame of curve time 0).
    void bind_call(uint32_t node, const TensorView *params, TensorView heat);
    void unbind_call(uint32_t node);
    void set_timing(bool on) { graph_.timing = on; }
    void keep_history_offset(bool keep) { keep_history_offset_ = keep; }
    // The small-call plan (small_calls.cpp): on by default; off, every call takes the general
    // block loop (tests compare the two). small_calls() counts the calls that took the plan.
    void set_small_calls(bool on) {
        small_enabled_ = on;
        plan_small_calls();
    }
    uint64_t small_calls() const { return small_calls_; }
    Node &node_instance(uint32_t node) { return *plan_.nodes[node]; }
    uint64_t position() const { return position_; }
    // One forward frame of a single-node graph (single_node_step.cpp): true when this graph is
    // the single-node call's (feeders 0 .. target - 1, then target) and forward_one_frame is
    // execute(1) with no option, history or timing; fixed once configured.
    bool one_frame_ready(uint32_t target) const;
    // execute(1) as above; feeds[p]: feeder p's frame (batches x its channels values, lane
    // order; null for an optional port left open). Writes batches x output channels to `out`.
    void forward_one_frame(uint32_t target, const double *const *feeds, double *out);
    // A backward recording is armed (forward_one_frame refuses to run then).
    bool recording_armed() const { return rec_.armed; }
    // The one-lane frame (one_lane_frame.h, single_node_step.cpp): forward_one_frame for a
    // single-node graph of one batch lane whose node has one output channel and at most one input
    // port (connected, one channel), static parameters, the heat model on one row, no output
    // padding. The plan holds what the frame touches, resolved once (valid while the graph is not
    // reconfigured).
    struct OneLaneFrame {
        Node *node = nullptr;
        Node::FrameKernel kernel = nullptr; // node->frame_kernel(), or null (plan_one_lane_frame)
        ProcessContext *context = nullptr;
        const double *values = nullptr;    // the node's params_json values (NodeConfig::values)
        double *feeder_out = nullptr;      // feeder 0's output lane; null for a source
        double *result = nullptr;          // the node's output lane
        double *heat_lanes = nullptr;      // the node's kHeatLanes heat accumulators
        const double *model_row = nullptr; // the value the heat model squares
        double conductance = 0.0;
        double work = 0.0;
    };
    // Fills `plan` and returns true when the graph has that shape (fixed at configure).
    bool plan_one_lane_frame(uint32_t target, OneLaneFrame &plan);
    // True when run_one_lane_frame is forward_one_frame now: what forward_one_frame sets per
    // call (timing off, no kept step timings, no curves, one-frame views and contexts) holds,
    // the node's parameters are static, no heat override or call view is bound, nothing records.
    // A caller checks it after a forward_one_frame and keeps using the plan until anything but
    // run_one_lane_frame touches the runtime.
    bool one_lane_frame_ready(uint32_t target) const;
    // forward_one_frame(target, &x, out) for a plan of plan_one_lane_frame while
    // one_lane_frame_ready holds: `x` is the input's one value (unused for a source). Returns
    // AMP_OK.
    __attribute__((always_inline)) inline int32_t
    run_one_lane_frame(const OneLaneFrame &plan, const double *x, double *out) noexcept;

    // Snapshot / restore of the stream state (snapshot.cpp); no allocation either way.
    uint64_t snapshot_bytes() const;
    void snapshot(void *buffer, uint64_t capacity) const;
    void restore(const void *buffer, uint64_t size);

    // --- Gradients (recording.cpp, backward.cpp; docs/gradients.md) ---
    // Bytes a recording of `frames` frames needs (recorded forward values and the backward
    // pass's buffers) for the current configuration; with `checkpoint` > 0 (checkpoint.cpp),
    // the recording of one segment of `checkpoint` frames plus a snapshot per segment.
    uint64_t record_bytes(uint64_t frames, uint64_t checkpoint = 0) const;
    // Arms a recording of the next `frames` frames of the stream (from the current position):
    // allocates every buffer now, refusing (with the bytes needed) more than `max_bytes` (0: half
    // the machine's memory). `checkpoint` > 0 keeps a snapshot every `checkpoint` frames instead
    // of the recorded values; the backward pass re-renders each segment from its snapshot.
    // configure, set_sample_rate, reset and restore drop a recording.
    void record(uint64_t frames, uint64_t max_bytes, uint64_t checkpoint = 0);
    // One backward pass over the recorded span: `output_gradient` is dL/dy (batches x output
    // channels x frames of the span); each request receives its gradient. `history` is the
    // control history the span was rendered with, times relative to its first frame: a
    // checkpointed recording re-renders its segments with it (a full one ignores it). The
    // stream state after the pass is the one before it. `work` (may be null): progress per
    // window and the cancel flag (AmpWorkOptions). No allocation.
    void backward(const double *output_gradient, uint64_t output_gradient_len,
                  const AmpGradientRequest *requests, uint32_t request_count,
                  const AmpControlHistory *history = nullptr, const AmpWorkOptions *work = nullptr);

    uint32_t node_count() const { return static_cast<uint32_t>(graph_.nodes.size()); }
    uint32_t batches() const { return batches_; }
    // Taps (runtime/taps.cpp): every node's published taps, graph description order then the
    // node's tap order; tap_doubles(frames) is the size of AmpRenderOptions::tap_out.
    uint32_t tap_count() const;
    void tap_info(uint32_t index, AmpTapInfo &info) const;
    // Records tap `index` publishes in the next `frames` frames of the stream.
    uint64_t tap_records(uint32_t index, uint64_t frames) const;
    // Doubles of AmpRenderOptions::tap_out (values) and tap_time_out (records) that the next
    // `frames` frames need.
    uint64_t tap_doubles(uint64_t frames) const;
    uint64_t tap_time_doubles(uint64_t frames) const;
    // The node's AmpNodeMetrics::reserved[6] (single-node backward calls write it too).
    double *telemetry(uint32_t node) { return state_[node].telemetry; }
    const char *node_name(uint32_t index) const;
    void describe_node(const char *node, AmpNodeSummary &summary) const;
    void describe_node(uint32_t node, AmpNodeSummary &summary) const;
    void describe_graph(AmpGraphSummary &summary) const;

    // Appends one JSON line to the log (bounded: the oldest records are dropped).
    void log(const std::string &json_line);
    std::string log_text() const;

  private:
    struct NodeState {
        // Batch lanes the node computes: batches_, or 1 when every lane shares its work (lane
        // sharing, lanes.cpp): its buffers then hold lane 0 only, which every lane reads.
        uint32_t lanes = 1;
        double *out = nullptr;              // batches x output_channels x block
        double *heat = nullptr;             // batches x block
        std::vector<double *> taps;         // per spec tap: batches x V x tap_strides[t]
        std::vector<TapLayout> tap_layouts; // per spec tap (groups 0: not published)
        std::vector<size_t> tap_strides;    // per spec tap: records a block can hold
        std::vector<uint32_t> tap_records;  // per spec tap: records of the current block
        std::vector<double *> port_buffers; // per port; null when the input is a direct view
        std::vector<std::vector<const double *>> port_rows; // per port: lane table of a concat
        // Per port: fixed at configure (in place, lane table or the port's own buffer); a step
        // only sets the frames, and gathers the ports listed in gathered_ports.
        std::vector<TensorView> inputs;
        std::vector<uint32_t> gathered_ports; // ports whose edges are summed into port_buffers
        // Per spec param. While static_params (no signal parameter modulated, overridden or
        // given by a single-node call), they hold the params_json constants and a step leaves
        // them alone (refresh_params keeps this true); otherwise each step rebuilds them.
        std::vector<TensorView> params;
        bool static_params = true;
        HeatModel heat_model{}; // HeatModel::of(config), computed once
        // With more than one batch, for a node with inputs: the squares of the input rows that
        // every lane reads alike (input channels x block), computed once per step for the heat
        // model over many rows, and per input row its squares there or null (read per lane).
        double *heat_squares = nullptr;
        std::vector<const double *> heat_square_rows;
        // The lane the heat model reads when it is one (plan_heat), else null.
        const double *model_row = nullptr;
        size_t model_batch_stride = 0;
        // The step's context: every field fixed at configure except those run_step sets.
        // Its record fields are null outside a step that records (run_step restores them).
        ProcessContext context{};
        // No delayed link in or out and no gathered port (plan_context): a forward step that
        // records nothing takes run_step's lean path.
        bool plain = false;
        std::vector<double *> param_buffers;        // per spec param; null when not modulated
        std::vector<std::vector<double>> overrides; // per spec param; empty when not overridden
        // Per spec param: the override holds one value per lane (every frame of a lane equal),
        // so evaluate_params hands the node a view constant over frames, as a params_json value.
        std::vector<uint8_t> override_constant;
        std::vector<double> heat_override; // batches x 1 x block, or empty
        // batches x kHeatLanes, a slice of heat_lanes_: since create / reset.
        double *heat_lanes = nullptr;
        // The node total when the current execute call started, when it came from a snapshot
        // (call_start_kind_ kCallStartRestored); otherwise it is folded when read.
        double call_start_heat = 0.0;
        bool feeder = false;         // a single-node call's input feeder: no heat, no timing
        bool publishes_heat = false; // Node::publishes_heat(): the node writes its own heat
        // A single-node call's views (CallBinding), valid during that execute only; windows
        // are taken at the frame offset within the call.
        std::vector<TensorView> call_params; // per spec param; empty view = not given
        TensorView call_heat;                // batches x 1 x frames heat, or empty
        bool call_params_bound = false;      // some call_params view is not empty
        double telemetry[6] = {0, 0, 0, 0, 0, 0};
        double processing_seconds = 0.0; // last execute call (timing on)
        double cpu_seconds = 0.0;        // last execute call (timing on)
    };

    uint32_t find_node(const char *name, const char *stage) const;
    // The lane of node v's buffers that batch lane b reads: 0 when v's work is shared.
    uint32_t lane_of(uint32_t v, uint32_t b) const { return state_[v].lanes == 1 ? 0 : b; }
    // Sets every node's lanes from varying_ (allocate(), before the buffers are cut).
    void plan_lanes();
    // Refuses an override (batches_ x block_ values) that differs between lanes on a node whose
    // work the lanes share, naming the node, the parameter and the first differing value.
    void check_shared_override(uint32_t v, const std::string &param, const double *data) const;
    // Refuses `stage` (recording) while lanes are shared.
    void refuse_shared_lanes(const char *stage) const;
    // What a consumer of link `id` reads: the producer's output, or the link's FIFO staging.
    const double *link_source(uint32_t id) const;
    void check_history(const AmpControlHistory *history) const;
    void check_budget(uint32_t frames, uint64_t done, uint64_t total, uint8_t *flags);
    size_t arena_doubles(size_t batches, size_t block) const;
    // Input channels of node v whose squares the heat model may keep (NodeState::heat_squares):
    // its input channels with more than one batch, else 0.
    size_t heat_square_channels(uint32_t v, size_t batches) const;
    // Squares once, into node.heat_squares, the input rows every lane reads alike; returns the
    // per-row table for heat_curve_for_batch, or null when no row is alike or there is no room.
    const double *const *square_shared_rows(NodeState &node, const TensorView *signals,
                                            uint32_t signal_count, uint32_t frames);
    double buffer_bytes(uint32_t batches, uint32_t block, uint32_t max_step) const;
    void check_memory(uint32_t batches, uint32_t block, uint32_t max_step) const;
    void allocate();
    // Copies the records of every tap published by the block [position_, position_ + n) into
    // the caller's buffers of an execute call of `frames` frames that started at call_start_.
    void copy_taps(double *tap_out, double *tap_time_out, uint64_t frames, uint32_t n) const;
    // Sets every node's tap_records for the block [position, position + frames).
    void count_tap_records(uint64_t position, uint32_t frames);
    void plan_taps();
    // A port gets its own buffer when its edges must be summed or their channels broadcast.
    bool port_needs_buffer(uint32_t node, uint32_t port) const;
    void run_block(uint64_t position, uint32_t frames, uint32_t offset_in_block,
                   const AmpControlHistory *history);
    void run_step(const Step &step, uint64_t position, uint32_t frames, uint32_t offset_in_block,
                  const AmpControlHistory *history);
    void run_lean_step(uint32_t node, uint64_t position, uint32_t frames, uint32_t offset_in_block,
                       const AmpControlHistory *history);
    void run_timed_step(const Step &step, uint64_t position, uint32_t frames,
                        uint32_t offset_in_block, const AmpControlHistory *history);

    // --- The small-call plan (small_calls.cpp; docs/architecture.md, "What a step costs at
    // small blocks"). A call takes it when its frames fit in what is left of the current block
    // and of the scheduler block, nothing records (no backward recording, no timing) and it
    // asks for the output only (options null or every field but cancel_flag null); the graph
    // must run serially, without output padding, thermal budget or control-history curves
    // (small_ready_, fixed at configure). The call then runs small_steps_: the serial schedule
    // with each step's state and node resolved, a plain Process step inline (run_lean_step's
    // work), any other step through run_step. Same work, same order, same bits.
    struct SmallStep {
        NodeState *state;
        Node *node;
        Step step;
        bool lean; // a plain node's Process step
    };
    // Rebuilds small_steps_ and small_ready_ (end of allocate() and plan_parallel_levels()).
    void plan_small_calls();
    // True when a call of `frames` frames with these options may take the plan (execute_small
    // then checks that they fit in what is left of the current block).
    bool takes_small_plan(uint64_t frames, const AmpRenderOptions *options) const {
        if (!small_ready_ || rec_.armed || graph_.timing || frames - 1 >= max_step_) return false;
        return options == nullptr ||
               (options->heat_out == nullptr && options->history == nullptr &&
                options->over_budget_out == nullptr && options->tap_out == nullptr &&
                options->tap_time_out == nullptr && options->meters == nullptr &&
                options->progress == nullptr);
    }
    int32_t execute_small(uint32_t frames, double *out, uint64_t out_len,
                          const AmpRenderOptions *options);
    // Any other call: the block loop (executor.cpp).
    int32_t execute_blocks(uint64_t frames, double *out, uint64_t out_len,
                           const AmpRenderOptions *options);
    // Throws execute()'s refusal of the caller's output buffer: null, or `out_len` doubles
    // where `needed` are needed (kept out of line: the checks stay a few instructions).
    [[noreturn, gnu::cold, gnu::noinline]] void
    refuse_output(const double *out, uint64_t out_len, uint64_t frames, uint64_t needed) const;
    std::vector<SmallStep> small_steps_;
    bool small_ready_ = false;
    bool small_enabled_ = true;
    uint64_t small_calls_ = 0;
    size_t small_out_lanes_ = 0;           // batches x output channels
    const double *small_result_ = nullptr; // the output node's buffer
    // The frames every node's context and input views hold, with a null history, or 0 when
    // unknown (allocate() rebuilt them, or a general block set its own history).
    uint32_t small_frames_ = 0;
    bool small_counts_taps_ = false; // some tap's record count depends on the position
    // set_small_frames: small_frames_ and the per-frame taps' record counts for `frames`.
    __attribute__((noinline)) void set_small_frames(uint32_t frames);
    __attribute__((noinline)) void clear_step_seconds();
    // add_model_heat of a block of more than one frame, out of line (its vector sums would
    // make every small call align its stack).
    __attribute__((noinline)) void add_block_heat(NodeState &node, uint64_t position,
                                                  uint32_t frames);
    // position_ % block_ when position_ is small_position_ (cached: a division per call costs
    // more than the rest of a one-frame call's bookkeeping).
    uint64_t small_position_ = 0;
    uint32_t small_offset_ = 0;
    void plan_parallel_levels();
    void sum_graph_heat(uint32_t frames);
    void gather_inputs(uint32_t node, uint32_t frames);
    void evaluate_params(uint32_t node, uint64_t position, uint32_t frames,
                         uint32_t offset_in_block);
    void compute_heat(uint32_t node, uint64_t position, uint32_t frames, uint32_t offset_in_block);
    // compute_heat's common case, inlined into the step: the model on the one lane model_row
    // (never a feeder), no override in force and no curve asked for. False: not that case.
    bool add_model_heat(NodeState &node, uint64_t position, uint32_t frames) {
        if (node.model_row == nullptr || heat_curves_ || !node.call_heat.empty() ||
            !node.heat_override.empty())
            return false;
        const double g = node.heat_model.conductance, w = node.heat_model.work;
        const double *x = node.model_row;
        const size_t x_stride = node.model_batch_stride;
        const uint32_t count = node.lanes;
        if (frames == 1) { // a 1-frame step: the one value per lane, into the frame's lane
            double *lanes = node.heat_lanes + position % kHeatLanes;
            for (uint32_t b = 0; b < count; ++b)
                lanes[static_cast<size_t>(b) * kHeatLanes] +=
                    x[b * x_stride] * x[b * x_stride] * g + w;
            return true;
        }
        for (uint32_t b = 0; b < count; ++b) // the same sums, in the same order per lane
            accumulate_lane_heat(node.heat_lanes + static_cast<size_t>(b) * kHeatLanes, position,
                                 node.heat_model, x + b * x_stride, frames);
        return true;
    }
    // Recomputes state_[node].static_params after its overrides, modulations or call views
    // changed, and sets the constant views when it is true.
    void refresh_params(uint32_t node);
    // Sets every port's fixed view and gathered_ports (allocate(), once the buffers exist).
    void plan_inputs(uint32_t node);
    // Sets the node's heat model and model_row (after plan_inputs).
    void plan_heat(uint32_t node);
    // Sets the fixed fields of state_[node].context (after the buffers exist).
    void plan_context(uint32_t node);
    // Node v's heat total: its lanes folded, batches in order (a shared node's lane 0 per batch).
    double fold_batches(uint32_t v) const;
    uint64_t fingerprint() const;
    size_t node_record_bytes() const;
    void reset_heat();
    // Records the heat totals at the start of an execute call: a copy of every node's lanes
    // (one memcpy), folded only when a call's heat is read (call_start_total).
    void reset_call_heat();
    // reset_call_heat for a call that starts where the previous one ended: between calls the
    // two copies differ only in the lanes of the previous call's frames [call_start_,
    // position_), so after a call of fewer than kHeatLanes frames only those are copied.
    // Nothing else writes heat_lanes_ between calls but restore() (which sets
    // kCallStartRestored: its lanes are not the previous call's) and reset() (which zeroes
    // both copies and the position, so position_ - call_start_ wraps to a large count unless
    // both are 0). After a one-lane frame (kCallStartFrame) the copy was not kept: all of it.
    void begin_call_heat() {
        if (call_start_kind_ != kCallStartLanes || position_ - call_start_ >= kHeatLanes) {
            reset_call_heat();
            return;
        }
        double *to = call_start_lanes_.data();
        const double *from = heat_lanes_.data();
        const size_t size = heat_lanes_.size();
        for (uint64_t frame = call_start_; frame < position_; ++frame)
            for (size_t i = frame % kHeatLanes; i < size; i += kHeatLanes) to[i] = from[i];
    }
    // Node v's total when the current call started (the same bits as folding its lanes then).
    double call_start_total(uint32_t v) const;
    // Every node's heat lanes (node v's at v x batches x kHeatLanes) and their copy at the
    // start of the current execute call.
    std::vector<double> heat_lanes_;
    std::vector<double> call_start_lanes_;
    // What holds the totals at the start of the current call: call_start_lanes_ (a copy of
    // heat_lanes_ then), each node's call_start_heat (restore()), or, after a one-lane frame
    // (run_one_lane_frame), heat_lanes_ itself but for the lane that frame added to in node
    // call_start_frame_node_'s one row, whose value then was call_start_frame_value_ (the copy
    // is not made per frame: call_start_total folds that, begin_call_heat copies all).
    enum : uint8_t { kCallStartLanes, kCallStartRestored, kCallStartFrame };
    uint8_t call_start_kind_ = kCallStartLanes;
    uint32_t call_start_frame_node_ = 0;
    double call_start_frame_value_ = 0.0;

    GraphDescription graph_;
    CompiledGraph plan_;
    uint32_t batches_ = 1;
    uint32_t block_ = 512;    // configured block: buffer size and override period
    uint32_t max_step_ = 512; // largest scheduler block: min(block_, feedback limit)
    double sample_rate_ = 48000.0;
    uint64_t position_ = 0; // frames rendered since reset
    // position_ when the current execute call started; read through call_start(): after a
    // one-lane frame (kCallStartFrame) it is position_ - 1, and run_one_lane_frame does not
    // store it.
    uint64_t call_start_ = 0;
    uint64_t call_start() const {
        return call_start_kind_ == kCallStartFrame ? position_ - 1 : call_start_;
    }
    bool keep_history_offset_ = false;
    double last_total_seconds_ = 0.0;
    bool step_seconds_kept_ = false;  // some NodeState holds the timing of a timed call
    std::vector<double> arena_;       // every buffer of the render path
    double *graph_heat_ = nullptr;    // batches x block: sum over nodes, per frame
    bool heat_curves_ = false;        // this render records per-frame heat (else totals only)
    bool needs_curves_ = false;       // some node reads a control-history curve (required_curve)
    std::vector<uint32_t> tap_nodes_; // nodes that publish at least one tap
    bool per_frame_taps_only_ = true; // every published tap has a record per frame (period 1)
    uint32_t counted_frames_ = 0;     // the frames count_tap_records last counted (0: none)
    std::vector<NodeState> state_;
    // Lane sharing: per node, 1 when it computes every lane (in the cone of a lane-varying
    // parameter, or the output); empty when sharing is off. varying_text_ lists the
    // declared parameters for error messages ("s0.frequency, lp.cutoff").
    std::vector<uint8_t> varying_;
    std::string varying_text_;
    std::vector<LinkFifo> fifos_;                    // per link; capacity 0 when not delayed
    std::vector<std::vector<uint32_t>> delayed_out_; // per node: its delayed outgoing links
    std::vector<std::vector<uint32_t>> delayed_in_;  // per node: its delayed incoming links
    LinkFifo output_fifo_;                           // the output node's padding, if any
    uint64_t frames_over_budget_ = 0;
    uint32_t threads_ = 1;
    std::unique_ptr<LevelWorkers> workers_;
    // Per level: the steps of each participant, or empty when the level runs on one thread.
    std::vector<std::vector<std::vector<Step>>> level_buckets_;
    // Every step in schedule order when no level runs on several threads, else empty.
    std::vector<Step> serial_steps_;
    struct LevelJob {
        GraphRuntime *runtime;
        const std::vector<std::vector<Step>> *buckets;
        uint64_t position;
        uint32_t frames;
        uint32_t offset_in_block;
        const AmpControlHistory *history;
    };
    std::vector<std::string> log_;

    // A recording for the backward pass (recording.cpp, checkpoint.cpp). Every buffer is a
    // slice of `buffer`, cut by record(). Recorded values (inputs, params, bases, rows, mods)
    // hold `window` frames from span frame `origin`, lane stride `stride`: the whole span
    // (origin 0, stride = window = frames), or with checkpoints the segment being re-rendered
    // (stride = checkpoint). Link gradients are rings of link_capacity[link] frames per lane
    // (span frame x at x % capacity): one backward window plus the link's delay (link_ring).
    struct Recording {
        bool armed = false;
        uint64_t start = 0;      // stream position of the span's frame 0
        uint64_t frames = 0;     // span length
        uint64_t recorded = 0;   // frames rendered of the span so far
        uint64_t checkpoint = 0; // frames between snapshots; 0: every value recorded
        uint64_t stride = 0;     // lane stride of the recorded values
        uint64_t origin = 0;     // span frame of recorded frame 0
        uint64_t window = 0;     // frames the recorded values hold
        bool capturing = false;  // execution copies values (false in a checkpointed forward)
        std::vector<double> buffer;
        std::vector<std::vector<double *>> inputs; // [node][port]: B x C_port x stride
        std::vector<std::vector<double *>> params; // [node][param]: B x C_param x stride
        std::vector<std::vector<double *>> bases;  // [node][param]: B x stride base (modulated)
        std::vector<double *> rows;                // [node]: record_rows x stride
        std::vector<double *> sides;               // [node]: record_side_doubles(stride)
        std::vector<double *> mods;                // [modulation]: B x C_link x stride
        std::vector<double *> link_grads;          // [link]: B x C_link x capacity (consumer)
        std::vector<uint64_t> link_capacity;       // [link]: ring frames per lane
        // Checkpoints: segment k's snapshot at k x snapshot_size (the last slot keeps the stream
        // state across a backward pass) and the hash of its forward output (to detect a replay
        // that renders differently, e.g. with another history).
        std::vector<unsigned char> snapshots;
        uint64_t snapshot_size = 0;
        std::vector<uint64_t> hashes;
        std::vector<double *> out_grads;                  // [node]: B x C_out x max_step
        std::vector<std::vector<double *>> port_grads;    // [node][port]: B x C_port x max_step
        std::vector<std::vector<double *>> param_grads;   // [node][param]: B x C_param x max_step
        std::vector<std::vector<TensorView>> input_views; // [node][port], per window
        std::vector<std::vector<TensorView>> param_views; // [node][param], per window
        // [node][param] (signal params): bit x set when recorded frame x has frame x - 1's
        // bits in every lane (words of `bits`); and per window, whether the row is constant.
        std::vector<std::vector<uint64_t *>> same_bits;
        std::vector<uint64_t> bits;
        std::vector<std::vector<uint8_t>> window_constant;
        std::vector<std::vector<double *>> wanted_grads; // [node][param]: the call's pointers
        std::vector<std::vector<uint32_t>> out_links;    // [node]: links leaving it, id order
        std::vector<uint8_t> reaches, from_target, on_path, needs; // per node, per pass
        std::vector<int32_t> output_request;                       // per node: request or -1
        std::vector<int32_t> buffer_request;  // per node: "@buffer" request or -1
        std::vector<int32_t> history_request; // per node: "@history" request or -1
        AmpControlHistory history{};          // the pass's history (span time 0)
        bool has_history = false;
        std::vector<std::vector<int32_t>> param_request; // [node][param]: request or -1
        std::vector<uint32_t> queue;                     // graph walks
    };
    Recording rec_;
    // Doubles of the recorded values and gradient buffers, with `stride` frames per recorded
    // lane (stride = frames: all) and link rings of link_ring frames.
    size_t record_doubles(uint64_t frames, uint64_t stride) const;
    // 64-bit words of the recording's same_bits (one bit per recorded frame and signal param).
    size_t record_bit_words(uint64_t stride) const;
    // A link's gradient ring: min(frames, min(stride, max_step_) + the link's delay) frames.
    uint64_t link_ring(uint32_t link, uint64_t frames, uint64_t stride) const;
    void drop_recording() { rec_.armed = false; }
    // Copies what the backward pass needs of one step's window (a no-op unless recording).
    void record_step(const Step &step, uint64_t position, uint32_t frames);
    // True inside the recorded span (the forward render, checkpointed or not).
    bool in_span(uint64_t position) const {
        return rec_.armed && position >= rec_.start && position < rec_.start + rec_.frames;
    }
    // True where execution copies values into the recording.
    bool recording_at(uint64_t position) const {
        return rec_.armed && rec_.capturing && position >= rec_.start + rec_.origin &&
               position < rec_.start + rec_.origin + rec_.window;
    }
    // Checkpoints (checkpoint.cpp): the forward's snapshot and output hash of each segment, and
    // the replay of segment k (restore, render with recording, compare the output's hash).
    void checkpoint_block(uint64_t position, uint32_t frames, bool before);
    void replay_segment(uint64_t segment, const AmpControlHistory *history);
    uint64_t hash_output(uint64_t hash, uint32_t frames) const;
    // The backward pass's windows over the span frames [from, to), from the last.
    void backward_windows(uint64_t from, uint64_t to, const double *output_gradient,
                          const AmpGradientRequest *requests, WorkMeter &meter);
    void plan_backward(const AmpGradientRequest *requests, uint32_t request_count);
    uint64_t buffer_gradient_values(uint32_t node, const AmpGradientRequest &request) const;
    // Values of a node's "@history" gradient for the pass's history (0: none).
    uint64_t history_gradient_values(uint32_t node) const;
    std::string backward_path(uint32_t node) const;
    void backward_step(const Step &step, uint64_t r, uint32_t n, const double *output_gradient,
                       const AmpGradientRequest *requests);
    void scatter_ports(uint32_t node, uint64_t r, uint32_t n);
    void scatter_params(uint32_t node, uint64_t r, uint32_t n, const AmpGradientRequest *requests);
};

} // namespace amp
