// constant: fills batches x channels x frames with `value`.
//
// Ports: none (a source). Parameters: value (signal, default 0), channels (integer 1..64).
// A per-channel modulation of `value` gives per-channel outputs (channel c reads value channel
// c, broadcast when the value tensor has one channel).
// Heat: the shared model on its output, W = 0.25.
// Backward: no audio input; d value = g per frame (summed over the channels a value channel
// reaches). A single-node backward call has no input gradient to return (-4).
#include "nodes/node.h"

namespace amp {
namespace {

enum : uint32_t { kValue, kChannels };

const ParamSpec kParams[] = {
    {"value", ParamKind::Signal, 0.0, -1e12, 1e12, "", "Value written to every frame."},
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "", "Number of output channels."},
};

class ConstantNode final : public Node {
  public:
    explicit ConstantNode(const NodeConfig &config)
        : channels_(static_cast<uint32_t>(config.value(kChannels))) {}

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const PrepareContext &) override {}
    void reset() noexcept override {}

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &value = ctx.params[kValue];
        const size_t step = value.frame_stride();
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                const double *v = value.row(b, c);
                double *y = ctx.out_row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f) y[f] = v[f * step];
            }
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.param_gradient(kValue) == nullptr) return AMP_OK;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                const double *g = ctx.gradient.row(b, c);
                double *d = ctx.param_gradient_row(kValue, b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f) d[f] += g[f];
            }
        return AMP_OK;
    }
    bool has_param_gradient(uint32_t param) const override { return param == kValue; }

  private:
    uint32_t channels_;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<ConstantNode>(config);
}

} // namespace

extern const NodeSpec kConstantSpec = {
    /*type_name=*/"constant",
    /*summary=*/"Fills every frame with a value.",
    /*inputs=*/nullptr,
    /*input_count=*/0,
    /*params=*/kParams,
    /*param_count=*/2,
    /*heat_work=*/0.25,
    /*has_backward=*/true,
    /*backward_doc=*/"Exact: d value = g per frame (graph backward; no input gradient).",
    /*create=*/create,
};

} // namespace amp
