// pitch_shift: a streaming phase vocoder that scales every frequency by a ratio, keeping the
// duration (frequency-domain bin shifting).
//
// Per (batch, channel) lane, a streaming STFT (dsp/stft.h StftStream: periodic Hann window of
// `window` frames, hop `hop`, weighted overlap-add with the overlap-added square window, so an
// unmodified spectrum comes back to rounding) runs one analysis frame every `hop` input frames.
// Each frame is re-synthesised from its spectral peaks; with N = window, H = hop and
// e = 2 pi H / N (the phase advance per hop of bin k is k e):
//   1. analysis: magnitude m_k and phase p_k of every bin; the true frequency in bins is
//      w_k = k + wrap(p_k - p'_k - k e) / e, p'_k the lane's phase of bin k one frame earlier;
//   2. peaks: local maxima of m whose true frequency lies within one bin (a side lobe's phase
//      turns at its main lobe's frequency, so side lobes are not peaks); each is a sinusoid
//      c W(j - w) with W the Hann window's transform, so c = X_k / W(k - w);
//   3. shift: each peak is written back at t = w r as |c| exp(i phi) W(j - t) for the bins j
//      within 4 of t (summed where peaks meet; the fractional position keeps the frequency
//      exact and the energy), with phi = s_J + t e, s_J the lane's synthesis phase of bin
//      J = round(t) one frame earlier (arg c on the lane's first frame); phi becomes s_J.
// Ratio 1 leaves each spectrum untouched (the input comes back, delayed by the latency) while
// the synthesis phases follow the peaks, so a modulated ratio passing through 1 stays smooth.
// Bins that are not near a peak (noise between partials) are dropped when r != 1. Partials
// closer than about 4 bins (4 x sample rate / window: 188 Hz for 1024 frames at 48 kHz) are not
// resolved and blur: use a longer window for dense low spectra (2048 resolves a fifth at 220 Hz).
// The ratio r = ratio x 2^(semitones / 12) is read at the input frame that completes the
// analysis frame (frame m at input frame m H + H - 1 since reset) and clamped to [0.25, 4] (NaN
// to 1); it is therefore block-invariant. The phases persist across calls (the stream keeps
// phase), so one call and any split into windows give the same bits.
// Latency: window - 1 frames (the STFT stream's): the node's declared delay.
//
// Ports: in (sum); the output has the input's channels.
// Parameters: ratio (signal, [0.25, 4], default 1), semitones (signal, [-24, 24], default 0):
// give one of them; window (integer, a power of two in [64, 16384], default 1024), hop
// (integer frames, default 0 = window / 4, i.e. 256; window / hop must be an integer >= 4).
// Heat: the shared model on the input, W = 64 (FFT work per frame, amortised per input frame).
// State: the STFT stream (input ring, overlap accumulator, output queue), the previous analysis
// phases and running synthesis phases per lane, and the frame counter (snapshot copies all).
// Backward (graph passes; pitch_shift_frame.cpp has the rules): the exact adjoint of the frames
// as computed, in the input and in ratio / semitones. A recorded render keeps, per analysis
// frame and lane, the frame's spectrum X and the state it started from (analysis phases one
// frame earlier, running synthesis phases, whether the lane had started): the side record,
// 4 (window / 2 + 1) + 1 doubles per lane and analysis frame, sized before the render. The
// backward walks the frames from the end of the span, the frame-to-frame phase recursions
// (true frequencies from consecutive analysis phases, running synthesis phases) carried
// backward across frames as two adjoint vectors per lane, the STFT and overlap-add transposed
// as in the FFT divider. The peak choice, round(t) and ratio exactly 1 are piecewise constant
// (derivative 0 almost everywhere); phase wraps add constants (derivative 1). The ratio is read
// once per analysis frame, so its gradient lands on the frame that completes each analysis
// frame (0 elsewhere): dL/dratio = dL/dr 2^(semitones / 12), dL/dsemitones = dL/dr r ln 2 / 12
// (0 where the clamp to [0.25, 4] holds). A single-node backward call has no recording and
// returns -4.
// Reference: M. Dolson, "The phase vocoder: a tutorial" (1986); J. Laroche and M. Dolson,
// "New phase-vocoder techniques for pitch-shifting" (1999).
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <memory>
#include <vector>

#include "dsp/stft.h"
#include "dsp/window.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"
#include "nodes/pitch_shift_frame.h"

namespace amp {
namespace {

enum : uint32_t { kRatio, kSemitones, kWindow, kHop };

const ParamSpec kParams[] = {
    {"ratio", ParamKind::Signal, 1.0, 0.25, 4.0, "",
     "Frequency ratio (2 = an octave up); modulated values are clamped to [0.25, 4]."},
    {"semitones", ParamKind::Signal, 0.0, -24.0, 24.0, "semitones",
     "Shift in equal-tempered semitones, multiplied into ratio (2^(semitones / 12))."},
    {"window", ParamKind::Integer, 1024.0, 64.0, 16384.0, "frames",
     "STFT window (periodic Hann), a power of two; the latency is window - 1 frames; partials "
     "need to be about 4 x sample rate / window Hz apart."},
    {"hop", ParamKind::Integer, 0.0, 0.0, 4096.0, "frames",
     "Analysis and synthesis hop; 0 = window / 4 (256 for the default window); otherwise window "
     "/ hop must be an integer >= 4."},
};
const PortSpec kPorts[] = {{"in", "Signal to shift.", Gather::Sum}};

// The hop in frames: the parameter, or window / 4 when it is 0.
uint32_t hop_of(const NodeConfig &config) {
    const uint32_t hop = static_cast<uint32_t>(config.value(kHop));
    return hop != 0 ? hop : static_cast<uint32_t>(config.value(kWindow)) / 4;
}

bool check(const NodeConfig &config, std::string &error) {
    if (config.given[kRatio] && config.given[kSemitones]) {
        error = "give either \"ratio\" or \"semitones\", not both";
        return false;
    }
    const uint32_t window = static_cast<uint32_t>(config.value(kWindow));
    const uint32_t hop = hop_of(config);
    if ((window & (window - 1)) != 0) {
        error = "parameter \"window\" expects a power of two, got " + std::to_string(window);
        return false;
    }
    if (window % hop != 0 || window / hop < 4) {
        error = "parameter \"hop\" (" + std::to_string(hop) + ") must divide \"window\" (" +
                std::to_string(window) + ") at least 4 times";
        return false;
    }
    return true;
}

class PitchShiftNode final : public Node {
  public:
    explicit PitchShiftNode(const NodeConfig &config)
        : window_(static_cast<uint32_t>(config.value(kWindow))), hop_(hop_of(config)),
          bins_(window_ / 2 + 1), shifter_(window_, hop_) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }

    void prepare(const PrepareContext &ctx) override {
        if (!setup_) {
            std::vector<double> w(window_);
            dsp::fill_window(dsp::WindowKind::Hann, 0.0, false, w.data(), window_);
            setup_ = std::make_shared<const dsp::StftSetup>(w.data(), window_, hop_);
        }
        const size_t lanes = static_cast<size_t>(ctx.batches) * ctx.output_channels;
        lanes_.clear();
        lanes_.reserve(lanes);
        for (size_t i = 0; i < lanes; ++i) lanes_.push_back(std::make_unique<Lane>(setup_, bins_));
        out_window_.resize(window_);
        for (uint32_t j = 0; j < window_; ++j)
            out_window_[j] = setup_->window()[j] / setup_->overlap_square()[j % hop_];
        frame_.assign(window_, 0.0);
        spectrum_.assign(2 * bins_, 0.0);
        fft_scratch_.assign(setup_->plan().scratch_doubles(), 0.0);
        position_ = 0;
        walking_ = false;
    }

    size_t prepared_bytes(const PrepareContext &ctx) const override {
        const size_t per_lane = 7 * static_cast<size_t>(window_) + 3 * hop_ + 6 * bins_ + 64;
        return (static_cast<size_t>(ctx.batches) * ctx.output_channels * per_lane + 12 * bins_ +
                3 * static_cast<size_t>(window_)) *
               sizeof(double);
    }

    void reset() noexcept override {
        for (auto &lane : lanes_) lane->reset();
        position_ = 0;
        walking_ = false;
    }
    void reset_backward() noexcept override { walking_ = false; }
    bool has_param_gradient(uint32_t param) const override {
        return param == kRatio || param == kSemitones;
    }
    size_t record_side_doubles(uint64_t frames) const override {
        const uint64_t slots = frames == 0 ? 0 : (frames - 1) / hop_ + 1;
        return static_cast<size_t>(slots) * lanes_.size() * side_lane_doubles();
    }
    int32_t backward(const BackwardContext &ctx) noexcept override;

    uint32_t latency_frames() const override { return window_ - 1; }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &ratio = ctx.params[kRatio];
        const TensorView &semitones = ctx.params[kSemitones];
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                Lane &lane = *lanes_[static_cast<size_t>(b) * ctx.output_channels + c];
                const double *x = ctx.inputs[0].row(b, c);
                double *y = ctx.out_row(b, c);
                Frame frame{this,
                            &lane,
                            ratio.row(b, c),
                            ratio.frame_stride(),
                            semitones.row(b, c),
                            semitones.frame_stride(),
                            ctx.record_side,
                            ctx.record_side_start,
                            ctx.frame_index,
                            static_cast<size_t>(b) * ctx.output_channels + c};
                if (ctx.inputs[0].frame_stride() == 0) {
                    for (uint32_t f = 0; f < ctx.frames; ++f)
                        lane.stream.process(x, y + f, 1, on_frame, &frame); // a constant input
                } else {
                    lane.stream.process(x, y, ctx.frames, on_frame, &frame);
                }
            }
        position_ += ctx.frames;
    }

    size_t state_bytes() const override {
        return sizeof(uint64_t) +
               lanes_.size() * (lanes_.empty() ? 0 : lane_doubles()) * sizeof(double);
    }
    void save_state(unsigned char *to) const noexcept override {
        to = save_values(to, &position_, 1);
        for (const auto &lane : lanes_) {
            double *values = scratch_state();
            lane->stream.save_state(values);
            to = save_values(to, values, lane->stream.state_doubles());
            to = save_values(to, lane->previous.data(), bins_);
            to = save_values(to, lane->running.data(), bins_);
            const double started = lane->started ? 1.0 : 0.0;
            to = save_values(to, &started, 1);
        }
    }
    void load_state(const unsigned char *from) noexcept override {
        from = load_values(from, &position_, 1);
        for (auto &lane : lanes_) {
            double *values = scratch_state();
            from = load_values(from, values, lane->stream.state_doubles());
            lane->stream.load_state(values);
            from = load_values(from, lane->previous.data(), bins_);
            from = load_values(from, lane->running.data(), bins_);
            double started = 0.0;
            from = load_values(from, &started, 1);
            lane->started = started != 0.0;
        }
    }

  private:
    // Backward state of a lane (backward()): the reversed gradient stream (as the
    // forward's: ring, overlap-add accumulator, the next hop of results) and the adjoints of
    // the state the frames pass on (analysis phases, running synthesis phases).
    struct LaneAdjoint {
        std::vector<double> ring, acc, ready, previous, running;
    };
    struct Lane {
        Lane(const std::shared_ptr<const dsp::StftSetup> &setup, size_t bins)
            : stream(setup), previous(bins, 0.0), running(bins, 0.0),
              state(stream.state_doubles(), 0.0) {
            adjoint.ring.assign(setup->size(), 0.0);
            adjoint.acc.assign(setup->size(), 0.0);
            adjoint.ready.assign(setup->hop(), 0.0);
            adjoint.previous.assign(bins, 0.0);
            adjoint.running.assign(bins, 0.0);
        }
        void reset() {
            stream.reset();
            std::fill(previous.begin(), previous.end(), 0.0);
            std::fill(running.begin(), running.end(), 0.0);
            started = false;
        }
        dsp::StftStream stream;
        std::vector<double> previous; // analysis phase of each bin at the last frame
        std::vector<double> running;  // synthesis phase of each bin
        std::vector<double> state;    // snapshot staging (the stream's doubles)
        bool started = false;
        LaneAdjoint adjoint;
    };
    // What the frame callback needs: the node, the lane and the ratio rows of the block.
    struct Frame {
        PitchShiftNode *node;
        Lane *lane;
        const double *ratio;
        size_t ratio_stride;
        const double *semitones;
        size_t semitones_stride;
        double *side;         // the side record (recorded renders), or null
        uint64_t side_start;  // its first stream frame
        uint64_t block_start; // stream frame of the block's frame 0
        size_t index;         // b C + c
    };

    size_t lane_doubles() const { return lanes_[0]->stream.state_doubles() + 2 * bins_ + 1; }
    // Snapshot staging: the first lane's spare vector (save and load run between blocks).
    double *scratch_state() const { return lanes_[0]->state.data(); }

    // Doubles per lane and analysis frame of the side record: X (2 bins), previous (bins),
    // running (bins), started (1).
    size_t side_lane_doubles() const { return 4 * bins_ + 1; }

    static double ratio_of(double ratio, double semitones) {
        const double r0 = ratio * std::exp2(semitones / 12.0);
        return std::isnan(r0) ? 1.0 : (r0 < 0.25 ? 0.25 : (r0 > 4.0 ? 4.0 : r0));
    }

    static void on_frame(void *context, double *spectrum, size_t bins, uint64_t frame_index) {
        Frame &frame = *static_cast<Frame *>(context);
        PitchShiftNode &node = *frame.node;
        // The input frame that completed this analysis frame, within the block.
        const uint64_t completed = frame_index * node.hop_ + node.hop_ - 1;
        const size_t f = static_cast<size_t>(completed - node.position_);
        const double r = ratio_of(frame.ratio[f * frame.ratio_stride],
                                  frame.semitones[f * frame.semitones_stride]);
        Lane &lane = *frame.lane;
        if (frame.side != nullptr) {
            const uint64_t slot = (frame.block_start + f - frame.side_start) / node.hop_;
            double *to =
                frame.side + (slot * node.lanes_.size() + frame.index) * node.side_lane_doubles();
            to = std::copy(spectrum, spectrum + 2 * bins, to);
            to = std::copy(lane.previous.begin(), lane.previous.end(), to);
            to = std::copy(lane.running.begin(), lane.running.end(), to);
            *to = lane.started ? 1.0 : 0.0;
        }
        node.shifter_.shift(spectrum, lane.previous.data(), lane.running.data(), lane.started, r);
        lane.started = true;
    }

    void run_adjoint_frame(const BackwardContext &ctx, uint32_t f);

    uint32_t window_, hop_;
    size_t bins_;
    pitch_shift::FrameShifter shifter_;
    std::shared_ptr<const dsp::StftSetup> setup_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    uint64_t position_ = 0; // input frames since reset (the same in every lane)
    // Backward: synthesis window w / dsq, one frame's samples and spectrum, FFT scratch.
    std::vector<double> out_window_, frame_, spectrum_, fft_scratch_;
    bool walking_ = false;
    uint32_t fill_ = 0; // samples of the current reversed frame (every lane)
};

// One adjoint frame over every lane; its t_m is index f of the call's window. The lane rings
// hold the gradient reversed: ring[i] = v[t_m + W - 1 - i].
void PitchShiftNode::run_adjoint_frame(const BackwardContext &ctx, uint32_t f) {
    const uint32_t W = window_, H = hop_;
    const double *w = setup_->window();
    const uint64_t slot = (ctx.frame_index + f - ctx.record_side_start) / H;
    const TensorView &ratio = ctx.params[kRatio];
    const TensorView &semitones = ctx.params[kSemitones];
    for (uint32_t b = 0; b < ctx.batches; ++b)
        for (uint32_t c = 0; c < ctx.input_channels; ++c) {
            const size_t index = static_cast<size_t>(b) * ctx.input_channels + c;
            LaneAdjoint &lane = lanes_[index]->adjoint;
            for (uint32_t j = 0; j < W; ++j) frame_[j] = lane.ring[W - 1 - j] * out_window_[j];
            setup_->plan().forward(frame_.data(), spectrum_.data(), fft_scratch_.data());
            const double *record =
                ctx.record_side + (slot * lanes_.size() + index) * side_lane_doubles();
            const double raw_ratio = ratio.at(b, c, f), raw_semitones = semitones.at(b, c, f);
            const double r = ratio_of(raw_ratio, raw_semitones);
            const double dr = shifter_.shift_adjoint(record, record + 2 * bins_, record + 3 * bins_,
                                                     record[4 * bins_] != 0.0, r, spectrum_.data(),
                                                     lane.previous.data(), lane.running.data());
            setup_->plan().inverse(spectrum_.data(), frame_.data(), fft_scratch_.data());
            for (uint32_t j = 0; j < W; ++j) lane.acc[j] += frame_[W - 1 - j] * w[W - 1 - j];
            std::copy(lane.acc.begin(), lane.acc.begin() + H, lane.ready.begin());
            std::memmove(lane.acc.data(), lane.acc.data() + H, (W - H) * sizeof(double));
            std::fill(lane.acc.begin() + (W - H), lane.acc.end(), 0.0);
            // r = clamp(ratio 2^(semitones / 12)): its derivative where no clamp holds.
            const double scale = std::exp2(raw_semitones / 12.0), r0 = raw_ratio * scale;
            if (!(r0 >= 0.25 && r0 <= 4.0)) continue;
            if (double *row = ctx.param_gradient_row(kRatio, b, c)) row[f] += dr * scale;
            if (double *row = ctx.param_gradient_row(kSemitones, b, c))
                row[f] += dr * r0 * (M_LN2 / 12.0);
        }
}

// The walk from the end of the recorded span, window by window (the FFT divider's scheme,
// fft_divider_adjoint.cpp): frame m's adjoint needs the gradient of y[t_m, t_m + W) and writes
// dx[t_m - W + 1, t_m], so in reversed time it streams like the forward.
int32_t PitchShiftNode::backward(const BackwardContext &ctx) noexcept {
    auto refuse = [&ctx](int32_t status, const char *why) {
        if (ctx.error != nullptr) *ctx.error = why;
        return status;
    };
    if (ctx.record_side == nullptr || ctx.inputs == nullptr)
        return refuse(AMP_ERR_UNSUPPORTED,
                      "the adjoint needs a graph recording (each analysis frame's spectrum and "
                      "phases); record a graph render and run its backward pass");
    if (static_cast<size_t>(ctx.batches) * ctx.input_channels != lanes_.size())
        return refuse(AMP_ERR_SHAPE_MISMATCH,
                      "the gradient's batches or channels differ from the forward stream's");
    const uint32_t W = window_, H = hop_, P = W - H, n = ctx.frames;
    if (!walking_) {
        // The first reversed frame completes at the last t_m <= end - 1, after end mod H + 1
        // samples; the rings' first W - 1 - (end mod H) values are the zeros beyond the end.
        const uint64_t end = ctx.frame_index + n;
        fill_ = W - 1 - static_cast<uint32_t>(end % H);
        for (auto &lane : lanes_) {
            LaneAdjoint &a = lane->adjoint;
            for (auto *values : {&a.ring, &a.acc, &a.ready, &a.previous, &a.running})
                std::fill(values->begin(), values->end(), 0.0);
        }
        walking_ = true;
    }
    for (uint32_t f = 0; f < n;) { // f counts the window's samples in reversed order
        const uint32_t fill = fill_;
        const uint32_t take = std::min(n - f, W - fill);
        const bool complete = fill + take == W;
        for (size_t index = 0; index < lanes_.size(); ++index) {
            LaneAdjoint &lane = lanes_[index]->adjoint;
            const uint32_t b = static_cast<uint32_t>(index / ctx.input_channels);
            const uint32_t c = static_cast<uint32_t>(index % ctx.input_channels);
            const double *g = ctx.gradient.row(b, c);
            const size_t gs = ctx.gradient.frame_stride();
            double *dx = ctx.out + index * n;
            double *ring = lane.ring.data() + fill;
            const double *ready = lane.ready.data() + (fill - P + 1);
            for (uint32_t k = 0; k < take; ++k) ring[k] = g[(n - 1 - (f + k)) * gs];
            for (uint32_t k = 0; k < (complete ? take - 1 : take); ++k)
                dx[n - 1 - (f + k)] = ready[k];
        }
        fill_ = fill + take;
        if (complete) {
            const uint32_t last = n - 1 - (f + take - 1);
            run_adjoint_frame(ctx, last);
            for (size_t index = 0; index < lanes_.size(); ++index) {
                LaneAdjoint &lane = lanes_[index]->adjoint;
                ctx.out[index * n + last] = lane.ready[0];
                std::memmove(lane.ring.data(), lane.ring.data() + H, P * sizeof(double));
            }
            fill_ = P;
        }
        f += take;
    }
    return AMP_OK;
}

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<PitchShiftNode>(config);
}

} // namespace

extern const NodeSpec kPitchShiftSpec = {
    /*type_name=*/"pitch_shift",
    /*summary=*/
    "Streaming phase-vocoder pitch shifter (ratio or semitones); latency window - 1 frames.",
    /*inputs=*/kPorts,
    /*input_count=*/1,
    /*params=*/kParams,
    /*param_count=*/4,
    /*heat_work=*/64.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Exact adjoint of the frames as computed, in the input and in ratio / semitones (graph "
    "passes: a recording keeps each analysis frame's spectrum and phase state; the phase "
    "recursions run backward across frames). Peak choice, round(t) and ratio exactly 1 are "
    "piecewise constant (derivative 0). The ratio's gradient lands on the frame completing "
    "each analysis frame. A single-node backward call returns -4 (no recording).",
    /*create=*/create,
    /*check=*/check,
};

} // namespace amp
