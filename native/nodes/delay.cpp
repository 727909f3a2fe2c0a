// delay: y[f] = x[f - d] for an integer d >= 0 frames (zeros before the first input).
//
// Ports: in (sum). Parameters: frames (integer 0..2^24, the delay d).
// The node keeps one ring of d + max_block frames per (batch, channel), allocated in prepare.
// process() writes the block into the ring, then reads d frames behind the write position.
// The delay is the node's function, not a latency: its latency is 0, so latency compensation
// leaves it alone. A delay of d >= 1 frame makes a feedback loop legal (the scheduler splits
// the node into emit and absorb steps).
// Heat: the shared model on its input, W = 0.5.
// Backward: dx[t] = g[t + d], 0 past the end of the signal. Backward calls on one state walk
// the signal from its end to its start (each window lies just before the previous one, the order
// of back-propagation through time); the state carries the pending gradient, the d frames of g
// after the current window, like the forward ring carries the last samples. A fresh state starts
// at the end of the signal, so a single call over the whole signal is the whole adjoint, and any
// split of it (1-frame windows included) gives the same bits.
#include <algorithm>
#include <vector>

#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kFrames };

const ParamSpec kParams[] = {
    {"frames", ParamKind::Integer, 1.0, 0.0, 16777216.0, "frames", "Delay d in frames."},
};
const PortSpec kPorts[] = {{"in", "Signal to delay.", Gather::Sum}};

class DelayNode final : public Node {
  public:
    explicit DelayNode(const NodeConfig &config)
        : delay_(static_cast<size_t>(config.value(kFrames))) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }

    void prepare(const PrepareContext &ctx) override {
        lanes_ = static_cast<size_t>(ctx.batches) * ctx.output_channels;
        capacity_ = delay_ + ctx.max_frames;
        ring_.assign(lanes_ * capacity_, 0.0);
        pending_.assign(lanes_ * delay_, 0.0);
        reset();
    }

    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * ctx.output_channels *
               (2 * delay_ + ctx.max_frames) * sizeof(double);
    }

    void reset() noexcept override {
        std::fill(ring_.begin(), ring_.end(), 0.0);
        write_ = delay_ % capacity_; // d zeros are already "written"
        read_ = 0;
        std::fill(pending_.begin(), pending_.end(), 0.0);
        pending_head_ = 0;
    }

    void process(const ProcessContext &ctx) noexcept override {
        absorb(ctx);
        emit(ctx);
    }

    // Writes the block's input into the ring.
    void absorb(const ProcessContext &ctx) noexcept override {
        const size_t n = ctx.frames;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c)
                copy_in(lane(b, c, ctx.output_channels), write_, ctx.inputs[0].row(b, c), n);
        write_ = (write_ + n) % capacity_;
    }

    // Reads the block's output d frames behind the input; valid before absorb() when n <= d.
    void emit(const ProcessContext &ctx) noexcept override {
        const size_t n = ctx.frames;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c)
                copy_out(lane(b, c, ctx.output_channels), read_, ctx.out_row(b, c), n);
        read_ = (read_ + n) % capacity_;
    }

    uint32_t loop_delay_frames() const override { return static_cast<uint32_t>(delay_); }

    size_t state_bytes() const override {
        return ring_.size() * sizeof(double) + 2 * sizeof(size_t);
    }
    void save_state(unsigned char *to) const noexcept override {
        to = save_values(to, ring_.data(), ring_.size());
        save_values(save_values(to, &write_, 1), &read_, 1);
    }
    void load_state(const unsigned char *from) noexcept override {
        from = load_values(from, ring_.data(), ring_.size());
        load_values(load_values(from, &write_, 1), &read_, 1);
    }

    // The pending gradient is a ring per lane: logical item k (at physical
    // (pending_head_ + k) % d) is g at k frames after the start of the previous window.
    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (!fits(ctx)) return AMP_ERR_SHAPE_MISMATCH;
        const size_t n = ctx.frames, d = delay_;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const size_t lane = static_cast<size_t>(b) * ctx.input_channels + c;
                const double *g = ctx.gradient.row(b, c);
                double *dx = ctx.out + lane * n;
                const double *pending = pending_.data() + lane * d;
                for (size_t f = 0; f < n; ++f)
                    dx[f] = f + d < n ? g[f + d] : pending[(pending_head_ + f + d - n) % d];
            }
        take_gradient(ctx);
        return AMP_OK;
    }

    // Split by a loop (n <= d): the input gradient of the window comes from the pending ring
    // alone ...
    int32_t backward_absorb(const BackwardContext &ctx) noexcept override {
        if (!fits(ctx) || ctx.frames > delay_) return AMP_ERR_SHAPE_MISMATCH;
        const size_t n = ctx.frames, d = delay_;
        for (size_t lane = 0; lane < static_cast<size_t>(ctx.batches) * ctx.input_channels;
             ++lane) {
            double *dx = ctx.out + lane * n;
            const double *pending = pending_.data() + lane * d;
            for (size_t f = 0; f < n; ++f) dx[f] = pending[(pending_head_ + f + d - n) % d];
        }
        return AMP_OK;
    }
    // ... and the window's output gradient then joins it.
    int32_t backward_emit(const BackwardContext &ctx) noexcept override {
        if (!fits(ctx) || ctx.frames > delay_) return AMP_ERR_SHAPE_MISMATCH;
        take_gradient(ctx);
        return AMP_OK;
    }

    void reset_backward() noexcept override {
        std::fill(pending_.begin(), pending_.end(), 0.0);
        pending_head_ = 0;
    }

  private:
    bool fits(const BackwardContext &ctx) const {
        return static_cast<size_t>(ctx.batches) * ctx.input_channels * delay_ <= pending_.size();
    }
    // Moves the pending head back by the window and stores the window's first min(n, d)
    // gradient frames there: the ring then holds the d frames from this window's start.
    void take_gradient(const BackwardContext &ctx) noexcept {
        const size_t n = ctx.frames, d = delay_;
        const size_t head = d == 0 ? 0 : (pending_head_ + d - n % d) % d;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const double *g = ctx.gradient.row(b, c);
                double *pending =
                    pending_.data() + (static_cast<size_t>(b) * ctx.input_channels + c) * d;
                for (size_t k = 0; k < std::min(n, d); ++k) pending[(head + k) % d] = g[k];
            }
        pending_head_ = head;
    }

    double *lane(uint32_t b, uint32_t c, uint32_t channels) {
        return ring_.data() + (static_cast<size_t>(b) * channels + c) * capacity_;
    }
    void copy_in(double *lane, size_t at, const double *src, size_t n) const {
        const size_t first = std::min(n, capacity_ - at);
        std::copy(src, src + first, lane + at);
        std::copy(src + first, src + n, lane);
    }
    void copy_out(const double *lane, size_t at, double *dst, size_t n) const {
        const size_t first = std::min(n, capacity_ - at);
        std::copy(lane + at, lane + at + first, dst);
        std::copy(lane, lane + (n - first), dst + first);
    }

    size_t delay_;
    size_t lanes_ = 0;
    size_t capacity_ = 1;
    size_t write_ = 0;
    size_t read_ = 0;
    std::vector<double> ring_;
    std::vector<double> pending_; // backward: d frames of upstream gradient per lane (a ring)
    size_t pending_head_ = 0;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<DelayNode>(config);
}

} // namespace

extern const NodeSpec kDelaySpec = {
    /*type_name=*/"delay",
    /*summary=*/"Delays its input by an integer number of frames.",
    /*inputs=*/kPorts,
    /*input_count=*/1,
    /*params=*/kParams,
    /*param_count=*/1,
    /*heat_work=*/0.5,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Exact: dx[t] = g[t + d] (0 past the end of the signal); calls on one state "
    "walk the signal from its end to its start, carrying the pending gradient, so "
    "any split of the windows gives the same bits.",
    /*create=*/create,
};

} // namespace amp
