// mix: every output channel is the sum of all input channels; with normalize, divided by the
// number of input channels. Summation order: four channels at a time, ((x0 + x1) + (x2 + x3))
// added to the running sum, then the rest one by one.
//
// Ports: in (concat: each incoming edge contributes its own channels, so mixing N mono sources
// sums N channels). Parameters: channels (integer 1..64), normalize (boolean, default false).
// Heat: the shared model on its input, W = 1.
// Backward: the transpose of the sum: dx[c_in] = sum over c_out of g[c_out] (times 1/C_in
// when normalized).
#include <algorithm>
#include <vector>

#include "nodes/node.h"

namespace amp {
namespace {

enum : uint32_t { kChannels, kNormalize };

const ParamSpec kParams[] = {
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "",
     "Number of output channels; each is the same sum."},
    {"normalize", ParamKind::Boolean, 0.0, 0.0, 1.0, "",
     "Divide the sum by the number of input channels."},
};
const PortSpec kPorts[] = {
    {"in", "Signals to sum; edges are concatenated channel-wise.", Gather::Concat}};

class MixNode final : public Node {
  public:
    explicit MixNode(const NodeConfig &config)
        : channels_(static_cast<uint32_t>(config.value(kChannels))),
          normalize_(config.value(kNormalize) != 0.0) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        if (input_count < 1 || input_channels[0] == 0) {
            error = "input \"in\" has no channels";
            return 0;
        }
        return channels_;
    }
    void prepare(const PrepareContext &) override {}
    void reset() noexcept override {}

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &x = ctx.inputs[0];
        const double weight = normalize_ ? 1.0 / static_cast<double>(x.channels) : 1.0;
        for (uint32_t b = 0; b < ctx.batches; ++b) {
            double *first = ctx.out_row(b, 0);
            sum_rows(x, b, ctx.frames, first);
            if (normalize_)
                for (uint32_t f = 0; f < ctx.frames; ++f) first[f] *= weight;
            for (uint32_t c = 1; c < ctx.output_channels; ++c)
                std::copy(first, first + ctx.frames, ctx.out_row(b, c));
        }
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        const double weight = normalize_ ? 1.0 / static_cast<double>(ctx.input_channels) : 1.0;
        for (uint32_t b = 0; b < ctx.batches; ++b) {
            double *first = ctx.out + static_cast<size_t>(b) * ctx.input_channels * ctx.frames;
            const double *g0 = ctx.gradient.row(b, 0);
            for (uint32_t f = 0; f < ctx.frames; ++f) first[f] = g0[f];
            for (uint32_t c = 1; c < ctx.gradient.channels; ++c) {
                const double *g = ctx.gradient.row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f) first[f] += g[f];
            }
            if (normalize_)
                for (uint32_t f = 0; f < ctx.frames; ++f) first[f] *= weight;
            for (uint32_t c = 1; c < ctx.input_channels; ++c)
                std::copy(first, first + ctx.frames, first + static_cast<size_t>(c) * ctx.frames);
        }
        return AMP_OK;
    }

  private:
    // out[f] = sum over c of x[b, c, f], four channels per pass: ((x0 + x1) + (x2 + x3)) added
    // to the running sum, then the remaining channels one by one. A fixed order: deterministic.
    static void sum_rows(const TensorView &x, uint32_t b, uint32_t frames, double *__restrict out) {
        const uint32_t channels = x.channels;
        uint32_t c = 0;
        for (uint32_t f = 0; f < frames; ++f) out[f] = 0.0;
        for (; c + 4 <= channels; c += 4) {
            const double *__restrict x0 = x.row(b, c);
            const double *__restrict x1 = x.row(b, c + 1);
            const double *__restrict x2 = x.row(b, c + 2);
            const double *__restrict x3 = x.row(b, c + 3);
            for (uint32_t f = 0; f < frames; ++f) out[f] += (x0[f] + x1[f]) + (x2[f] + x3[f]);
        }
        for (; c < channels; ++c) {
            const double *__restrict in = x.row(b, c);
            for (uint32_t f = 0; f < frames; ++f) out[f] += in[f];
        }
    }

    uint32_t channels_;
    bool normalize_;
};

std::unique_ptr<Node> create(const NodeConfig &config) { return std::make_unique<MixNode>(config); }

} // namespace

extern const NodeSpec kMixSpec = {
    /*type_name=*/"mix",
    /*summary=*/"Sums all input channels into each output channel.",
    /*inputs=*/kPorts,
    /*input_count=*/1,
    /*params=*/kParams,
    /*param_count=*/2,
    /*heat_work=*/1.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Exact: the transpose of the sum (each input channel receives "
    "the sum of the output gradients).",
    /*create=*/create,
};

} // namespace amp
