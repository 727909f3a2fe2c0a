// pitch_quantizer: a control signal to a frequency on a pitch grid, per (batch, channel).
//
// cents = 1200 * span_oct * s for the input s; with octave o = floor(cents / 1200) and
// r = cents - 1200 o in [0, 1200), the grid g_0 < ... < g_{n-1} (cents within the octave,
// extended by g_{-1} = g_{n-1} - 1200 and g_n = g_0 + 1200) maps r piecewise linearly to a
// fractional index i = k + (r - g_k) / (g_{k+1} - g_k) for g_k <= r < g_{k+1}; round(i) (halves
// up) picks the grid point q, and the quantised pitch is 1200 o + g_q cents. Output:
//   freq = 440 * 2^((root_midi - 69) / 12) * 2^(cents_smoothed / 1200) Hz.
// Smoothing (glide_ms > 0): in cents, c <- c + alpha (target - c) per frame with
// alpha = 1 - exp(-1 / (sr glide_ms / 1000)), starting at the first target; a per-frame
// recursion, so the output is the same whatever the block size. glide_ms = 0: no smoothing.
// Ports: in (the control signal). Parameters: span_oct (number), grid_cents (list, default
// 12-TET), root_midi (number), glide_ms (number, ms). Output: the input's channels, Hz.
// Heat: the shared model on its input, W = 3.
// Backward: the output is piecewise constant in the input (the grid point changes only where
// the fractional index crosses a half), and the glide is a linear recursion on those constants,
// so dL/dx = 0 at every input off those thresholds (almost everywhere), exactly; no parameter
// is a signal. The adjoint writes that zero, in graph passes and single-node calls alike, so a
// path through the quantiser carries no gradient (a gradient step does not move a quantised
// pitch) instead of being refused.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "nodes/lane_state_node.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kSpan, kGrid, kRoot, kGlide };

const double kTwelveTet[] = {0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100};

ParamSpec grid_param() {
    ParamSpec spec{"grid_cents",
                   ParamKind::List,
                   0.0,
                   0.0,
                   1200.0,
                   "cents",
                   "Pitch grid within one octave, in cents, strictly increasing (default 12-TET)."};
    spec.max_exclusive = true;
    spec.min_length = 1;
    spec.max_length = 128;
    spec.default_list = kTwelveTet;
    spec.default_list_length = 12;
    spec.increasing = true;
    return spec;
}

const ParamSpec kParams[] = {
    {"span_oct", ParamKind::Number, 1.0, -100.0, 100.0, "octaves",
     "Octaves per unit of input: cents = 1200 * span_oct * input."},
    grid_param(),
    {"root_midi", ParamKind::Number, 60.0, -128.0, 256.0, "MIDI note",
     "Pitch of 0 cents (69 = A4 = 440 Hz)."},
    {"glide_ms", ParamKind::Number, 0.0, 0.0, 3.6e6, "ms",
     "Time constant of the one-pole glide between quantised pitches; 0 turns it off."},
};
const PortSpec kPorts[] = {
    {"in", "Control signal; 1 = span_oct octaves above the root.", Gather::Sum},
};

// One lane's state (LaneStateNode), saved byte for byte by snapshots: the padding is spelled
// out (and zero) so that the same state always saves the same bytes.
struct Lane {
    double cents = 0.0;
    bool started = false;
    uint8_t unused[7] = {};
};
static_assert(sizeof(Lane) == 16, "Lane has padding a snapshot would save unset");

class PitchQuantizerNode final : public LaneStateNode<Lane> {
  public:
    explicit PitchQuantizerNode(const NodeConfig &config)
        : span_(config.value(kSpan)), grid_(config.list(kGrid)),
          root_hz_(440.0 * std::exp2((config.value(kRoot) - 69.0) / 12.0)),
          glide_ms_(config.value(kGlide)) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }
    void prepare(const PrepareContext &ctx) override {
        alpha_ =
            glide_ms_ > 0.0 ? 1.0 - std::exp(-1.0 / (ctx.sample_rate * glide_ms_ / 1000.0)) : 1.0;
        lanes_.assign(static_cast<size_t>(ctx.batches) * ctx.output_channels, Lane{});
        memos_.assign(lanes_.size(), Memo{});
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * ctx.output_channels *
               (sizeof(Lane) + sizeof(Memo));
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &in = ctx.inputs[0];
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                const size_t index = static_cast<size_t>(b) * ctx.output_channels + c;
                Lane &lane = lanes_[index];
                Memo &memo = memos_[index];
                const double *x = in.row(b, c);
                double *y = ctx.out_row(b, c);
                for (uint32_t f = 0; f < ctx.frames;) {
                    if (!same_bits(x[f], memo.x)) {
                        memo.x = x[f];
                        memo.target = quantize(1200.0 * span_ * x[f]);
                    }
                    const double before = lane.cents;
                    const bool started = lane.started;
                    if (!lane.started || glide_ms_ == 0.0)
                        lane.cents = memo.target;
                    else
                        lane.cents += alpha_ * (memo.target - lane.cents);
                    lane.started = true;
                    if (!same_bits(lane.cents, memo.cents)) {
                        memo.cents = lane.cents;
                        memo.hz = root_hz_ * std::exp2(lane.cents / 1200.0);
                    }
                    y[f++] = memo.hz;
                    // A fixed point: the frame's update (a function of the cents and the
                    // target) left the cents as they were, so while the input keeps its bits
                    // (the same target) every frame gives these cents and this frequency.
                    if (started && same_bits(lane.cents, before))
                        f = hold(x, memo.x, memo.hz, y, f, ctx.frames);
                }
            }
    }

    // dL/dx = 0 almost everywhere (see the header); the runtime zero-filled the buffers.
    int32_t backward(const BackwardContext &ctx) noexcept override {
        const size_t count = static_cast<size_t>(ctx.batches) * ctx.input_channels * ctx.frames;
        std::fill(ctx.out, ctx.out + count, 0.0);
        return AMP_OK;
    }

  private:
    // Per lane, the last input and its grid target, the last cents and its frequency: pure
    // functions of their arguments (not state), so a held input or a settled glide skips
    // quantize() and exp2 with the same bits. NaN matches nothing.
    struct Memo {
        double x = std::numeric_limits<double>::quiet_NaN();
        double target = 0.0; // quantize(NaN)
        double cents = std::numeric_limits<double>::quiet_NaN();
        double hz = std::numeric_limits<double>::quiet_NaN(); // exp2 of a NaN
    };

    static bool same_bits(double a, double b) {
        uint64_t x = 0, y = 0;
        std::memcpy(&x, &a, sizeof x);
        std::memcpy(&y, &b, sizeof y);
        return x == y;
    }

    // y[f] = hz from frame `from` while x[f] has the bits of `held` (four frames per vector
    // compare); returns the first frame that differs (or `frames`).
    static uint32_t hold(const double *x, double held, double hz, double *y, uint32_t from,
                         uint32_t frames) noexcept {
        typedef uint64_t U64x4 __attribute__((vector_size(32)));
        uint64_t key = 0;
        std::memcpy(&key, &held, sizeof key);
        const U64x4 keys = U64x4{} + key;
        const double hzs[4] = {hz, hz, hz, hz};
        uint32_t f = from;
        for (; f + 4 <= frames; f += 4) {
            U64x4 bits;
            std::memcpy(&bits, x + f, sizeof bits);
            const U64x4 differ = (U64x4)(bits != keys);
            if ((differ[0] | differ[1] | differ[2] | differ[3]) != 0) break;
            std::memcpy(y + f, hzs, sizeof hzs);
        }
        for (; f < frames && same_bits(x[f], held); ++f) y[f] = hz;
        return f;
    }

    // The grid point (in absolute cents) the piecewise-linear index mapping rounds to.
    double quantize(double cents) const noexcept {
        if (!std::isfinite(cents)) return 0.0; // a non-finite input plays the root
        const double octave = std::floor(cents / 1200.0);
        double r = cents - 1200.0 * octave;
        if (r >= 1200.0) r = 0.0; // rounding of a value just below a whole octave
        const size_t n = grid_.size();
        // Segment [lo, hi) containing r, in cents relative to this octave.
        double lo = grid_[n - 1] - 1200.0, hi = grid_[0];
        for (size_t k = 0; k < n && r >= grid_[k]; ++k) {
            lo = grid_[k];
            hi = k + 1 < n ? grid_[k + 1] : grid_[0] + 1200.0;
        }
        // Fractional index k + (r - lo) / (hi - lo), rounded halves up.
        return 1200.0 * octave + ((r - lo) / (hi - lo) >= 0.5 ? hi : lo);
    }

    double span_;
    std::vector<double> grid_;
    double root_hz_;
    double glide_ms_;
    double alpha_ = 1.0;
    std::vector<Memo> memos_;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<PitchQuantizerNode>(config);
}

} // namespace

extern const NodeSpec kPitchQuantizerSpec = {
    /*type_name=*/"pitch_quantizer",
    /*summary=*/"Control signal to a frequency on a pitch grid (default 12-TET), with glide.",
    /*inputs=*/kPorts,
    /*input_count=*/1,
    /*params=*/kParams,
    /*param_count=*/4,
    /*heat_work=*/3.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Exact: the output is piecewise constant in the input, so the input gradient is 0 almost "
    "everywhere (off the rounding thresholds); no signal parameters.",
    /*create=*/create,
};

} // namespace amp
