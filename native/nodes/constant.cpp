// constant: fills batches x channels x frames with `value`.
//
// Ports: none (a source). Parameters: value (signal, default 0), channels (integer 1..64).
// A per-channel modulation of `value` gives per-channel outputs (channel c reads value channel
// c, broadcast when the value tensor has one channel).
// Heat: the shared model on its output, W = 0.25.
// Backward: no audio input; the gradient with respect to `value` is the sum of the upstream
// gradient (exposed by the graph backward pass, not by this call), so backward returns -4.
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
    /*has_backward=*/false,
    /*backward_doc=*/"Not implemented: a source with no audio input (returns -4).",
    /*create=*/create,
};

} // namespace amp
