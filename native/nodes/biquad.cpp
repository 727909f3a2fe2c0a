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
// Backward (graph backward pass): the exact adjoint of the time-varying difference equation,
// run from the end: Y[n] = g[n] - a1[n+1] Y[n+1] - a2[n+2] Y[n+2] (the total gradient of y[n]),
// dx[n] = b0[n] Y[n] + b1[n+1] Y[n+1] + b2[n+2] Y[n+2]; the coefficients' gradients
// (d bk[n] = Y[n] x[n-k], d ak[n] = -Y[n] y[n-k]) reach frequency, q and gain_db through the
// design's derivative, taken by central differences of design_biquad (relative step 2^-20,
// ~1e-9 relative error; 0 where a value is clamped). The history (x and y of the two previous
// frames) is recorded per frame (four rows per lane); the adjoint state (Y and coefficients of
// the two frames after the window) is carried across windows. A window whose frequency, q and
// (peaking, shelves) gain_db are constant (BackwardContext::param_constant, else the rows'
// bits) designs once and runs a loop with the state in registers: the same bits.
// Reference: R. Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter coefficients".
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "dsp/biquad_design.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"
#include "nodes/window_rows.h"

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
                if (ctx.record != nullptr) {
                    record_history(ctx, b, c, x, xs);
                    h = lane.history;
                } else if (fs == 0 && qs == 0 && gs == 0) {
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

    uint32_t record_rows() const override { return static_cast<uint32_t>(4 * lanes_.size()); }
    bool has_param_gradient(uint32_t param) const override {
        return param == kFrequency || param == kQ || param == kGainDb;
    }
    void reset_backward() noexcept override {
        for (Lane &lane : lanes_) lane.adjoint = Adjoint{};
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr || ctx.inputs == nullptr) return AMP_ERR_UNSUPPORTED;
        const TensorView &frequency = ctx.params[kFrequency];
        const TensorView &q = ctx.params[kQ];
        const TensorView &gain = ctx.params[kGainDb];
        double *const wanted[3] = {ctx.param_gradient(kFrequency), ctx.param_gradient(kQ),
                                   ctx.param_gradient(kGainDb)};
        const uint32_t channels[3] = {frequency.channels, q.channels, gain.channels};
        const size_t stride = ctx.record_lane_stride;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const size_t index = static_cast<size_t>(b) * ctx.input_channels + c;
                Adjoint &adj = lanes_[index].adjoint;
                const double *g = ctx.gradient.row(b, c);
                const double *x = ctx.inputs[0].row(b, c);
                const double *rows = ctx.record + 4 * index * stride;
                const double *fr = frequency.row(b, c), *qr = q.row(b, c), *gr = gain.row(b, c);
                const size_t fs = frequency.frame_stride(), qs = q.frame_stride(),
                             gs = gain.frame_stride();
                double *dx = ctx.out + index * ctx.frames;
                double *d[3] = {};
                for (uint32_t p = 0; p < 3; ++p)
                    if (wanted[p] != nullptr)
                        d[p] =
                            wanted[p] +
                            (static_cast<size_t>(b) * channels[p] + c % channels[p]) * ctx.frames;
                // Parameters constant over the window (every frame the same bits): the design
                // and its differences once (the same values, so the same bits, as per frame).
                // Lowpass, highpass, bandpass and notch designs do not read gain_db.
                const bool gain_read = type_ == dsp::BiquadType::Peaking ||
                                       type_ == dsp::BiquadType::Lowshelf ||
                                       type_ == dsp::BiquadType::Highshelf;
                // The runtime's flag first (it reads nothing), else the rows themselves.
                auto constant_row = [&](uint32_t p, const double *row, size_t frame_stride) {
                    return ctx.param_constant(p) || row_is_constant(row, frame_stride, ctx.frames);
                };
                if (ctx.frames > 0 && constant_row(kFrequency, fr, fs) &&
                    constant_row(kQ, qr, qs) && (!gain_read || constant_row(kGainDb, gr, gs))) {
                    const double first[3] = {fr[0], qr[0], gr[0]};
                    DesignDifference difference[3]{};
                    for (uint32_t p = 0; p < 3; ++p)
                        if (d[p] != nullptr)
                            difference[p] = design_difference(p, first, ctx.sample_rate);
                    const dsp::BiquadCoefficients k =
                        dsp::design_biquad(type_, first[0], first[1], first[2], ctx.sample_rate);
                    backward_constant(k, difference, g, x, rows, stride, dx, d, ctx.frames, adj);
                    continue;
                }
                for (uint32_t n = ctx.frames; n-- > 0;) {
                    const double fv = fr[n * fs], qv = qr[n * qs], gv = gr[n * gs];
                    const dsp::BiquadCoefficients k =
                        dsp::design_biquad(type_, fv, qv, gv, ctx.sample_rate);
                    const double y_total = g[n] - adj.next.a1 * adj.y1 - adj.after.a2 * adj.y2;
                    dx[n] = k.b0 * y_total + adj.next.b1 * adj.y1 + adj.after.b2 * adj.y2;
                    const double x1 = rows[n], x2 = rows[stride + n], y1 = rows[2 * stride + n],
                                 y2 = rows[3 * stride + n];
                    // dL/d(b0, b1, b2, a1, a2) at frame n.
                    const double dk[5] = {y_total * x[n], y_total * x1, y_total * x2, -y_total * y1,
                                          -y_total * y2};
                    const double values[3] = {fv, qv, gv};
                    for (uint32_t p = 0; p < 3; ++p)
                        if (d[p] != nullptr)
                            d[p][n] +=
                                design_slope(design_difference(p, values, ctx.sample_rate), dk);
                    adj.after = adj.next;
                    adj.next = k;
                    adj.y2 = adj.y1;
                    adj.y1 = y_total;
                }
            }
        return AMP_OK;
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
    // Backward state of a lane: the total gradients of y[n+1], y[n+2] and the coefficients of
    // frames n+1 and n+2 (zeros: after the end of the signal).
    struct Adjoint {
        double y1 = 0.0, y2 = 0.0;
        dsp::BiquadCoefficients next{0.0, 0.0, 0.0, 0.0, 0.0}, after{0.0, 0.0, 0.0, 0.0, 0.0};
    };
    // One lane: its history and the design cache (coefficients of the last settings seen).
    struct Lane {
        History history;
        Adjoint adjoint;
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

    // A recorded render: the same steps as process(), writing each frame's history (x[n-1],
    // x[n-2], y[n-1], y[n-2]) to the lane's four record rows first.
    void record_history(const ProcessContext &ctx, uint32_t b, uint32_t c, const double *x,
                        size_t xs) {
        const size_t index = static_cast<size_t>(b) * ctx.output_channels + c;
        Lane &lane = lanes_[index];
        const TensorView &frequency = ctx.params[kFrequency];
        const TensorView &q = ctx.params[kQ];
        const TensorView &gain = ctx.params[kGainDb];
        const double *fr = frequency.row(b, c), *qr = q.row(b, c), *gr = gain.row(b, c);
        const size_t fs = frequency.frame_stride(), qs = q.frame_stride(), gs = gain.frame_stride();
        double *rows = ctx.record + 4 * index * ctx.record_lane_stride;
        const size_t stride = ctx.record_lane_stride;
        double *y = ctx.out_row(b, c);
        History h = lane.history; // a local: the stores below cannot alias it
        if (fs == 0 && qs == 0 && gs == 0) {
            const dsp::BiquadCoefficients k =
                lane.coefficients(type_, fr[0], qr[0], gr[0], ctx.sample_rate);
            for (uint32_t f = 0; f < ctx.frames; ++f) {
                rows[f] = h.x1;
                rows[stride + f] = h.x2;
                rows[2 * stride + f] = h.y1;
                rows[3 * stride + f] = h.y2;
                y[f] = h.step(k, x[f * xs]);
            }
            lane.history = h;
            return;
        }
        for (uint32_t f = 0; f < ctx.frames; ++f) {
            rows[f] = h.x1;
            rows[stride + f] = h.x2;
            rows[2 * stride + f] = h.y1;
            rows[3 * stride + f] = h.y2;
            const dsp::BiquadCoefficients k =
                lane.coefficients(type_, fr[f * fs], qr[f * qs], gr[f * gs], ctx.sample_rate);
            y[f] = h.step(k, x[f * xs]);
        }
        lane.history = h;
    }

    // The design's central differences for one parameter at one point: hi - lo of each
    // coefficient (b0, b1, b2, a1, a2) and the step's width.
    struct DesignDifference {
        double diff[5];
        double width;
    };
    DesignDifference design_difference(uint32_t which, const double *values,
                                       double sample_rate) const {
        double up[3] = {values[0], values[1], values[2]};
        double down[3] = {values[0], values[1], values[2]};
        const double step = std::max(std::fabs(values[which]), 1.0) * 0x1p-20;
        up[which] += step;
        down[which] -= step;
        const dsp::BiquadCoefficients hi =
            dsp::design_biquad(type_, up[0], up[1], up[2], sample_rate);
        const dsp::BiquadCoefficients lo =
            dsp::design_biquad(type_, down[0], down[1], down[2], sample_rate);
        return {{hi.b0 - lo.b0, hi.b1 - lo.b1, hi.b2 - lo.b2, hi.a1 - lo.a1, hi.a2 - lo.a2},
                up[which] - down[which]};
    }
    // d L / d (frequency, q or gain_db) at one frame: the coefficient gradients `dk` (b0, b1,
    // b2, a1, a2) times the design's slope, by central differences of design_biquad.
    static double design_slope(const DesignDifference &d, const double *dk) {
        return (dk[0] * d.diff[0] + dk[1] * d.diff[1] + dk[2] * d.diff[2] + dk[3] * d.diff[3] +
                dk[4] * d.diff[4]) /
               d.width;
    }

    // The adjoint over a window whose frequency, q and gain_db are constant (coefficients k,
    // design differences `difference` for the wanted gradients d[p], null when not wanted): the
    // per-frame loop's operations, frames from the last, with the adjoint state in locals (the
    // stores through dx and d cannot alias it, so it stays in registers).
    static void backward_constant(const dsp::BiquadCoefficients &k,
                                  const DesignDifference *difference, const double *g,
                                  const double *x, const double *rows, size_t stride, double *dx,
                                  double *const *d, uint32_t frames, Adjoint &adj) noexcept {
        const double *const x1s = rows, *const x2s = rows + stride, *const y1s = rows + 2 * stride,
                            *const y2s = rows + 3 * stride;
        double *const d0 = d[0], *const d1 = d[1], *const d2 = d[2];
        const DesignDifference e0 = difference[0], e1 = difference[1], e2 = difference[2];
        const dsp::BiquadCoefficients kk = k;
        dsp::BiquadCoefficients next = adj.next, after = adj.after;
        double total1 = adj.y1, total2 = adj.y2; // Y[n+1], Y[n+2]
        for (uint32_t n = frames; n-- > 0;) {
            const double y_total = g[n] - next.a1 * total1 - after.a2 * total2;
            dx[n] = kk.b0 * y_total + next.b1 * total1 + after.b2 * total2;
            const double dk[5] = {y_total * x[n], y_total * x1s[n], y_total * x2s[n],
                                  -y_total * y1s[n], -y_total * y2s[n]};
            if (d0 != nullptr) d0[n] += design_slope(e0, dk);
            if (d1 != nullptr) d1[n] += design_slope(e1, dk);
            if (d2 != nullptr) d2[n] += design_slope(e2, dk);
            after = next;
            next = kk;
            total2 = total1;
            total1 = y_total;
        }
        adj.next = next;
        adj.after = after;
        adj.y1 = total1;
        adj.y2 = total2;
    }

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
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: the exact adjoint of the time-varying difference equation (input); "
    "frequency, q and gain_db through the coefficients, the design's slope by central "
    "differences (~1e-9 relative).",
    /*create=*/create,
};

} // namespace amp
