// single_node.cpp: see single_node.h.
#include "runtime/single_node.h"

#include <algorithm>
#include <string>
#include <utility>

#include "runtime/errors.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

// Largest block of the one-node graph; longer calls run in several blocks (block invariance
// makes that exact).
constexpr uint32_t kBlockFrames = 4096;

const ParamSpec kFeederParams[] = {
    {"channels", ParamKind::Integer, 1.0, 1.0, 1048576.0, "", "Channels of the input."},
};

// Copies the call's input window (frames from `start`, the stream position at the start of
// the call) into its output.
class FeederNode final : public Node {
  public:
    explicit FeederNode(const NodeConfig &config)
        : channels_(static_cast<uint32_t>(config.value(0))) {}
    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const PrepareContext &) override {}
    void reset() noexcept override {}
    void process(const ProcessContext &ctx) noexcept override {
        const size_t offset = static_cast<size_t>(ctx.frame_index - start);
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                if (source.empty()) { // an optional port left open: feeds nothing
                    std::fill_n(ctx.out_row(b, c), ctx.frames, 0.0);
                    continue;
                }
                const double *from = source.row(b, c) + offset;
                std::copy(from, from + ctx.frames, ctx.out_row(b, c));
            }
    }

    TensorView source;
    uint64_t start = 0;

  private:
    uint32_t channels_;
};

std::unique_ptr<Node> create_feeder(const NodeConfig &config) {
    return std::make_unique<FeederNode>(config);
}

const NodeSpec kFeederSpec = {
    "input feeder",
    "A single-node call's audio input.",
    nullptr,
    0,
    kFeederParams,
    1,
    0.0,
    false,
    "",
    create_feeder,
};

} // namespace

SingleNodeRuntime::SingleNodeRuntime(const NodeSpec &spec, NodeConfig config,
                                     const std::vector<uint32_t> &input_channels, uint32_t batches,
                                     double sample_rate)
    : spec_(&spec), config_(config), input_channels_(input_channels), batches_(batches),
      sample_rate_(sample_rate) {
    GraphDescription graph;
    for (uint32_t p = 0; p < spec.input_count; ++p) {
        NodeDescription feeder;
        feeder.name = config.name + ".in" + std::to_string(p);
        feeder.spec = &kFeederSpec;
        feeder.config.name = feeder.name;
        feeder.config.spec = &kFeederSpec;
        // An optional port left open (0 channels) gets a feeder with no edge.
        feeder.config.values = {static_cast<double>(std::max(1u, input_channels[p]))};
        feeder.config.texts = {""};
        graph.nodes.push_back(std::move(feeder));
        if (input_channels[p] > 0) graph.edges.push_back(AudioEdge{p, spec.input_count, p, 0});
    }
    target_ = spec.input_count;
    graph.nodes.push_back(NodeDescription{config.name, &spec, std::move(config)});
    graph.output = target_;
    graph.sample_rate = sample_rate;
    try {
        runtime_ = std::make_unique<GraphRuntime>(std::move(graph));
    } catch (const AmpFailure &failure) {
        throw AmpFailure(failure.code, "run_node", config_.name, failure.what());
    }
    for (uint32_t p = 0; p < spec.input_count; ++p) runtime_->mark_feeder(p);
    runtime_->keep_history_offset(true);
    runtime_->configure(batches, kBlockFrames);
    AmpNodeSummary summary{};
    runtime_->describe_node(target_, summary);
    output_channels_ = summary.output_channels;
    one_frame_ready_ = runtime_->one_frame_ready(target_);
}

void SingleNodeRuntime::forward_frame_bound(const double *const *feeds, const TensorView *params,
                                            const TensorView &heat, double *out) {
    runtime_->bind_call(target_, params, heat);
    try {
        runtime_->forward_one_frame(target_, feeds, out);
    } catch (...) {
        runtime_->unbind_call(target_);
        throw;
    }
    runtime_->unbind_call(target_);
}

void SingleNodeRuntime::forward(const TensorView *audio, const TensorView *params, TensorView heat,
                                uint32_t frames, double *out, const AmpControlHistory *history,
                                AmpNodeMetrics *metrics) {
    const uint64_t start = runtime_->position();
    for (uint32_t p = 0; p < spec_->input_count; ++p) {
        auto &feeder = static_cast<FeederNode &>(runtime_->node_instance(p));
        feeder.source = audio[p];
        feeder.start = start;
    }
    runtime_->bind_call(target_, params, heat);
    runtime_->set_timing(metrics != nullptr);
    AmpRenderOptions options{};
    options.history = history;
    const uint64_t length = static_cast<uint64_t>(batches_) * output_channels_ * frames;
    try {
        runtime_->execute(frames, out, length, &options);
    } catch (...) {
        runtime_->unbind_call(target_);
        throw;
    }
    runtime_->unbind_call(target_);
    if (metrics != nullptr) {
        AmpNodeSummary summary{};
        runtime_->describe_node(target_, summary);
        *metrics = summary.last_metrics;
    }
}

} // namespace amp
