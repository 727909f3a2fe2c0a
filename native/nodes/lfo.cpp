// lfo: low-frequency oscillator, y = depth * wave(phi), optionally smoothed by a one-pole filter.
//
// Waves, with phi in cycles [0, 1): sine sin(2 pi phi); square +1 for phi < 1/2, else -1; saw
// 2 phi - 1; triangle 2 |2 phi - 1| - 1 (+1 at phi = 0, -1 at phi = 1/2).
// Phase: one per (batch, channel), 64-bit fixed point (dsp/phase.h) advanced before each sample
// (nodes.md: the first sample is at phase + rate_hz / sr), so every block split gives the same
// bits. Negative rates run backwards.
// Smoothing (slew_ms > 0): s <- s + alpha (y - s) per frame, alpha = 1 - exp(-1 / (sr slew_ms /
// 1000)); s starts at the first unsmoothed value (no ramp up from 0). slew_ms = 0: no smoothing.
// Ports: none (a source). Parameters: shape (enum), rate_hz (signal, Hz), depth (signal), slew_ms
// (number, ms), phase (number, initial phase in cycles), channels (integer 1..64). Per-channel
// modulation of rate_hz or depth gives per-channel outputs.
// Heat: the shared model on its output, W = 2.
// Backward (graph backward pass): with w = depth x wave(phi) the unsmoothed value and wbar its
// gradient (the smoothing's adjoint recursion S[f] = g[f] + (1 - alpha) S[f+1], wbar = alpha S,
// all of S on the stream's first frame where s starts at w): d depth[f] = wbar[f] wave(phi[f]);
// rate through the phase accumulator, d rate[k] = (1 / sr) sum_{f >= k} wbar[f] depth[f]
// wave'(phi[f]) with wave' = 2 pi cos(2 pi phi) (sine), 2 (saw), 4 sign(2 phi - 1) (triangle),
// 0 (square): exact between the wave's jumps and kinks, which it ignores (as it ignores the
// phase increment's rounding to 2^-64 cycle). Recorded per lane and frame: phi, wave(phi) and
// whether the smoothing had started (three rows).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "dsp/increment_lanes.h"
#include "dsp/phase.h"
#include "nodes/lane_state_node.h"
#include "nodes/lfo_waves.h"
#include "nodes/node.h"

namespace amp {
namespace {

enum : uint32_t { kShape, kRate, kDepth, kSlew, kPhase, kChannels };
using lfo::cycles_of;
using lfo::kSaw;
using lfo::kSine;
using lfo::kSquare;
using lfo::kTriangle;
using lfo::wave;

const char *const kShapes[] = {"sine", "square", "saw", "triangle"};

ParamSpec shape_param() {
    ParamSpec spec{"shape",
                   ParamKind::Enum,
                   kSine,
                   0.0,
                   0.0,
                   "",
                   "Waveform: sine, square, saw (2 phi - 1) or triangle (2 |2 phi - 1| - 1)."};
    spec.choices = kShapes;
    spec.choice_count = 4;
    return spec;
}

const ParamSpec kParams[] = {
    shape_param(),
    {"rate_hz", ParamKind::Signal, 1.0, -1e5, 1e5, "Hz", "Oscillation rate."},
    {"depth", ParamKind::Signal, 0.5, -1e6, 1e6, "", "Peak value of the wave."},
    {"slew_ms", ParamKind::Number, 0.0, 0.0, 3.6e6, "ms",
     "Time constant of the one-pole output smoothing; 0 turns it off."},
    {"phase", ParamKind::Number, 0.0, -1e6, 1e6, "cycles", "Initial phase."},
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "", "Number of output channels."},
};

// One lane's state (LaneStateNode), saved byte for byte by snapshots: the padding is spelled
// out (and zero) so that the same state always saves the same bytes.
struct Lane {
    dsp::Phase phase;
    double smoothed;
    bool started; // smoothed holds a value
    uint8_t unused[7] = {};
};
static_assert(sizeof(Lane) == 24, "Lane has padding a snapshot would save unset");

class LfoNode final : public LaneStateNode<Lane> {
  public:
    explicit LfoNode(const NodeConfig &config)
        : shape_(config.choice(kShape)), slew_ms_(config.value(kSlew)),
          channels_(static_cast<uint32_t>(config.value(kChannels))),
          initial_phase_(dsp::phase_from_cycles(config.value(kPhase))) {}

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const PrepareContext &ctx) override {
        alpha_ =
            slew_ms_ > 0.0 ? 1.0 - std::exp(-1.0 / (ctx.sample_rate * slew_ms_ / 1000.0)) : 1.0;
        increment_ = dsp::IncrementAt(ctx.sample_rate);
        increment_rate_ = ctx.sample_rate;
        lanes_.assign(static_cast<size_t>(ctx.batches) * channels_, Lane{});
        adjoint_.assign(lanes_.size(), Adjoint{});
        reset();
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * channels_ * (sizeof(Lane) + sizeof(Adjoint));
    }
    void reset() noexcept override {
        for (Lane &lane : lanes_) lane = Lane{initial_phase_, 0.0, false};
    }

    void process(const ProcessContext &ctx) noexcept override {
        switch (shape_) {
        case kSquare: render<kSquare>(ctx); break;
        case kSaw: render<kSaw>(ctx); break;
        case kTriangle: render<kTriangle>(ctx); break;
        default: render<kSine>(ctx); break;
        }
    }

    uint32_t record_rows() const override { return static_cast<uint32_t>(3 * lanes_.size()); }
    bool has_param_gradient(uint32_t param) const override {
        return param == kRate || param == kDepth;
    }
    void reset_backward() noexcept override {
        std::fill(adjoint_.begin(), adjoint_.end(), Adjoint{});
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) return AMP_ERR_UNSUPPORTED; // needs the recorded phases
        const TensorView &depth = ctx.params[kDepth];
        const size_t ds = depth.frame_stride(), stride = ctx.record_lane_stride;
        const bool smoothed = slew_ms_ > 0.0;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                const size_t lane = static_cast<size_t>(b) * channels_ + c;
                Adjoint &adj = adjoint_[lane];
                const double *rows = ctx.record + 3 * lane * stride;
                const double *d = depth.row(b, c);
                double *dr = ctx.param_gradient_row(kRate, b, c);
                double *dd = ctx.param_gradient_row(kDepth, b, c);
                for (uint32_t f = ctx.frames; f-- > 0;) {
                    const double g = ctx.gradient.at(b, c, f);
                    double wbar = g;
                    if (smoothed) {
                        const double s = g + (1.0 - alpha_) * adj.smoothed;
                        adj.smoothed = s;
                        // The stream's first frame: s started at w, so all of S reaches w.
                        wbar = rows[2 * stride + f] != 0.0 ? alpha_ * s : s;
                    }
                    if (dd != nullptr) dd[f] += wbar * rows[stride + f];
                    adj.phase += wbar * d[f * ds] * slope(rows[f]);
                    if (dr != nullptr) dr[f] += adj.phase / ctx.sample_rate;
                }
            }
        return AMP_OK;
    }

  private:
    struct Adjoint {
        double smoothed = 0.0; // S of the frame after the window
        double phase = 0.0;    // sum over later frames of wbar depth wave'(phi)
    };

    // d wave / d phi (cycles), between jumps and kinks.
    double slope(double phi) const {
        constexpr double kTwoPi = 6.283185307179586476925286766559;
        switch (shape_) {
        case kSquare: return 0.0;
        case kSaw: return 2.0;
        case kTriangle: return 2.0 * phi - 1.0 < 0.0 ? -4.0 : 4.0;
        default: return kTwoPi * std::cos(kTwoPi * phi);
        }
    }

    // One shape per instantiation (no per-frame switch). A constant rate gives the phases in
    // closed form (phase + (f + 1) step: the same bits as the running sum, and a loop the
    // compiler vectorises); a modulated one runs four frames at a time (render_modulated).
    template <uint32_t kShape>
    void render(const ProcessContext &ctx) noexcept {
        const TensorView &rate = ctx.params[kRate];
        const TensorView &depth = ctx.params[kDepth];
        const size_t rs = rate.frame_stride(), ds = depth.frame_stride();
        if (ctx.sample_rate != increment_rate_) { // prepared at another rate (or not yet)
            increment_ = dsp::IncrementAt(ctx.sample_rate);
            increment_rate_ = ctx.sample_rate;
        }
        const dsp::IncrementAt &increment = increment_;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                Lane &lane = lanes_[static_cast<size_t>(b) * channels_ + c];
                const double *r = rate.row(b, c);
                const double *d = depth.row(b, c);
                double *__restrict y = ctx.out_row(b, c);
                const dsp::Phase start = lane.phase;
                if (rs == 0) {
                    const dsp::Phase step = increment(r[0]);
                    if (ds == 0) {
                        const double k = d[0];
                        for (uint32_t f = 0; f < ctx.frames; ++f)
                            y[f] = k * wave<kShape>(start + (f + dsp::Phase{1}) * step);
                    } else {
                        for (uint32_t f = 0; f < ctx.frames; ++f)
                            y[f] = d[f] * wave<kShape>(start + (f + dsp::Phase{1}) * step);
                    }
                    lane.phase = start + ctx.frames * step;
                } else if (ds == 0) {
                    lane.phase =
                        render_modulated<kShape, false>(start, r, d, increment, y, ctx.frames);
                } else { // a view's frame stride is 0 or 1
                    lane.phase =
                        render_modulated<kShape, true>(start, r, d, increment, y, ctx.frames);
                }
                if (ctx.record != nullptr) record<kShape>(ctx, b, c, lane, start, r, rs, increment);
                if (slew_ms_ > 0.0) smooth(lane, y, ctx.frames);
            }
    }

    // A modulated rate, four frames at a time: their increments
    // (dsp::four_increments, or IncrementAt frame by frame when a rate leaves its range), the
    // running sum into four phases, the wave of the four (lfo::wave4) times the depth (one value
    // per frame when kDepthPerFrame, else d[0]). The same operations per frame as the scalar
    // loop, which takes the last frames. Returns the phase after the last frame.
    template <uint32_t kShape, bool kDepthPerFrame>
    static dsp::Phase render_modulated(dsp::Phase phase, const double *r, const double *d,
                                       const dsp::IncrementAt &increment, double *__restrict y,
                                       uint32_t frames) noexcept {
        const dsp::IncrementAt::Lanes k = increment.lanes();
        dsp::U64x4 phase4 = dsp::U64x4{} + phase; // the phase in every lane
        uint32_t f = 0;
        for (; f + 4 <= frames; f += 4) {
            dsp::U64x4 steps;
            if (!k.vector || !dsp::four_increments(k, r + f, steps))
                for (uint32_t j = 0; j < 4; ++j) steps[j] = increment(r[f + j]);
            const dsp::U64x4 phases = dsp::running_phases(phase4, steps);
            lfo::D4 depth = lfo::D4{} + d[0];
            if (kDepthPerFrame) std::memcpy(&depth, d + f, sizeof depth);
            const lfo::D4 out = depth * lfo::wave4<kShape>(phases);
            std::memcpy(y + f, &out, sizeof out);
        }
        phase = phase4[0];
        for (; f < frames; ++f) {
            phase += increment(r[f]);
            y[f] = d[kDepthPerFrame ? f : 0] * wave<kShape>(phase);
        }
        return phase;
    }

    // The backward pass's record of one lane (before smoothing updates `started`): per frame the
    // phase in cycles, wave(phase) and whether the smoothing had started; the phases are the
    // render's, recomputed.
    template <uint32_t kShape>
    void record(const ProcessContext &ctx, uint32_t b, uint32_t c, const Lane &lane,
                dsp::Phase start, const double *r, size_t rs,
                const dsp::IncrementAt &increment) const noexcept {
        const size_t stride = ctx.record_lane_stride;
        double *rows = ctx.record + 3 * (static_cast<size_t>(b) * channels_ + c) * stride;
        const dsp::Phase constant_step = rs == 0 ? increment(r[0]) : 0;
        dsp::Phase phase = start;
        for (uint32_t f = 0; f < ctx.frames; ++f) {
            phase += rs == 0 ? constant_step : increment(r[f]);
            rows[f] = cycles_of(phase);
            rows[stride + f] = wave<kShape>(phase);
            rows[2 * stride + f] = f > 0 || lane.started ? 1.0 : 0.0;
        }
    }

    void smooth(Lane &lane, double *y, uint32_t frames) const {
        double s = lane.started ? lane.smoothed : y[0];
#pragma GCC unroll 4
        for (uint32_t f = 0; f < frames; ++f) {
            s += alpha_ * (y[f] - s);
            y[f] = s;
        }
        lane.smoothed = s;
        lane.started = lane.started || frames > 0;
    }

    uint32_t shape_;
    double slew_ms_;
    uint32_t channels_;
    dsp::Phase initial_phase_;
    double alpha_ = 1.0;
    // The rate conversion at increment_rate_ Hz (its divisions' constants computed once, not
    // per call).
    dsp::IncrementAt increment_{48000.0};
    double increment_rate_ = 48000.0;
    std::vector<Adjoint> adjoint_; // backward, per lane
};

std::unique_ptr<Node> create(const NodeConfig &config) { return std::make_unique<LfoNode>(config); }

} // namespace

extern const NodeSpec kLfoSpec = {
    /*type_name=*/"lfo",
    /*summary=*/"Low-frequency oscillator (sine, square, saw, triangle) with optional smoothing.",
    /*inputs=*/nullptr,
    /*input_count=*/0,
    /*params=*/kParams,
    /*param_count=*/6,
    /*heat_work=*/2.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: depth exactly; rate_hz through the phase accumulator (exact between the "
    "wave's jumps and kinks; square: 0); the smoothing's adjoint recursion.",
    /*create=*/create,
};

} // namespace amp
