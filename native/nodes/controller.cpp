// controller: routes named control-history curves to output channels, each sampled at every
// frame, times `scale` plus `offset`. Route an output to a parameter with a modulation edge
// (e.g. controller ~> osc.frequency, mode add, on a base of 0).
//
// Ports: none (a source). Parameters (exactly one of curve / curves):
//   curve (text): one curve, on one unnamed output of `channels` identical channels;
//   curves (names, 1..64 distinct curve names without "."): one named output per curve, named
//     after it, in order, each `channels` identical channels; an edge from "ctl.<curve>" reads
//     that curve, from "ctl" the first;
//   scale (signal, default 1), offset (signal, default 0): output channel c (of all groups, in
//     order) is value * scale[c] + offset[c], so per-channel scale / offset tensors (set_param
//     or modulation with modulation.channels = the output channel count) route parameter tensors
//     to each output, e.g. scale 0 and an offset tensor output the tensor itself;
//   channels (integer 1..64, per output).
// Curve sampling: dsp/control_curve.h (step or linear, held at both ends); time in frames from
// the start of the render. The runtime refuses to render when a curve is not supplied.
// Heat: the shared model on its output, W = 0.5.
// Backward (graph backward pass; no audio input): d scale = g * curve value, d offset = g, per
// frame (the curve values are recorded, one row per curve). The curve itself is an input of the
// render: a backward request for this node's output gives dL/d(curve value) per frame, and a
// request "@history" the gradient with respect to each point of each curve (the backward pass is
// given the history): with u[f] = sum over batches and the curve's channels of g x scale, the
// value of point i gets sum_f u[f] x (its interpolation weight at frame f) (step: 1 on the
// point in force; linear: 1 - w and w on the segment's two points, w = (t - t_i) / (t_{i+1} -
// t_i); the ends hold v_0 and v_last), and for linear curves the time of point i gets
// sum_f u[f] x (-s (1 - w)) and point i+1 sum_f u[f] x (-s w), s the segment's slope (a frame
// exactly on a point takes the segment that starts there; step curves and held ends: 0, the
// value jumps at a point's time). Layout: per curve in order, the point values' gradients, then
// the point times' (in frames).
#include <algorithm>
#include <vector>

#include "dsp/control_curve.h"
#include "nodes/node.h"

namespace amp {
namespace {

enum : uint32_t { kCurve, kCurves, kScale, kOffset, kChannels };

ParamSpec curve_param() {
    ParamSpec spec{"curve",
                   ParamKind::Text,
                   0.0,
                   0.0,
                   0.0,
                   "",
                   "Name of the control-history curve to output (one unnamed output; or curves)."};
    spec.alternative = "curves";
    return spec;
}

ParamSpec curves_param() {
    ParamSpec spec{"curves",
                   ParamKind::Names,
                   0.0,
                   0.0,
                   0.0,
                   "",
                   "Names of the curves to output, one named output each, named after the curve "
                   "(or curve)."};
    spec.min_length = 1;
    spec.max_length = 64;
    spec.alternative = "curve";
    return spec;
}

const ParamSpec kParams[] = {
    curve_param(),
    curves_param(),
    {"scale", ParamKind::Signal, 1.0, -1e12, 1e12, "",
     "Factor applied to the curve value (per output channel with a multi-channel tensor)."},
    {"offset", ParamKind::Signal, 0.0, -1e12, 1e12, "", "Added after scaling."},
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "",
     "Number of identical channels of each output."},
};

class ControllerNode final : public Node {
  public:
    explicit ControllerNode(const NodeConfig &config)
        : names_(config.given[kCurves] ? config.names[kCurves]
                                       : std::vector<std::string>{config.text(kCurve)}),
          channels_(static_cast<uint32_t>(config.value(kChannels))) {}

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_ * static_cast<uint32_t>(names_.size());
    }
    void prepare(const PrepareContext &) override {}
    size_t prepared_bytes(const PrepareContext &) const override { return 0; }
    void reset() noexcept override {}
    const char *required_curve(uint32_t index) const override {
        return index < names_.size() ? names_[index].c_str() : nullptr;
    }

    // Per curve, its values for a chunk of frames once (dsp::CurveCursor::fill), then each of
    // its output channels value x scale + offset.
    void process(const ProcessContext &ctx) noexcept override {
        const double origin =
            ctx.history != nullptr ? static_cast<double>(ctx.history->frame_offset) : 0.0;
        const TensorView &scale = ctx.params[kScale];
        const TensorView &offset = ctx.params[kOffset];
        const size_t ks = scale.frame_stride(), os = offset.frame_stride();
        constexpr uint64_t kExact = uint64_t{1} << 53; // times below it are exact integers
        const bool exact = ctx.frame_index + ctx.frames < kExact && origin < 0x1p53;
        double values[kChunk];
        for (size_t k = 0; k < names_.size(); ++k) {
            const AmpHistoryCurve *curve = dsp::find_curve(ctx.history, names_[k].c_str());
            const AmpHistoryCurve none{nullptr, nullptr, nullptr, 0, 0};
            dsp::CurveCursor at(curve != nullptr ? *curve : none,
                                static_cast<double>(ctx.frame_index) - origin);
            for (uint32_t start = 0; start < ctx.frames; start += kChunk) {
                const uint32_t count = std::min(kChunk, ctx.frames - start);
                const uint64_t first = ctx.frame_index + start;
                if (curve == nullptr)
                    std::fill_n(values, count, 0.0);
                else if (exact)
                    at.fill(first, origin, count, values);
                else
                    for (uint32_t f = 0; f < count; ++f)
                        values[f] = at(static_cast<double>(first + f) - origin);
                if (ctx.record != nullptr)
                    std::copy_n(values, count, ctx.record + k * ctx.record_lane_stride + start);
                for (uint32_t b = 0; b < ctx.batches; ++b)
                    for (uint32_t c = static_cast<uint32_t>(k) * channels_;
                         c < static_cast<uint32_t>(k + 1) * channels_; ++c) {
                        double *y = ctx.out_row(b, c) + start;
                        const double *scale_row = scale.row(b, c) + start * ks;
                        const double *offset_row = offset.row(b, c) + start * os;
                        if (ks == 0 && os == 0) // constant scale and offset: a loop it vectorises
                            scale_constant(values, scale_row[0], offset_row[0], y, count);
                        else
                            for (uint32_t f = 0; f < count; ++f)
                                y[f] = values[f] * scale_row[f * ks] + offset_row[f * os];
                    }
            }
        }
    }

    uint32_t record_rows() const override { return static_cast<uint32_t>(names_.size()); }
    bool has_param_gradient(uint32_t param) const override {
        return param == kScale || param == kOffset;
    }
    uint64_t history_gradient_values(const AmpControlHistory &history) const override {
        uint64_t total = 0;
        for (const std::string &name : names_)
            if (const AmpHistoryCurve *curve = dsp::find_curve(&history, name.c_str()))
                total += 2 * static_cast<uint64_t>(curve->point_count);
        return total;
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) return AMP_ERR_UNSUPPORTED;
        if (ctx.history_gradient != nullptr) history_backward(ctx);
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.gradient.channels; ++c) {
                const double *g = ctx.gradient.row(b, c);
                const double *value = ctx.record + (c / channels_) * ctx.record_lane_stride;
                if (double *d = ctx.param_gradient_row(kScale, b, c)) {
                    for (uint32_t f = 0; f < ctx.frames; ++f) d[f] += g[f] * value[f];
                }
                if (double *d = ctx.param_gradient_row(kOffset, b, c)) {
                    for (uint32_t f = 0; f < ctx.frames; ++f) d[f] += g[f];
                }
            }
        return AMP_OK;
    }

  private:
    // y[f] = values[f] x k + o, the same operations as the general loop (separate multiply and
    // add), without its per-frame strides.
    static void scale_constant(const double *__restrict values, double k, double o,
                               double *__restrict y, uint32_t count) noexcept {
#pragma GCC unroll 4
        for (uint32_t f = 0; f < count; ++f) y[f] = values[f] * k + o;
    }

    // Adds this window's contributions to the points' gradients (see the header comment).
    void history_backward(const BackwardContext &ctx) const noexcept {
        double *out = ctx.history_gradient;
        const double origin = static_cast<double>(ctx.history->frame_offset);
        const TensorView &scale = ctx.params[kScale];
        for (size_t k = 0; k < names_.size(); ++k) {
            const AmpHistoryCurve *curve = dsp::find_curve(ctx.history, names_[k].c_str());
            if (curve == nullptr) continue; // the runtime checked every curve is there
            const uint32_t points = curve->point_count;
            double *dvalue = out, *dtime = out + points;
            out += 2 * static_cast<size_t>(points);
            const uint32_t first = static_cast<uint32_t>(k) * channels_;
            for (uint32_t f = ctx.frames; f-- > 0;) {
                double u = 0.0; // dL/d(curve value) at frame f
                for (uint32_t b = 0; b < ctx.batches; ++b)
                    for (uint32_t c = first; c < first + channels_; ++c)
                        u += ctx.gradient.row(b, c)[f] * scale.row(b, c)[f * scale.frame_stride()];
                const double t = static_cast<double>(ctx.frame_index + f) - origin;
                const int64_t i = dsp::curve_segment(*curve, t);
                if (i < 0) {
                    dvalue[0] += u;
                    continue;
                }
                const size_t at = static_cast<size_t>(i);
                if (curve->interpolation == AMP_INTERPOLATION_STEP || at + 1 >= points) {
                    dvalue[at] += u;
                    continue;
                }
                const double t0 = curve->times_frames[at], t1 = curve->times_frames[at + 1];
                const double w = (t - t0) / (t1 - t0);
                const double slope = (curve->values[at + 1] - curve->values[at]) / (t1 - t0);
                dvalue[at] += u * (1.0 - w);
                dvalue[at + 1] += u * w;
                dtime[at] -= u * slope * (1.0 - w);
                dtime[at + 1] -= u * slope * w;
            }
        }
    }

    static constexpr uint32_t kChunk = 256; // frames of curve values computed at once

    std::vector<std::string> names_;
    uint32_t channels_;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<ControllerNode>(config);
}

NodeSpec controller_spec() {
    NodeSpec spec{
        /*type_name=*/"controller",
        /*summary=*/"Outputs named control-history curves, sampled per frame, one output each.",
        /*inputs=*/nullptr,
        /*input_count=*/0,
        /*params=*/kParams,
        /*param_count=*/5,
        /*heat_work=*/0.5,
        /*has_backward=*/true,
        /*backward_doc=*/
        "Graph backward: d scale = g * curve value, d offset = g (no input gradient); "
        "\"@history\": each curve point's value (interpolation weights) and, for linear "
        "curves, time (-slope x weight).",
        /*create=*/create,
    };
    spec.outputs_param = "curves";
    return spec;
}

} // namespace

extern const NodeSpec kControllerSpec = controller_spec();

} // namespace amp
