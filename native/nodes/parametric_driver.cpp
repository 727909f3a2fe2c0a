// parametric_driver: y = sum_h c_h * sin(2 pi (h + 1) (phi + phase_offset)), h = 0 .. H-1,
// one phase phi per (batch, channel).
//
// Phase convention (nodes.md): phi <- frac(phi + frequency / sample_rate) is advanced before
// each sample. The phase is 64-bit fixed point (dsp/phase.h); the phase of harmonic h is
// (h + 1) * (phi + phase_offset) in fixed point too, where the product wraps exactly (an
// integer multiple of a phase is the same angle mod one cycle), so every harmonic is
// block-invariant and drift-free.
// Ports: none (a source). Parameters: frequency (signal, Hz, default 440; negative runs
// backwards), phase_offset (signal, cycles, default 0), mode (enum: "quartz" = one sine,
// c = [1]; "piezo" = c = [1, 0.35, 0.12]; "custom" = the `harmonics` list), harmonics (list of
// 1..64 amplitudes in [-1e6, 1e6], default [1]; accepted with mode "custom" only, since the
// other modes fix the amplitudes), channels (integer 1..64).
// Heat: the shared model on its output, W = 8.
// Backward (graph backward pass; no audio input): with s[f] = sum_h c_h 2 pi (h + 1)
// cos(2 pi (h + 1) p[f]), d phase_offset[f] = g[f] s[f] and, through the phase accumulator,
// d frequency[k] = (1 / sr) sum_{f >= k} g[f] s[f] (a reverse running sum carried across
// windows). The phases p (offset included) are recorded per frame (one row per lane, the
// fixed-point bits); the rounding of increments and offsets to 2^-64 cycle is ignored.
#include <algorithm>
#include <cstring>
#include <vector>

#include "dsp/phase.h"
#include "dsp/sin2pi.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kFrequency, kPhaseOffset, kMode, kHarmonics, kChannels };
enum : uint32_t { kQuartz, kPiezo, kCustom };

const char *const kModes[] = {"quartz", "piezo", "custom"};
const double kDefaultHarmonics[] = {1.0};
const double kPiezoHarmonics[] = {1.0, 0.35, 0.12};

ParamSpec mode_param() {
    ParamSpec param{"mode",
                    ParamKind::Enum,
                    kQuartz,
                    0.0,
                    0.0,
                    "",
                    "Harmonic set: quartz (one sine), piezo (amplitudes 1, 0.35, 0.12) or custom "
                    "(the harmonics list)."};
    param.choices = kModes;
    param.choice_count = 3;
    return param;
}

ParamSpec harmonics_param() {
    ParamSpec param{"harmonics",
                    ParamKind::List,
                    0.0,
                    -1e6,
                    1e6,
                    "",
                    "Amplitude c_h of harmonic h + 1, from the fundamental up; mode custom only."};
    param.min_length = 1;
    param.max_length = 64;
    param.default_list = kDefaultHarmonics;
    param.default_list_length = 1;
    return param;
}

const ParamSpec kParams[] = {
    {"frequency", ParamKind::Signal, 440.0, -1e6, 1e6, "Hz", "Fundamental frequency."},
    {"phase_offset", ParamKind::Signal, 0.0, -1e6, 1e6, "cycles",
     "Offset added to the phase before the harmonics multiply it."},
    mode_param(),
    harmonics_param(),
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "", "Number of output channels."},
};

bool check(const NodeConfig &config, std::string &error) {
    if (config.given[kHarmonics] && config.choice(kMode) != kCustom) {
        error = "parameter \"harmonics\" applies with mode \"custom\" only (mode \"" +
                config.text(kMode) + "\" fixes the amplitudes); set mode \"custom\" or drop it";
        return false;
    }
    return true;
}

class ParametricDriverNode final : public Node {
  public:
    explicit ParametricDriverNode(const NodeConfig &config)
        : channels_(static_cast<uint32_t>(config.value(kChannels))) {
        switch (config.choice(kMode)) {
        case kQuartz: amplitudes_.assign(1, 1.0); break;
        case kPiezo:
            amplitudes_.assign(std::begin(kPiezoHarmonics), std::end(kPiezoHarmonics));
            break;
        default: amplitudes_ = config.list(kHarmonics); break;
        }
    }

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const PrepareContext &ctx) override {
        phases_.assign(static_cast<size_t>(ctx.batches) * channels_, 0);
        pending_.assign(phases_.size(), 0.0);
    }
    void reset() noexcept override {
        for (auto &phase : phases_) phase = 0;
    }
    size_t state_bytes() const override { return phases_.size() * sizeof(dsp::Phase); }
    void save_state(unsigned char *to) const noexcept override {
        save_values(to, phases_.data(), phases_.size());
    }
    void load_state(const unsigned char *from) noexcept override {
        load_values(from, phases_.data(), phases_.size());
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &frequency = ctx.params[kFrequency];
        const TensorView &offset = ctx.params[kPhaseOffset];
        const size_t f_step = frequency.frame_stride();
        const size_t o_step = offset.frame_stride();
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                dsp::Phase &phase = phases_[static_cast<size_t>(b) * channels_ + c];
                const double *freq = frequency.row(b, c);
                const double *off = offset.row(b, c);
                double *y = ctx.out_row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    phase += dsp::phase_increment(freq[f * f_step], ctx.sample_rate);
                    const dsp::Phase p = phase + dsp::phase_from_cycles(off[f * o_step]);
                    double sum = 0.0;
                    for (size_t h = 0; h < amplitudes_.size(); ++h)
                        sum += amplitudes_[h] * dsp::sin2pi(static_cast<dsp::Phase>(h + 1) * p);
                    y[f] = sum;
                    if (ctx.record != nullptr)
                        std::memcpy(ctx.record +
                                        (static_cast<size_t>(b) * channels_ + c) *
                                            ctx.record_lane_stride +
                                        f,
                                    &p, sizeof p);
                }
            }
    }

    uint32_t record_rows() const override { return static_cast<uint32_t>(phases_.size()); }
    bool has_param_gradient(uint32_t param) const override {
        return param == kFrequency || param == kPhaseOffset;
    }
    void reset_backward() noexcept override { std::fill(pending_.begin(), pending_.end(), 0.0); }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) return AMP_ERR_UNSUPPORTED; // needs the recorded phases
        constexpr double kTwoPi = 6.283185307179586476925286766559;
        constexpr dsp::Phase kQuarter = dsp::Phase{1} << 62;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                const size_t lane = static_cast<size_t>(b) * channels_ + c;
                const double *g = ctx.gradient.row(b, c);
                const double *phases = ctx.record + lane * ctx.record_lane_stride;
                double *df = ctx.param_gradient_row(kFrequency, b, c);
                double *doff = ctx.param_gradient_row(kPhaseOffset, b, c);
                for (uint32_t i = ctx.frames; i-- > 0;) {
                    dsp::Phase p = 0;
                    std::memcpy(&p, phases + i, sizeof p);
                    double slope = 0.0;
                    for (size_t h = 0; h < amplitudes_.size(); ++h) {
                        const double k = static_cast<double>(h + 1);
                        slope += amplitudes_[h] * kTwoPi * k *
                                 dsp::sin2pi(static_cast<dsp::Phase>(h + 1) * p + kQuarter);
                    }
                    const double d = g[i] * slope;
                    if (doff != nullptr) doff[i] += d;
                    pending_[lane] += d;
                    if (df != nullptr) df[i] += pending_[lane] / ctx.sample_rate;
                }
            }
        return AMP_OK;
    }

  private:
    uint32_t channels_;
    std::vector<double> amplitudes_;
    std::vector<dsp::Phase> phases_;
    std::vector<double> pending_; // backward: sum over later frames of g s, per lane
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<ParametricDriverNode>(config);
}

} // namespace

extern const NodeSpec kParametricDriverSpec = {
    /*type_name=*/"parametric_driver",
    /*summary=*/"Sum of harmonics of one drift-free phase: a quartz, piezo or custom driver.",
    /*inputs=*/nullptr,
    /*input_count=*/0,
    /*params=*/kParams,
    /*param_count=*/5,
    /*heat_work=*/8.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: d phase_offset = g sum_h c_h 2 pi (h+1) cos(2 pi (h+1) p); frequency "
    "through the phase accumulator (no input gradient).",
    /*create=*/create,
    /*check=*/check,
};

} // namespace amp
