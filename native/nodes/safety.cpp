// safety: output protection. Non-finite input samples become 0 (and are counted), then a DC
// blocker dc <- a * dc + (1 - a) * x; y = x - dc, then a clip to [-limit, limit].
//
// Ports: in (sum). Parameters: dc_alpha (number in [0, 1), default 0.995; 0 removes each
// sample entirely), limit (signal in (0, 1e6], default 1).
// Telemetry: reserved[0] = non-finite samples replaced since reset.
// Taps, one record per batch and frame: `clipped` = sum over channels of max(0, |x - dc| - limit)
// (how far the DC-blocked signal exceeded the limit, the amount the clip removed); `replaced` =
// the number of channels whose input sample was non-finite and became 0.
// Heat: the shared model on its input, W = 4.
// Backward (graph backward pass): with v = x - dc the DC-blocked value (recorded, one row per
// lane), dv = g where |v| <= limit and 0 where the clip was active (d limit = g sign(v) there);
// then the DC blocker's exact adjoint, a recursion carried across windows from the end:
// L[f] = -dv[f] + a L[f + 1], dx[f] = dv[f] + (1 - a) L[f]; dx = 0 where the input was
// non-finite (replaced by the constant 0).
#include <algorithm>
#include <cmath>
#include <vector>

#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kDcAlpha, kLimit };

const ParamSpec kParams[] = {
    {"dc_alpha", ParamKind::Number, 0.995, 0.0, 1.0, "",
     "DC blocker pole a; the tracked DC level follows dc <- a*dc + (1-a)*x.", false, true},
    {"limit", ParamKind::Signal, 1.0, 0.0, 1e6, "",
     "Output clip level; y is clipped to [-limit, limit].", true, false},
};
const PortSpec kPorts[] = {{"in", "Signal to protect.", Gather::Sum}};
enum : uint32_t { kClipped, kReplaced };
const TapSpec kTaps[] = {
    {"clipped",
     "Per frame, the amount the clip removed, summed over channels: max(0, |x - dc| - limit).", "",
     1},
    {"replaced", "Per frame, the number of channels whose non-finite input sample became 0.",
     "samples", 1},
};

class SafetyNode final : public Node {
  public:
    explicit SafetyNode(const NodeConfig &config) : alpha_(config.value(kDcAlpha)) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }
    void prepare(const PrepareContext &ctx) override {
        dc_.assign(static_cast<size_t>(ctx.batches) * ctx.output_channels, 0.0);
        pending_.assign(dc_.size(), 0.0);
        reset();
    }
    void reset() noexcept override {
        std::fill(dc_.begin(), dc_.end(), 0.0);
        nonfinite_ = 0;
    }

    void process(const ProcessContext &ctx) noexcept override {
        if (ctx.batches == 1 && ctx.output_channels == 1 && ctx.frames == 1) {
            // One frame of one lane (a one-frame call): run_lane's one frame.
            double over = 0.0, bad = 0.0;
            const double v = frame(ctx.inputs[0].first_row()[0], ctx.params[kLimit].first_row()[0],
                                   dc_[0], ctx.out[0], over, bad);
            ctx.taps[kClipped][0] = over;
            ctx.taps[kReplaced][0] = bad;
            if (ctx.record != nullptr) ctx.record[0] = v;
            ctx.telemetry[0] = count_value();
            return;
        }
        process_block(ctx);
    }

    // process() for any block, out of line (the one-frame path saves no registers).
    __attribute__((noinline)) void process_block(const ProcessContext &ctx) noexcept {
        const TensorView &limit = ctx.params[kLimit];
        const size_t step = limit.frame_stride();
        if (ctx.batches == 1 && ctx.output_channels == 1) { // one lane: no lane bookkeeping
            run_lane(ctx.inputs[0].first_row(), limit.first_row(), step, ctx.out,
                     ctx.taps[kClipped], ctx.taps[kReplaced], dc_[0], true, ctx.frames, ctx.record);
            ctx.telemetry[0] = count_value();
            return;
        }
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                const size_t lane = static_cast<size_t>(b) * ctx.output_channels + c;
                // Channel 0 writes the taps, later channels add to them: the sums the taps
                // had when zeroed first (0 + x == x for every value written here, none is -0).
                run_lane(
                    ctx.inputs[0].row(b, c), limit.row(b, c), step, ctx.out_row(b, c),
                    ctx.taps[kClipped] + b * ctx.tap_lane_stride,
                    ctx.taps[kReplaced] + b * ctx.tap_lane_stride, dc_[lane], c == 0, ctx.frames,
                    ctx.record != nullptr ? ctx.record + lane * ctx.record_lane_stride : nullptr);
            }
        ctx.telemetry[0] = count_value();
    }

    uint32_t record_rows() const override { return static_cast<uint32_t>(dc_.size()); }
    bool has_param_gradient(uint32_t param) const override { return param == kLimit; }
    void reset_backward() noexcept override { std::fill(pending_.begin(), pending_.end(), 0.0); }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr || ctx.inputs == nullptr) return AMP_ERR_UNSUPPORTED;
        const TensorView &limit = ctx.params[kLimit];
        const size_t step = limit.frame_stride();
        double *dlimit = ctx.param_gradient(kLimit);
        const uint32_t limit_channels = limit.channels;
        const double beta = 1.0 - alpha_;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const size_t lane = static_cast<size_t>(b) * ctx.input_channels + c;
                const double *g = ctx.gradient.row(b, c);
                const double *x = ctx.inputs[0].row(b, c);
                const double *lim = limit.row(b, c);
                const double *v = ctx.record + lane * ctx.record_lane_stride;
                double *dx = ctx.out + lane * ctx.frames;
                double *dl =
                    dlimit == nullptr
                        ? nullptr
                        : dlimit + (static_cast<size_t>(b) * limit_channels + c % limit_channels) *
                                       ctx.frames;
                double &later = pending_[lane]; // L[f + 1]
                for (uint32_t f = ctx.frames; f-- > 0;) {
                    const double l = lim[f * step];
                    const bool clipped = v[f] > l || v[f] < -l;
                    const double dv = clipped ? 0.0 : g[f];
                    if (dl != nullptr && clipped) dl[f] += v[f] > l ? g[f] : -g[f];
                    later = -dv + alpha_ * later;
                    dx[f] = std::isfinite(x[f]) ? dv + beta * later : 0.0;
                }
            }
        return AMP_OK;
    }

    size_t state_bytes() const override { return dc_.size() * sizeof(double) + sizeof(uint64_t); }
    void save_state(unsigned char *to) const noexcept override {
        save_values(save_values(to, dc_.data(), dc_.size()), &nonfinite_, 1);
    }
    void load_state(const unsigned char *from) noexcept override {
        load_values(load_values(from, dc_.data(), dc_.size()), &nonfinite_, 1);
    }

  private:
    // The replaced-sample count as telemetry: a count of samples stays far below 2^63, where the
    // signed conversion (one instruction) gives the unsigned one's value.
    double count_value() const { return static_cast<double>(static_cast<int64_t>(nonfinite_)); }

    // One frame: the input x (non-finite: counted and read as 0), the limit l and the lane's DC
    // state; writes the output y, the clip's excess `over` and `bad` (1 when x was replaced);
    // returns the DC-blocked value x - dc.
    double frame(double x, double l, double &dc, double &y, double &over, double &bad) noexcept {
        double in = x;
        bad = 0.0;
        if (!std::isfinite(in)) {
            in = 0.0;
            ++nonfinite_;
            bad = 1.0;
        }
        dc = alpha_ * dc + (1.0 - alpha_) * in;
        const double v = in - dc;
        y = std::min(l, std::max(-l, v));
        over = std::max(0.0, std::fabs(v) - l);
        return v;
    }

    // One lane (b, c) over the block: the input x, the limit row (frame step `step`), the
    // output y, batch b's tap rows (written when `first`, else added to), the lane's DC state
    // and its record row (null: not recording).
    void run_lane(const double *x, const double *lim, size_t step, double *y, double *clipped,
                  double *replaced, double &dc, bool first, uint32_t frames,
                  double *record) noexcept {
        for (uint32_t f = 0; f < frames; ++f) {
            double over = 0.0, bad = 0.0;
            const double v = frame(x[f], lim[f * step], dc, y[f], over, bad);
            clipped[f] = first ? over : clipped[f] + over;
            replaced[f] = first ? bad : replaced[f] + bad;
            if (record != nullptr) record[f] = v;
        }
    }

    double alpha_;
    std::vector<double> dc_;
    std::vector<double> pending_; // backward: the DC adjoint L of the frame after the window
    uint64_t nonfinite_ = 0;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<SafetyNode>(config);
}

} // namespace

extern const NodeSpec kSafetySpec = {
    /*type_name=*/"safety",
    /*summary=*/"Replaces non-finite samples, removes DC and clips.",
    /*inputs=*/kPorts,
    /*input_count=*/1,
    /*params=*/kParams,
    /*param_count=*/2,
    /*heat_work=*/4.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: the DC blocker's exact adjoint recursion; the clip passes g where "
    "|x - dc| <= limit, else 0 (d limit = g sign(x - dc) there); 0 for replaced samples.",
    /*create=*/create,
    /*check=*/nullptr,
    /*oversamples=*/false,
    /*outputs=*/nullptr,
    /*output_count=*/0,
    /*publishes_heat=*/false,
    /*heat_doc=*/nullptr,
    /*taps=*/kTaps,
    /*tap_count=*/2,
};

} // namespace amp
