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
#include <cstring>
#include <vector>

#include "dsp/frame_lanes.h"

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
    void prepare(const PrepareContext &ctx) override {
        rows_.assign(ctx.input_channels[0], nullptr);
    }
    void reset() noexcept override {}

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &x = ctx.inputs[0];
        const double weight = normalize_ ? 1.0 / static_cast<double>(x.channels) : 1.0;
        for (uint32_t b = 0; b < ctx.batches; ++b) {
            double *first = ctx.out_row(b, 0);
            sum_rows(x, b, ctx.frames, rows_.data(), first);
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
    // to the running sum (which starts at 0.0), then the remaining channels one by one. A fixed
    // order: deterministic. 32 frames at a time are kept in 8 vector sums while every row is
    // read once (the same additions per frame as the plain loop: -ffp-contract=off).
    // `rows` holds x.channels pointers (scratch).
    static void sum_rows(const TensorView &x, uint32_t b, uint32_t frames, const double **rows,
                         double *__restrict out) {
        constexpr uint32_t kVectors = 8;
        constexpr uint32_t kWide = 4 * kVectors;
        const uint32_t channels = x.channels;
        const uint32_t quads = channels / 4;
        for (uint32_t c = 0; c < channels; ++c) rows[c] = x.row(b, c);
        uint32_t f = 0;
        for (; f + kWide <= frames; f += kWide) {
            dsp::FrameFour acc[kVectors];
#pragma GCC unroll 8
            for (uint32_t k = 0; k < kVectors; ++k) acc[k] = dsp::FrameFour{0.0, 0.0, 0.0, 0.0};
            for (uint32_t q = 0; q < quads; ++q) {
                const double *x0 = rows[4 * q] + f;
                const double *x1 = rows[4 * q + 1] + f;
                const double *x2 = rows[4 * q + 2] + f;
                const double *x3 = rows[4 * q + 3] + f;
#pragma GCC unroll 8
                for (uint32_t k = 0; k < kVectors; ++k)
                    acc[k] += (load(x0 + 4 * k) + load(x1 + 4 * k)) +
                              (load(x2 + 4 * k) + load(x3 + 4 * k));
            }
            for (uint32_t c = 4 * quads; c < channels; ++c) {
                const double *in = rows[c] + f;
#pragma GCC unroll 8
                for (uint32_t k = 0; k < kVectors; ++k) acc[k] += load(in + 4 * k);
            }
#pragma GCC unroll 8
            for (uint32_t k = 0; k < kVectors; ++k)
                std::memcpy(out + f + 4 * k, &acc[k], sizeof acc[k]);
        }
        for (; f < frames; ++f) {
            double acc = 0.0;
            for (uint32_t q = 0; q < quads; ++q)
                acc += (rows[4 * q][f] + rows[4 * q + 1][f]) +
                       (rows[4 * q + 2][f] + rows[4 * q + 3][f]);
            for (uint32_t c = 4 * quads; c < channels; ++c) acc += rows[c][f];
            out[f] = acc;
        }
    }

    static dsp::FrameFour load(const double *p) {
        dsp::FrameFour v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }

    uint32_t channels_;
    bool normalize_;
    std::vector<const double *> rows_; // one per input channel (sum_rows' scratch)
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
