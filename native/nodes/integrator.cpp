// integrator: slew-aware integration of the input, y' = x (x in units per second), per
// (batch, channel), with limits on the output's first derivative (slew_rate), its second
// derivative (max_acceleration) and its value (clamp_min, clamp_max).
//
// Per frame, in increments u = y[n] - y[n-1] (units per frame), with the desired u* = x / sr:
//   no_impingement mode: u = u*, i.e. y[n] = y[n-1] + x[n] / sr exactly (the ideal running sum);
//   limited mode: u = clamp(u*, lo, hi) where [lo, hi] is the intersection of
//     |u| <= slew_rate / sr                         (slew_rate > 0),
//     |u - u_prev| <= max_acceleration / sr^2 (= d) (max_acceleration > 0),
//     braking room: after u the output can still stop inside [clamp_min, clamp_max] with
//     increments shrinking by d per frame (u + sum_k max(0, u - k d) <= distance to the bound;
//     without an acceleration limit simply u <= distance),
//   then y[n] = clamp(y[n-1] + u, clamp_min, clamp_max) and u_prev = y[n] - y[n-1].
// Every limit therefore holds at every frame: |y[n] - y[n-1]| <= slew_rate / sr, the change
// of that increment <= max_acceleration / sr^2 (the output brakes before a clamp instead of
// hitting it), clamp_min <= y <= clamp_max. A limit of 0 is off. y starts at `initial`
// (limited mode: clamped into [clamp_min, clamp_max]).
// Ports: in (the derivative). Parameters: mode (enum limited | no_impingement; the limits are
// refused in no_impingement mode), slew_rate (units/s), max_acceleration (units/s^2),
// clamp_min, clamp_max, initial (numbers).
// Heat: the shared model on its input, W = 4.
// Backward (the adjoint of the recursion, per lane; docs/gradients.md): each frame is the map
// next = N(x, y[n-1], u_prev), y[n] = next, u_prev' = next - y[n-1], with slopes
// (N_x, N_y, N_u). Free frames (the wanted increment strictly inside the limits, the value
// inside the clamp): N = y[n-1] + x / sr, slopes (1/sr, 1, 0). A binding limit replaces x / sr
// by the limit, so N_x = 0 and the state dependence of that limit survives: the slew bound is
// a constant (N_y = 1, N_u = 0), the acceleration bound u_prev +- d gives N_u = 1, the room to
// a clamp without acceleration (clamp - y[n-1]) gives N_y = 0, the braking bound
// (distance + d m (m + 1) / 2) / (m + 1) (m fixed between its breakpoints) gives
// N_y = 1 - 1 / (m + 1) (either side); a value clamped onto clamp_min / clamp_max has slopes 0.
// With A = g[n] + Y[n] + U[n] (the adjoints of y[n] and u_prev after frame n): dx[n] = A N_x,
// Y[n-1] = A N_y - U[n], U[n-1] = A N_u. no_impingement: the reverse cumulative sum,
// dx[n] = (1 / sr) sum_{k >= n} g[k], no recording; limited mode records the three slopes
// per lane and frame (needs a graph backward pass). Exact between the frames where a limit
// starts or stops binding (a tie takes the side the forward took).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "nodes/lane_state_node.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kMode, kSlew, kAcceleration, kClampMin, kClampMax, kInitial };
enum : uint32_t { kLimited, kNoImpingement };

const char *const kModes[] = {"limited", "no_impingement"};

ParamSpec mode_param() {
    ParamSpec spec{"mode",
                   ParamKind::Enum,
                   kLimited,
                   0.0,
                   0.0,
                   "",
                   "limited (slew, acceleration and clamp apply) or no_impingement (ideal "
                   "integration, no limit)."};
    spec.choices = kModes;
    spec.choice_count = 2;
    return spec;
}

const ParamSpec kParams[] = {
    mode_param(),
    {"slew_rate", ParamKind::Number, 0.0, 0.0, 1e12, "units/s",
     "Largest |dy/dt| of the output; 0 means no limit."},
    {"max_acceleration", ParamKind::Number, 0.0, 0.0, 1e15, "units/s^2",
     "Largest |d2y/dt2| of the output; 0 means no limit."},
    {"clamp_min", ParamKind::Number, -1e300, -1e300, 1e300, "", "Lowest output value."},
    {"clamp_max", ParamKind::Number, 1e300, -1e300, 1e300, "", "Highest output value."},
    {"initial", ParamKind::Number, 0.0, -1e300, 1e300, "", "Output value before frame 0."},
};
const PortSpec kPorts[] = {
    {"in", "The derivative to integrate, in units per second.", Gather::Sum},
};

bool check(const NodeConfig &config, std::string &error) {
    if (config.choice(kMode) == kNoImpingement)
        for (uint32_t p : {kSlew, kAcceleration, kClampMin, kClampMax})
            if (config.given[p]) {
                error = std::string("parameter \"") + kParams[p].name +
                        "\" does not apply in mode \"no_impingement\" (no limit applies); drop "
                        "it or use mode \"limited\"";
                return false;
            }
    const double low = config.value(kClampMin), high = config.value(kClampMax);
    if (!(low <= high)) {
        error = "parameter \"clamp_min\" (" + std::to_string(low) +
                ") must not exceed clamp_max (" + std::to_string(high) + ")";
        return false;
    }
    return true;
}

// The largest u >= 0 with u + sum_{k >= 1} max(0, u - k d) <= distance: the increment from
// which the output can still stop within `distance` while slowing by d per frame.
// For u in [m d, (m + 1) d) that distance is (m + 1) u - d m (m + 1) / 2, increasing in u.
double travel(double u, double d) {
    const double m = std::floor(u / d);
    return (m + 1.0) * u - d * m * (m + 1.0) / 2.0;
}
// An increment limit and its slopes in y[n - 1] and u_prev (the backward pass's N_y, N_u).
struct Bound {
    double value, dy, du;
};
// std::max / std::min on the values, keeping the winner's slopes (the same ties).
inline Bound larger(const Bound &a, const Bound &b) { return a.value < b.value ? b : a; }
inline Bound smaller(const Bound &a, const Bound &b) { return b.value < a.value ? b : a; }

// `cap`: the largest increment the other limits allow (finite); the result is min(cap, limit).
// `ddistance`: the slope of `distance` in y[n - 1] (-1 towards clamp_max, +1 towards clamp_min).
Bound braking_limit(double distance, double ddistance, double d, const Bound &cap) {
    if (!(distance > 0.0)) return Bound{0.0, 0.0, 0.0};
    if (cap.value <= 0.0 || travel(cap.value, d) <= distance) return cap;
    // distance < travel(cap), so the quotient below is moderate; m is exact within one step.
    double m = std::floor((std::sqrt(1.0 + 8.0 * distance / d) - 1.0) / 2.0);
    for (int i = 0; i < 4 && m > 0.0 && d * m * (m + 1.0) / 2.0 > distance; ++i) m -= 1.0;
    for (int i = 0; i < 4 && d * (m + 1.0) * (m + 2.0) / 2.0 <= distance; ++i) m += 1.0;
    return smaller(
        cap, Bound{(distance + d * m * (m + 1.0) / 2.0) / (m + 1.0), ddistance / (m + 1.0), 0.0});
}

// One lane's state (LaneStateNode), saved byte for byte by snapshots.
struct Lane {
    double value;     // y[n - 1]
    double increment; // u_prev
};

class IntegratorNode final : public LaneStateNode<Lane> {
  public:
    explicit IntegratorNode(const NodeConfig &config)
        : ideal_(config.choice(kMode) == kNoImpingement), slew_rate_(config.value(kSlew)),
          acceleration_(config.value(kAcceleration)), low_(config.value(kClampMin)),
          high_(config.value(kClampMax)), initial_(config.value(kInitial)) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }
    void prepare(const PrepareContext &ctx) override {
        rate_ = ctx.sample_rate;
        slew_ = slew_rate_ > 0.0 ? slew_rate_ / ctx.sample_rate
                                 : std::numeric_limits<double>::infinity();
        step_ = acceleration_ > 0.0 ? acceleration_ / (ctx.sample_rate * ctx.sample_rate) : 0.0;
        lanes_.assign(static_cast<size_t>(ctx.batches) * ctx.output_channels, Lane{});
        adjoint_.assign(lanes_.size(), Adjoint{});
        reset();
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * ctx.output_channels *
               (sizeof(Lane) + sizeof(Adjoint));
    }
    void reset() noexcept override {
        const double start = ideal_ ? initial_ : std::min(std::max(initial_, low_), high_);
        for (Lane &lane : lanes_) lane = Lane{start, 0.0};
    }

    void process(const ProcessContext &ctx) noexcept override {
        const TensorView &in = ctx.inputs[0];
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                Lane &lane = lanes_[static_cast<size_t>(b) * ctx.output_channels + c];
                const double *x = in.row(b, c);
                double *y = ctx.out_row(b, c);
                if (ideal_) {
                    double value = lane.value;
                    for (uint32_t f = 0; f < ctx.frames; ++f) y[f] = value += x[f] / rate_;
                    lane.value = value;
                } else if (ctx.record == nullptr) {
                    Slopes slopes;
                    for (uint32_t f = 0; f < ctx.frames; ++f)
                        y[f] = limited_step(lane, x[f], slopes);
                } else {
                    // The slopes of every frame, for the backward pass (three rows per lane).
                    const size_t stride = ctx.record_lane_stride;
                    double *rows = ctx.record +
                                   3 * (static_cast<size_t>(b) * ctx.output_channels + c) * stride;
                    Slopes slopes;
                    for (uint32_t f = 0; f < ctx.frames; ++f) {
                        y[f] = limited_step(lane, x[f], slopes);
                        rows[f] = slopes.x;
                        rows[stride + f] = slopes.y;
                        rows[2 * stride + f] = slopes.u;
                    }
                }
            }
    }

    uint32_t record_rows() const override {
        return ideal_ ? 0 : static_cast<uint32_t>(3 * lanes_.size());
    }
    void reset_backward() noexcept override {
        std::fill(adjoint_.begin(), adjoint_.end(), Adjoint{});
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        // Limited mode needs the recorded slopes (a graph backward pass).
        if (!ideal_ && ctx.record == nullptr) return AMP_ERR_UNSUPPORTED;
        if (adjoint_.size() != static_cast<size_t>(ctx.batches) * ctx.input_channels)
            return AMP_ERR_SHAPE_MISMATCH;
        const size_t stride = ctx.record_lane_stride;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const size_t lane = static_cast<size_t>(b) * ctx.input_channels + c;
                Adjoint &adj = adjoint_[lane];
                double *dx = ctx.out + lane * ctx.frames;
                if (ideal_) {
                    double sum = adj.value;
                    for (uint32_t f = ctx.frames; f-- > 0;) {
                        sum += ctx.gradient.at(b, c, f);
                        dx[f] = sum / rate_;
                    }
                    adj.value = sum;
                    continue;
                }
                const double *rows = ctx.record + 3 * lane * stride;
                for (uint32_t f = ctx.frames; f-- > 0;) {
                    const double a = ctx.gradient.at(b, c, f) + adj.value + adj.increment;
                    dx[f] = a * rows[f];
                    adj.value = a * rows[stride + f] - adj.increment;
                    adj.increment = a * rows[2 * stride + f];
                }
            }
        return AMP_OK;
    }

  private:
    // d next / d (x, y[n-1], u_prev) of one limited step.
    struct Slopes {
        double x = 0.0, y = 0.0, u = 0.0;
    };
    struct Adjoint {
        double value = 0.0;     // Y: dL/dy of the frame after the window
        double increment = 0.0; // U: dL/du_prev after the window's last frame
    };

    double limited_step(Lane &lane, double x, Slopes &slopes) const noexcept {
        Bound lo{-slew_, 0.0, 0.0}, hi{slew_, 0.0, 0.0};
        const double room_up = high_ - lane.value, room_down = lane.value - low_;
        if (step_ > 0.0) {
            lo = larger(lo, Bound{lane.increment - step_, 0.0, 1.0});
            hi = smaller(hi, Bound{lane.increment + step_, 0.0, 1.0});
            hi = smaller(hi, braking_limit(room_up, -1.0, step_, hi));
            const Bound down =
                braking_limit(room_down, 1.0, step_, Bound{-lo.value, -lo.dy, -lo.du});
            lo = larger(lo, Bound{-down.value, -down.dy, -down.du});
        } else {
            hi = smaller(hi, Bound{room_up, -1.0, 0.0});
            lo = larger(lo, Bound{-room_down, -1.0, 0.0});
        }
        const double wanted = x / rate_;
        // A NaN input holds the output (increment 0 within the limits).
        Bound u = wanted == wanted ? Bound{wanted, 0.0, 0.0} : Bound{0.0, 0.0, 0.0};
        double ux = wanted == wanted ? 1.0 / rate_ : 0.0;
        if (u.value < lo.value) {
            u = lo;
            ux = 0.0;
        }
        if (hi.value < u.value) {
            u = hi;
            ux = 0.0;
        }
        const double sum = lane.value + u.value;
        const double next = std::min(std::max(sum, low_), high_);
        if (sum < low_ || high_ < sum)
            slopes = Slopes{}; // clamped onto a bound: a constant
        else
            slopes = Slopes{ux, 1.0 + u.dy, u.du};
        lane.increment = next - lane.value;
        lane.value = next;
        return next;
    }

    bool ideal_;
    double slew_rate_, acceleration_, low_, high_, initial_;
    double rate_ = 48000.0;
    double slew_ = 0.0, step_ = 0.0;
    std::vector<Adjoint> adjoint_; // backward, per lane
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<IntegratorNode>(config);
}

NodeSpec integrator_spec() {
    NodeSpec spec{
        /*type_name=*/"integrator",
        /*summary=*/"Slew-aware integrator: limits on slope, acceleration and value, or ideal.",
        /*inputs=*/kPorts,
        /*input_count=*/1,
        /*params=*/kParams,
        /*param_count=*/6,
        /*heat_work=*/4.0,
        /*has_backward=*/true,
        /*backward_doc=*/
        "The recursion's adjoint: no_impingement the reverse cumulative sum (also in the "
        "single-node call); limited mode (graph backward pass) passes the gradient through "
        "frames where no limit binds and keeps the state dependence of a binding limit "
        "(acceleration: the previous increment; room and braking: the previous value; a clamped "
        "value: none).",
        /*create=*/create,
    };
    spec.check = check;
    return spec;
}

} // namespace

extern const NodeSpec kIntegratorSpec = integrator_spec();

} // namespace amp
