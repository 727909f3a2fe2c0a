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
// Backward: not implemented (a source; returns -4).
#include <cmath>
#include <vector>

#include "dsp/phase.h"
#include "dsp/sin2pi.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kShape, kRate, kDepth, kSlew, kPhase, kChannels };
enum : uint32_t { kSine, kSquare, kSaw, kTriangle };

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

// phi as a double in [0, 1): the top 53 bits of the fixed-point phase, exactly.
inline double cycles_of(dsp::Phase phase) {
    return static_cast<double>(phase >> 11) * (1.0 / 9007199254740992.0);
}

class LfoNode final : public Node {
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
        lanes_.assign(static_cast<size_t>(ctx.batches) * channels_, Lane{});
        reset();
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * channels_ * sizeof(Lane);
    }
    void reset() noexcept override {
        for (Lane &lane : lanes_) lane = Lane{initial_phase_, 0.0, false};
    }
    size_t state_bytes() const override { return lanes_.size() * sizeof(Lane); }
    void save_state(unsigned char *to) const noexcept override {
        save_values(to, lanes_.data(), lanes_.size());
    }
    void load_state(const unsigned char *from) noexcept override {
        load_values(from, lanes_.data(), lanes_.size());
    }

    void process(const ProcessContext &ctx) noexcept override {
        switch (shape_) {
        case kSquare: render<kSquare>(ctx); break;
        case kSaw: render<kSaw>(ctx); break;
        case kTriangle: render<kTriangle>(ctx); break;
        default: render<kSine>(ctx); break;
        }
    }

  private:
    struct Lane {
        dsp::Phase phase;
        double smoothed;
        bool started; // smoothed holds a value
    };

    template <uint32_t kShape>
    static double wave(dsp::Phase phase) {
        switch (kShape) {
        case kSquare: return (phase >> 63) == 0 ? 1.0 : -1.0;
        case kSaw: return 2.0 * cycles_of(phase) - 1.0;
        case kTriangle: return 2.0 * std::fabs(2.0 * cycles_of(phase) - 1.0) - 1.0;
        default: return dsp::sin2pi(phase);
        }
    }

    // One shape per instantiation (no per-frame switch). A constant rate gives the phases in
    // closed form (phase + (f + 1) step: the same bits as the running sum, and a loop the
    // compiler vectorises); a modulated one runs the sum with the rate's split done once.
    template <uint32_t kShape>
    void render(const ProcessContext &ctx) noexcept {
        const TensorView &rate = ctx.params[kRate];
        const TensorView &depth = ctx.params[kDepth];
        const size_t rs = rate.frame_stride(), ds = depth.frame_stride();
        const dsp::IncrementAt increment(ctx.sample_rate);
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
                } else {
                    dsp::Phase phase = start;
                    for (uint32_t f = 0; f < ctx.frames; ++f) {
                        phase += increment(r[f]);
                        y[f] = d[f * ds] * wave<kShape>(phase);
                    }
                    lane.phase = phase;
                }
                if (slew_ms_ > 0.0) smooth(lane, y, ctx.frames);
            }
    }

    void smooth(Lane &lane, double *y, uint32_t frames) const {
        double s = lane.started ? lane.smoothed : y[0];
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
    std::vector<Lane> lanes_;
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
    /*has_backward=*/false,
    /*backward_doc=*/"Not implemented: a source with no audio input (returns -4).",
    /*create=*/create,
};

} // namespace amp
