// adsr: the envelope of nodes.md (named adsr: `envelope` is the TypeScript name of the envelope
// analysis), attack / hold / decay / sustain / release with linear segments, per (batch, channel).
//
// Ports (both optional, at least one connected): gate (> 0.5 = on), trigger (> 0.5 = on; a
// rising edge fires). C = the larger channel count of the connected ports (a 1-channel port
// broadcasts; otherwise both must have C).
// Outputs (named, C channels each): amplitude (the envelope), reset (1 on the frame an attack
// starts, else 0). An edge from "env" reads amplitude, from "env.reset" the pulse.
// Stages, each frame: a trigger rising edge restarts the attack from 0 in any stage; a gate
// rising edge starts an attack from 0 when idle or releasing. The attack rises linearly from 0
// to the peak over round(attack_ms * sr / 1000) frames (frame k of A is peak (k + 1) / A), hold
// keeps the peak, decay falls linearly to sustain * peak, sustain holds while the gate is high,
// release falls linearly from the level it starts at to 0; zero-length stages are skipped (a
// skipped attack still reaches the peak and a skipped decay the sustain level, so a release
// after them starts from sustain * peak).
// Attack, hold and decay run to completion (a trigger alone gives attack-hold-decay-release);
// sustain ends when the gate is low. Peak: 1, or with `velocity` the gate or trigger value that
// started the attack (latched).
// Heat: the shared model on its inputs, W = 2.
// Backward (graph backward pass): the outputs are piecewise constant in gate and trigger (the
// 0.5 thresholds), so their gradient is 0 almost everywhere, except with `velocity`: the
// amplitude is then peak x shape, shape independent of the peak, peak the gate or trigger value
// latched when the attack started, so that value's frame receives sum over the attack's reign
// (until the next attack) of g x shape (shape recorded as amplitude / peak, with the frame and
// port of each latch: two rows per lane). The reset pulse has no gradient. The times and levels
// (attack_ms ... sustain) are static parameters: no gradient.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nodes/lane_state_node.h"
#include "nodes/node.h"

namespace amp {
namespace {

enum : uint32_t { kAttack, kHold, kDecay, kSustain, kRelease, kVelocity };
enum : uint32_t { kGate, kTrigger };
enum class Stage : uint8_t { Idle, Attack, Hold, Decay, Sustain, Release };

const ParamSpec kParams[] = {
    {"attack_ms", ParamKind::Number, 10.0, 0.0, 3.6e6, "ms", "Attack time, 0 to the peak."},
    {"hold_ms", ParamKind::Number, 0.0, 0.0, 3.6e6, "ms", "Time held at the peak."},
    {"decay_ms", ParamKind::Number, 100.0, 0.0, 3.6e6, "ms", "Decay time, peak to sustain."},
    {"sustain", ParamKind::Number, 0.7, 0.0, 1.0, "", "Sustain level, a fraction of the peak."},
    {"release_ms", ParamKind::Number, 200.0, 0.0, 3.6e6, "ms", "Release time, to 0."},
    {"velocity", ParamKind::Boolean, 0.0, 0.0, 1.0, "",
     "Latch the starting gate or trigger value as the peak (else the peak is 1)."},
};
const PortSpec kPorts[] = {
    {"gate", "Gate, on above 0.5.", Gather::Sum, true},
    {"trigger", "Trigger, fires on a rising edge above 0.5.", Gather::Sum, true},
};
const OutputSpec kOutputs[] = {
    {"amplitude", "The envelope."},
    {"reset", "1 on the frame an attack starts, else 0."},
};

// One lane's state (LaneStateNode), saved byte for byte by snapshots: the padding is spelled
// out (and zero) so that the same state always saves the same bytes.
struct Lane {
    Stage stage = Stage::Idle;
    uint8_t unused_after_stage[7] = {};
    uint64_t position = 0; // frames into the stage
    double level = 0.0;
    double from = 0.0; // release: the level it started at
    double peak = 1.0;
    bool gate_was_on = false;
    bool trigger_was_on = false;
    uint8_t unused_at_end[6] = {};
};
static_assert(sizeof(Lane) == 48, "Lane has padding a snapshot would save unset");

class AdsrNode final : public LaneStateNode<Lane> {
  public:
    explicit AdsrNode(const NodeConfig &config) : config_(config) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        const uint32_t gate = input_count > kGate ? input_channels[kGate] : 0;
        const uint32_t trigger = input_count > kTrigger ? input_channels[kTrigger] : 0;
        if (gate == 0 && trigger == 0) {
            error = "needs an edge into input \"gate\" or \"trigger\" (both are optional, one is "
                    "required)";
            return 0;
        }
        const uint32_t channels = std::max(gate, trigger);
        if ((gate > 1 && gate != channels) || (trigger > 1 && trigger != channels)) {
            error = "inputs \"gate\" (" + std::to_string(gate) + " channels) and \"trigger\" (" +
                    std::to_string(trigger) + ") must have 1 or the same number of channels";
            return 0;
        }
        return 2 * channels; // amplitude group, then reset group
    }

    void prepare(const PrepareContext &ctx) override {
        const auto frames = [&](uint32_t param) {
            return static_cast<uint64_t>(
                std::llround(config_.value(param) * ctx.sample_rate / 1000.0));
        };
        attack_ = frames(kAttack);
        hold_ = frames(kHold);
        decay_ = frames(kDecay);
        release_ = frames(kRelease);
        lanes_.assign(static_cast<size_t>(ctx.batches) * (ctx.output_channels / 2), Lane{});
        adjoint_.assign(lanes_.size(), 0.0);
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * (ctx.output_channels / 2) *
               (sizeof(Lane) + sizeof(double));
    }

    void process(const ProcessContext &ctx) noexcept override {
        const uint32_t channels = ctx.output_channels / 2;
        const TensorView &gate = ctx.inputs[kGate];
        const TensorView &trigger = ctx.inputs[kTrigger];
        const bool recording = ctx.record != nullptr && velocity();
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels; ++c) {
                Lane &lane = lanes_[static_cast<size_t>(b) * channels + c];
                const double *g = gate.empty() ? nullptr : gate.row(b, c);
                const double *t = trigger.empty() ? nullptr : trigger.row(b, c);
                double *amplitude = ctx.out_row(b, c);
                double *reset = ctx.out_row(b, channels + c);
                if (!recording) {
                    render_runs(lane, g, t, amplitude, reset, ctx.frames);
                    continue;
                }
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    const double gv = g != nullptr ? g[f] : 0.0;
                    const double tv = t != nullptr ? t[f] : 0.0;
                    const bool gate_on = gv > 0.5;
                    const bool fire = tv > 0.5 && !lane.trigger_was_on;
                    const bool gate_rise =
                        gate_on && !lane.gate_was_on &&
                        (lane.stage == Stage::Idle || lane.stage == Stage::Release);
                    lane.trigger_was_on = tv > 0.5;
                    lane.gate_was_on = gate_on;
                    reset[f] = 0.0;
                    double latched = 0.0; // recorded: 1 + the port that started an attack
                    if (fire || gate_rise) {
                        lane.peak = config_.value(kVelocity) != 0.0 ? (fire ? tv : gv) : 1.0;
                        enter(lane, Stage::Attack);
                        reset[f] = 1.0;
                        latched = fire ? 1.0 + kTrigger : 1.0 + kGate;
                    }
                    amplitude[f] = step(lane, gate_on);
                    if (ctx.record != nullptr && velocity()) {
                        double *rows = ctx.record + 2 * (static_cast<size_t>(b) * channels + c) *
                                                        ctx.record_lane_stride;
                        rows[f] = amplitude[f] / lane.peak;
                        rows[ctx.record_lane_stride + f] = latched;
                    }
                }
            }
    }

    uint32_t record_rows() const override {
        return velocity() ? static_cast<uint32_t>(2 * lanes_.size()) : 0;
    }
    void reset_backward() noexcept override { std::fill(adjoint_.begin(), adjoint_.end(), 0.0); }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (!velocity()) return AMP_OK; // 0 almost everywhere (the runtime zero-filled)
        if (ctx.record == nullptr || ctx.inputs == nullptr) return AMP_ERR_UNSUPPORTED;
        const uint32_t channels = static_cast<uint32_t>(lanes_.size()) / ctx.batches;
        const size_t stride = ctx.record_lane_stride;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels; ++c) {
                const size_t lane = static_cast<size_t>(b) * channels + c;
                const double *rows = ctx.record + 2 * lane * stride;
                double &sum = adjoint_[lane]; // later frames of the current attack's reign
                for (uint32_t f = ctx.frames; f-- > 0;) {
                    sum += ctx.gradient.at(b, c, f) * rows[f];
                    const double latched = rows[stride + f];
                    if (latched == 0.0) continue;
                    const uint32_t port = static_cast<uint32_t>(latched) - 1;
                    double *d = ctx.input_gradient(port);
                    const uint32_t pc = ctx.inputs[port].channels;
                    if (d != nullptr && pc > 0)
                        d[(static_cast<size_t>(b) * pc + c % pc) * ctx.frames + f] += sum;
                    sum = 0.0;
                }
            }
        return AMP_OK;
    }

  private:
    bool velocity() const { return config_.value(kVelocity) != 0.0; }

    // process() without a record, in runs: each frame where a gate or trigger input crosses its
    // threshold (the only frames where an attack can start or a sustain end) goes through the
    // per-frame logic; the frames after it, up to the next crossing, are rendered stage by stage
    // with the same expressions as step() (vectorisable loops), the frame that ends a stage by
    // step() itself. The same bits as the per-frame loop (test_nodes checks every stage).
    void render_runs(Lane &lane, const double *g, const double *t, double *amplitude, double *reset,
                     uint32_t frames) const {
        uint32_t f = 0;
        while (f < frames) {
            const double gv = g != nullptr ? g[f] : 0.0;
            const double tv = t != nullptr ? t[f] : 0.0;
            const bool gate_on = gv > 0.5;
            const bool fire = tv > 0.5 && !lane.trigger_was_on;
            const bool gate_rise = gate_on && !lane.gate_was_on &&
                                   (lane.stage == Stage::Idle || lane.stage == Stage::Release);
            lane.trigger_was_on = tv > 0.5;
            lane.gate_was_on = gate_on;
            reset[f] = 0.0;
            if (fire || gate_rise) {
                lane.peak = config_.value(kVelocity) != 0.0 ? (fire ? tv : gv) : 1.0;
                enter(lane, Stage::Attack);
                reset[f] = 1.0;
            }
            amplitude[f] = step(lane, gate_on);
            ++f;
            // Following frames with the same input states: no attack starts, the gate stays.
            const uint32_t end = same_states_until(g, gate_on, t, lane.trigger_was_on, f, frames);
            std::fill(reset + f, reset + end, 0.0);
            run_stages(lane, gate_on, amplitude + f, end - f);
            f = end;
        }
    }

    // The first frame in [from, frames) where a connected input's state (above 0.5 or not)
    // differs from the one given, or `frames`: four frames per comparison (the same `> 0.5`
    // tests, NaN is not above), the frames left one by one.
    static uint32_t same_states_until(const double *g, bool gate_on, const double *t,
                                      bool trigger_on, uint32_t from, uint32_t frames) noexcept {
        typedef double F64x4 __attribute__((vector_size(32)));
        typedef int64_t I64x4 __attribute__((vector_size(32)));
        const int64_t gate_mask = gate_on ? -1 : 0, trigger_mask = trigger_on ? -1 : 0;
        const I64x4 gate_state{gate_mask, gate_mask, gate_mask, gate_mask};
        const I64x4 trigger_state{trigger_mask, trigger_mask, trigger_mask, trigger_mask};
        uint32_t end = from;
        for (; end + 4 <= frames; end += 4) {
            I64x4 differs{0, 0, 0, 0};
            F64x4 x;
            if (g != nullptr) {
                std::memcpy(&x, g + end, sizeof x);
                differs |= (x > 0.5) ^ gate_state;
            }
            if (t != nullptr) {
                std::memcpy(&x, t + end, sizeof x);
                differs |= (x > 0.5) ^ trigger_state;
            }
            if ((differs[0] | differs[1] | differs[2] | differs[3]) != 0) break;
        }
        while (end < frames && (g == nullptr || (g[end] > 0.5) == gate_on) &&
               (t == nullptr || (t[end] > 0.5) == trigger_on))
            ++end;
        return end;
    }

    // `count` frames of step(lane, gate_on), no attack starting among them.
    void run_stages(Lane &lane, bool gate_on, double *__restrict y, uint32_t count) const {
        constexpr uint64_t kExact = uint64_t{1} << 53; // positions convert to double exactly
        uint32_t i = 0;
        while (i < count) {
            const uint32_t left = count - i;
            // Frames left in a timed stage before the frame that ends it (0: step() handles it).
            const auto span = [&](uint64_t length) -> uint32_t {
                if (lane.position >= length || length >= kExact) return 0;
                return static_cast<uint32_t>(std::min<uint64_t>(left, length - lane.position));
            };
            double *to = y + i;
            uint32_t n = 0;
            const double at = static_cast<double>(lane.position); // frame k: position at + k + 1
            switch (lane.stage) {
            case Stage::Idle:
                std::fill(to, to + left, 0.0);
                lane.level = 0.0;
                i = count;
                continue;
            case Stage::Attack:
                n = span(attack_);
                if (n == 0) break;
                for (uint32_t k = 0; k < n; ++k)
                    to[k] = lane.peak * (at + static_cast<double>(k + 1)) /
                            static_cast<double>(attack_);
                break;
            case Stage::Hold:
                n = span(hold_);
                if (n == 0) break;
                std::fill(to, to + n, lane.peak);
                break;
            case Stage::Decay: {
                n = span(decay_);
                if (n == 0) break;
                const double target = config_.value(kSustain) * lane.peak;
                for (uint32_t k = 0; k < n; ++k)
                    to[k] = lane.peak + (target - lane.peak) * (at + static_cast<double>(k + 1)) /
                                            static_cast<double>(decay_);
                break;
            }
            case Stage::Sustain:
                if (!gate_on) break;
                std::fill(to, to + left, config_.value(kSustain) * lane.peak);
                lane.level = to[left - 1];
                i = count;
                continue;
            case Stage::Release:
                n = span(release_);
                if (n == 0) break;
                for (uint32_t k = 0; k < n; ++k)
                    to[k] = lane.from * (1.0 - (at + static_cast<double>(k + 1)) /
                                                   static_cast<double>(release_));
                break;
            }
            if (n == 0) { // a stage's last frame or a sustain ending: one frame of step()
                y[i++] = step(lane, gate_on);
                continue;
            }
            lane.position += n;
            lane.level = to[n - 1];
            i += n;
        }
    }

    void enter(Lane &lane, Stage stage) const {
        lane.stage = stage;
        lane.position = 0;
        lane.from = lane.level;
    }

    // Advances one frame and returns the level; zero-length stages fall through.
    double step(Lane &lane, bool gate_on) const {
        for (;;) {
            switch (lane.stage) {
            case Stage::Idle: return lane.level = 0.0;
            case Stage::Attack:
                if (lane.position >= attack_) {
                    lane.level = lane.peak; // a zero-length attack reaches the peak at once
                    enter(lane, Stage::Hold);
                    continue;
                }
                ++lane.position;
                return lane.level = lane.peak * static_cast<double>(lane.position) /
                                    static_cast<double>(attack_);
            case Stage::Hold:
                if (lane.position >= hold_) {
                    enter(lane, Stage::Decay);
                    continue;
                }
                ++lane.position;
                return lane.level = lane.peak;
            case Stage::Decay: {
                if (lane.position >= decay_) {
                    lane.level = config_.value(kSustain) * lane.peak;
                    enter(lane, Stage::Sustain);
                    continue;
                }
                ++lane.position;
                const double target = config_.value(kSustain) * lane.peak;
                return lane.level = lane.peak + (target - lane.peak) *
                                                    static_cast<double>(lane.position) /
                                                    static_cast<double>(decay_);
            }
            case Stage::Sustain:
                if (!gate_on) {
                    enter(lane, Stage::Release);
                    continue;
                }
                return lane.level = config_.value(kSustain) * lane.peak;
            case Stage::Release:
                if (lane.position >= release_) {
                    enter(lane, Stage::Idle);
                    continue;
                }
                ++lane.position;
                return lane.level = lane.from * (1.0 - static_cast<double>(lane.position) /
                                                           static_cast<double>(release_));
            }
            return 0.0;
        }
    }

    NodeConfig config_;
    uint64_t attack_ = 0, hold_ = 0, decay_ = 0, release_ = 0;
    std::vector<double> adjoint_; // backward, per lane: g x shape summed since the next latch
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<AdsrNode>(config);
}

NodeSpec adsr_spec() {
    NodeSpec spec{
        /*type_name=*/"adsr",
        /*summary=*/"Attack-hold-decay-sustain-release envelope with a reset pulse output.",
        /*inputs=*/kPorts,
        /*input_count=*/2,
        /*params=*/kParams,
        /*param_count=*/6,
        /*heat_work=*/2.0,
        /*has_backward=*/true,
        /*backward_doc=*/
        "Graph backward: 0 almost everywhere (thresholds); with velocity, exact for the latched "
        "gate or trigger value; times and levels are static (no gradient).",
        /*create=*/create,
    };
    spec.outputs = kOutputs;
    spec.output_count = 2;
    return spec;
}

} // namespace

extern const NodeSpec kAdsrSpec = adsr_spec();

} // namespace amp
