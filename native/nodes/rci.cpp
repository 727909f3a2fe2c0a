// rci: a series resistor-inductor-capacitor stage driven by its input voltage.
//
// Circuit: the input voltage u(t) (volts) drives R (ohms), L (henries) and C (farads) in series;
// the loop current i (amperes) and the capacitor voltage v (volts) obey
//   L di/dt = u - R i - v,   C dv/dt = i.
// Discretisation: the trapezoidal rule (A-stable for every R, L, C > 0 and sample rate), with
// h = 1 / sample rate, a = h / (2 L), b = h / (2 C), per (batch, channel) lane:
//   i[n] = (i[n-1] (1 - a R - a b) + a (u[n-1] + u[n] - 2 v[n-1])) / (1 + a R + a b)
//   v[n] = v[n-1] + b (i[n-1] + i[n])
// starting at rest (i = v = 0, and u = 0 before frame 0). The output is v (output "voltage")
// or i (output "current"); feeding one stage's voltage into the next chains stages (each stage
// sees an ideal voltage source: no loading).
//
// Ports: in (sum), the input voltage in volts; the output has the input's channels.
// Parameters: resistance R in ohms (0, 1e6], inductance L in henries (0, 1e3], capacitance C in
// farads (0, 1], output "voltage" | "current" (default "voltage").
// Heat: published by the node (a physical heat, not the shared model): the power dissipated in
// R over the step ending at frame n, i^2 R watts with i the step's midpoint current
// (i[n-1] + i[n]) / 2, summed over the channels of each batch. With this choice the trapezoidal
// rule conserves energy exactly step by step: with E = L i^2 / 2 + C v^2 / 2 and u, i the
// midpoint input and current, E[n] - E[n-1] = h (u i - R i^2), so the input energy equals the
// stored energy plus h times the published heat, to rounding (test_rci.cpp prints it).
// thermo.resistance and thermo.work do not apply (a thermo.heat override still takes precedence).
// Accuracy: the recursion is the trapezoidal rule (second order, A-stable); a unit step into the
// default R = 10, L = 0.01, C = 1e-5 at 48 kHz stays within 1e-3 V of the analytic response
// (test_rci.cpp prints the measured worst error).
// State: i, v and the previous input per lane (snapshot / restore copies them).
// Backward: the exact adjoint of the recursion for the input (the state s = (i, v, u_prev)
// evolves as s[n] = A s[n-1] + B u[n], the output is C s[n]), run from the end of the span:
// lambda[n] = C^T g[n] + A^T lambda[n+1], du[n] = B^T lambda[n]; lambda (three numbers per lane)
// is carried across windows. R, L and C are static parameters (no gradient); the heat does not
// enter a loss. Needs no recorded values, so the single-node backward call runs it too.
#include <algorithm>
#include <vector>

#include "nodes/lane_state_node.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {
namespace {

enum : uint32_t { kResistance, kInductance, kCapacitance, kOutput };

const char *const kOutputChoices[] = {"voltage", "current"};

const ParamSpec kParams[] = {
    {"resistance", ParamKind::Number, 10.0, 0.0, 1e6, "ohms", "Series resistance R.", true},
    {"inductance", ParamKind::Number, 0.01, 0.0, 1e3, "henries", "Series inductance L.", true},
    {"capacitance", ParamKind::Number, 1e-5, 0.0, 1.0, "farads", "Series capacitance C.", true},
    {"output", ParamKind::Enum, 0.0, 0.0, 0.0, "",
     "What the stage outputs: the capacitor voltage (volts) or the loop current (amperes).", false,
     false, nullptr, kOutputChoices, 2},
};
const PortSpec kPorts[] = {{"in", "Input voltage in volts.", Gather::Sum}};

// One lane's state (LaneStateNode), saved byte for byte by snapshots (no padding).
struct Lane {
    double current = 0.0;        // i (A)
    double voltage = 0.0;        // v (V)
    double previous_input = 0.0; // u[n-1] (V)
};
static_assert(sizeof(Lane) == 3 * sizeof(double), "Lane has padding a snapshot would save unset");

class RciNode final : public LaneStateNode<Lane> {
  public:
    explicit RciNode(const NodeConfig &config)
        : r_(config.value(kResistance)), l_(config.value(kInductance)),
          c_(config.value(kCapacitance)), current_out_(config.choice(kOutput) == 1) {}

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override {
        return same_channels_as_input(input_channels, input_count, error);
    }

    void prepare(const PrepareContext &ctx) override {
        lanes_.assign(static_cast<size_t>(ctx.batches) * ctx.output_channels, Lane{});
        adjoint_.assign(lanes_.size() * 3, 0.0);
        const double h = 1.0 / ctx.sample_rate;
        a_ = h / (2.0 * l_);
        b_ = h / (2.0 * c_);
        keep_ = 1.0 - a_ * r_ - a_ * b_;
        norm_ = 1.0 / (1.0 + a_ * r_ + a_ * b_);
    }

    size_t prepared_bytes(const PrepareContext &ctx) const override {
        return static_cast<size_t>(ctx.batches) * ctx.output_channels * 6 * sizeof(double);
    }

    bool publishes_heat() const override { return true; }

    void process(const ProcessContext &ctx) noexcept override {
        for (uint32_t b = 0; b < ctx.batches; ++b) {
            double *heat = ctx.heat + b * ctx.heat_lane_stride;
            std::fill(heat, heat + ctx.frames, 0.0);
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                Lane &lane = lanes_[static_cast<size_t>(b) * ctx.output_channels + c];
                double i = lane.current, v = lane.voltage, u_prev = lane.previous_input;
                const double *u = ctx.inputs[0].row(b, c);
                const size_t step = ctx.inputs[0].frame_stride();
                double *y = ctx.out_row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    const double u_now = u[f * step];
                    const double i_next = (i * keep_ + a_ * (u_prev + u_now - 2.0 * v)) * norm_;
                    const double i_mid = 0.5 * (i + i_next);
                    v += b_ * (i + i_next);
                    i = i_next;
                    u_prev = u_now;
                    y[f] = current_out_ ? i : v;
                    heat[f] += i_mid * i_mid * r_;
                }
                lane = Lane{i, v, u_prev};
            }
        }
    }

    void reset_backward() noexcept override { std::fill(adjoint_.begin(), adjoint_.end(), 0.0); }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        const size_t lanes = static_cast<size_t>(ctx.batches) * ctx.input_channels;
        if (adjoint_.size() != 3 * lanes) return AMP_ERR_UNSUPPORTED; // not prepared for it
        // s[n] = A s[n-1] + B u[n] with k = keep norm, p = a norm (i[n] as process() forms it,
        // v[n] = v[n-1] + b (i[n-1] + i[n]) expanded):
        //   A = [[k, -2p, p], [b (1 + k), 1 - 2 b p, b p], [0, 0, 0]],  B = [p, b p, 1].
        const double k = keep_ * norm_, p = a_ * norm_;
        const double vi = b_ * (1.0 + k), vv = 1.0 - 2.0 * b_ * p, vu = b_ * p;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const size_t lane = static_cast<size_t>(b) * ctx.input_channels + c;
                double *s = adjoint_.data() + 3 * lane; // lambda[n+1]: i, v (u does not feed A)
                double li_next = s[0], lv_next = s[1];
                const double *g = ctx.gradient.row(b, c);
                double *du = ctx.out + lane * ctx.frames;
                for (uint32_t f = ctx.frames; f-- > 0;) {
                    const double li = (current_out_ ? g[f] : 0.0) + k * li_next + vi * lv_next;
                    const double lv =
                        (current_out_ ? 0.0 : g[f]) - 2.0 * p * li_next + vv * lv_next;
                    const double lu = p * li_next + vu * lv_next;
                    du[f] = p * li + vu * lv + lu;
                    li_next = li;
                    lv_next = lv;
                }
                s[0] = li_next;
                s[1] = lv_next;
            }
        return AMP_OK;
    }

  private:
    double r_, l_, c_;
    bool current_out_;
    double a_ = 0.0, b_ = 0.0, keep_ = 1.0, norm_ = 1.0;
    std::vector<double> adjoint_; // backward, per lane: lambda of i and v after the window, 0
};

std::unique_ptr<Node> create(const NodeConfig &config) { return std::make_unique<RciNode>(config); }

NodeSpec rci_spec() {
    NodeSpec spec = {
        /*type_name=*/"rci",
        /*summary=*/
        "Series RLC stage (trapezoidal): input voltage in, capacitor voltage or "
        "loop current out; publishes the heat i^2 R.",
        /*inputs=*/kPorts,
        /*input_count=*/1,
        /*params=*/kParams,
        /*param_count=*/4,
        /*heat_work=*/0.0,
        /*has_backward=*/true,
        /*backward_doc=*/
        "Exact for the input: the adjoint of the trapezoidal RLC recursion, run from the end "
        "(R, L, C are static: no gradient).",
        /*create=*/create,
    };
    spec.publishes_heat = true;
    spec.heat_doc = "published by the node: the power dissipated in R, i^2 R watts per frame "
                    "(i the step's midpoint current, so input energy = stored + dissipated "
                    "exactly), summed over the channels of each batch";
    return spec;
}

} // namespace

extern const NodeSpec kRciSpec = rci_spec();

} // namespace amp
