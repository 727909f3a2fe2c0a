// sine_osc: y = amplitude * sin(2 pi phi), one phase per (batch, channel).
//
// Phase convention (nodes.md): phi <- frac(phi + frequency / sample_rate) is advanced before
// each sample, so the first sample is sin(2 pi (phase + frequency / sample_rate)). The phase is
// 64-bit fixed point (dsp/phase.h): exact wrap, no drift, and a block-invariant closed form when
// the frequency is constant over a block.
// Ports: none (a source). Parameters: frequency (signal, Hz, default 440; negative runs
// backwards), amplitude (signal, default 0.5), phase (number, initial phase in cycles),
// channels (integer 1..64). Per-channel modulation of frequency or amplitude gives
// per-channel outputs.
// Heat: the shared model on its output, W = 8.
// Backward (graph backward pass; no audio input): d amplitude[f] = g[f] sin(2 pi phi[f]);
// frequency through the phase accumulator: phi[f] depends on every frequency[k], k <= f, by
// 1 / sample_rate cycles per Hz, so d frequency[k] = (1 / sr) sum_{f >= k} g[f] a[f] 2 pi
// cos(2 pi phi[f]) (a reverse running sum carried across windows; the increment's rounding
// to 2^-64 cycle is ignored). The phases are recorded during the forward render (one row per
// lane, the fixed-point bits).
#include <cstring>
#include <vector>

#include "dsp/phase.h"
#include "dsp/sin2pi.h"
#include "dsp/sine_block.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kFrequency, kAmplitude, kPhase, kChannels };

const ParamSpec kParams[] = {
    {"frequency", ParamKind::Signal, 440.0, -1e6, 1e6, "Hz", "Oscillation frequency."},
    {"amplitude", ParamKind::Signal, 0.5, -1e6, 1e6, "", "Peak amplitude."},
    {"phase", ParamKind::Number, 0.0, -1e6, 1e6, "cycles", "Initial phase."},
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "", "Number of output channels."},
};

class SineOscNode final : public Node {
  public:
    explicit SineOscNode(const NodeConfig &config)
        : channels_(static_cast<uint32_t>(config.value(kChannels))),
          initial_phase_(dsp::phase_from_cycles(config.value(kPhase))) {}

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const PrepareContext &ctx) override {
        phases_.assign(static_cast<size_t>(ctx.batches) * channels_, initial_phase_);
        pending_.assign(phases_.size(), 0.0);
        reset();
    }
    void reset() noexcept override {
        for (auto &phase : phases_) phase = initial_phase_;
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &frequency = ctx.params[kFrequency];
        const TensorView &amplitude = ctx.params[kAmplitude];
        if (ctx.batches == 1 && channels_ == 1 && ctx.record == nullptr &&
            frequency.frame_stride() == 0 && amplitude.frame_stride() == 0) {
            // One lane at constant parameters (every 1-frame step): process_lanes' loop
            // without its lane bookkeeping (which stays out of line, so this path saves no
            // registers it does not use).
            const dsp::Phase increment = increments_.get(frequency.first_row()[0], ctx.sample_rate);
            const double a = amplitude.first_row()[0];
            if (ctx.frames == 1) { // sine_frames' one frame
                const dsp::Phase phase = phases_[0] + increment;
                phases_[0] = phase;
                ctx.out[0] = a * dsp::sin2pi(phase);
                return;
            }
            phases_[0] = lane_frames(phases_[0], increment, a, ctx.out, ctx.frames);
            return;
        }
        process_lanes(ctx, frequency, amplitude);
    }

    __attribute__((noinline)) static dsp::Phase
    lane_frames(dsp::Phase phase, dsp::Phase increment, double a, double *out, uint32_t frames) {
        return dsp::sine_frames(phase, increment, a, out, frames);
    }

    __attribute__((noinline)) void process_lanes(const ProcessContext &ctx,
                                                 const TensorView &frequency,
                                                 const TensorView &amplitude) noexcept {
        const double sample_rate = ctx.sample_rate;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                dsp::Phase &phase = phases_[static_cast<size_t>(b) * channels_ + c];
                const double *freq = frequency.row(b, c);
                double *y = ctx.out_row(b, c);
                const double *amp = amplitude.row(b, c);
                const bool constant_amplitude = amplitude.frame_stride() == 0;
                if (frequency.frame_stride() == 0) {
                    phase = dsp::sine_frames(phase, increments_.get(freq[0], sample_rate),
                                             constant_amplitude ? amp[0] : 1.0, y, ctx.frames);
                } else {
                    dsp::Phase p = phase;
                    const double a = constant_amplitude ? amp[0] : 1.0;
                    for (uint32_t f = 0; f < ctx.frames; ++f) {
                        p += dsp::phase_increment(freq[f], sample_rate);
                        y[f] = a * dsp::sin2pi(p);
                    }
                    phase = p;
                }
                if (!constant_amplitude)
                    for (uint32_t f = 0; f < ctx.frames; ++f) y[f] *= amp[f];
                if (ctx.record != nullptr)
                    record_phases(ctx, frequency, b, c,
                                  ctx.record + (static_cast<size_t>(b) * channels_ + c) *
                                                   ctx.record_lane_stride);
            }
    }

    uint32_t record_rows() const override { return static_cast<uint32_t>(phases_.size()); }
    bool has_param_gradient(uint32_t param) const override {
        return param == kFrequency || param == kAmplitude;
    }
    void reset_backward() noexcept override { std::fill(pending_.begin(), pending_.end(), 0.0); }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) return AMP_ERR_UNSUPPORTED; // needs the recorded phases
        const TensorView &amplitude = ctx.params[kAmplitude];
        double *dfreq = ctx.param_gradient(kFrequency);
        double *damp = ctx.param_gradient(kAmplitude);
        const uint32_t freq_channels = ctx.params[kFrequency].channels;
        const uint32_t amp_channels = amplitude.channels;
        const double per_hz = 6.283185307179586476925286766559 / ctx.sample_rate;
        constexpr dsp::Phase kQuarter = dsp::Phase{1} << 62;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                const double *g = ctx.gradient.row(b, c);
                const double *a = amplitude.row(b, c);
                const size_t a_step = amplitude.frame_stride();
                const double *phases =
                    ctx.record + (static_cast<size_t>(b) * channels_ + c) * ctx.record_lane_stride;
                double &pending = pending_[static_cast<size_t>(b) * channels_ + c];
                double *df =
                    dfreq == nullptr
                        ? nullptr
                        : dfreq + (static_cast<size_t>(b) * freq_channels + c % freq_channels) *
                                      ctx.frames;
                double *da =
                    damp == nullptr
                        ? nullptr
                        : damp + (static_cast<size_t>(b) * amp_channels + c % amp_channels) *
                                     ctx.frames;
                for (uint32_t i = ctx.frames; i-- > 0;) {
                    dsp::Phase phi = 0;
                    std::memcpy(&phi, phases + i, sizeof phi);
                    if (da != nullptr) da[i] += g[i] * dsp::sin2pi(phi);
                    pending += g[i] * a[i * a_step] * dsp::sin2pi(phi + kQuarter);
                    if (df != nullptr) df[i] += pending * per_hz;
                }
            }
        return AMP_OK;
    }

    size_t state_bytes() const override { return phases_.size() * sizeof(dsp::Phase); }
    void save_state(unsigned char *to) const noexcept override {
        save_values(to, phases_.data(), phases_.size());
    }
    void load_state(const unsigned char *from) noexcept override {
        load_values(from, phases_.data(), phases_.size());
    }

  private:
    // The phase of every frame of lane (b, c) (the fixed-point bits, copied into doubles),
    // recomputed from the phase at the start of the block: integer addition, so the same bits
    // as process() whichever path it took.
    void record_phases(const ProcessContext &ctx, const TensorView &frequency, uint32_t b,
                       uint32_t c, double *row) {
        const double *freq = frequency.row(b, c);
        const size_t step = frequency.frame_stride();
        dsp::Phase p = phases_[static_cast<size_t>(b) * channels_ + c];
        for (uint32_t f = ctx.frames; f-- > 0;)
            p -= increments_.get(freq[f * step], ctx.sample_rate);
        for (uint32_t f = 0; f < ctx.frames; ++f) {
            p += increments_.get(freq[f * step], ctx.sample_rate);
            std::memcpy(row + f, &p, sizeof p);
        }
    }

    // The phase increment of the last constant frequency seen (its exact 128-bit division is
    // the costliest part of a short block otherwise).
    struct IncrementCache {
        double frequency = 0.0;
        double sample_rate = 0.0;
        dsp::Phase increment = 0;
        dsp::Phase get(double f, double sr) {
            if (f != frequency || sr != sample_rate) refresh(f, sr);
            return increment;
        }
        __attribute__((noinline)) void refresh(double f, double sr) {
            frequency = f;
            sample_rate = sr;
            increment = dsp::phase_increment(f, sr);
        }
    };

    IncrementCache increments_;
    uint32_t channels_;
    dsp::Phase initial_phase_;
    std::vector<dsp::Phase> phases_;
    std::vector<double> pending_; // backward: sum over later frames of g a 2 pi cos, per lane
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<SineOscNode>(config);
}

} // namespace

extern const NodeSpec kSineOscSpec = {
    /*type_name=*/"sine_osc",
    /*summary=*/"Sine oscillator with a drift-free fixed-point phase.",
    /*inputs=*/nullptr,
    /*input_count=*/0,
    /*params=*/kParams,
    /*param_count=*/4,
    /*heat_work=*/8.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: d amplitude = g sin(2 pi phi); d frequency[k] = (2 pi / sr) sum over "
    "f >= k of g a cos(2 pi phi[f]) through the phase accumulator (no input gradient).",
    /*create=*/create,
};

} // namespace amp
