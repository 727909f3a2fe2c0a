// resampler: a round trip through another sample rate, sr -> sr x up / down -> sr, with the
// polyphase FIR of quality tier `quality` in both directions.
//
// The graph runs every node at one frame rate, so a node cannot emit a different number of
// frames than it reads; this node therefore converts to the rate sr x L / M (L / M = up / down
// in lowest terms) and back, and its output, at the graph rate, is what the signal becomes
// after that conversion: everything above the lower rate's Nyquist is removed (sinc tiers) and
// the tier's passband ripple, droop and aliasing are applied twice. E.g. up 147, down 160 at
// 48 kHz is the 48k -> 44.1k -> 48k round trip. Maths (dsp/resample/rational_stage.h), with h
// the tier's prototype at Fh = L sr, half-length W (a multiple of L / gcd(L, 2), so 2W / L is
// an integer), inputs before frame 0 zero:
//   v[m] = L sum_i x[i] h[m M - i L],   y[n] = M sum_m v[m] h[n L - m M],
//   out[n] = y[n - D],  D = 2W / L frames: the node's latency (declared and measured delay).
// up = down (after reduction) is the identity with no latency.
// Ports: in (Sum). Output: the input's channels. Parameters: up, down (integers 1..1000),
// quality (linear / fast / best; figures in dsp/resample/prototype.h).
// Heat: the shared model on its input, W = 4.
// Backward (graph backward pass): the exact adjoint, the transposed conversion run from the end
// of the span, per lane: vbar[m] = M sum_n h[n L - m M] g[n + D], then
// dx[i] = L sum_m h[m M - i L] vbar[m] (absolute stream frames: the conversion's phase is tied
// to frame 0). Each output frame's gradient is added to the intermediate-rate adjoints it
// reaches (frames from the last), and dx[i] is read once no later frame can change them, so
// any split of the span into windows gives the same bits. The adjoint state is a ring of
// 4W / M + 4 intermediate adjoints per lane (allocated in prepare). up = down: dx = g.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "dsp/resample/prototype.h"
#include "dsp/resample/rational_stage.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

using dsp::resample::RationalStage;
using dsp::resample::Tier;

enum : uint32_t { kUp, kDown, kQuality };

// up = down is the identity: no filter runs.
const ParamRequirement kNeedsConversion{"up", Relation::Differs, 0.0, "down",
                                        "up = down is the identity: no filter runs"};

ParamSpec quality_param() {
    ParamSpec param{
        "quality",
        ParamKind::Enum,
        static_cast<double>(Tier::Fast),
        0.0,
        0.0,
        "",
        "Filter tier: linear (interpolation), fast (32-tap sinc) or best (80-tap sinc)."};
    param.choices = dsp::resample::kTierNames;
    param.choice_count = dsp::resample::kTierCount;
    param.requirement = &kNeedsConversion;
    return param;
}

const ParamSpec kParams[] = {
    {"up", ParamKind::Integer, 1.0, 1.0, 1000.0, "", "L: the intermediate rate is sr x up / down."},
    {"down", ParamKind::Integer, 1.0, 1.0, 1000.0, "", "M: see up."},
    quality_param(),
};
const PortSpec kPorts[] = {{"in", "Signal to convert.", Gather::Sum}};

class ResamplerNode final : public Node {
  public:
    explicit ResamplerNode(const NodeConfig &config)
        : tier_(static_cast<Tier>(config.choice(kQuality))) {
        const uint32_t up = static_cast<uint32_t>(config.value(kUp));
        const uint32_t down = static_cast<uint32_t>(config.value(kDown));
        const uint32_t g = std::gcd(up, down);
        L_ = up / g;
        M_ = down / g;
        if (L_ != M_)
            half_width_ =
                dsp::resample::half_length(tier_, std::max(L_, M_), L_ % 2 == 0 ? L_ / 2 : L_);
    }

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }
    uint32_t latency_frames() const override { return identity() ? 0 : 2 * half_width_ / L_; }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        if (identity()) return 0;
        const size_t taps = 2 * static_cast<size_t>(half_width_) + 1;
        const size_t lanes = static_cast<size_t>(ctx.batches) * ctx.output_channels;
        return 4 * taps * sizeof(double) +
               lanes * 2 * (taps / std::min(L_, M_) + 8) * sizeof(double) * 2 +
               lanes * (ring_slots() * sizeof(double) + 2 * sizeof(int64_t));
    }
    void prepare(const PrepareContext &ctx) override {
        lanes_ = static_cast<size_t>(ctx.batches) * ctx.output_channels;
        if (identity()) return;
        const std::vector<double> taps =
            dsp::resample::design(tier_, std::max(L_, M_), half_width_);
        const uint32_t lag = (L_ + M_ - 1) / M_ + 2;
        up_.prepare(L_, M_, taps, static_cast<double>(L_), 0, lanes_, lag);
        down_.prepare(M_, L_, taps, static_cast<double>(M_), up_.first_output(), lanes_, lag);
        taps_ = taps;
        adjoint_.assign(lanes_ * ring_slots(), 0.0);
        adjoint_low_.assign(lanes_, 0);
        adjoint_top_.assign(lanes_, kNoAdjoint);
    }
    void reset() noexcept override {
        if (identity()) return;
        up_.reset();
        down_.reset();
        position_ = 0;
    }
    size_t state_bytes() const override {
        return identity() ? 0 : up_.state_bytes() + down_.state_bytes() + sizeof(position_);
    }
    void save_state(unsigned char *to) const noexcept override {
        if (identity()) return;
        save_values(down_.save(up_.save(to)), &position_, 1);
    }
    void load_state(const unsigned char *from) noexcept override {
        if (identity()) return;
        load_values(down_.load(up_.load(from)), &position_, 1);
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &in = ctx.inputs[0];
        const uint32_t channels = ctx.output_channels;
        const int64_t delay = latency_frames();
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels; ++c) {
                const double *x = in.row(b, c);
                double *y = ctx.out_row(b, c);
                if (identity()) {
                    for (uint32_t f = 0; f < ctx.frames; ++f) y[f] = x[f];
                    continue;
                }
                const size_t lane = static_cast<size_t>(b) * channels + c;
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    up_.push(lane, x[f]);
                    while (up_.ready(lane)) down_.push(lane, up_.pull(lane));
                    const int64_t wanted = position_ + f - delay;
                    y[f] = down_.next_output(lane) == wanted && down_.ready(lane) ? down_.pull(lane)
                                                                                  : 0.0;
                }
            }
        if (!identity()) position_ += ctx.frames;
    }

    void reset_backward() noexcept override {
        std::fill(adjoint_top_.begin(), adjoint_top_.end(), kNoAdjoint);
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        const uint32_t channels = ctx.input_channels;
        if (identity()) {
            for (uint32_t b = 0; b < ctx.batches; ++b)
                for (uint32_t c = 0; c < channels; ++c) {
                    const double *g = ctx.gradient.row(b, c);
                    double *dx = ctx.out + (static_cast<size_t>(b) * channels + c) * ctx.frames;
                    for (uint32_t f = 0; f < ctx.frames; ++f) dx[f] = g[f];
                }
            return AMP_OK;
        }
        // The conversion's phase is tied to stream frame 0: only the graph pass says where the
        // window lies in the stream.
        if (ctx.inputs == nullptr) return AMP_ERR_UNSUPPORTED;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels; ++c) {
                const size_t lane = static_cast<size_t>(b) * channels + c;
                adjoint_lane(lane, ctx.gradient.row(b, c), ctx.out + lane * ctx.frames, ctx.frames,
                             static_cast<int64_t>(ctx.frame_index));
            }
        return AMP_OK;
    }

  private:
    static constexpr int64_t kNoAdjoint = INT64_MIN; // the lane's ring holds nothing yet

    bool identity() const { return L_ == M_; }
    // Intermediate adjoints alive at once: m from ceil(((F - D) L - W) / M) to
    // floor((F L + W) / M), at most 4W / M + 1 of them (D L = 2W).
    size_t ring_slots() const { return 4 * static_cast<size_t>(half_width_) / M_ + 4; }
    double tap(int64_t k) const { return taps_[static_cast<size_t>(k + half_width_)]; }

    // One lane's window, frames from the last: F is the absolute stream frame.
    void adjoint_lane(size_t lane, const double *g, double *dx, uint32_t frames,
                      int64_t first) noexcept {
        const int64_t L = L_, M = M_, W = half_width_, D = latency_frames();
        const int64_t slots = static_cast<int64_t>(ring_slots());
        double *ring = adjoint_.data() + lane * ring_slots();
        int64_t &low = adjoint_low_[lane], &top = adjoint_top_[lane];
        auto slot = [slots](int64_t m) {
            const int64_t s = m % slots;
            return static_cast<size_t>(s < 0 ? s + slots : s);
        };
        using dsp::resample::floor_div;
        for (uint32_t f = frames; f-- > 0;) {
            const int64_t F = first + f, n = F - D;
            // Output frame F is y[n]: it reaches v[m] for |n L - m M| <= W.
            const int64_t m_hi = floor_div(n * L + W, M), m_lo = -floor_div(W - n * L, M);
            if (top == kNoAdjoint) {
                top = m_hi;
                low = m_hi + 1;
            }
            const double scaled = static_cast<double>(M) * g[f];
            for (int64_t m = m_hi; m >= m_lo; --m) {
                while (low > m) ring[slot(--low)] = 0.0;
                ring[slot(m)] += tap(n * L - m * M) * scaled;
            }
            // x[F] reaches v[m] for |m M - F L| <= W; every later frame is in, so they are final.
            const int64_t x_hi = std::min(floor_div(F * L + W, M), top);
            const int64_t x_lo = std::max(-floor_div(W - F * L, M), low);
            double sum = 0.0;
            for (int64_t m = x_hi; m >= x_lo; --m) sum += tap(m * M - F * L) * ring[slot(m)];
            dx[f] = static_cast<double>(L) * sum;
        }
    }

    Tier tier_;
    uint32_t L_ = 1, M_ = 1;
    uint32_t half_width_ = 0;
    size_t lanes_ = 0;
    int64_t position_ = 0; // frames processed
    RationalStage up_, down_;
    // Backward: the prototype's taps h[k + W], and per lane a ring of intermediate-rate
    // adjoints vbar[m] (slot m mod ring_slots()) holding m in [low, top] (top = kNoAdjoint:
    // none yet, after reset_backward).
    std::vector<double> taps_, adjoint_;
    std::vector<int64_t> adjoint_low_, adjoint_top_;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<ResamplerNode>(config);
}

NodeSpec make_spec();

} // namespace

extern const NodeSpec kResamplerSpec = make_spec();

namespace {

NodeSpec make_spec() {
    NodeSpec spec = {
        /*type_name=*/"resampler",
        /*summary=*/"Round trip through the rate sr x up / down with a polyphase FIR tier.",
        /*inputs=*/kPorts,
        /*input_count=*/1,
        /*params=*/kParams,
        /*param_count=*/3,
        /*heat_work=*/4.0,
        /*has_backward=*/true,
        /*backward_doc=*/
        "Graph backward: exact, the transposed conversion (vbar[m] = M sum_n h[nL - mM] g[n + D], "
        "dx[i] = L sum_m h[mM - iL] vbar[m]) run from the end of the span.",
        /*create=*/create,
    };
    spec.linear_phase = true; // D = 2W / L is the centre of the symmetric round-trip response
    return spec;
}

} // namespace
} // namespace amp
