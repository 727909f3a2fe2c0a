// gain: y[b, c, f] = x[b, c, f] * gain[b, c, f], gain broadcast over batches and channels.
//
// Ports: in (sum). Parameters: gain (signal, default 1, linear factor).
// Heat: the shared model on its input, W = 1.
// Backward: dx = g * gain; d gain = g * x per frame (summed over the channels a gain channel
// reaches), from the recorded input in a graph backward pass.
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kGain };

const ParamSpec kParams[] = {
    {"gain", ParamKind::Signal, 1.0, -1e12, 1e12, "", "Linear factor applied to every sample."},
};
const PortSpec kPorts[] = {{"in", "Signal to scale.", Gather::Sum}};

class GainNode final : public Node {
  public:
    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }
    void prepare(const PrepareContext &) override {}
    void reset() noexcept override {}

    void process(const ProcessContext &ctx) noexcept override {
        if (ctx.batches == 1 && ctx.output_channels == 1 && ctx.frames == 1) {
            // One frame of one lane (a one-frame call): scale_lane's one product.
            ctx.out[0] = ctx.inputs[0].first_row()[0] * ctx.params[kGain].first_row()[0];
            return;
        }
        scale_block(ctx);
    }
    // process()'s one-lane, one-frame case as a scalar (Node::frame_kernel): the same product.
    static double frame(Node &, const double *values, double x) noexcept {
        return x * values[kGain];
    }
    FrameKernel frame_kernel() const override { return frame; }
    // process() for any block, out of line (the one-frame path saves no registers).
    __attribute__((noinline)) static void scale_block(const ProcessContext &ctx) noexcept {
        scale(ctx.inputs[0], ctx.params[kGain], ctx.batches, ctx.output_channels, ctx.frames,
              ctx.out, ctx.out_lane_stride);
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        scale(ctx.gradient, ctx.params[kGain], ctx.batches, ctx.input_channels, ctx.frames, ctx.out,
              ctx.frames);
        double *dgain = ctx.param_gradient(kGain);
        if (dgain == nullptr) return AMP_OK;
        if (ctx.inputs == nullptr) return AMP_ERR_UNSUPPORTED;
        const uint32_t gain_channels = ctx.params[kGain].channels;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const double *g = ctx.gradient.row(b, c);
                const double *x = ctx.inputs[0].row(b, c);
                double *d = dgain + (static_cast<size_t>(b) * gain_channels + c % gain_channels) *
                                        ctx.frames;
                for (uint32_t f = 0; f < ctx.frames; ++f) d[f] += g[f] * x[f];
            }
        return AMP_OK;
    }
    bool has_param_gradient(uint32_t param) const override { return param == kGain; }

  private:
    static void scale(const TensorView &x, const TensorView &gain, uint32_t batches,
                      uint32_t channels, uint32_t frames, double *out, size_t out_stride) {
        if (batches == 1 && channels == 1) { // one lane: no lane bookkeeping
            scale_lane(x.first_row(), gain.first_row(), gain.frame_stride(), frames, out);
            return;
        }
        scale_lanes(x, gain, batches, channels, frames, out, out_stride);
    }
    // Every lane (b, c); out of line, so the one-lane path saves no registers it does not use.
    __attribute__((noinline)) static void scale_lanes(const TensorView &x, const TensorView &gain,
                                                      uint32_t batches, uint32_t channels,
                                                      uint32_t frames, double *out,
                                                      size_t out_stride) {
        const size_t step = gain.frame_stride();
        for (uint32_t b = 0; b < batches; ++b)
            for (uint32_t c = 0; c < channels; ++c)
                scale_lane(x.row(b, c), gain.row(b, c), step, frames,
                           out + (static_cast<size_t>(b) * channels + c) * out_stride);
    }
    static void scale_lane(const double *in, const double *g, size_t step, uint32_t frames,
                           double *y) {
        if (step == 0) {
            const double k = g[0];
            for (uint32_t f = 0; f < frames; ++f) y[f] = in[f] * k;
        } else {
            for (uint32_t f = 0; f < frames; ++f) y[f] = in[f] * g[f];
        }
    }
};

std::unique_ptr<Node> create(const NodeConfig &) { return std::make_unique<GainNode>(); }

} // namespace

extern const NodeSpec kGainSpec = {
    /*type_name=*/"gain",
    /*summary=*/"Multiplies its input by a gain.",
    /*inputs=*/kPorts,
    /*input_count=*/1,
    /*params=*/kParams,
    /*param_count=*/1,
    /*heat_work=*/1.0,
    /*has_backward=*/true,
    /*backward_doc=*/"Exact: dx = g * gain; d gain = g * x per frame.",
    /*create=*/create,
};

} // namespace amp
