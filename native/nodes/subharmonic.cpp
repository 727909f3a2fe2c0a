// subharmonic: sub-octave generator, per (batch, channel).
//
// Per frame, for the input x:
//   band:  one-pole high-pass at band_lo_hz, then one-pole low-pass at band_hi_hz:
//          h <- a (h + x - x_prev) with a = 1 / (1 + 2 pi band_lo / sr);
//          v <- v + b (h - v) with b = 1 - exp(-2 pi band_hi / sr);
//   envelope follower on |v|: e <- e + k (|v| - e), k = attack or release coefficient
//          (1 - exp(-1 / (sr t)), t = env_attack_ms or env_release_ms) as |v| rises or falls;
//   flip-flops: each positive zero crossing of v (v_prev <= 0 < v) toggles q2 (+1 / -1: half
//          the band's frequency); each time q2 turns +1, q4 toggles (a quarter);
//   sub:   s = LP(q2) + div4 * LP(q4), one-pole low-passes at sub_lp_hz (coefficient as b);
//   wet = tanh(drive * s) * e (dsp/tanh_vec.h: within 3 ulp of tanh);  y = HP((1 - mix) x + mix
//   wet), a one-pole high-pass at
//          out_hp_hz (as the band's).
// The flip-flops start at -1 (q2 turns +1 on the first crossing). All state is per frame, so
// any block split gives the same bits.
// Ports: in. Parameters: band_lo_hz, band_hi_hz, env_attack_ms, env_release_ms, sub_lp_hz,
// out_hp_hz, div4 (level of the /4 square, 0 = off), drive, mix (numbers).
// Heat: the shared model on its input, W = 12.
// Backward (graph backward pass), the input gradient through every linear stage and the
// envelope: the flip-flops, and so the squares and their low-passes, are piecewise constant in
// x (they change only where the band crosses zero), so d sub / dx = 0 almost everywhere and
// d wet = tanh(drive sub) d e. Adjoints, frame by frame from the last (barred: dL/d):
//   out HP:   O[n] = g[n] + a_o O[n+1], mbar[n] = a_o (O[n] - O[n+1]);
//   mix:      xbar += (1 - mix) mbar, wetbar = mix mbar, ebar = wetbar tanh(drive sub);
//   envelope: E[n] = ebar[n] + (1 - k[n+1]) E[n+1], vbar = k sign(v) E (k the attack or
//             release coefficient the frame used);
//   band LP:  V[n] = vbar[n] + (1 - b) V[n+1], hbar = b V;
//   band HP:  H[n] = hbar[n] + a H[n+1], xbar += a (H[n] - H[n+1]).
// Recorded per lane and frame: tanh(drive sub), k and sign(v) (three rows). Exact between the
// zero crossings (which toggle the flip-flops) and the envelope's attack / release switches
// (a tie takes the forward's side); the parameters are static numbers (no gradient).
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "dsp/tanh_vec.h"
#include "nodes/lane_state_node.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t {
    kBandLo,
    kBandHi,
    kAttack,
    kRelease,
    kSubLp,
    kOutHp,
    kDiv4,
    kDrive,
    kMix,
};

const ParamSpec kParams[] = {
    {"band_lo_hz", ParamKind::Number, 60.0, 0.0, 1e5, "Hz",
     "Corner of the band's one-pole high-pass."},
    {"band_hi_hz", ParamKind::Number, 600.0, 0.0, 1e5, "Hz",
     "Corner of the band's one-pole low-pass.", true},
    {"env_attack_ms", ParamKind::Number, 5.0, 0.0, 1e5, "ms",
     "Envelope follower time constant while the band's level rises; 0 follows at once."},
    {"env_release_ms", ParamKind::Number, 50.0, 0.0, 1e5, "ms",
     "Envelope follower time constant while the band's level falls; 0 follows at once."},
    {"sub_lp_hz", ParamKind::Number, 250.0, 0.0, 1e5, "Hz",
     "Corner of the one-pole low-pass that rounds the sub-octave squares.", true},
    {"out_hp_hz", ParamKind::Number, 20.0, 0.0, 1e5, "Hz",
     "Corner of the output's one-pole high-pass (0: none)."},
    {"div4", ParamKind::Number, 0.0, 0.0, 10.0, "",
     "Level of the divide-by-4 square added to the divide-by-2 one (0: off)."},
    {"drive", ParamKind::Number, 2.0, 0.0, 1e3, "", "Gain into the tanh shaper."},
    {"mix", ParamKind::Number, 0.5, 0.0, 1.0, "", "Wet share: y = (1 - mix) x + mix wet."},
};
const PortSpec kPorts[] = {
    {"in", "Audio to add sub-octaves to.", Gather::Sum},
};

constexpr double kTwoPi = 6.283185307179586476925286766559;

// One lane's state (LaneStateNode), saved byte for byte by snapshots.
struct Lane {
    double x_prev = 0.0, band_hp = 0.0, band = 0.0, env = 0.0;
    double q2 = -1.0, q4 = -1.0, sub2 = 0.0, sub4 = 0.0;
    double mixed_prev = 0.0, out_hp = 0.0;
};

class SubharmonicNode final : public LaneStateNode<Lane> {
  public:
    explicit SubharmonicNode(const NodeConfig &config) : config_(config) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }
    void prepare(const PrepareContext &ctx) override {
        const double sr = ctx.sample_rate;
        const auto high_pass = [sr](double hz) { return 1.0 / (1.0 + kTwoPi * hz / sr); };
        const auto low_pass = [sr](double hz) { return 1.0 - std::exp(-kTwoPi * hz / sr); };
        const auto follow = [sr](double ms) {
            return ms > 0.0 ? 1.0 - std::exp(-1.0 / (sr * ms / 1000.0)) : 1.0;
        };
        band_hp_ = high_pass(config_.value(kBandLo));
        band_lp_ = low_pass(config_.value(kBandHi));
        attack_ = follow(config_.value(kAttack));
        release_ = follow(config_.value(kRelease));
        sub_lp_ = low_pass(config_.value(kSubLp));
        out_hp_ = high_pass(config_.value(kOutHp));
        lanes_.assign(static_cast<size_t>(ctx.batches) * ctx.output_channels, Lane{});
        adjoint_.assign(lanes_.size(), Adjoint{});
        env_.assign(ctx.max_frames, 0.0);
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * ctx.output_channels *
                   (sizeof(Lane) + sizeof(Adjoint)) +
               ctx.max_frames * sizeof(double);
    }

    void process(const ProcessContext &ctx) noexcept override {
        const double div4 = config_.value(kDiv4), drive = config_.value(kDrive);
        const double mix = config_.value(kMix);
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                Lane &s = lanes_[static_cast<size_t>(b) * ctx.output_channels + c];
                const double *x = ctx.inputs[0].row(b, c);
                double *y = ctx.out_row(b, c);
                // Three passes over the block: the recursions up to the shaper's argument
                // (serial), the shaper (no recursion: vectorised), the output high-pass.
                double *env = env_.data();
                double *rows = nullptr; // the backward pass's rows: tanh, k, sign(v)
                const size_t stride = ctx.record_lane_stride;
                if (ctx.record != nullptr)
                    rows = ctx.record +
                           3 * (static_cast<size_t>(b) * ctx.output_channels + c) * stride;
                // The recursions' state and the coefficients in locals (registers: the stores
                // to y and env could alias members), written back after the passes.
                double band_hp = s.band_hp, x_prev = s.x_prev, band = s.band, e = s.env;
                double q2 = s.q2, q4 = s.q4, sub2 = s.sub2, sub4 = s.sub4;
                const double a_hp = band_hp_, b_lp = band_lp_, attack = attack_, release = release_,
                             k_sub = sub_lp_;
                // One loop with the recording stores and one without (no per-frame test).
                const auto recursions = [&](auto recording) {
                    for (uint32_t f = 0; f < ctx.frames; ++f) {
                        const double in = x[f];
                        band_hp = a_hp * (band_hp + in - x_prev);
                        x_prev = in;
                        const double previous = band;
                        band += b_lp * (band_hp - band);
                        const double level = std::fabs(band);
                        const double follow = level > e ? attack : release;
                        e += follow * (level - e);
                        if constexpr (decltype(recording)::value) {
                            rows[stride + f] = follow;
                            rows[2 * stride + f] = band > 0.0 ? 1.0 : band < 0.0 ? -1.0 : 0.0;
                        }
                        if (previous <= 0.0 && band > 0.0) {
                            q2 = -q2;
                            if (q2 > 0.0) q4 = -q4;
                        }
                        sub2 += k_sub * (q2 - sub2);
                        sub4 += k_sub * (q4 - sub4);
                        y[f] = drive * (sub2 + div4 * sub4);
                        env[f] = e;
                    }
                };
                if (rows != nullptr)
                    recursions(std::true_type{});
                else
                    recursions(std::false_type{});
                s.band_hp = band_hp;
                s.x_prev = x_prev;
                s.band = band;
                s.env = e;
                s.q2 = q2;
                s.q4 = q4;
                s.sub2 = sub2;
                s.sub4 = sub4;
                if (rows == nullptr) {
                    for (uint32_t f = 0; f < ctx.frames; ++f) y[f] = dsp::tanh_vec(y[f]) * env[f];
                } else {
                    for (uint32_t f = 0; f < ctx.frames; ++f) {
                        rows[f] = dsp::tanh_vec(y[f]);
                        y[f] = rows[f] * env[f];
                    }
                }
                // The mix (no recursion: vectorised) into env, then the output high-pass.
                for (uint32_t f = 0; f < ctx.frames; ++f) env[f] = (1.0 - mix) * x[f] + mix * y[f];
                double out_hp = s.out_hp, mixed_prev = s.mixed_prev;
                const double a_out = out_hp_;
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    const double mixed = env[f];
                    out_hp = a_out * (out_hp + mixed - mixed_prev);
                    mixed_prev = mixed;
                    y[f] = out_hp;
                }
                s.out_hp = out_hp;
                s.mixed_prev = mixed_prev;
            }
    }

    uint32_t record_rows() const override { return static_cast<uint32_t>(3 * lanes_.size()); }
    void reset_backward() noexcept override {
        std::fill(adjoint_.begin(), adjoint_.end(), Adjoint{});
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) return AMP_ERR_UNSUPPORTED; // needs the recorded rows
        if (adjoint_.size() != static_cast<size_t>(ctx.batches) * ctx.input_channels)
            return AMP_ERR_SHAPE_MISMATCH;
        const double mix = config_.value(kMix);
        const size_t stride = ctx.record_lane_stride;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const size_t lane = static_cast<size_t>(b) * ctx.input_channels + c;
                Adjoint &adj = adjoint_[lane];
                const double *rows = ctx.record + 3 * lane * stride;
                double *dx = ctx.out + lane * ctx.frames;
                for (uint32_t f = ctx.frames; f-- > 0;) {
                    const double out = ctx.gradient.at(b, c, f) + out_hp_ * adj.out;
                    const double mixed = out_hp_ * (out - adj.out);
                    adj.out = out;
                    const double env = mix * mixed * rows[f] + adj.env;
                    const double follow = rows[stride + f];
                    adj.env = (1.0 - follow) * env;
                    const double band =
                        follow * rows[2 * stride + f] * env + (1.0 - band_lp_) * adj.band;
                    adj.band = band;
                    const double high = band_lp_ * band + band_hp_ * adj.high;
                    dx[f] = (1.0 - mix) * mixed + band_hp_ * (high - adj.high);
                    adj.high = high;
                }
            }
        return AMP_OK;
    }

  private:
    struct Adjoint {       // of the frame after the window
        double out = 0.0;  // O: the output high-pass
        double env = 0.0;  // (1 - k) E: what the envelope passes back
        double band = 0.0; // V: the band's low-pass
        double high = 0.0; // H: the band's high-pass
    };

    NodeConfig config_;
    double band_hp_ = 1.0, band_lp_ = 1.0, attack_ = 1.0, release_ = 1.0;
    double sub_lp_ = 1.0, out_hp_ = 1.0;
    std::vector<double> env_;      // the envelope of one block, between the passes
    std::vector<Adjoint> adjoint_; // backward, per lane
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<SubharmonicNode>(config);
}

} // namespace

extern const NodeSpec kSubharmonicSpec = {
    /*type_name=*/"subharmonic",
    /*summary=*/"Sub-octave generator: band-pass, zero-crossing flip-flops, shaped squares.",
    /*inputs=*/kPorts,
    /*input_count=*/1,
    /*params=*/kParams,
    /*param_count=*/9,
    /*heat_work=*/12.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: the input gradient through the band filters, the envelope (attack or "
    "release as recorded), tanh and the output high-pass; the flip-flops are piecewise "
    "constant (zero gradient between zero crossings); static parameters.",
    /*create=*/create,
};

} // namespace amp
