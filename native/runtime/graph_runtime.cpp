// graph_runtime.cpp: a runtime's lifecycle (create, configure, sample rate, reset), introspection
// (describe node and graph) and log. The other jobs live in arena.cpp, parameters.cpp,
// executor.cpp, gather.cpp, heat_accounting.cpp and thread_plan.cpp; see graph_runtime.h.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <string>
#include <utility>

#include "runtime/errors.h"
#include "runtime/limits.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

constexpr size_t kMaxLogRecords = 1000;

} // namespace

GraphRuntime::GraphRuntime(const std::string &graph_json)
    : GraphRuntime(parse_graph_description(graph_json)) {}

GraphRuntime::GraphRuntime(GraphDescription graph)
    : graph_(std::move(graph)), plan_(compile_graph(graph_)) {
    sample_rate_ = graph_.sample_rate;
    state_.resize(graph_.nodes.size());
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        state_[v].overrides.assign(graph_.nodes[v].spec->param_count, {});
        state_[v].override_constant.assign(graph_.nodes[v].spec->param_count, 0);
        state_[v].params.assign(graph_.nodes[v].spec->param_count, TensorView{});
        state_[v].call_params.assign(graph_.nodes[v].spec->param_count, TensorView{});
        state_[v].publishes_heat = plan_.nodes[v]->publishes_heat();
        state_[v].param_buffers.assign(graph_.nodes[v].spec->param_count, nullptr);
        state_[v].inputs.assign(graph_.nodes[v].spec->input_count, TensorView{});
        state_[v].port_buffers.assign(graph_.nodes[v].spec->input_count, nullptr);
        state_[v].port_rows.assign(graph_.nodes[v].spec->input_count, {});
    }
    plan_taps();
    fifos_.resize(plan_.links.size());
    delayed_out_.assign(graph_.nodes.size(), {});
    delayed_in_.assign(graph_.nodes.size(), {});
    for (uint32_t id = 0; id < plan_.links.size(); ++id)
        if (plan_.links[id].delay > 0) {
            delayed_out_[plan_.links[id].from].push_back(id);
            delayed_in_[plan_.links[id].to].push_back(id);
        }
    // Creation is logged before the default configuration it performs.
    log("{\"event\":\"amp_graph_runtime_created\",\"nodes\":" + std::to_string(node_count()) + "}");
    configure(1, 512);
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
    } catch (...) {
        // Nothing half-applied: back to the previous configuration (it fitted before).
        batches_ = old_batches;
        block_ = old_block;
        max_step_ = old_step;
        allocate();
        plan_parallel_levels();
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
        for (uint32_t v = 0; v < node_count(); ++v) refresh_params(v);
        if (dropped)
            log("{\"event\":\"amp_graph_runtime_overrides_cleared\",\"reason\":\"configure changed "
                "the batches or block frames\"}");
    }
    reset();
    log("{\"event\":\"amp_graph_runtime_configured\",\"batches\":" + std::to_string(batches_) +
        ",\"block_frames\":" + std::to_string(block_) +
        ",\"scheduler_block_frames\":" + std::to_string(max_step_) + "}");
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
    drop_recording();
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        plan_.nodes[v]->reset();
        NodeState &node = state_[v];
        std::fill(std::begin(node.telemetry), std::end(node.telemetry), 0.0);
        node.processing_seconds = 0.0;
        node.cpu_seconds = 0.0;
    }
    for (LinkFifo &fifo : fifos_)
        if (fifo.capacity > 0) fifo.clear();
    if (output_fifo_.capacity > 0) output_fifo_.clear();
    position_ = 0;
    frames_over_budget_ = 0;
    reset_heat();
    last_total_seconds_ = 0.0;
}

void GraphRuntime::describe_node(const char *node_name, AmpNodeSummary &summary) const {
    describe_node(find_node(node_name, "describe_node"), summary);
}

void GraphRuntime::describe_node(uint32_t v, AmpNodeSummary &summary) const {
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
    summary.total_heat = node_heat_total(v);
    AmpNodeMetrics &metrics = summary.last_metrics;
    metrics.measured_delay_frames = summary.measured_delay_frames;
    metrics.accumulated_heat = node_call_heat(v);
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
    summary.total_heat = graph_heat_total();
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
