// graph_runtime.cpp: buffers, block loop, parameters, modulation and heat; see graph_runtime.h.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <unistd.h>

#include "dsp/control_curve.h"
#include "dsp/reduce.h"
#include "runtime/errors.h"
#include "runtime/heat.h"
#include "runtime/limits.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

constexpr size_t kMaxLogRecords = 1000;

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::string shape_json(uint32_t batches, uint32_t channels, uint32_t frames) {
    return "{\"batches\":" + std::to_string(batches) + ",\"channels\":" + std::to_string(channels) +
           ",\"frames\":" + std::to_string(frames) + "}";
}

std::string shape_text(uint32_t batches, uint32_t channels, uint32_t frames) {
    return std::to_string(batches) + "x" + std::to_string(channels) + "x" + std::to_string(frames);
}

} // namespace

GraphRuntime::GraphRuntime(const std::string &graph_json)
    : graph_(parse_graph_description(graph_json)), plan_(compile_graph(graph_)) {
    sample_rate_ = graph_.sample_rate;
    state_.resize(graph_.nodes.size());
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        state_[v].overrides.assign(graph_.nodes[v].spec->param_count, {});
        state_[v].params.assign(graph_.nodes[v].spec->param_count, TensorView{});
        state_[v].param_buffers.assign(graph_.nodes[v].spec->param_count, nullptr);
        state_[v].inputs.assign(graph_.nodes[v].spec->input_count, TensorView{});
        state_[v].port_buffers.assign(graph_.nodes[v].spec->input_count, nullptr);
        state_[v].port_rows.assign(graph_.nodes[v].spec->input_count, {});
    }
    fifos_.resize(plan_.links.size());
    delayed_out_.assign(graph_.nodes.size(), {});
    delayed_in_.assign(graph_.nodes.size(), {});
    for (uint32_t id = 0; id < plan_.links.size(); ++id)
        if (plan_.links[id].delay > 0) {
            delayed_out_[plan_.links[id].from].push_back(id);
            delayed_in_[plan_.links[id].to].push_back(id);
        }
    configure(1, 512);
}

const double *GraphRuntime::link_source(uint32_t id) const {
    return plan_.links[id].delay > 0 ? fifos_[id].staging : state_[plan_.links[id].from].out;
}

uint32_t GraphRuntime::find_node(const char *name, const char *stage) const {
    if (name == nullptr) throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, "", "node name is null");
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v)
        if (graph_.nodes[v].name == name) return v;
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, name,
                     std::string("no node named \"") + name + "\" in the graph");
}

const char *GraphRuntime::node_name(uint32_t index) const {
    return index < graph_.nodes.size() ? graph_.nodes[index].name.c_str() : nullptr;
}

void GraphRuntime::configure(uint32_t batches, uint32_t block_frames) {
    if (batches < 1 || batches > limits::kMaxBatches)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "configure", "",
                         "batches expects an integer in [1, " +
                             std::to_string(limits::kMaxBatches) + "], got " +
                             std::to_string(batches));
    if (block_frames < 1 || block_frames > limits::kMaxBlockFrames)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "configure", "",
                         "block_frames expects an integer in [1, " +
                             std::to_string(limits::kMaxBlockFrames) + "], got " +
                             std::to_string(block_frames));
    const uint32_t max_step = std::min(block_frames, plan_.max_block);
    check_memory(batches, block_frames, max_step);
    const bool shape_changed = batches != batches_ || block_frames != block_;
    const uint32_t old_batches = batches_, old_block = block_, old_step = max_step_;
    batches_ = batches;
    block_ = block_frames;
    max_step_ = max_step;
    try {
        allocate();
        plan_parallel_levels();
        plan_energy_sharing();
    } catch (...) {
        // Nothing half-applied: back to the previous configuration (it fitted before).
        batches_ = old_batches;
        block_ = old_block;
        max_step_ = old_step;
        allocate();
        plan_parallel_levels();
        plan_energy_sharing();
        throw;
    }
    if (shape_changed) {
        bool dropped = false;
        for (NodeState &node : state_) {
            for (auto &values : node.overrides) {
                dropped = dropped || !values.empty();
                values.clear();
            }
            dropped = dropped || !node.heat_override.empty();
            node.heat_override.clear();
        }
        if (dropped)
            log("{\"event\":\"amp_graph_runtime_overrides_cleared\",\"reason\":\"configure changed "
                "the batches or block frames\"}");
    }
    reset();
    log("{\"event\":\"amp_graph_runtime_configured\",\"batches\":" + std::to_string(batches_) +
        ",\"block_frames\":" + std::to_string(block_) +
        ",\"scheduler_block_frames\":" + std::to_string(max_step_) + "}");
}

bool GraphRuntime::port_needs_buffer(uint32_t v, uint32_t p) const {
    const auto &edges = plan_.port_edges[v][p];
    if (edges.size() == 1)
        return plan_.output_channels[graph_.edges[edges[0]].from] != plan_.port_channels[v][p];
    return graph_.nodes[v].spec->inputs[p].gather == Gather::Sum;
}

size_t GraphRuntime::arena_doubles(size_t b, size_t f) const {
    size_t total = b * f; // graph heat
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        total += b * plan_.output_channels[v] * f + b * f;
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

// Refuses configurations whose buffers (arena + node states) would exceed half the machine's
// memory: better a clear error than the kernel's out-of-memory killer.
void GraphRuntime::check_memory(uint32_t batches, uint32_t block, uint32_t max_step) const {
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
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const double pages = static_cast<double>(sysconf(_SC_PHYS_PAGES));
    const double budget = page > 0 && pages > 0 ? page * pages / 2.0 : 8.0 * 1024 * 1024 * 1024;
    if (bytes > budget)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "configure", "",
                         "batches " + std::to_string(batches) + " x block_frames " +
                             std::to_string(block) + " needs " +
                             format_number(std::ceil(bytes / (1024.0 * 1024.0))) +
                             " MiB of buffers; the limit is " +
                             format_number(std::floor(budget / (1024.0 * 1024.0))) +
                             " MiB (half the machine's memory)");
}

void GraphRuntime::allocate() {
    const size_t b = batches_, f = block_;
    const size_t total = arena_doubles(b, f);
    const uint32_t output_padding = plan_.padding[graph_.output];
    const size_t output_lanes = b * plan_.output_channels[graph_.output];
    arena_.assign(total, 0.0);
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
        fifo.lanes = static_cast<uint32_t>(b * plan_.output_channels[link.from]);
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
            if (spec.inputs[p].gather != Gather::Concat || plan_.port_edges[v][p].size() < 2)
                continue;
            // A concat input reads each lane where its producer wrote it: a table, no copy.
            for (uint32_t batch = 0; batch < batches_; ++batch)
                for (uint32_t id : plan_.port_edges[v][p]) {
                    const uint32_t source = graph_.edges[id].from;
                    for (uint32_t c = 0; c < plan_.output_channels[source]; ++c)
                        node.port_rows[p].push_back(
                            link_source(id) +
                            (static_cast<size_t>(batch) * plan_.output_channels[source] + c) * f);
                }
        }
        std::vector<uint32_t> channels(plan_.port_channels[v]);
        PrepareContext context{batches_,        max_step_,        sample_rate_,
                               channels.data(), spec.input_count, plan_.output_channels[v]};
        plan_.nodes[v]->prepare(context);
    }
}

void GraphRuntime::set_sample_rate(double sample_rate) {
    if (!(sample_rate > 0.0) || sample_rate > limits::kMaxSampleRate)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_sample_rate", "",
                         "sample_rate expects a number in (0, 10000000] Hz, got " +
                             format_number(sample_rate));
    const double old_rate = sample_rate_;
    sample_rate_ = sample_rate;
    try {
        allocate();
    } catch (...) {
        sample_rate_ = old_rate;
        allocate();
        throw;
    }
    reset();
}

void GraphRuntime::reset() {
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        plan_.nodes[v]->reset();
        NodeState &node = state_[v];
        node.heat_total = 0.0;
        node.block_heat = 0.0;
        std::fill(std::begin(node.telemetry), std::end(node.telemetry), 0.0);
        node.processing_seconds = 0.0;
        node.cpu_seconds = 0.0;
    }
    for (LinkFifo &fifo : fifos_)
        if (fifo.capacity > 0) fifo.clear();
    if (output_fifo_.capacity > 0) output_fifo_.clear();
    position_ = 0;
    frames_over_budget_ = 0;
    graph_heat_total_ = 0.0;
    last_total_seconds_ = 0.0;
}

void GraphRuntime::set_param(const char *node_name, const char *param, const double *data,
                             uint32_t batches, uint32_t channels, uint32_t frames) {
    const uint32_t v = find_node(node_name, "set_param");
    const NodeDescription &node = graph_.nodes[v];
    const std::string label = node_label(node.name, node.spec->type_name);
    if (param == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                         label + ": parameter name is null");
    const std::string name = param;
    const bool is_heat = name == node.config.heat_param;
    const int index = is_heat ? -1 : find_param_index(*node.spec, name);
    if (!is_heat) {
        std::string signal_names;
        for (uint32_t p = 0; p < node.spec->param_count; ++p)
            if (node.spec->params[p].kind == ParamKind::Signal)
                signal_names +=
                    std::string(signal_names.empty() ? "" : ", ") + node.spec->params[p].name;
        signal_names += std::string(signal_names.empty() ? "" : ", ") + node.config.heat_param;
        if (index < 0)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                             label + ": unknown parameter \"" + name +
                                 "\"; settable: " + signal_names);
        if (node.spec->params[index].kind != ParamKind::Signal)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                             label + ": parameter \"" + name +
                                 "\" is static (set it in params_json); settable: " + signal_names);
    }
    if (batches != batches_ || channels != 1 || frames != block_) {
        const std::string expected = shape_text(batches_, 1, block_);
        const std::string provided = shape_text(batches, channels, frames);
        log("{\"event\":\"amp_graph_runtime_set_param_shape_mismatch\",\"node\":" +
            json_quote(node.name) + ",\"param\":" + json_quote(name) +
            ",\"expected\":" + shape_json(batches_, 1, block_) +
            ",\"provided\":" + shape_json(batches, channels, frames) + "}");
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "set_param", node.name,
                         label + ": parameter \"" + name + "\" expects a tensor of shape " +
                             expected + " (batches x 1 x block_frames), got " + provided +
                             "; the previous value stays in force");
    }
    if (data == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                         label + ": parameter \"" + name + "\": data is null");
    const size_t count = static_cast<size_t>(batches) * frames;
    for (size_t i = 0; i < count; ++i) {
        const bool ok = is_heat ? (std::isfinite(data[i]) && data[i] >= 0.0)
                                : value_in_range(node.spec->params[index], data[i]);
        if (!ok)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_param", node.name,
                             label + ": parameter \"" + name + "\" expects " +
                                 (is_heat ? std::string("a finite number >= 0")
                                          : describe_range(node.spec->params[index])) +
                                 ", got " + format_number(data[i]) + " at batch " +
                                 std::to_string(i / frames) + ", frame " +
                                 std::to_string(i % frames));
    }
    std::vector<double> &target =
        is_heat ? state_[v].heat_override : state_[v].overrides[static_cast<size_t>(index)];
    target.assign(data, data + count);
    log("{\"event\":\"amp_graph_runtime_set_param\",\"node\":" + json_quote(node.name) +
        ",\"param\":" + json_quote(name) + ",\"shape\":" + shape_json(batches, channels, frames) +
        "}");
}

void GraphRuntime::clear_params(const char *node_name) {
    const uint32_t first = node_name == nullptr ? 0 : find_node(node_name, "clear_params");
    const uint32_t last = node_name == nullptr ? node_count() : first + 1;
    for (uint32_t v = first; v < last; ++v) {
        for (auto &values : state_[v].overrides) values.clear();
        state_[v].heat_override.clear();
    }
    log(std::string("{\"event\":\"amp_graph_runtime_clear_params\",\"node\":") +
        (node_name == nullptr ? "null" : json_quote(node_name)) + "}");
}

int32_t GraphRuntime::execute(uint64_t frames, double *out, uint64_t out_len,
                              const AmpRenderOptions *options) {
    const uint32_t out_channels = plan_.output_channels[graph_.output];
    const uint64_t needed = static_cast<uint64_t>(batches_) * out_channels * frames;
    if (out == nullptr && frames > 0)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "execute", "", "output buffer is null");
    if (out_len < needed)
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                         "output buffer holds " + std::to_string(out_len) + " doubles; " +
                             std::to_string(batches_) + "x" + std::to_string(out_channels) + "x" +
                             std::to_string(frames) + " needs " + std::to_string(needed));
    double *heat_out = options != nullptr ? options->heat_out : nullptr;
    const uint64_t heat_needed = static_cast<uint64_t>(node_count() + 1) * batches_ * frames;
    if (heat_out != nullptr && options->heat_len < heat_needed)
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                         "heat buffer holds " + std::to_string(options->heat_len) +
                             " doubles; (nodes + 1) x batches x frames needs " +
                             std::to_string(heat_needed));
    uint8_t *budget_out = options != nullptr ? options->over_budget_out : nullptr;
    if (budget_out != nullptr && graph_.thermal_budget <= 0.0)
        throw AmpFailure(
            AMP_ERR_INVALID_ARGUMENT, "execute", "",
            "over-budget flags were requested but the graph has no \"thermal_budget\"");
    if (budget_out != nullptr &&
        options->over_budget_len < static_cast<uint64_t>(batches_) * frames)
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                         "over-budget buffer holds " + std::to_string(options->over_budget_len) +
                             " bytes; batches x frames needs " + std::to_string(batches_ * frames));
    const volatile int32_t *cancel = options != nullptr ? options->cancel_flag : nullptr;
    AmpControlHistory history{};
    const AmpControlHistory *history_ptr = nullptr;
    if (options != nullptr && options->history != nullptr) {
        history = *options->history;
        history.frame_offset = position_;
        history_ptr = &history;
    }
    check_history(history_ptr);

    heat_curves_ = heat_out != nullptr || graph_.thermal_budget > 0.0;
    const auto started = std::chrono::steady_clock::now();
    for (NodeState &node : state_) {
        node.processing_seconds = 0.0;
        node.cpu_seconds = 0.0;
    }
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
    uint64_t done = 0;
    int32_t status = AMP_OK;
    while (done < frames) {
        if (cancel != nullptr && *cancel != 0) {
            status = AMP_ERR_CANCELLED;
            break;
        }
        const uint32_t offset = static_cast<uint32_t>(position_ % block_);
        const uint32_t n = static_cast<uint32_t>(
            std::min<uint64_t>({frames - done, static_cast<uint64_t>(block_ - offset), max_step_}));
        run_block(position_, n, offset, history_ptr);
        if (padded) {
            output_fifo_.push(output.out, block_, position_, n);
            output_fifo_.pull(position_, n);
        }
        for (uint32_t b = 0; b < batches_; ++b)
            for (uint32_t c = 0; c < out_channels; ++c)
                std::memcpy(out + (static_cast<size_t>(b) * out_channels + c) * frames + done,
                            result + (static_cast<size_t>(b) * out_channels + c) * block_,
                            n * sizeof(double));
        if (heat_out != nullptr) {
            for (uint32_t v = 0; v <= node_count(); ++v) {
                const double *rows = v < node_count() ? state_[v].heat : graph_heat_;
                for (uint32_t b = 0; b < batches_; ++b)
                    std::memcpy(heat_out + (static_cast<size_t>(v) * batches_ + b) * frames + done,
                                rows + static_cast<size_t>(b) * block_, n * sizeof(double));
            }
        }
        if (graph_.thermal_budget > 0.0) check_budget(n, done, frames, budget_out);
        position_ += n;
        done += n;
    }
    last_total_seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
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
    for (uint32_t v = 0; v < node_count(); ++v) {
        const char *needed = plan_.nodes[v]->required_curve();
        if (needed == nullptr || dsp::find_curve(history, needed) != nullptr) continue;
        std::string supplied;
        for (uint32_t c = 0; history != nullptr && c < history->curve_count; ++c)
            supplied +=
                std::string(supplied.empty() ? "" : ", ") + "\"" + history->curves[c].name + "\"";
        throw AmpFailure(
            AMP_ERR_INVALID_ARGUMENT, "execute", graph_.nodes[v].name,
            node_label(graph_.nodes[v].name, graph_.nodes[v].spec->type_name) +
                ": no control-history curve named \"" + needed +
                "\" in this render; supplied: " + (supplied.empty() ? "none" : supplied));
    }
}

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

void GraphRuntime::run_block(uint64_t position, uint32_t frames, uint32_t offset_in_block,
                             const AmpControlHistory *history) {
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
    if (!graph_.timing) {
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

void GraphRuntime::set_threads(uint32_t threads) {
    if (threads < 1 || threads > limits::kMaxThreads)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_threads", "",
                         "threads expects an integer in [1, " +
                             std::to_string(limits::kMaxThreads) + "], got " +
                             std::to_string(threads));
    if (threads == threads_) return;
    threads_ = threads;
    workers_.reset();
    if (threads_ > 1) workers_ = std::make_unique<LevelWorkers>(threads_);
    plan_parallel_levels();
}

// Splits each level with at least two steps among the participants, greedily by a work
// estimate (heat work constant x channels x oversample), largest first. Blocks shorter than
// kMinParallelFrames run on one thread: there a barrier per level costs more than it saves
// (measured: 32 sines at block 128 ran slower on two threads than on one).
void GraphRuntime::plan_parallel_levels() {
    constexpr uint32_t kMinParallelFrames = 256;
    level_buckets_.assign(plan_.levels.size(), {});
    if (!workers_ || workers_->participants() <= 1 || max_step_ < kMinParallelFrames) return;
    const uint32_t participants = workers_->participants();
    for (size_t level = 0; level < plan_.levels.size(); ++level) {
        const std::vector<Step> &steps = plan_.levels[level];
        if (steps.size() < 2) continue;
        std::vector<std::pair<double, Step>> weighted;
        for (const Step &step : steps) {
            const NodeDescription &node = graph_.nodes[step.node];
            const double cost = (node.spec->heat_work + 1.0) *
                                std::max(1u, plan_.output_channels[step.node]) *
                                node.config.oversample;
            weighted.push_back({cost, step});
        }
        std::stable_sort(weighted.begin(), weighted.end(),
                         [](const auto &a, const auto &b) { return a.first > b.first; });
        std::vector<std::vector<Step>> buckets(participants);
        std::vector<double> load(participants, 0.0);
        for (const auto &entry : weighted) {
            const size_t lightest =
                static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
            buckets[lightest].push_back(entry.second);
            load[lightest] += entry.first;
        }
        level_buckets_[level] = std::move(buckets);
    }
}

void GraphRuntime::run_step(const Step &step, uint64_t position, uint32_t frames,
                            uint32_t offset_in_block, const AmpControlHistory *history) {
    const uint32_t v = step.node;
    NodeState &node = state_[v];
    for (uint32_t id : delayed_in_[v])
        if (plan_.links[id].modulation || step.kind != StepKind::Emit)
            fifos_[id].pull(position, frames);
    if (step.kind != StepKind::Emit) gather_inputs(v, frames);
    evaluate_params(v, frames, offset_in_block);
    ProcessContext context{};
    context.inputs = node.inputs.data();
    context.params = node.params.data();
    context.out = node.out;
    context.out_lane_stride = block_;
    context.output_channels = plan_.output_channels[v];
    context.batches = batches_;
    context.frames = frames;
    context.sample_rate = sample_rate_;
    context.history = history;
    context.frame_index = position;
    context.telemetry = node.telemetry;
    switch (step.kind) {
    case StepKind::Process: plan_.nodes[v]->process(context); break;
    case StepKind::Emit: plan_.nodes[v]->emit(context); break;
    case StepKind::Absorb: plan_.nodes[v]->absorb(context); break;
    }
    if (step.kind != StepKind::Absorb)
        for (uint32_t id : delayed_out_[v]) fifos_[id].push(node.out, block_, position, frames);
    if (step.kind != StepKind::Emit) compute_heat(v, frames, offset_in_block);
}

void GraphRuntime::gather_inputs(uint32_t v, uint32_t frames) {
    const NodeSpec &spec = *graph_.nodes[v].spec;
    NodeState &node = state_[v];
    for (uint32_t p = 0; p < spec.input_count; ++p) {
        const auto &edges = plan_.port_edges[v][p];
        const uint32_t channels = plan_.port_channels[v][p];
        double *buffer = node.port_buffers[p];
        if (!node.port_rows[p].empty()) {
            node.inputs[p] = TensorView{link_source(edges[0]),   batches_, channels, frames, block_,
                                        node.port_rows[p].data()};
            continue;
        }
        if (buffer == nullptr) {
            node.inputs[p] = TensorView{link_source(edges[0]), batches_, channels, frames, block_};
            continue;
        }
        const bool concat = spec.inputs[p].gather == Gather::Concat;
        if (!concat)
            for (uint32_t b = 0; b < batches_; ++b)
                for (uint32_t c = 0; c < channels; ++c)
                    std::fill_n(buffer + (static_cast<size_t>(b) * channels + c) * block_, frames,
                                0.0);
        uint32_t first_channel = 0;
        for (uint32_t id : edges) {
            const uint32_t source = graph_.edges[id].from;
            const uint32_t source_channels = plan_.output_channels[source];
            const double *src = link_source(id);
            for (uint32_t b = 0; b < batches_; ++b) {
                if (concat) {
                    for (uint32_t c = 0; c < source_channels; ++c)
                        std::memcpy(buffer +
                                        (static_cast<size_t>(b) * channels + first_channel + c) *
                                            block_,
                                    src + (static_cast<size_t>(b) * source_channels + c) * block_,
                                    frames * sizeof(double));
                } else {
                    for (uint32_t c = 0; c < channels; ++c) {
                        const double *in =
                            src + (static_cast<size_t>(b) * source_channels + c % source_channels) *
                                      block_;
                        double *acc = buffer + (static_cast<size_t>(b) * channels + c) * block_;
                        for (uint32_t f = 0; f < frames; ++f) acc[f] += in[f];
                    }
                }
            }
            first_channel += source_channels;
        }
        node.inputs[p] = TensorView{buffer, batches_, channels, frames, block_};
    }
}

void GraphRuntime::evaluate_params(uint32_t v, uint32_t frames, uint32_t offset_in_block) {
    const NodeDescription &description = graph_.nodes[v];
    NodeState &node = state_[v];
    for (uint32_t p = 0; p < description.spec->param_count; ++p) {
        if (description.spec->params[p].kind != ParamKind::Signal) continue;
        const std::vector<double> &override_values = node.overrides[p];
        const TensorView base =
            override_values.empty()
                ? TensorView{&description.config.values[p], 1, 1, 1, 0}
                : TensorView{override_values.data() + offset_in_block, batches_, 1, frames, block_};
        double *buffer = node.param_buffers[p];
        if (buffer == nullptr) {
            node.params[p] = base;
            continue;
        }
        const uint32_t channels = plan_.param_channels[plan_.param_slot(v, p)];
        const size_t base_step = base.frame_stride();
        for (uint32_t b = 0; b < batches_; ++b)
            for (uint32_t c = 0; c < channels; ++c) {
                const double *from = base.row(b, c);
                double *to = buffer + (static_cast<size_t>(b) * channels + c) * block_;
                for (uint32_t f = 0; f < frames; ++f) to[f] = from[f * base_step];
            }
        for (uint32_t id : plan_.param_mods[v][p]) {
            const ModulationEdge &edge = graph_.modulations[id];
            const uint32_t source_channels = plan_.output_channels[edge.from];
            const double *src = link_source(plan_.audio_edge_count + id);
            const double scale = edge.scale;
            for (uint32_t b = 0; b < batches_; ++b)
                for (uint32_t c = 0; c < channels; ++c) {
                    const uint32_t sc = edge.channel >= 0 ? static_cast<uint32_t>(edge.channel)
                                                          : c % source_channels;
                    const double *m =
                        src + (static_cast<size_t>(b) * source_channels + sc) * block_;
                    double *to = buffer + (static_cast<size_t>(b) * channels + c) * block_;
                    if (edge.mode == ModulationMode::Add)
                        for (uint32_t f = 0; f < frames; ++f) to[f] += scale * m[f];
                    else
                        for (uint32_t f = 0; f < frames; ++f) to[f] *= scale * m[f];
                }
        }
        node.params[p] = TensorView{buffer, batches_, channels, frames, block_};
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
                direct = direct && plan_.links[id].delay == 0 && !split[graph_.edges[id].from];
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

void GraphRuntime::describe_node(const char *node_name, AmpNodeSummary &summary) const {
    const uint32_t v = find_node(node_name, "describe_node");
    const NodeDescription &description = graph_.nodes[v];
    const NodeState &node = state_[v];
    summary = AmpNodeSummary{};
    summary.name = description.name.c_str();
    summary.type_name = description.spec->type_name;
    summary.index = v;
    summary.output_channels = plan_.output_channels[v];
    summary.declared_delay_frames = plan_.declared[v];
    summary.oversample = description.config.oversample;
    summary.measured_delay_frames = plan_.nodes[v]->latency_frames() + plan_.padding[v];
    summary.total_heat = node.heat_total;
    AmpNodeMetrics &metrics = summary.last_metrics;
    metrics.measured_delay_frames = summary.measured_delay_frames;
    metrics.accumulated_heat = node.heat_total;
    metrics.processing_time_seconds = node.processing_seconds;
    metrics.total_time_seconds = last_total_seconds_;
    metrics.thread_cpu_time_seconds = node.cpu_seconds;
    std::copy(std::begin(node.telemetry), std::end(node.telemetry), metrics.reserved);
}

void GraphRuntime::describe_graph(AmpGraphSummary &summary) const {
    summary = AmpGraphSummary{};
    summary.node_count = node_count();
    summary.batches = batches_;
    summary.block_frames = block_;
    summary.output_channels = plan_.output_channels[graph_.output];
    summary.sample_rate = sample_rate_;
    summary.frames_rendered = position_;
    summary.total_heat = graph_heat_total_;
    summary.latency_frames = plan_.latency_frames;
    summary.scheduler_block_frames = max_step_;
    summary.latency_compensation = graph_.latency_compensation ? 1 : 0;
    summary.thermal_budget = graph_.thermal_budget;
    summary.frames_over_budget = frames_over_budget_;
    summary.threads = threads_;
    summary.levels = static_cast<uint32_t>(plan_.levels.size());
    summary.parallel_levels =
        static_cast<uint32_t>(std::count_if(level_buckets_.begin(), level_buckets_.end(),
                                            [](const auto &buckets) { return !buckets.empty(); }));
}

void GraphRuntime::log(const std::string &json_line) {
    if (log_.size() >= kMaxLogRecords) log_.erase(log_.begin());
    log_.push_back(json_line);
}

std::string GraphRuntime::log_text() const {
    std::string text;
    for (const std::string &line : log_) text += line + "\n";
    return text;
}

} // namespace amp
