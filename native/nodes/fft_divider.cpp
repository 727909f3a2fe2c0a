// fft_divider: divides the short-time spectrum of its input by a divisor's, gates a frequency
// band, rotates phase and resynthesises (docs/fft-divider.md has the maths and a worked example).
//
// Ports: in (sum, C channels), divisor (sum, optional; same B, 1 or C channels, broadcast).
// Static parameters: window_size W (2..65536, default 512), hop H (0 = W / 4, at least 1; at most
// W), window (hann, hamming, blackman, rect), algorithm (fft, or dft: direct sums, for
// verification, W <= 8192), spectrum_tap (publish the processed spectra).
// Per-frame parameters (signals, sampled at each analysis frame's last input sample):
// divisor, divisor_imag (the divisor when the port is open), phase_offset (radians),
// lower_band, upper_band (normalised frequency, 0 = DC, 1 = Nyquist; clamped to [0, 1], swapped
// when reversed), filter_intensity (0..1), stabilizer (eps, floor 1e-12).
// Per analysis frame m (its last input sample t_m = m H + H - 1, its segment the W samples up
// to t_m, the stream preceded by W - H zeros), per (batch, channel):
//   X = rfft(w x_m), D = rfft(w d_m) (or the constant divisor), Y = spectral_divide(X, D)
//   (dsp/spectral_divide.h: Q = X conj(D) / max(|D|^2, eps), band gate, phase rotation),
//   then irfft, times w / dsq (dsq: the overlap-added w^2 at the sample's phase), overlap-added:
//   y[t] = sum_m (w / dsq * irfft(Y_m))[t - t_m], 0 <= t - t_m < W.
// With divisor 1, intensity 1, band [0, 1] and phase 0, y[t] = x[t - (W - 1)]: the identity
// delayed by the latency W - 1, which is the declared delay (a different declared_delay_frames
// is refused).
// Taps: `bands`, one record per analysis frame (at t_m) and channel: lower, upper, intensity,
// phase, in_band and out_of_band (energies of Q inside / outside the band; their sum is the
// energy of the frame Q resynthesises, Parseval), mean_abs_d (mean |D| over the W bins),
// in_band_db and out_of_band_db (10 log10(E / (0.5 sum w^2)), a full-scale sine reads 0 dB,
// floored at -300). `spectrum` (spectrum_tap: true): per frame the W bins of Y, channel a, bin k
// at value (a W + k) 2 + (0 re, 1 im), bins above W / 2 mirrored (conj).
// Telemetry: reserved[0..3] = phase_offset, lower_band, upper_band, filter_intensity of the
// latest frame (batch 0, channel 0; clamped; before the first frame the configured values),
// reserved[4] = W, reserved[5] = algorithm (0 fft, 1 dft); backward calls write the same.
// Heat: the shared model on the inputs, W_node = W log2(W) / (4 H) per frame (an FFT pair per
// hop); 9 at the defaults.
// Backward: fft_divider_adjoint.cpp (input, divisor signal and every signal parameter).
#include "nodes/fft_divider.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "nodes/node_helpers.h"

namespace amp {

namespace fft_divider {
namespace {

const char *const kWindows[] = {"hann", "hamming", "blackman", "rect"};
const dsp::WindowKind kWindowKinds[] = {dsp::WindowKind::Hann, dsp::WindowKind::Hamming,
                                        dsp::WindowKind::Blackman, dsp::WindowKind::Rect};
const char *const kAlgorithms[] = {"fft", "dft"};
constexpr uint32_t kMaxDftWindow = 8192;

ParamSpec enum_param(const char *name, const char *const *choices, uint32_t count,
                     const char *doc) {
    ParamSpec param{name, ParamKind::Enum, 0.0, 0.0, 0.0, "", doc};
    param.choices = choices;
    param.choice_count = count;
    return param;
}

const ParamSpec kParams[] = {
    {"divisor", ParamKind::Signal, 1.0, -1e12, 1e12, "",
     "Real part of the constant divisor, used when the divisor port is open."},
    {"divisor_imag", ParamKind::Signal, 0.0, -1e12, 1e12, "",
     "Imaginary part of the constant divisor, used when the divisor port is open."},
    {"phase_offset", ParamKind::Signal, 0.0, -1e6, 1e6, "rad",
     "Phase rotation, +phase on positive frequencies and -phase on negative ones."},
    {"lower_band", ParamKind::Signal, 0.0, 0.0, 1.0, "",
     "Lower band edge, normalised frequency (0 = DC, 1 = Nyquist)."},
    {"upper_band", ParamKind::Signal, 1.0, 0.0, 1.0, "",
     "Upper band edge, normalised frequency (0 = DC, 1 = Nyquist)."},
    {"filter_intensity", ParamKind::Signal, 1.0, 0.0, 1.0, "",
     "Gain inside the band; outside it is 1 - intensity (both floored at 1e-6)."},
    {"stabilizer", ParamKind::Signal, 1e-9, 0.0, 1e6, "",
     "Epsilon of the division, max(|D|^2, eps); floored at 1e-12."},
    {"window_size", ParamKind::Integer, 512.0, 2.0, 65536.0, "frames",
     "Analysis window and FFT length W; the latency is W - 1."},
    {"hop", ParamKind::Integer, 0.0, 0.0, 65536.0, "frames",
     "Frames between analysis frames, at most W; 0 means W / 4 (at least 1)."},
    enum_param("window", kWindows, 4, "Analysis and synthesis window."),
    enum_param("algorithm", kAlgorithms, 2,
               "fft, or dft (direct sums, O(W^2), for verification; W <= 8192)."),
    {"spectrum_tap", ParamKind::Boolean, 0.0, 0.0, 1.0, "",
     "Publish the processed spectra as the tap `spectrum` (W x 2 values per channel and frame)."},
};
const PortSpec kPorts[] = {
    {"in", "Signal to divide.", Gather::Sum},
    {"divisor", "Divisor signal (1 or the input's channels); open: the divisor parameters.",
     Gather::Sum, true},
};
const char *const kBandNames[] = {"lower",      "upper",      "intensity",
                                  "phase",      "in_band",    "out_of_band",
                                  "mean_abs_d", "in_band_db", "out_of_band_db"};
const char *const kSpectrumNames[] = {"re", "im"};
const TapSpec kTaps[] = {
    {"bands",
     "Per analysis frame and channel: band edges (normalised), intensity, phase (rad), energy "
     "of the quotient inside and outside the band, mean |D|, and both energies in dBFS.",
     "", kBandValues, kBandNames},
    {"spectrum",
     "Per analysis frame: the processed spectrum Y, W bins per channel (spectrum_tap: true).", "",
     2, kSpectrumNames, true},
};

bool check(const NodeConfig &config, std::string &error) {
    const Geometry g = Geometry::of(config);
    if (config.value(kHop) > config.value(kWindowSize)) {
        error = "parameter \"hop\" expects an integer in [0, " + std::to_string(g.window) +
                "] (at most window_size), got " + std::to_string(g.hop);
        return false;
    }
    if (g.algorithm == 1 && g.window > kMaxDftWindow) {
        error = "parameter \"algorithm\" \"dft\" (O(W^2) per frame) expects window_size <= " +
                std::to_string(kMaxDftWindow) + ", got " + std::to_string(g.window);
        return false;
    }
    std::vector<double> w(g.window);
    dsp::fill_window(g.kind, 0.0, false, w.data(), w.size());
    try {
        dsp::StftSetup setup(w.data(), g.window, g.hop);
    } catch (const std::invalid_argument &) {
        error = std::string("parameter \"hop\" ") + std::to_string(g.hop) + " with window \"" +
                config.text(kWindow) + "\" of " + std::to_string(g.window) +
                " frames leaves the overlap-added squared window at 0 somewhere (nothing to "
                "resynthesise from); choose a smaller hop";
        return false;
    }
    return true;
}

double heat_work_of(const NodeConfig &config) {
    const Geometry g = Geometry::of(config);
    return static_cast<double>(g.window) * std::log2(static_cast<double>(g.window)) /
           (4.0 * static_cast<double>(g.hop));
}

double level_db(double energy, double reference) {
    const double ratio = energy / reference;
    return ratio > 1e-30 ? 10.0 * std::log10(ratio) : -300.0;
}

} // namespace

Geometry Geometry::of(const NodeConfig &config) {
    Geometry g;
    g.window = static_cast<uint32_t>(config.value(kWindowSize));
    const uint32_t hop = static_cast<uint32_t>(config.value(kHop));
    g.hop = hop != 0 ? hop : std::max(1u, g.window / 4);
    g.kind = kWindowKinds[config.choice(kWindow)];
    g.algorithm = config.choice(kAlgorithm);
    g.spectrum_tap = config.value(kSpectrumTap) != 0.0;
    return g;
}

void FrameStream::allocate(size_t lanes, const Geometry &g) {
    ring.assign(lanes * g.window, 0.0);
    acc.assign(lanes * g.window, 0.0);
    ready.assign(lanes * g.hop, 0.0);
}

void FrameStream::clear(uint32_t start_fill) {
    std::fill(ring.begin(), ring.end(), 0.0);
    std::fill(acc.begin(), acc.end(), 0.0);
    std::fill(ready.begin(), ready.end(), 0.0);
    fill = start_fill;
}

} // namespace fft_divider

using namespace fft_divider;

FftDividerNode::FftDividerNode(const NodeConfig &config) : geometry_(Geometry::of(config)) {
    std::vector<double> w(geometry_.window);
    dsp::fill_window(geometry_.kind, 0.0, false, w.data(), w.size());
    setup_ = std::make_unique<dsp::StftSetup>(w.data(), geometry_.window, geometry_.hop);
    if (geometry_.algorithm == 1) dft_ = std::make_unique<dsp::DirectRealDft>(geometry_.window);
    out_window_.resize(geometry_.window);
    for (uint32_t j = 0; j < geometry_.window; ++j)
        out_window_[j] = w[j] / setup_->overlap_square()[j % geometry_.hop];
    const dsp::BandSettings band = dsp::clamp_band(
        config.value(kLowerBand), config.value(kUpperBand), config.value(kIntensity),
        config.value(kPhaseOffset), config.value(kStabilizer));
    configured_[0] = band.phase;
    configured_[1] = band.lower;
    configured_[2] = band.upper;
    configured_[3] = band.intensity;
    std::copy(std::begin(configured_), std::end(configured_), latest_);
}

uint32_t FftDividerNode::output_channels(const uint32_t *input_channels, uint32_t input_count,
                                         std::string &error) const {
    const uint32_t c = input_count > kIn ? input_channels[kIn] : 0;
    const uint32_t d = input_count > kDivisorPort ? input_channels[kDivisorPort] : 0;
    if (c == 0) {
        error = "input \"in\" has no channels";
        return 0;
    }
    if (d != 0 && d != 1 && d != c) {
        error = "input \"divisor\" has " + std::to_string(d) + " channels; expected 1 or " +
                std::to_string(c) + " (the channels of \"in\")";
        return 0;
    }
    return c;
}

void FftDividerNode::prepare(const PrepareContext &ctx) {
    batches_ = ctx.batches;
    channels_ = ctx.output_channels;
    divisor_channels_ = ctx.input_count > kDivisorPort ? ctx.input_channels[kDivisorPort] : 0;
    const size_t lanes = static_cast<size_t>(batches_) * channels_;
    const size_t divisor_lanes = static_cast<size_t>(batches_) * divisor_channels_;
    const uint32_t W = geometry_.window, bins = geometry_.bins();
    forward_.allocate(lanes, geometry_);
    backward_.allocate(lanes, geometry_);
    divisor_backward_.allocate(divisor_lanes, geometry_);
    upstream_.assign(2 * static_cast<size_t>(bins), 0.0);
    divisor_grads_.assign(divisor_lanes * 2 * bins, 0.0);
    divisor_ring_.assign(divisor_lanes * W, 0.0);
    divisor_spectra_.assign(divisor_lanes * 2 * bins, 0.0);
    frame_.assign(W, 0.0);
    spectrum_.assign(2 * static_cast<size_t>(bins), 0.0);
    scratch_.assign(setup_->plan().scratch_doubles(), 0.0);
    reset();
}

size_t FftDividerNode::prepared_bytes(const PrepareContext &ctx) const {
    const size_t lanes = static_cast<size_t>(ctx.batches) * ctx.output_channels;
    const size_t divisor_lanes =
        static_cast<size_t>(ctx.batches) *
        (ctx.input_count > kDivisorPort ? ctx.input_channels[kDivisorPort] : 0);
    const size_t W = geometry_.window, H = geometry_.hop;
    return sizeof(double) *
           (2 * lanes * (2 * W + H) + divisor_lanes * (3 * W + 2 * (2 * W + H) + 4 * (W / 2 + 1)) +
            6 * W + setup_->plan().scratch_doubles());
}

void FftDividerNode::reset() noexcept {
    const uint32_t start = geometry_.window - geometry_.hop; // the W - H leading zeros
    forward_.clear(start);
    std::fill(divisor_ring_.begin(), divisor_ring_.end(), 0.0);
    position_ = 0;
    std::copy(std::begin(configured_), std::end(configured_), latest_);
    backward_.clear(start);
    divisor_backward_.clear(start);
    walking_ = false;
    graph_walk_ = false;
    walk_position_ = 0;
}

TapLayout FftDividerNode::tap_layout(uint32_t tap, uint32_t output_channels) const {
    TapLayout layout;
    layout.period = geometry_.hop;
    layout.phase = geometry_.hop - 1; // frame m's last sample, t_m = m H + H - 1
    layout.groups = tap == kBandsTap         ? output_channels
                    : geometry_.spectrum_tap ? output_channels * geometry_.window
                                             : 0;
    return layout;
}

FftDividerNode::FrameParams FftDividerNode::frame_params(const TensorView *params, uint32_t b,
                                                         uint32_t c, uint32_t f) const {
    auto at = [&](uint32_t p) { return params[p].at(b, c, f); };
    return {dsp::clamp_band(at(kLowerBand), at(kUpperBand), at(kIntensity), at(kPhaseOffset),
                            at(kStabilizer)),
            at(kDivisor), at(kDivisorImag)};
}

void FftDividerNode::transform(const double *in, double *bins) const {
    if (dft_)
        dft_->forward(in, bins);
    else
        setup_->plan().forward(in, bins, const_cast<double *>(scratch_.data()));
}

void FftDividerNode::inverse(const double *bins, double *out) const {
    if (dft_)
        dft_->inverse(bins, out);
    else
        setup_->plan().inverse(bins, out, const_cast<double *>(scratch_.data()));
}

void FftDividerNode::publish_telemetry(double *telemetry) const {
    if (telemetry == nullptr) return;
    std::copy(std::begin(latest_), std::end(latest_), telemetry);
    telemetry[4] = geometry_.window;
    telemetry[5] = geometry_.algorithm;
}

// One analysis frame over every lane, its last sample at index f of the block; `record` is
// its index among the block's tap records.
void FftDividerNode::run_frame(const ProcessContext &ctx, uint32_t f, uint32_t record) {
    const uint32_t W = geometry_.window, H = geometry_.hop, bins = geometry_.bins();
    const double *w = setup_->window();
    for (uint32_t dl = 0; dl < batches_ * divisor_channels_; ++dl) {
        const double *d = divisor_ring_.data() + static_cast<size_t>(dl) * W;
        for (uint32_t j = 0; j < W; ++j) frame_[j] = d[j] * w[j];
        transform(frame_.data(), divisor_spectra_.data() + static_cast<size_t>(dl) * 2 * bins);
    }
    const size_t lanes = static_cast<size_t>(batches_) * channels_;
    double *side = ctx.record_side == nullptr
                       ? nullptr
                       : ctx.record_side + (ctx.frame_index + f - ctx.record_side_start) / H *
                                               side_frame_doubles();
    if (side != nullptr)
        std::copy(divisor_spectra_.begin(), divisor_spectra_.end(), side + lanes * 2 * bins);
    double energy_reference = 0.0; // 0.5 sum(w^2): a full-scale sine's windowed energy
    for (uint32_t j = 0; j < W; ++j) energy_reference += w[j] * w[j];
    energy_reference *= 0.5;
    for (uint32_t b = 0; b < batches_; ++b)
        for (uint32_t c = 0; c < channels_; ++c) {
            const size_t lane = static_cast<size_t>(b) * channels_ + c;
            const FrameParams p = frame_params(ctx.params, b, c, f);
            const double *x = forward_.ring.data() + lane * W;
            for (uint32_t j = 0; j < W; ++j) frame_[j] = x[j] * w[j];
            transform(frame_.data(), spectrum_.data());
            if (side != nullptr)
                std::copy(spectrum_.begin(), spectrum_.end(), side + lane * 2 * bins);
            const double *d =
                divisor_channels_ == 0
                    ? nullptr
                    : divisor_spectra_.data() +
                          (static_cast<size_t>(b) * divisor_channels_ + c % divisor_channels_) * 2 *
                              bins;
            const dsp::FrameMeasures m =
                dsp::divide_frame(spectrum_.data(), d, p.d_re, p.d_im, W, p.band, spectrum_.data());
            if (ctx.taps != nullptr && ctx.taps[kBandsTap] != nullptr) {
                const double values[kBandValues] = {p.band.lower,
                                                    p.band.upper,
                                                    p.band.intensity,
                                                    p.band.phase,
                                                    m.in_band,
                                                    m.out_of_band,
                                                    m.mean_abs_d,
                                                    level_db(m.in_band, energy_reference),
                                                    level_db(m.out_of_band, energy_reference)};
                const size_t row = (static_cast<size_t>(b) * channels_ + c) * kBandValues;
                for (uint32_t k = 0; k < kBandValues; ++k)
                    ctx.taps[kBandsTap][(row + k) * ctx.tap_strides[kBandsTap] + record] =
                        values[k];
            }
            if (ctx.taps != nullptr && ctx.taps[kSpectrumTapIndex] != nullptr) {
                double *tap = ctx.taps[kSpectrumTapIndex];
                const size_t stride = ctx.tap_strides[kSpectrumTapIndex];
                const size_t row = (static_cast<size_t>(b) * channels_ + c) * W * 2;
                for (uint32_t k = 0; k < W; ++k) {
                    const uint32_t mirror = k < bins ? k : W - k;
                    const bool real = mirror == 0 || 2 * mirror == W;
                    const double im = real ? 0.0 : spectrum_[2 * mirror + 1];
                    tap[(row + 2 * k) * stride + record] = spectrum_[2 * mirror];
                    tap[(row + 2 * k + 1) * stride + record] = k < bins ? im : -im;
                }
            }
            inverse(spectrum_.data(), frame_.data());
            double *acc = forward_.acc.data() + lane * W;
            for (uint32_t j = 0; j < W; ++j) acc[j] += frame_[j] * out_window_[j];
            std::copy(acc, acc + H, forward_.ready.data() + lane * H);
            std::memmove(acc, acc + H, (W - H) * sizeof(double));
            std::fill(acc + (W - H), acc + W, 0.0);
            if (lane == 0) {
                latest_[0] = p.band.phase;
                latest_[1] = p.band.lower;
                latest_[2] = p.band.upper;
                latest_[3] = p.band.intensity;
            }
        }
}

void FftDividerNode::process(const ProcessContext &ctx) noexcept {
    const uint32_t W = geometry_.window, H = geometry_.hop, P = W - H;
    const TensorView &divisor = ctx.inputs[kDivisorPort];
    uint32_t record = 0;
    for (uint32_t f = 0; f < ctx.frames;) {
        const uint32_t fill = forward_.fill;
        const uint32_t take = std::min(ctx.frames - f, W - fill);
        const bool complete = fill + take == W;
        for (uint32_t b = 0; b < batches_; ++b) {
            for (uint32_t c = 0; c < channels_; ++c) {
                const size_t lane = static_cast<size_t>(b) * channels_ + c;
                const double *x = ctx.inputs[kIn].row(b, c) + f;
                std::copy(x, x + take, forward_.ring.data() + lane * W + fill);
                // Outputs of the samples before the frame's last: the previous frame's.
                const double *ready = forward_.ready.data() + lane * H + (fill - P + 1);
                std::copy(ready, ready + (complete ? take - 1 : take), ctx.out_row(b, c) + f);
            }
            for (uint32_t c = 0; c < divisor_channels_; ++c) {
                const double *d = divisor.row(b, c) + f;
                std::copy(d, d + take,
                          divisor_ring_.data() +
                              (static_cast<size_t>(b) * divisor_channels_ + c) * W + fill);
            }
        }
        forward_.fill = fill + take;
        if (complete) {
            run_frame(ctx, f + take - 1, record++);
            for (uint32_t b = 0; b < batches_; ++b)
                for (uint32_t c = 0; c < channels_; ++c) {
                    const size_t lane = static_cast<size_t>(b) * channels_ + c;
                    ctx.out_row(b, c)[f + take - 1] = forward_.ready[lane * H];
                    double *ring = forward_.ring.data() + lane * W;
                    std::memmove(ring, ring + H, P * sizeof(double));
                }
            for (size_t dl = 0; dl < static_cast<size_t>(batches_) * divisor_channels_; ++dl) {
                double *ring = divisor_ring_.data() + dl * W;
                std::memmove(ring, ring + H, P * sizeof(double));
            }
            forward_.fill = P;
        }
        f += take;
    }
    position_ += ctx.frames;
    // A single-node backward walk restarts from the new end of the stream; a graph pass's walk
    // goes on across its re-rendered checkpoint segments (it starts at reset_backward()).
    if (!graph_walk_) walking_ = false;
    publish_telemetry(ctx.telemetry);
}

size_t FftDividerNode::state_bytes() const {
    return sizeof(double) * (forward_.ring.size() + forward_.acc.size() + forward_.ready.size() +
                             divisor_ring_.size() + 4) +
           sizeof(uint32_t) + sizeof(uint64_t);
}

void FftDividerNode::save_state(unsigned char *to) const noexcept {
    to = save_values(to, forward_.ring.data(), forward_.ring.size());
    to = save_values(to, forward_.acc.data(), forward_.acc.size());
    to = save_values(to, forward_.ready.data(), forward_.ready.size());
    to = save_values(to, divisor_ring_.data(), divisor_ring_.size());
    to = save_values(to, latest_, 4);
    to = save_values(to, &forward_.fill, 1);
    save_values(to, &position_, 1);
}

void FftDividerNode::load_state(const unsigned char *from) noexcept {
    from = load_values(from, forward_.ring.data(), forward_.ring.size());
    from = load_values(from, forward_.acc.data(), forward_.acc.size());
    from = load_values(from, forward_.ready.data(), forward_.ready.size());
    from = load_values(from, divisor_ring_.data(), divisor_ring_.size());
    from = load_values(from, latest_, 4);
    from = load_values(from, &forward_.fill, 1);
    load_values(from, &position_, 1);
    if (!graph_walk_) walking_ = false;
}

size_t FftDividerNode::side_frame_doubles() const {
    return static_cast<size_t>(batches_) * (channels_ + divisor_channels_) * 2 * geometry_.bins();
}

size_t FftDividerNode::record_side_doubles(uint64_t frames) const {
    // Analysis frames are H apart: a stretch of n frames holds at most (n - 1) / H + 1.
    const uint64_t slots = frames == 0 ? 0 : (frames - 1) / geometry_.hop + 1;
    return static_cast<size_t>(slots) * side_frame_doubles();
}

bool FftDividerNode::has_param_gradient(uint32_t param) const {
    return param <= kStabilizer; // every signal parameter (band edges: 0 almost everywhere)
}

namespace {

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<FftDividerNode>(config);
}

NodeSpec make_spec() {
    NodeSpec spec{};
    spec.type_name = "fft_divider";
    spec.summary = "Divides the short-time spectrum by a divisor's, gates a band, rotates phase "
                   "(docs/fft-divider.md).";
    spec.inputs = kPorts;
    spec.input_count = 2;
    spec.params = kParams;
    spec.param_count = kParamCount;
    spec.heat_work = 9.0; // W log2(W) / (4 H) at W = 512, H = 128
    spec.has_backward = true;
    spec.backward_doc =
        "Exact adjoint in x (linear: the transposed frames with the conjugate multipliers, "
        "overlap-added in reverse), in the divisor signal (per bin d(X c / D)/dD = -X c / D^2, "
        "or X c conj(.) / eps where |D|^2 < eps) and in every signal parameter, read once per "
        "analysis frame, so its gradient lands on the frame's last sample (band edges: 0 almost "
        "everywhere). Graph passes record each analysis frame's spectra; a single-node call "
        "(no recording) gives the input gradient for a fixed divisor and returns -4 with a "
        "divisor signal.";
    spec.create = create;
    spec.check = check;
    spec.heat_doc = "W depends on the parameters: window_size log2(window_size) / (4 hop), an "
                    "FFT pair per hop (9 at window_size 512, hop 128)";
    spec.taps = kTaps;
    spec.tap_count = 2;
    spec.heat_work_of = heat_work_of;
    spec.delay_is_latency = true;
    return spec;
}

} // namespace

extern const NodeSpec kFftDividerSpec = make_spec();

} // namespace amp
