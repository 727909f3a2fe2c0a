// controller: outputs a named control-history curve, sampled at every frame, times `scale`
// plus `offset`, on `channels` identical channels. Route it to a parameter with a modulation
// edge (e.g. controller ~> osc.frequency, mode add, on a base of 0).
//
// Ports: none (a source). Parameters: curve (text, required: the curve's name), scale (signal,
// default 1), offset (signal, default 0), channels (integer 1..64).
// Curve sampling: dsp/control_curve.h (step or linear, held at both ends); time in frames from
// the start of the render. The runtime refuses to render when the curve is not supplied.
// Heat: the shared model on its output, W = 0.5.
// Backward: not implemented (a source; returns -4).
#include "dsp/control_curve.h"
#include "nodes/node.h"

namespace amp {
namespace {

enum : uint32_t { kCurve, kScale, kOffset, kChannels };

const ParamSpec kParams[] = {
    {"curve", ParamKind::Text, 0.0, 0.0, 0.0, "", "Name of the control-history curve to output.",
     false, false, nullptr},
    {"scale", ParamKind::Signal, 1.0, -1e12, 1e12, "", "Factor applied to the curve value."},
    {"offset", ParamKind::Signal, 0.0, -1e12, 1e12, "", "Added after scaling."},
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "", "Number of identical output channels."},
};

class ControllerNode final : public Node {
  public:
    explicit ControllerNode(const NodeConfig &config)
        : curve_(config.text(kCurve)), channels_(static_cast<uint32_t>(config.value(kChannels))) {}

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const PrepareContext &) override {}
    void reset() noexcept override {}
    const char *required_curve() const override { return curve_.c_str(); }

    void process(const ProcessContext &ctx) noexcept override {
        const AmpHistoryCurve *curve = dsp::find_curve(ctx.history, curve_.c_str());
        const double origin =
            ctx.history != nullptr ? static_cast<double>(ctx.history->frame_offset) : 0.0;
        const TensorView &scale = ctx.params[kScale];
        const TensorView &offset = ctx.params[kOffset];
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                double *y = ctx.out_row(b, c);
                const double *k = scale.row(b, c);
                const double *o = offset.row(b, c);
                const size_t ks = scale.frame_stride(), os = offset.frame_stride();
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    const double t = static_cast<double>(ctx.frame_index + f) - origin;
                    const double value = curve != nullptr ? dsp::sample_curve(*curve, t) : 0.0;
                    y[f] = value * k[f * ks] + o[f * os];
                }
            }
    }

  private:
    std::string curve_;
    uint32_t channels_;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<ControllerNode>(config);
}

} // namespace

extern const NodeSpec kControllerSpec = {
    /*type_name=*/"controller",
    /*summary=*/"Outputs a named control-history curve, sampled per frame.",
    /*inputs=*/nullptr,
    /*input_count=*/0,
    /*params=*/kParams,
    /*param_count=*/4,
    /*heat_work=*/0.5,
    /*has_backward=*/false,
    /*backward_doc=*/"Not implemented: a source with no audio input (returns -4).",
    /*create=*/create,
};

} // namespace amp
