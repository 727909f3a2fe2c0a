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
// Backward: no audio input; the amplitude gradient sum(g * sin) belongs to the graph pass,
// so this call returns -4.
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
        reset();
    }
    void reset() noexcept override {
        for (auto &phase : phases_) phase = initial_phase_;
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &frequency = ctx.params[kFrequency];
        const TensorView &amplitude = ctx.params[kAmplitude];
        const double sample_rate = ctx.sample_rate;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                dsp::Phase &phase = phases_[static_cast<size_t>(b) * channels_ + c];
                const double *freq = frequency.row(b, c);
                double *y = ctx.out_row(b, c);
                const double *amp = amplitude.row(b, c);
                const bool constant_amplitude = amplitude.frame_stride() == 0;
                if (frequency.frame_stride() == 0) {
                    phase = dsp::sine_block(phase, increments_.get(freq[0], sample_rate),
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
            }
    }

    size_t state_bytes() const override { return phases_.size() * sizeof(dsp::Phase); }
    void save_state(unsigned char *to) const noexcept override {
        save_values(to, phases_.data(), phases_.size());
    }
    void load_state(const unsigned char *from) noexcept override {
        load_values(from, phases_.data(), phases_.size());
    }

  private:
    // The phase increment of the last constant frequency seen (its exact 128-bit division is
    // the costliest part of a short block otherwise).
    struct IncrementCache {
        double frequency = 0.0;
        double sample_rate = 0.0;
        dsp::Phase increment = 0;
        dsp::Phase get(double f, double sr) {
            if (f != frequency || sr != sample_rate) {
                frequency = f;
                sample_rate = sr;
                increment = dsp::phase_increment(f, sr);
            }
            return increment;
        }
    };

    IncrementCache increments_;
    uint32_t channels_;
    dsp::Phase initial_phase_;
    std::vector<dsp::Phase> phases_;
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
    /*has_backward=*/false,
    /*backward_doc=*/"Not implemented: a source with no audio input (returns -4).",
    /*create=*/create,
};

} // namespace amp
