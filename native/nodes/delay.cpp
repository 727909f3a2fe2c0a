// delay: y[f] = x[f - d] for an integer d >= 0 frames (zeros before the first input).
//
// Ports: in (sum). Parameters: frames (integer 0..2^24, the delay d).
// The node keeps one ring of d + max_block frames per (batch, channel), allocated in prepare.
// process() writes the block into the ring, then reads d frames behind the write position.
// The delay is the node's function, not a latency: its latency is 0, so latency compensation
// leaves it alone. A delay of d >= 1 frame makes a feedback loop legal (the scheduler splits
// the node into emit and absorb steps).
// Heat: the shared model on its input, W = 0.5.
// Backward (the call's window is the whole signal): dx[f] = g[f + d], 0 past the window.
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
        reset();
    }

    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * ctx.output_channels * (delay_ + ctx.max_frames) *
               sizeof(double);
    }

    void reset() noexcept override {
        std::fill(ring_.begin(), ring_.end(), 0.0);
        write_ = delay_ % capacity_; // d zeros are already "written"
        read_ = 0;
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

    int32_t backward(const BackwardContext &ctx) noexcept override {
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const double *g = ctx.gradient.row(b, c);
                double *dx =
                    ctx.out + (static_cast<size_t>(b) * ctx.input_channels + c) * ctx.frames;
                for (size_t f = 0; f < ctx.frames; ++f)
                    dx[f] = f + delay_ < ctx.frames ? g[f + delay_] : 0.0;
            }
        return AMP_OK;
    }

  private:
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
    /*backward_doc=*/"Exact: dx[f] = g[f + d] within the call's window (0 past its end).",
    /*create=*/create,
};

} // namespace amp
