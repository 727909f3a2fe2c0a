// sampler: plays a PCM buffer (handed over with amp_graph_runtime_set_buffer, slot 0) at a
// modulatable playback rate, with a start offset and optional loop points.
//
// Per (batch, channel) lane a read position p = i + t (integer frame i, fraction t in [0, 1))
// starts at `start`; each frame outputs the buffer channel (c mod buffer channels) at p, then
// advances p by rate x buffer_rate / sample_rate (so rate 1 plays at the recorded pitch, and
// when the two sample rates are equal, frame n of the output is exactly buffer frame
// start + n). Interpolation: "cubic" (default) is the 4-point, third-order Hermite
// (Catmull-Rom) curve through x[i-1], x[i], x[i+1], x[i+2]; "linear" is x[i] + t (x[i+1] - x[i]);
// both return x[i] exactly at t = 0.
// Without loop the lane outputs 0 once p reaches the end of the buffer. With loop = true the
// loop region is [loop_start, loop_end) (loop_end 0 = the buffer's end): a position reaching
// loop_end wraps to loop_start + the excess, and once p is inside the region the interpolation
// neighbours wrap inside it too, so the loop is seamless (the output is periodic with the loop
// length at rate 1). Positions before loop_start (start < loop_start) play the buffer as is.
// Frames outside the buffer read 0. Before any buffer is set the node outputs silence.
//
// Ports: none (a source). Parameters: channels (integer 1..64), rate (signal, >= 0, default 1),
// start (integer frames), loop (boolean), loop_start, loop_end (integer frames; loop only),
// interpolation (enum cubic | linear). start < buffer frames and loop_start < loop_end <=
// buffer frames are checked when the buffer is set (refused before anything is allocated).
// Heat: the shared model on its output, W = 4.
// State: i and t per lane (snapshot / restore copies them); the buffer is configuration, not
// state (like a set_param override). A new buffer restarts every lane at `start`.
// Backward (graph backward pass): the output is linear in the buffer, so the gradient with
// respect to it (request "@buffer") is exact: each output frame's gradient g goes to the buffer
// frames its interpolation read, weighted as read() weighted them (cubic: the Catmull-Rom
// weights of t; linear: 1 - t and t; t = 0: the frame itself), through the same wrapping rules.
// The read position (i, t) of every frame is recorded (two rows per lane).
// `rate`: frame n reads at p[n] = start + sum_{k < n} rate[k] scale (scale = buffer rate /
// sample rate), so d rate[k] = scale sum_{n > k} g[n] read'(p[n]) for the frames k whose step
// advanced the position (rate > 0, not finished), with read' the interpolation's slope in t
// (linear: x[i+1] - x[i]; cubic: the Catmull-Rom curve's derivative, 0.5 (A + 2 B t + 3 C t^2)
// in read()'s coefficients; at t = 0 the right-hand slope). A loop wrap subtracts a constant,
// so the sum runs across wraps; exact between the frames where the position crosses a buffer
// frame into or out of the loop's wrapping neighbourhood and the hold (rate 0) boundary.
#include <algorithm>
#include <cmath>
#include <vector>

#include "nodes/lane_state_node.h"
#include "nodes/node.h"

namespace amp {
namespace {

enum : uint32_t { kChannels, kRate, kStart, kLoop, kLoopStart, kLoopEnd, kInterpolation };

const char *const kInterpolations[] = {"cubic", "linear"};
constexpr double kMaxFrame = 4294967295.0; // 2^32 - 1

ParamSpec interpolation_param() {
    ParamSpec param{"interpolation",
                    ParamKind::Enum,
                    0.0,
                    0.0,
                    0.0,
                    "",
                    "Between buffer frames: cubic (4-point Hermite / Catmull-Rom) or linear; "
                    "both exact at integer positions."};
    param.choices = kInterpolations;
    param.choice_count = 2;
    return param;
}

const ParamSpec kParams[] = {
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "",
     "Output channels; channel c plays buffer channel c mod the buffer's channels."},
    {"rate", ParamKind::Signal, 1.0, 0.0, 64.0, "",
     "Playback rate: 1 plays at the recorded pitch, 2 an octave up, 0 holds."},
    {"start", ParamKind::Integer, 0.0, 0.0, kMaxFrame, "frames",
     "Buffer frame of the first output frame; must lie inside the buffer."},
    {"loop", ParamKind::Boolean, 0.0, 0.0, 1.0, "",
     "Loop the region [loop_start, loop_end) instead of stopping at the end."},
    {"loop_start", ParamKind::Integer, 0.0, 0.0, kMaxFrame, "frames",
     "First frame of the loop region (loop only)."},
    {"loop_end", ParamKind::Integer, 0.0, 0.0, kMaxFrame, "frames",
     "Frame after the loop region; 0 = the buffer's end (loop only)."},
    interpolation_param(),
};

bool check(const NodeConfig &config, std::string &error) {
    const bool loop = config.value(kLoop) != 0.0;
    for (uint32_t p : {kLoopStart, kLoopEnd})
        if (config.value(p) != 0.0 && !loop) { // 0, the default, changes nothing
            error = std::string("parameter \"") + kParams[p].name +
                    "\" applies with loop = true only; set loop or drop it";
            return false;
        }
    const double ls = config.value(kLoopStart), le = config.value(kLoopEnd);
    if (le > 0.0 && !(ls < le)) {
        error = "parameter \"loop_start\" (" + std::to_string(static_cast<uint64_t>(ls)) +
                ") must be below \"loop_end\" (" + std::to_string(static_cast<uint64_t>(le)) + ")";
        return false;
    }
    return true;
}

// One lane's read position (LaneStateNode), saved byte for byte by snapshots.
struct Position {
    int64_t frame = 0;     // i
    double fraction = 0.0; // t in [0, 1)
};

class SamplerNode final : public LaneStateNode<Position> {
  public:
    explicit SamplerNode(const NodeConfig &config)
        : channels_(static_cast<uint32_t>(config.value(kChannels))),
          start_(static_cast<int64_t>(config.value(kStart))), loop_(config.value(kLoop) != 0.0),
          loop_start_(static_cast<int64_t>(config.value(kLoopStart))),
          loop_end_param_(static_cast<int64_t>(config.value(kLoopEnd))),
          cubic_(config.choice(kInterpolation) == 0) {}

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const PrepareContext &ctx) override {
        lanes_.assign(static_cast<size_t>(ctx.batches) * channels_, Position{});
        adjoint_.assign(lanes_.size(), 0.0);
        reset();
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * channels_ * (sizeof(Position) + sizeof(double));
    }
    void reset() noexcept override {
        for (Position &p : lanes_) p = Position{start_, 0.0};
    }

    bool set_buffer(uint32_t slot, const double *data, uint32_t channels, uint64_t frames,
                    double sample_rate, std::string &error) override {
        if (slot != 0) {
            error =
                "buffer slot " + std::to_string(slot) + " does not exist (the sampler has slot 0)";
            return false;
        }
        const int64_t n = static_cast<int64_t>(frames);
        const int64_t end = loop_end_param_ > 0 ? loop_end_param_ : n;
        if (start_ >= n) {
            error = "start " + std::to_string(start_) + " lies outside the buffer's " +
                    std::to_string(frames) + " frames";
            return false;
        }
        if (loop_ && (end > n || loop_start_ >= end)) {
            error = "the loop [" + std::to_string(loop_start_) + ", " + std::to_string(end) +
                    ") must lie inside the buffer's " + std::to_string(frames) +
                    " frames and be non-empty";
            return false;
        }
        samples_.assign(data, data + static_cast<size_t>(channels) * frames);
        buffer_channels_ = channels;
        frames_ = n;
        loop_end_ = end;
        buffer_rate_ = sample_rate;
        reset();
        return true;
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &rate = ctx.params[kRate];
        const size_t rs = rate.frame_stride();
        const double scale = buffer_rate_ / ctx.sample_rate;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                double *y = ctx.out_row(b, c);
                if (frames_ == 0) {
                    std::fill(y, y + ctx.frames, 0.0);
                    continue;
                }
                Position p = lanes_[static_cast<size_t>(b) * channels_ + c];
                const double *x = samples_.data() + static_cast<size_t>(c % buffer_channels_) *
                                                        static_cast<size_t>(frames_);
                const double *r = rate.row(b, c);
                double *where = nullptr;
                if (ctx.record != nullptr)
                    where = ctx.record + static_cast<size_t>(2) *
                                             (static_cast<size_t>(b) * channels_ + c) *
                                             ctx.record_lane_stride;
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    if (where != nullptr) {
                        where[f] = static_cast<double>(p.frame);
                        where[ctx.record_lane_stride + f] = p.fraction;
                    }
                    y[f] = read(x, p);
                    advance(p, r[f * rs] * scale);
                }
                lanes_[static_cast<size_t>(b) * channels_ + c] = p;
            }
    }

    uint32_t record_rows() const override { return static_cast<uint32_t>(2 * lanes_.size()); }
    uint64_t buffer_values() const override {
        return static_cast<uint64_t>(buffer_channels_) * static_cast<uint64_t>(frames_);
    }

    bool has_param_gradient(uint32_t param) const override { return param == kRate; }
    void reset_backward() noexcept override { std::fill(adjoint_.begin(), adjoint_.end(), 0.0); }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) return AMP_ERR_UNSUPPORTED; // needs the recorded positions
        if (frames_ > 0 && ctx.param_gradient(kRate) != nullptr) rate_adjoint(ctx);
        double *grad = ctx.buffer_gradient;
        if (grad == nullptr || frames_ == 0) return AMP_OK;
        const size_t per_batch = static_cast<size_t>(buffer_channels_) * frames_;
        for (uint32_t f = ctx.frames; f-- > 0;)
            for (uint32_t b = 0; b < ctx.batches; ++b)
                for (uint32_t c = 0; c < channels_; ++c) {
                    const size_t lane = static_cast<size_t>(b) * channels_ + c;
                    const double *where = ctx.record + 2 * lane * ctx.record_lane_stride;
                    const Position p{static_cast<int64_t>(where[f]),
                                     where[ctx.record_lane_stride + f]};
                    double *d = grad + (ctx.buffer_summed ? 0 : b * per_batch) +
                                static_cast<size_t>(c % buffer_channels_) * frames_;
                    read_adjoint(d, p, ctx.gradient.at(b, c, f));
                }
        return AMP_OK;
    }

  private:
    // d rate over one window, per lane: frames from the last, adjoint_ carrying
    // S = sum over later frames of g read'(p).
    void rate_adjoint(const BackwardContext &ctx) noexcept {
        const TensorView &rate = ctx.params[kRate];
        const size_t rs = rate.frame_stride(), stride = ctx.record_lane_stride;
        const double scale = buffer_rate_ / ctx.sample_rate;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                const size_t lane = static_cast<size_t>(b) * channels_ + c;
                const double *where = ctx.record + 2 * lane * stride;
                const double *x = samples_.data() + static_cast<size_t>(c % buffer_channels_) *
                                                        static_cast<size_t>(frames_);
                const double *r = rate.row(b, c);
                double *dr = ctx.param_gradient_row(kRate, b, c);
                double later = adjoint_[lane];
                for (uint32_t f = ctx.frames; f-- > 0;) {
                    const Position p{static_cast<int64_t>(where[f]), where[stride + f]};
                    const double step = r[f * rs] * scale;
                    // advance() moved the position by `step` (rate 0 holds; a finished lane
                    // stays; a step above the cap is the cap).
                    if (step > 0.0 && step < 1e9 && p.frame < frames_) dr[f] += scale * later;
                    later += ctx.gradient.at(b, c, f) * slope(x, p);
                }
                adjoint_[lane] = later;
            }
    }

    // d read() / d t at p (the right-hand slope at t = 0).
    double slope(const double *x, const Position &p) const {
        const int64_t i = p.frame;
        if (i >= frames_) return 0.0;
        const double t = p.fraction;
        const double x0 = x[i], x1 = at(x, i, i + 1);
        if (!cubic_) return x1 - x0;
        const double xm = at(x, i, i - 1), x2 = at(x, i, i + 2);
        const double a = x1 - xm, b = 2.0 * xm - 5.0 * x0 + 4.0 * x1 - x2,
                     c = 3.0 * (x0 - x1) + x2 - xm;
        return 0.5 * (a + t * (2.0 * b + 3.0 * t * c));
    }

    bool in_loop(int64_t i) const { return loop_ && i >= loop_start_; }

    // The adjoint of read(): adds g times each weight read() gave a buffer frame to d.
    void read_adjoint(double *d, const Position &p, double g) const {
        const int64_t i = p.frame;
        if (i >= frames_) return;
        const double t = p.fraction;
        if (t == 0.0) {
            d[i] += g;
            return;
        }
        auto add = [&](int64_t j, double weight) {
            const int64_t k = index_at(i, j);
            if (k >= 0) d[k] += g * weight;
        };
        if (!cubic_) {
            d[i] += g * (1.0 - t);
            add(i + 1, t);
            return;
        }
        // read()'s polynomial, gathered per frame (the weights sum to 1).
        add(i - 1, 0.5 * t * (-1.0 + t * (2.0 - t)));
        d[i] += g * (1.0 + 0.5 * t * t * (-5.0 + 3.0 * t));
        add(i + 1, 0.5 * t * (1.0 + t * (4.0 - 3.0 * t)));
        add(i + 2, 0.5 * t * t * (t - 1.0));
    }

    // Buffer frame j as read from position i (see the header for the wrapping rule), or -1
    // when it lies outside the buffer (read as 0).
    int64_t index_at(int64_t i, int64_t j) const {
        if (in_loop(i)) {
            const int64_t length = loop_end_ - loop_start_;
            if (j >= loop_end_) j = loop_start_ + (j - loop_start_) % length;
            if (j < loop_start_) j = loop_end_ - 1 - (loop_start_ - 1 - j) % length;
        } else if (loop_ && j >= loop_end_) {
            j = loop_start_ + (j - loop_start_) % (loop_end_ - loop_start_);
        }
        return j >= 0 && j < frames_ ? j : -1;
    }

    // Buffer frame j as read from position i (see the header for the wrapping rule).
    double at(const double *x, int64_t i, int64_t j) const {
        const int64_t k = index_at(i, j);
        return k >= 0 ? x[k] : 0.0;
    }

    double read(const double *x, const Position &p) const {
        const int64_t i = p.frame;
        if (i >= frames_) return 0.0; // played to the end (no loop)
        const double t = p.fraction;
        const double x0 = x[i];
        if (t == 0.0) return x0;
        const double x1 = at(x, i, i + 1);
        if (!cubic_) return x0 + t * (x1 - x0);
        const double xm = at(x, i, i - 1), x2 = at(x, i, i + 2);
        return x0 +
               0.5 * t *
                   (x1 - xm +
                    t * (2.0 * xm - 5.0 * x0 + 4.0 * x1 - x2 + t * (3.0 * (x0 - x1) + x2 - xm)));
    }

    void advance(Position &p, double step) const {
        if (!(step > 0.0) || p.frame >= frames_) return; // hold (rate 0 or NaN) or finished
        const double moved = p.fraction + std::min(step, 1e9);
        const double whole = std::floor(moved);
        p.fraction = moved - whole;
        p.frame += static_cast<int64_t>(whole);
        if (loop_ && p.frame >= loop_end_)
            p.frame = loop_start_ + (p.frame - loop_start_) % (loop_end_ - loop_start_);
        else if (p.frame >= frames_)
            p = Position{frames_, 0.0};
    }

    uint32_t channels_;
    int64_t start_;
    bool loop_;
    int64_t loop_start_, loop_end_param_;
    bool cubic_;
    std::vector<double> samples_; // planar buffer channels x frames
    uint32_t buffer_channels_ = 1;
    int64_t frames_ = 0, loop_end_ = 0;
    double buffer_rate_ = 48000.0;
    std::vector<double> adjoint_; // backward, per lane: S after the window (rate)
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<SamplerNode>(config);
}

} // namespace

extern const NodeSpec kSamplerSpec = {
    /*type_name=*/"sampler",
    /*summary=*/
    "Plays a PCM buffer set with setBuffer (e.g. a WAV file) at a modulatable rate, with a "
    "start offset and seamless loop points.",
    /*inputs=*/nullptr,
    /*input_count=*/0,
    /*params=*/kParams,
    /*param_count=*/7,
    /*heat_work=*/4.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: exact with respect to the buffer (request \"@buffer\"), the "
    "interpolation's weights at the recorded read positions; rate through the read position "
    "(the interpolation's slope times the accumulated rate), exact between frame crossings.",
    /*create=*/create,
    /*check=*/check,
};

} // namespace amp
