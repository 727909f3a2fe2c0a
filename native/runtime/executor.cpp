// executor.cpp: the block loop. execute() checks its arguments, then runs the schedule block by
// block (level by level, a level's steps possibly on several threads), moving the output, heat
// curves and budget flags into the caller's buffers. run_step() is one node's step: pull its
// delayed links, gather its inputs, evaluate its parameters, call the node, push its output,
// account its heat.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>

#include "dsp/control_curve.h"
#include "runtime/errors.h"
#include "runtime/meters.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

// Kept out of line so that execute()'s size checks stay a few instructions.
[[noreturn]] __attribute__((noinline, cold)) void refuse_frames(const char *what, uint64_t frames,
                                                                uint64_t lanes) {
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "execute", "",
                     std::string("frames expects a count whose ") + what +
                         " buffer fits in 2^64 elements, got " + std::to_string(frames) +
                         " frames x " + std::to_string(lanes) + " rows");
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

} // namespace

void GraphRuntime::refuse_output(const double *out, uint64_t out_len, uint64_t frames,
                                 uint64_t needed) const {
    if (out == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "execute", "", "output buffer is null");
    throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                     "output buffer holds " + std::to_string(out_len) + " doubles; " +
                         std::to_string(batches_) + "x" +
                         std::to_string(plan_.output_channels[graph_.output]) + "x" +
                         std::to_string(frames) + " needs " + std::to_string(needed));
}

int32_t GraphRuntime::execute_blocks(uint64_t frames, double *out, uint64_t out_len,
                                     const AmpRenderOptions *options) {
    const uint32_t out_channels = plan_.output_channels[graph_.output];
    // Buffer sizes: rows x batches x frames, refused when the product does not fit in 64 bits
    // (a wrapped size would pass the capacity checks below and the render would write past
    // the caller's buffer).
    auto needed_for = [&](uint64_t rows, const char *what) {
        uint64_t lanes = 0, count = 0;
        if (__builtin_mul_overflow(rows, static_cast<uint64_t>(batches_), &lanes) ||
            __builtin_mul_overflow(lanes, frames, &count))
            refuse_frames(what, frames, lanes);
        return count;
    };
    const uint64_t needed = needed_for(out_channels, "output");
    if ((out == nullptr && frames > 0) || out_len < needed)
        refuse_output(out, out_len, frames, needed);
    double *heat_out = options != nullptr ? options->heat_out : nullptr;
    if (heat_out != nullptr) {
        const uint64_t heat_needed = needed_for(uint64_t{node_count()} + 1, "heat");
        if (options->heat_len < heat_needed)
            throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                             "heat buffer holds " + std::to_string(options->heat_len) +
                                 " doubles; (nodes + 1) x batches x frames needs " +
                                 std::to_string(heat_needed));
    }
    uint8_t *budget_out = options != nullptr ? options->over_budget_out : nullptr;
    if (budget_out != nullptr && graph_.thermal_budget <= 0.0)
        throw AmpFailure(
            AMP_ERR_INVALID_ARGUMENT, "execute", "",
            "over-budget flags were requested but the graph has no \"thermal_budget\"");
    if (budget_out != nullptr) {
        const uint64_t flags_needed = needed_for(1, "over-budget");
        if (options->over_budget_len < flags_needed)
            throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                             "over-budget buffer holds " +
                                 std::to_string(options->over_budget_len) +
                                 " bytes; batches x frames needs " + std::to_string(flags_needed));
    }
    double *tap_out = options != nullptr ? options->tap_out : nullptr;
    if (tap_out != nullptr && options->tap_len < tap_doubles(frames))
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                         "tap buffer holds " + std::to_string(options->tap_len) +
                             " doubles; every tap's batches x values x records needs " +
                             std::to_string(tap_doubles(frames)));
    double *tap_time_out = options != nullptr ? options->tap_time_out : nullptr;
    if (tap_time_out != nullptr && options->tap_time_len < tap_time_doubles(frames))
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                         "tap time buffer holds " + std::to_string(options->tap_time_len) +
                             " doubles; every tap's records need " +
                             std::to_string(tap_time_doubles(frames)));
    const volatile int32_t *cancel = options != nullptr ? options->cancel_flag : nullptr;
    AmpMeters *meters = options != nullptr ? options->meters : nullptr;
    if (meters != nullptr) check_meters(*meters, batches_ * out_channels);
    const AmpProgressCallback progress = options != nullptr ? options->progress : nullptr;
    AmpControlHistory history{};
    const AmpControlHistory *history_ptr = nullptr;
    if (options != nullptr && options->history != nullptr) {
        history = *options->history;
        if (!keep_history_offset_) history.frame_offset = position_;
        history_ptr = &history;
    }
    if (history_ptr != nullptr || needs_curves_) check_history(history_ptr);

    heat_curves_ = heat_out != nullptr || graph_.thermal_budget > 0.0;
    begin_call_heat();
    call_start_ = position_;
    // Timing is opt-in ("timing": true, or a single-node call that asks for metrics): reading
    // the clocks costs more than a short block.
    const bool timed = graph_.timing;
    const auto started =
        timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    if (timed || step_seconds_kept_)
        for (NodeState &node : state_) {
            node.processing_seconds = 0.0;
            node.cpu_seconds = 0.0;
        }
    step_seconds_kept_ = timed;
    struct WorkersAwake {
        LevelWorkers *workers;
        explicit WorkersAwake(LevelWorkers *w) : workers(w) {
            if (workers != nullptr) workers->begin();
        }
        ~WorkersAwake() {
            if (workers != nullptr) workers->end();
        }
    } awake(workers_.get());
    const NodeState &output = state_[graph_.output];
    const bool padded = output_fifo_.capacity > 0;
    const double *result = padded ? output_fifo_.staging : output.out;
    const size_t out_lanes = static_cast<size_t>(batches_) * out_channels;
    uint64_t done = 0;
    int32_t status = AMP_OK;
    while (done < frames) {
        if (cancel != nullptr && *cancel != 0) {
            status = AMP_ERR_CANCELLED;
            break;
        }
        const uint32_t offset = static_cast<uint32_t>(position_ % block_);
        uint32_t n = static_cast<uint32_t>(
            std::min<uint64_t>({frames - done, static_cast<uint64_t>(block_ - offset), max_step_}));
        // A recorded span ends at a window boundary (frames after it are not recorded), and so
        // does each of its checkpointed segments.
        const bool recorded = in_span(position_);
        if (recorded) {
            n = static_cast<uint32_t>(std::min<uint64_t>(n, rec_.start + rec_.frames - position_));
            if (rec_.checkpoint > 0) {
                const uint64_t into = (position_ - rec_.start) % rec_.checkpoint;
                n = static_cast<uint32_t>(std::min<uint64_t>(n, rec_.checkpoint - into));
                checkpoint_block(position_, n, true);
            }
        }
        // Per-frame taps only: the counts depend on n alone, and were set for this n.
        if (!tap_nodes_.empty() && !(per_frame_taps_only_ && n == counted_frames_))
            count_tap_records(position_, n);
        run_block(position_, n, offset, history_ptr);
        if (recorded && rec_.checkpoint > 0) checkpoint_block(position_, n, false);
        if (padded) {
            output_fifo_.push(output.out, block_, position_, n);
            output_fifo_.pull(position_, n);
        }
        // Lane k = b x out_channels + c: at k x frames + done in `out`, at k x block_ in result.
        for (size_t k = 0; k < out_lanes; ++k) {
            double *to = out + k * frames + done;
            const double *from = result + k * block_;
            if (n == 1) // a 1-frame block: no library call
                to[0] = from[0];
            else
                std::memcpy(to, from, n * sizeof(double));
        }
        if (heat_out != nullptr) {
            for (uint32_t v = 0; v <= node_count(); ++v) {
                const double *rows = v < node_count() ? state_[v].heat : graph_heat_;
                for (uint32_t b = 0; b < batches_; ++b) {
                    // A shared node's one lane stands for every lane (lanes.cpp).
                    const size_t lane = v < node_count() ? lane_of(v, b) : b;
                    std::memcpy(heat_out + (static_cast<size_t>(v) * batches_ + b) * frames + done,
                                rows + lane * block_, n * sizeof(double));
                }
            }
        }
        if (tap_out != nullptr || tap_time_out != nullptr)
            copy_taps(tap_out, tap_time_out, frames, n);
        if (graph_.thermal_budget > 0.0) check_budget(n, done, frames, budget_out);
        if (recorded) rec_.recorded += n;
        position_ += n;
        done += n;
        if (meters != nullptr) accumulate_meters(*meters, result, block_, n);
        if (progress != nullptr) {
            const AmpProgressReport report{position_, done, frames, graph_heat_total(), meters};
            progress(options->progress_user, &report);
        }
    }
    last_total_seconds_ =
        timed ? std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
              : 0.0;
    return status;
}

// Runs before every render, so it builds no string unless it fails (rendering allocates
// nothing).
void GraphRuntime::check_history(const AmpControlHistory *history) const {
    auto fail = [](const AmpHistoryCurve &curve, const std::string &what) {
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "execute", "",
                         std::string("control-history curve \"") + curve.name + "\" " + what);
    };
    for (uint32_t c = 0; history != nullptr && c < history->curve_count; ++c) {
        const AmpHistoryCurve &curve = history->curves[c];
        if (curve.name == nullptr || curve.name[0] == '\0')
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "execute", "",
                             "a control-history curve has no name");
        if (curve.point_count == 0 || curve.times_frames == nullptr || curve.values == nullptr)
            fail(curve, "has no points");
        if (curve.interpolation > AMP_INTERPOLATION_LINEAR)
            fail(curve, "interpolation expects 0 (step) or 1 (linear), got " +
                            std::to_string(curve.interpolation));
        for (uint32_t i = 0; i < curve.point_count; ++i) {
            if (!std::isfinite(curve.times_frames[i]) || !std::isfinite(curve.values[i]))
                fail(curve, "point " + std::to_string(i) + " is not finite");
            if (i > 0 && curve.times_frames[i] < curve.times_frames[i - 1])
                fail(curve, "times must be ascending; point " + std::to_string(i) + " at " +
                                format_number(curve.times_frames[i]) + " frames comes after " +
                                format_number(curve.times_frames[i - 1]));
        }
    }
    for (uint32_t v = 0; v < node_count(); ++v)
        for (uint32_t i = 0; const char *needed = plan_.nodes[v]->required_curve(i); ++i) {
            if (dsp::find_curve(history, needed) != nullptr) continue;
            std::string supplied;
            for (uint32_t c = 0; history != nullptr && c < history->curve_count; ++c)
                supplied += std::string(supplied.empty() ? "" : ", ") + "\"" +
                            history->curves[c].name + "\"";
            throw AmpFailure(
                AMP_ERR_INVALID_ARGUMENT, "execute", graph_.nodes[v].name,
                node_label(graph_.nodes[v].name, graph_.nodes[v].spec->type_name) +
                    ": no control-history curve named \"" + needed +
                    "\" in this call; supplied: " + (supplied.empty() ? "none" : supplied));
        }
}

// run_step for a plain node's Process step while nothing records: no link FIFO to pull or
// push, no port to gather, no record field to set (they are null); the same work otherwise.
inline void GraphRuntime::run_lean_step(uint32_t v, uint64_t position, uint32_t frames,
                                        uint32_t offset_in_block,
                                        const AmpControlHistory *history) {
    NodeState &node = state_[v];
    for (TensorView &view : node.inputs)
        if (!view.empty()) view.frames = frames;
    if (!node.static_params) evaluate_params(v, position, frames, offset_in_block);
    ProcessContext &context = node.context;
    context.frames = frames;
    context.history = history;
    context.frame_index = position;
    plan_.nodes[v]->process(context);
    if (!add_model_heat(node, position, frames)) compute_heat(v, position, frames, offset_in_block);
}

void GraphRuntime::run_block(uint64_t position, uint32_t frames, uint32_t offset_in_block,
                             const AmpControlHistory *history) {
    small_frames_ = 0;            // the steps set their contexts' frames and this block's history
    if (!serial_steps_.empty()) { // every level on this thread: the steps in schedule order
        if (graph_.timing) {
            for (const Step &step : serial_steps_)
                run_timed_step(step, position, frames, offset_in_block, history);
        } else if (rec_.armed) {
            for (const Step &step : serial_steps_)
                run_step(step, position, frames, offset_in_block, history);
        } else { // the lean step where it applies (run_step takes it too; this skips a call)
            for (const Step &step : serial_steps_) {
                if (state_[step.node].plain && step.kind == StepKind::Process)
                    run_lean_step(step.node, position, frames, offset_in_block, history);
                else
                    run_step(step, position, frames, offset_in_block, history);
            }
        }
        sum_graph_heat(frames);
        return;
    }
    for (size_t level = 0; level < plan_.levels.size(); ++level) {
        const auto &buckets = level_buckets_[level];
        if (buckets.empty()) {
            for (const Step &step : plan_.levels[level])
                run_timed_step(step, position, frames, offset_in_block, history);
            continue;
        }
        LevelJob job{this, &buckets, position, frames, offset_in_block, history};
        workers_->run(
            [](void *context, uint32_t participant) {
                const LevelJob &work = *static_cast<const LevelJob *>(context);
                for (const Step &step : (*work.buckets)[participant])
                    work.runtime->run_timed_step(step, work.position, work.frames,
                                                 work.offset_in_block, work.history);
            },
            &job);
    }
    sum_graph_heat(frames);
}

void GraphRuntime::run_timed_step(const Step &step, uint64_t position, uint32_t frames,
                                  uint32_t offset_in_block, const AmpControlHistory *history) {
    if (!graph_.timing || state_[step.node].feeder) {
        run_step(step, position, frames, offset_in_block, history);
        return;
    }
    const double cpu_before = thread_cpu_seconds();
    const auto before = std::chrono::steady_clock::now();
    run_step(step, position, frames, offset_in_block, history);
    NodeState &node = state_[step.node];
    node.processing_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
    node.cpu_seconds += thread_cpu_seconds() - cpu_before;
}

void GraphRuntime::run_step(const Step &step, uint64_t position, uint32_t frames,
                            uint32_t offset_in_block, const AmpControlHistory *history) {
    const uint32_t v = step.node;
    NodeState &node = state_[v];
    if (node.plain && step.kind == StepKind::Process && !rec_.armed) {
        run_lean_step(v, position, frames, offset_in_block, history);
        return;
    }
    for (uint32_t id : delayed_in_[v])
        if (plan_.links[id].modulation || step.kind != StepKind::Emit)
            fifos_[id].pull(position, frames);
    if (step.kind != StepKind::Emit) {
        for (TensorView &view : node.inputs)
            if (!view.empty()) view.frames = frames;
        if (!node.gathered_ports.empty()) gather_inputs(v, frames);
    }
    if (!node.static_params) evaluate_params(v, position, frames, offset_in_block);
    ProcessContext &context = node.context; // fixed fields set by plan_context
    context.frames = frames;
    context.history = history;
    context.frame_index = position;
    if (recording_at(position) && rec_.rows[v] != nullptr && plan_.nodes[v]->record_rows() > 0) {
        context.record = rec_.rows[v] + (position - rec_.start - rec_.origin);
        context.record_lane_stride = static_cast<size_t>(rec_.stride);
    } else {
        context.record = nullptr;
        context.record_lane_stride = 0;
    }
    const bool side = recording_at(position) && rec_.sides[v] != nullptr;
    context.record_side = side ? rec_.sides[v] : nullptr;
    context.record_side_start = side ? rec_.start + rec_.origin : 0;
    switch (step.kind) {
    case StepKind::Process: plan_.nodes[v]->process(context); break;
    case StepKind::Emit: plan_.nodes[v]->emit(context); break;
    case StepKind::Absorb: plan_.nodes[v]->absorb(context); break;
    }
    context.record = nullptr; // outside a recording step they stay null (the lean step's rule)
    context.record_side = nullptr;
    if (rec_.armed) record_step(step, position, frames);
    if (step.kind != StepKind::Absorb)
        for (uint32_t id : delayed_out_[v]) fifos_[id].push(node.out, block_, position, frames);
    if (step.kind != StepKind::Emit && !add_model_heat(node, position, frames))
        compute_heat(v, position, frames, offset_in_block);
}

// Every field of a node's step context that stays the same from step to step.
void GraphRuntime::plan_context(uint32_t v) {
    NodeState &node = state_[v];
    ProcessContext context{};
    context.inputs = node.inputs.data();
    context.params = node.params.data();
    context.out = node.out;
    context.out_lane_stride = block_;
    context.output_channels = plan_.output_channels[v];
    context.batches = node.lanes; // 1 for a node whose work the lanes share (lanes.cpp)
    context.sample_rate = sample_rate_;
    context.telemetry = node.telemetry;
    if (node.publishes_heat) {
        context.heat = node.heat;
        context.heat_lane_stride = block_;
    }
    if (!node.taps.empty()) {
        context.taps = node.taps.data();
        context.tap_lane_stride = block_;
        context.tap_strides = node.tap_strides.data();
        context.tap_records = node.tap_records.data();
    }
    node.context = context;
    node.plain = delayed_in_[v].empty() && delayed_out_[v].empty() && node.gathered_ports.empty();
}

} // namespace amp
