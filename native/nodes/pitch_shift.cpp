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
// Backward: none (returns -4, and a graph backward pass through it is refused naming it). Why:
// the output is differentiable almost everywhere (peak choice and round(t) are piecewise
// constant; magnitudes, atan2 phases, W(j - t) are smooth), but every frame's synthesis phase
// is a running sum over all earlier frames of true frequencies that come from the phase
// differences of consecutive analysis spectra, so an exact adjoint must record each frame's
// spectrum, peaks and phases and run that phase recursion backward across frames; not done.
// Reference: M. Dolson, "The phase vocoder: a tutorial" (1986); J. Laroche and M. Dolson,
// "New phase-vocoder techniques for pitch-shifting" (1999).
#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <vector>

#include "dsp/stft.h"
#include "dsp/window.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

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

constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr double kLobe = 4.0; // bins re-synthesised on each side of a shifted peak

double wrap_phase(double x) { return x - kTwoPi * std::floor((x + M_PI) / kTwoPi); }

class PitchShiftNode final : public Node {
  public:
    explicit PitchShiftNode(const NodeConfig &config)
        : window_(static_cast<uint32_t>(config.value(kWindow))), hop_(hop_of(config)),
          bins_(window_ / 2 + 1) {}

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
        for (auto *scratch :
             {&magnitude_, &phase_, &frequency_, &out_re_, &out_im_, &next_running_})
            scratch->assign(bins_, 0.0);
        position_ = 0;
    }

    size_t prepared_bytes(const PrepareContext &ctx) const override {
        const size_t per_lane = 5 * static_cast<size_t>(window_) + 2 * hop_ + 4 * bins_ + 64;
        return (static_cast<size_t>(ctx.batches) * ctx.output_channels * per_lane + 4 * bins_) *
               sizeof(double);
    }

    void reset() noexcept override {
        for (auto &lane : lanes_) lane->reset();
        position_ = 0;
    }

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
                            semitones.frame_stride()};
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
    struct Lane {
        Lane(std::shared_ptr<const dsp::StftSetup> setup, size_t bins)
            : stream(std::move(setup)), previous(bins, 0.0), running(bins, 0.0),
              state(stream.state_doubles(), 0.0) {}
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
    };
    // What the frame callback needs: the node, the lane and the ratio rows of the block.
    struct Frame {
        PitchShiftNode *node;
        Lane *lane;
        const double *ratio;
        size_t ratio_stride;
        const double *semitones;
        size_t semitones_stride;
    };

    size_t lane_doubles() const { return lanes_[0]->stream.state_doubles() + 2 * bins_ + 1; }
    // Snapshot staging: the first lane's spare vector (save and load run between blocks).
    double *scratch_state() const { return lanes_[0]->state.data(); }

    static void on_frame(void *context, double *spectrum, size_t bins, uint64_t frame_index) {
        Frame &frame = *static_cast<Frame *>(context);
        PitchShiftNode &node = *frame.node;
        // The input frame that completed this analysis frame, within the block.
        const uint64_t completed = frame_index * node.hop_ + node.hop_ - 1;
        const size_t f = static_cast<size_t>(completed - node.position_);
        const double r0 = frame.ratio[f * frame.ratio_stride] *
                          std::exp2(frame.semitones[f * frame.semitones_stride] / 12.0);
        const double r = std::isnan(r0) ? 1.0 : (r0 < 0.25 ? 0.25 : (r0 > 4.0 ? 4.0 : r0));
        node.shift(*frame.lane, spectrum, bins, r);
    }

    // The periodic Hann window's transform at x bins from a complex exponential's frequency:
    // sum_n w[n] exp(-2 pi i x n / N) = D(x) / 2 - D(x - 1) / 4 - D(x + 1) / 4 with the
    // Dirichlet kernel D(x) = exp(-i pi x (N - 1) / N) sin(pi x) / sin(pi x / N).
    std::complex<double> hann_kernel(double x) const {
        const double n = static_cast<double>(window_);
        auto dirichlet = [n](double y) {
            const double denominator = std::sin(M_PI * y / n);
            const double magnitude = std::fabs(y) < 1e-9 ? n : std::sin(M_PI * y) / denominator;
            return std::polar(magnitude, -M_PI * y * (n - 1.0) / n);
        };
        return 0.5 * dirichlet(x) - 0.25 * dirichlet(x - 1.0) - 0.25 * dirichlet(x + 1.0);
    }

    void shift(Lane &lane, double *spectrum, size_t bins, double r) {
        const double e = kTwoPi * hop_ / window_;
        // 1. Analysis: magnitude, phase and true frequency (in bins) of every bin.
        for (size_t k = 0; k < bins; ++k) {
            const double re = spectrum[2 * k], im = spectrum[2 * k + 1];
            phase_[k] = std::atan2(im, re);
            magnitude_[k] = std::hypot(re, im);
            const double deviation =
                wrap_phase(phase_[k] - lane.previous[k] - static_cast<double>(k) * e);
            frequency_[k] = static_cast<double>(k) + deviation / e;
            lane.previous[k] = phase_[k];
            out_re_[k] = 0.0;
            out_im_[k] = 0.0;
            next_running_[k] = lane.running[k]; // targets no peak reaches keep their phase
        }
        // 2.-3. Peaks (see the header). Each is a sinusoid c W(k - w) with w its true frequency; it
        // is
        //    re-synthesised at t = w r as |c| exp(i phi) W(j - t) over the bins j within
        //    kLobe of t, phi advancing by t e per frame from the lane's synthesis phase of
        //    bin round(t) (phi = arg c on the lane's first frame).
        const bool identity = r == 1.0;
        for (size_t k = 0; k < bins; ++k) {
            const double m = magnitude_[k];
            if (!(m > 0.0)) continue;
            // A local maximum whose true frequency lies within a bin of it (a window side
            // lobe's phase turns at its neighbour's frequency, farther away: not a peak).
            const bool left = k == 0 || m > magnitude_[k - 1];
            const bool right = k + 1 == bins || m >= magnitude_[k + 1];
            const double w = frequency_[k];
            if (!left || !right || std::fabs(w - static_cast<double>(k)) > 1.0) continue;
            const std::complex<double> c =
                std::polar(m, phase_[k]) / hann_kernel(static_cast<double>(k) - w);
            const double t = w * r;
            const double nearest = std::nearbyint(t);
            if (nearest >= static_cast<double>(bins)) continue;
            const size_t target = static_cast<size_t>(nearest);
            const double phi =
                lane.started ? wrap_phase(lane.running[target] + t * e) : std::arg(c);
            next_running_[target] = identity ? std::arg(c) : phi;
            if (identity) continue;
            const std::complex<double> amplitude = std::polar(std::abs(c), phi);
            const double first = std::max(0.0, nearest - kLobe);
            const double last = std::min(static_cast<double>(bins - 1), nearest + kLobe);
            for (double j = first; j <= last; j += 1.0) {
                const std::complex<double> y = amplitude * hann_kernel(j - t);
                out_re_[static_cast<size_t>(j)] += y.real();
                out_im_[static_cast<size_t>(j)] += y.imag();
            }
        }
        // 4. Synthesis spectrum (ratio 1 leaves the spectrum as it is: the input comes back).
        for (size_t k = 0; k < bins; ++k) {
            if (!identity) {
                spectrum[2 * k] = out_re_[k];
                spectrum[2 * k + 1] = out_im_[k];
            }
            lane.running[k] = next_running_[k];
        }
        lane.started = true;
    }

    uint32_t window_, hop_;
    size_t bins_;
    std::shared_ptr<const dsp::StftSetup> setup_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    // Per-frame scratch (one frame at a time; lanes run one after another).
    std::vector<double> magnitude_, phase_, frequency_, out_re_, out_im_, next_running_;
    uint64_t position_ = 0; // input frames since reset (the same in every lane)
};

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
    /*has_backward=*/false,
    /*backward_doc=*/
    "Not implemented (returns -4): the synthesis phases are a running sum over every earlier "
    "frame of frequencies from consecutive analysis phases; an exact adjoint would record each "
    "frame's spectrum and peaks and run that recursion backward.",
    /*create=*/create,
    /*check=*/check,
};

} // namespace amp
