// biquad: a second-order IIR filter with the RBJ cookbook designs (dsp/biquad_design.h).
//
// Per (batch, channel) lane, direct form I, the difference equation itself:
//   y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]
// with the coefficients of `filter` at frame n's frequency, Q and gain; the history (x and y of
// the last two frames) is kept across calls and across coefficient changes, starting at rest.
// Coefficients are recomputed only when one of frequency, q, gain_db differs from the lane's
// previous frame (so a constant or block-constant setting costs one design per lane and change).
// Modulated values are clamped per frame as biquad_design.h says (f / sr in [1e-6, 0.499],
// Q in [1e-3, 1e3], gain in [-120, 120] dB; NaN to the lower bound), so the output stays finite.
//
// Ports: in (sum); the output has the input's channels.
// Parameters: filter (enum lowpass | highpass | bandpass | notch | peaking | lowshelf |
// highshelf, default lowpass), frequency (signal, Hz, (0, 1e6], default 1000: cutoff, centre or
// shelf midpoint), q (signal, (0, 1000], default 1/sqrt 2), gain_db (signal, dB, [-120, 120],
// default 0: peaking and shelves only; the other types do not read it).
// Heat: the shared model on the input, W = 5 (five multiplies per frame).
// State: x[n-1], x[n-2], y[n-1], y[n-2] per lane (snapshot / restore copies them).
// Backward: none yet (returns -4).
// Reference: R. Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter coefficients".
#include <cmath>
#include <limits>
#include <vector>

#include "dsp/biquad_design.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kFilter, kFrequency, kQ, kGainDb };

const char *const kFilters[] = {"lowpass", "highpass", "bandpass", "notch",
                                "peaking", "lowshelf", "highshelf"};

ParamSpec filter_param() {
    ParamSpec param{"filter",
                    ParamKind::Enum,
                    0.0,
                    0.0,
                    0.0,
                    "",
                    "RBJ cookbook response: lowpass, highpass, bandpass (0 dB peak), notch, "
                    "peaking, lowshelf or highshelf."};
    param.choices = kFilters;
    param.choice_count = 7;
    return param;
}

const ParamSpec kParams[] = {
    filter_param(),
    {"frequency", ParamKind::Signal, 1000.0, 0.0, 1e6, "Hz",
     "Cutoff, centre or shelf midpoint frequency; clamped per frame to [1e-6, 0.499] x the "
     "sample rate.",
     true},
    {"q", ParamKind::Signal, 0.70710678118654752, 0.0, 1000.0, "",
     "Quality factor (alpha = sin(w0) / 2Q); clamped per frame to [0.001, 1000].", true},
    {"gain_db", ParamKind::Signal, 0.0, -120.0, 120.0, "dB",
     "Gain of peaking and shelf filters (A = 10^(gain_db / 40)); the other types ignore it."},
};
const PortSpec kPorts[] = {{"in", "Signal to filter.", Gather::Sum}};

class BiquadNode final : public Node {
  public:
    explicit BiquadNode(const NodeConfig &config)
        : type_(static_cast<dsp::BiquadType>(config.choice(kFilter))) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }

    void prepare(const PrepareContext &ctx) override {
        lanes_.assign(static_cast<size_t>(ctx.batches) * ctx.output_channels, Lane{});
    }

    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * ctx.output_channels * sizeof(Lane);
    }

    void reset() noexcept override {
        for (Lane &lane : lanes_) lane.history = History{};
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &frequency = ctx.params[kFrequency];
        const TensorView &q = ctx.params[kQ];
        const TensorView &gain = ctx.params[kGainDb];
        const size_t fs = frequency.frame_stride(), qs = q.frame_stride(), gs = gain.frame_stride();
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                Lane &lane = lanes_[static_cast<size_t>(b) * ctx.output_channels + c];
                const double *x = ctx.inputs[0].row(b, c);
                const size_t xs = ctx.inputs[0].frame_stride();
                const double *fr = frequency.row(b, c), *qr = q.row(b, c), *gr = gain.row(b, c);
                double *y = ctx.out_row(b, c);
                History h = lane.history;
                if (fs == 0 && qs == 0 && gs == 0) {
                    const dsp::BiquadCoefficients k =
                        lane.coefficients(type_, fr[0], qr[0], gr[0], ctx.sample_rate);
                    for (uint32_t f = 0; f < ctx.frames; ++f) y[f] = h.step(k, x[f * xs]);
                } else {
                    for (uint32_t f = 0; f < ctx.frames; ++f) {
                        const dsp::BiquadCoefficients k = lane.coefficients(
                            type_, fr[f * fs], qr[f * qs], gr[f * gs], ctx.sample_rate);
                        y[f] = h.step(k, x[f * xs]);
                    }
                }
                lane.history = h;
            }
    }

    size_t state_bytes() const override { return lanes_.size() * sizeof(History); }
    void save_state(unsigned char *to) const noexcept override {
        for (const Lane &lane : lanes_) to = save_values(to, &lane.history, 1);
    }
    void load_state(const unsigned char *from) noexcept override {
        for (Lane &lane : lanes_) from = load_values(from, &lane.history, 1);
    }

  private:
    struct History {
        double x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0;
        double step(const dsp::BiquadCoefficients &k, double x) {
            const double y = k.b0 * x + k.b1 * x1 + k.b2 * x2 - k.a1 * y1 - k.a2 * y2;
            x2 = x1;
            x1 = x;
            y2 = y1;
            y1 = y;
            return y;
        }
    };
    // One lane: its history and the design cache (coefficients of the last settings seen).
    struct Lane {
        History history;
        double frequency = std::numeric_limits<double>::quiet_NaN(), q = 0.0, gain_db = 0.0,
               sample_rate = 0.0;
        dsp::BiquadCoefficients cached;
        const dsp::BiquadCoefficients &coefficients(dsp::BiquadType type, double f, double qv,
                                                    double g, double sr) {
            if (!(f == frequency && qv == q && g == gain_db && sr == sample_rate)) {
                cached = dsp::design_biquad(type, f, qv, g, sr);
                frequency = f;
                q = qv;
                gain_db = g;
                sample_rate = sr;
            }
            return cached;
        }
    };

    dsp::BiquadType type_;
    std::vector<Lane> lanes_;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<BiquadNode>(config);
}

} // namespace

extern const NodeSpec kBiquadSpec = {
    /*type_name=*/"biquad",
    /*summary=*/
    "RBJ cookbook biquad (lowpass, highpass, bandpass, notch, peaking, shelves) with "
    "per-frame frequency, Q and gain.",
    /*inputs=*/kPorts,
    /*input_count=*/1,
    /*params=*/kParams,
    /*param_count=*/4,
    /*heat_work=*/5.0,
    /*has_backward=*/false,
    /*backward_doc=*/"Not implemented yet (returns -4).",
    /*create=*/create,
};

} // namespace amp
