// oscillator_pitch: the frequency an oscillator should play, in Hz, slew-rate limited.
//
// Target per frame: pitch_hz when it is above 0 (given), else
// root_hz * 2^(offset_cents / 1200) + add_hz; then clamped to >= min_freq.
// Slew (slew_hz_per_s > 0): y <- y + clamp(target - y, -s, s) with s = slew_hz_per_s / sr per
// frame; y starts at the first target (frame 0 outputs it), never at 0 Hz. slew_hz_per_s = 0:
// no limit (y = target).
// Ports: none (a source: route a pitch with a modulation edge into pitch_hz, e.g. a
// pitch_quantizer ~> op.pitch_hz). Parameters: pitch_hz, root_hz, offset_cents, add_hz
// (signals), min_freq (number, Hz), slew_hz_per_s (number, Hz/s), channels (integer 1..64).
// Per-channel parameter tensors give per-channel outputs. Output in Hz.
// Heat: the shared model on its output, W = 1.
// Backward (graph backward pass): per frame y = S(target, y_prev) with slopes recorded per lane
// (two rows): a = dy/d(raw target) and k = dy/dy_prev. Free frames (no slew, the first frame,
// or |target - y_prev| inside the step) pass the target: a = 1, k = 0; a frame where the slew
// binds moves by the constant step: a = 0, k = 1; a target clamped up to min_freq (or NaN) is a
// constant: a = 0. The adjoint runs Y[f] = k[f+1] A[f+1], A[f] = g[f] + Y[f], tbar = a A. The
// raw target's gradient goes to pitch_hz where pitch_hz > 0, else to root_hz (2^(o / 1200)),
// offset_cents (root 2^(o / 1200) ln 2 / 1200) and add_hz (1). Exact between the frames where
// the slew, the clamp or pitch_hz > 0 switch (a tie takes the forward's side).
#include <algorithm>
#include <cmath>
#include <vector>

#include "nodes/lane_state_node.h"
#include "nodes/node.h"

namespace amp {
namespace {

enum : uint32_t { kPitch, kRoot, kOffset, kAdd, kMinFreq, kSlew, kChannels };

const ParamSpec kParams[] = {
    {"pitch_hz", ParamKind::Signal, 0.0, -1e6, 1e6, "Hz",
     "Frequency; above 0 it is the target, else the root / cents / add formula applies."},
    {"root_hz", ParamKind::Signal, 440.0, 0.0, 1e6, "Hz",
     "Root frequency, used while pitch_hz is not above 0."},
    {"offset_cents", ParamKind::Signal, 0.0, -1e5, 1e5, "cents",
     "Offset from the root, in cents (1200 per octave)."},
    {"add_hz", ParamKind::Signal, 0.0, -1e6, 1e6, "Hz", "Added after the cents offset."},
    {"min_freq", ParamKind::Number, 0.0, 0.0, 1e6, "Hz", "Lowest output frequency (clamp)."},
    {"slew_hz_per_s", ParamKind::Number, 0.0, 0.0, 1e12, "Hz/s",
     "Largest change of the output per second; 0 means no limit."},
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "", "Number of output channels."},
};

// One lane's state (LaneStateNode), saved byte for byte by snapshots: the padding is spelled
// out (and zero) so that the same state always saves the same bytes.
struct Lane {
    double value = 0.0;
    bool started = false;
    uint8_t unused[7] = {};
};
static_assert(sizeof(Lane) == 16, "Lane has padding a snapshot would save unset");

class OscillatorPitchNode final : public LaneStateNode<Lane> {
  public:
    explicit OscillatorPitchNode(const NodeConfig &config)
        : min_freq_(config.value(kMinFreq)), slew_(config.value(kSlew)),
          channels_(static_cast<uint32_t>(config.value(kChannels))) {}

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const PrepareContext &ctx) override {
        step_ = slew_ > 0.0 ? slew_ / ctx.sample_rate : 0.0;
        lanes_.assign(static_cast<size_t>(ctx.batches) * ctx.output_channels, Lane{});
        adjoint_.assign(lanes_.size(), Adjoint{});
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * ctx.output_channels *
               (sizeof(Lane) + sizeof(Adjoint));
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &pitch = ctx.params[kPitch];
        const TensorView &root = ctx.params[kRoot];
        const TensorView &offset = ctx.params[kOffset];
        const TensorView &add = ctx.params[kAdd];
        const size_t ps = pitch.frame_stride(), rs = root.frame_stride(),
                     os = offset.frame_stride(), as = add.frame_stride();
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                Lane &lane = lanes_[static_cast<size_t>(b) * ctx.output_channels + c];
                double *y = ctx.out_row(b, c);
                const double *p = pitch.row(b, c), *r = root.row(b, c), *o = offset.row(b, c),
                             *a = add.row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f)
                    y[f] = p[f * ps] > 0.0 ? p[f * ps]
                                           : r[f * rs] * std::exp2(o[f * os] / 1200.0) + a[f * as];
                double *rows = nullptr; // the backward pass's slopes a, k
                if (ctx.record != nullptr)
                    rows = ctx.record + 2 * (static_cast<size_t>(b) * ctx.output_channels + c) *
                                            ctx.record_lane_stride;
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    // A NaN target becomes min_freq.
                    const bool passed = y[f] >= min_freq_;
                    const double target = passed ? y[f] : min_freq_;
                    double through = passed ? 1.0 : 0.0, hold = 0.0; // a, k
                    if (step_ == 0.0 || !lane.started) {
                        lane.value = target;
                    } else {
                        const double change = target - lane.value;
                        if (change < -step_ || step_ < change) {
                            through = 0.0;
                            hold = 1.0;
                        }
                        lane.value += std::clamp(change, -step_, step_);
                    }
                    lane.started = true;
                    y[f] = lane.value;
                    if (rows != nullptr) {
                        rows[f] = through;
                        rows[ctx.record_lane_stride + f] = hold;
                    }
                }
            }
    }

    uint32_t record_rows() const override { return static_cast<uint32_t>(2 * lanes_.size()); }
    bool has_param_gradient(uint32_t param) const override { return param <= kAdd; }
    void reset_backward() noexcept override {
        std::fill(adjoint_.begin(), adjoint_.end(), Adjoint{});
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) return AMP_ERR_UNSUPPORTED; // needs the recorded slopes
        const TensorView &pitch = ctx.params[kPitch];
        const TensorView &root = ctx.params[kRoot];
        const TensorView &offset = ctx.params[kOffset];
        const size_t ps = pitch.frame_stride(), rs = root.frame_stride(),
                     os = offset.frame_stride(), stride = ctx.record_lane_stride;
        constexpr double kLn2 = 0.693147180559945309417232121458;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                const size_t lane = static_cast<size_t>(b) * channels_ + c;
                Adjoint &adj = adjoint_[lane];
                const double *rows = ctx.record + 2 * lane * stride;
                const double *p = pitch.row(b, c), *r = root.row(b, c), *o = offset.row(b, c);
                double *dp = ctx.param_gradient_row(kPitch, b, c);
                double *dr = ctx.param_gradient_row(kRoot, b, c);
                double *dof = ctx.param_gradient_row(kOffset, b, c);
                double *da = ctx.param_gradient_row(kAdd, b, c);
                for (uint32_t f = ctx.frames; f-- > 0;) {
                    const double total = ctx.gradient.at(b, c, f) + adj.next;
                    adj.next = rows[stride + f] * total;
                    const double tbar = rows[f] * total;
                    if (p[f * ps] > 0.0) {
                        if (dp != nullptr) dp[f] += tbar;
                        continue;
                    }
                    const double ratio = std::exp2(o[f * os] / 1200.0);
                    if (dr != nullptr) dr[f] += tbar * ratio;
                    if (dof != nullptr) dof[f] += tbar * r[f * rs] * ratio * (kLn2 / 1200.0);
                    if (da != nullptr) da[f] += tbar;
                }
            }
        return AMP_OK;
    }

  private:
    struct Adjoint {
        double next = 0.0; // dL/dy_prev carried from the window after: k[f+1] A[f+1]
    };

    double min_freq_;
    double slew_;
    uint32_t channels_;
    double step_ = 0.0;
    std::vector<Adjoint> adjoint_; // backward, per lane
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<OscillatorPitchNode>(config);
}

} // namespace

extern const NodeSpec kOscillatorPitchSpec = {
    /*type_name=*/"oscillator_pitch",
    /*summary=*/"Oscillator frequency from pitch_hz or root/cents/add, clamped and slew-limited.",
    /*inputs=*/nullptr,
    /*input_count=*/0,
    /*params=*/kParams,
    /*param_count=*/7,
    /*heat_work=*/1.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: pitch_hz, root_hz, offset_cents and add_hz through the target formula, "
    "the min_freq clamp and the slew recursion (a binding slew passes the previous output, "
    "not the target); exact between the frames where they switch.",
    /*create=*/create,
};

} // namespace amp
