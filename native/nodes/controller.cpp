// controller: outputs a named control-history curve, sampled at every frame, times `scale`
// plus `offset`, on `channels` identical channels. Route it to a parameter with a modulation
// edge (e.g. controller ~> osc.frequency, mode add, on a base of 0).
//
// Ports: none (a source). Parameters: curve (text, required: the curve's name), scale (signal,
// default 1), offset (signal, default 0), channels (integer 1..64).
// Curve sampling: dsp/control_curve.h (step or linear, held at both ends); time in frames from
// the start of the render. The runtime refuses to render when the curve is not supplied.
// Heat: the shared model on its output, W = 0.5.
// Backward (graph backward pass; no audio input): d scale = g * curve value, d offset = g, per
// frame (the curve values are recorded, one row). The curve itself is an input of the render:
// a backward request for this node's output gives dL/d(curve value) per frame.
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
                    if (ctx.record != nullptr && b == 0 && c == 0) ctx.record[f] = value;
                }
            }
    }

    uint32_t record_rows() const override { return 1; }
    bool has_param_gradient(uint32_t param) const override {
        return param == kScale || param == kOffset;
    }
    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) return AMP_ERR_UNSUPPORTED;
        double *dscale = ctx.param_gradient(kScale);
        double *doffset = ctx.param_gradient(kOffset);
        const uint32_t ks = ctx.params[kScale].channels, os = ctx.params[kOffset].channels;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                const double *g = ctx.gradient.row(b, c);
                if (dscale != nullptr) {
                    double *d = dscale + (static_cast<size_t>(b) * ks + c % ks) * ctx.frames;
                    for (uint32_t f = 0; f < ctx.frames; ++f) d[f] += g[f] * ctx.record[f];
                }
                if (doffset != nullptr) {
                    double *d = doffset + (static_cast<size_t>(b) * os + c % os) * ctx.frames;
                    for (uint32_t f = 0; f < ctx.frames; ++f) d[f] += g[f];
                }
            }
        return AMP_OK;
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
    /*has_backward=*/true,
    /*backward_doc=*/"Graph backward: d scale = g * curve value, d offset = g (no input gradient).",
    /*create=*/create,
};

} // namespace amp
