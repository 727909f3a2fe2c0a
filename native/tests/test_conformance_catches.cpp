// test_conformance_catches.cpp: the conformance suite itself. Deliberately broken node types are
// registered in this binary only (amp::register_node_spec), and the suite must report each one
// under the check it breaks; a correct node registered the same way must pass.
#include <memory>

#include "conformance.h"
#include "nodes/node.h"

namespace {

enum class Fault { None, Block, Lanes, Latency, Adjoint };

// y = x on port "in" (same channels), with one fault switched in.
template <Fault kFault>
class Faulty final : public amp::Node {
  public:
    uint32_t output_channels(const uint32_t *channels, uint32_t, std::string &) const override {
        return channels[0];
    }
    void prepare(const amp::PrepareContext &) override {}
    void reset() noexcept override {}
    uint32_t latency_frames() const override { return kFault == Fault::Latency ? 3 : 0; }
    void process(const amp::ProcessContext &ctx) noexcept override {
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                // Lanes: every batch reads batch 0.
                const double *x = ctx.inputs[0].row(kFault == Fault::Lanes ? 0 : b, c);
                double *y = ctx.out_row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f)
                    y[f] = x[f] + (kFault == Fault::Block ? 1e-3 * ctx.frames : 0.0);
            }
    }
    int32_t backward(const amp::BackwardContext &ctx) noexcept override {
        const double k = kFault == Fault::Adjoint ? 2.0 : 1.0; // the adjoint of y = x is 1
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const double *g = ctx.gradient.row(b, c);
                double *dx =
                    ctx.out + (static_cast<size_t>(b) * ctx.input_channels + c) * ctx.frames;
                for (uint32_t f = 0; f < ctx.frames; ++f) dx[f] = k * g[f];
            }
        return AMP_OK;
    }
};

// y = x, publishing heat = kScale * sum over channels of x^2 per batch and frame.
template <int kScale>
class Publisher final : public amp::Node {
  public:
    uint32_t output_channels(const uint32_t *channels, uint32_t, std::string &) const override {
        return channels[0];
    }
    void prepare(const amp::PrepareContext &) override {}
    void reset() noexcept override {}
    bool publishes_heat() const override { return true; }
    void process(const amp::ProcessContext &ctx) noexcept override {
        for (uint32_t b = 0; b < ctx.batches; ++b) {
            double *heat = ctx.heat + b * ctx.heat_lane_stride;
            for (uint32_t f = 0; f < ctx.frames; ++f) heat[f] = 0.0;
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                const double *x = ctx.inputs[0].row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    ctx.out_row(b, c)[f] = x[f];
                    heat[f] += kScale * x[f] * x[f];
                }
            }
        }
    }
};

const amp::PortSpec kPort[] = {{"in", "Input.", amp::Gather::Sum}};

// y = k x with a signal parameter k. The forward, the single-node adjoint (dx = k g) and the
// input gradient of a graph backward pass are right; with kWrongParamGradient the parameter
// gradient of the graph pass is twice dk = g x, and with kWrongRecordedInput the graph pass's
// input gradient (the pass that also hands the node its recorded input) is k g + g x. Only the
// `gradients` check runs the graph backward pass, so it alone must report them.
enum class GradientFault { None, ParamGradient, GraphInputGradient };

template <GradientFault kFault>
class Scaler final : public amp::Node {
  public:
    uint32_t output_channels(const uint32_t *channels, uint32_t, std::string &) const override {
        return channels[0];
    }
    void prepare(const amp::PrepareContext &) override {}
    void reset() noexcept override {}
    void process(const amp::ProcessContext &ctx) noexcept override {
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                const double *x = ctx.inputs[0].row(b, c);
                const double *k = ctx.params[0].row(b, c);
                const size_t step = ctx.params[0].frame_stride();
                double *y = ctx.out_row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f) y[f] = k[f * step] * x[f];
            }
    }
    int32_t backward(const amp::BackwardContext &ctx) noexcept override {
        const bool graph = ctx.inputs != nullptr; // a graph pass: the recorded input is there
        const size_t step = ctx.params[0].frame_stride();
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const double *g = ctx.gradient.row(b, c);
                const double *k = ctx.params[0].row(b, c);
                double *dx =
                    ctx.out + (static_cast<size_t>(b) * ctx.input_channels + c) * ctx.frames;
                for (uint32_t f = 0; f < ctx.frames; ++f) dx[f] = k[f * step] * g[f];
                if (kFault == GradientFault::GraphInputGradient && graph) {
                    const double *x = ctx.inputs[0].row(b, c);
                    for (uint32_t f = 0; f < ctx.frames; ++f) dx[f] += g[f] * x[f];
                }
            }
        double *dk = ctx.param_gradient(0);
        if (dk == nullptr) return AMP_OK;
        if (!graph) return AMP_ERR_UNSUPPORTED;
        const double twice = kFault == GradientFault::ParamGradient ? 2.0 : 1.0;
        const uint32_t k_channels = ctx.params[0].channels;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.input_channels; ++c) {
                const double *g = ctx.gradient.row(b, c);
                const double *x = ctx.inputs[0].row(b, c);
                double *d =
                    dk + (static_cast<size_t>(b) * k_channels + c % k_channels) * ctx.frames;
                for (uint32_t f = 0; f < ctx.frames; ++f) d[f] += twice * g[f] * x[f];
            }
        return AMP_OK;
    }
    bool has_param_gradient(uint32_t param) const override { return param == 0; }
};

const amp::ParamSpec kScale[] = {
    {"k", amp::ParamKind::Signal, 0.5, -10.0, 10.0, "", "Linear factor."}};

template <GradientFault kFault>
amp::NodeSpec scaler(const char *name) {
    return amp::NodeSpec{name,
                         "A test node scaling its input.",
                         kPort,
                         1,
                         kScale,
                         1,
                         1.0,
                         true,
                         "y = k x: dx = k g, dk = g x.",
                         [](const amp::NodeConfig &) -> std::unique_ptr<amp::Node> {
                             return std::make_unique<Scaler<kFault>>();
                         }};
}
// A parameter whose default lies outside its own range: the descriptor is broken.
const amp::ParamSpec kBadDefault[] = {
    {"amount", amp::ParamKind::Number, 5.0, 0.0, 1.0, "", "Broken: default outside [0, 1]."}};

template <Fault kFault>
amp::NodeSpec spec(const char *name, double heat_work = 1.0, const amp::ParamSpec *params = nullptr,
                   uint32_t param_count = 0) {
    return amp::NodeSpec{name,
                         "A test node.",
                         kPort,
                         1,
                         params,
                         param_count,
                         heat_work,
                         true,
                         "y = x: dx = g.",
                         [](const amp::NodeConfig &) -> std::unique_ptr<amp::Node> {
                             return std::make_unique<Faulty<kFault>>();
                         }};
}

// y = x with latency 3 claimed as a linear-phase filter's group delay: its response to an
// impulse (frame 0 only) is not symmetric about frame 3.
amp::NodeSpec linear_phase_claim(const char *name) {
    amp::NodeSpec node = spec<Fault::Latency>(name);
    node.linear_phase = true;
    return node;
}

// A publishing node: its catalogue flag says so (or not, for the unflagged fault).
template <int kScale>
amp::NodeSpec publisher(const char *name, bool flagged) {
    amp::NodeSpec node{name,
                       "A test node publishing its heat.",
                       kPort,
                       1,
                       nullptr,
                       0,
                       0.0,
                       false,
                       "None.",
                       [](const amp::NodeConfig &) -> std::unique_ptr<amp::Node> {
                           return std::make_unique<Publisher<kScale>>();
                       }};
    node.publishes_heat = flagged;
    node.heat_doc = "sum(x^2) per batch and frame";
    return node;
}

// The documented heat of the publishing test types: sum(x^2) over batches and channels.
std::vector<double> square_heat(const conformance::NodeType &, const conformance::Inputs &in) {
    const amp_test::Tensor &x = in.audio[0];
    std::vector<double> heat(x.frames, 0.0);
    for (uint32_t b = 0; b < x.batches; ++b)
        for (uint32_t c = 0; c < x.channels; ++c)
            for (uint32_t f = 0; f < x.frames; ++f) heat[f] += x.at(b, c, f) * x.at(b, c, f);
    return heat;
}

const amp::NodeSpec kPublishers[] = {
    publisher<1>("sound_publisher", true),
    publisher<2>("broken_published_heat", true), // publishes twice its documented heat
    publisher<2>("unflagged_publisher", false),  // publishes, the catalogue says the model
    publisher<1>("unreferenced_publisher", true),
};

const amp::NodeSpec kSpecs[] = {
    spec<Fault::None>("sound_copy"),        spec<Fault::Block>("broken_block"),
    spec<Fault::Lanes>("broken_lanes"),     spec<Fault::None>("broken_heat", -5.0),
    spec<Fault::Latency>("broken_latency"), linear_phase_claim("broken_linear_phase"),
    spec<Fault::Adjoint>("broken_adjoint"), spec<Fault::None>("broken_params", 1.0, kBadDefault, 1),
};

const amp::NodeSpec kScalers[] = {
    scaler<GradientFault::None>("sound_scaler"),
    scaler<GradientFault::ParamGradient>("broken_param_gradient"),
    scaler<GradientFault::GraphInputGradient>("broken_graph_input_gradient"),
};

// The suite's report for a registered test node.
std::vector<std::string> report(const char *type) {
    const auto types = conformance::catalogue();
    const conformance::NodeType *node = conformance::find(types, type);
    if (node == nullptr) return {"not in the catalogue"};
    return conformance::check_node(*node);
}

void expect_caught(const char *type, const std::string &check, const std::string &words) {
    bool found = false;
    for (const std::string &line : report(type))
        found = found || (line.rfind(check + ": ", 0) == 0 && amp_test::contains(line, words));
    if (!found) {
        ++amp_test::failures();
        std::printf("  the suite did not report %s under %s (\"%s\")\n", type, check.c_str(),
                    words.c_str());
    }
}

} // namespace

TEST(a_correct_node_passes) {
    for (const std::string &line : report("sound_copy")) {
        ++amp_test::failures();
        std::printf("  sound_copy: %s\n", line.c_str());
    }
}

TEST(a_block_size_dependent_node_is_caught) {
    expect_caught("broken_block", "block_invariance", "samples differ from one call");
}

TEST(a_lane_leak_is_caught) {
    expect_caught("broken_lanes", "lanes", "batch 1 differs from the same data rendered alone");
}

TEST(negative_heat_is_caught) { expect_caught("broken_heat", "heat", "< 0"); }

TEST(a_latency_claim_earlier_than_the_output_is_caught) {
    expect_caught("broken_latency", "declared_delay", "before the declared latency 3");
    // Declared linear phase, output before the latency is allowed only as the symmetric half of
    // a response centred on the latency.
    expect_caught("broken_linear_phase", "declared_delay",
                  "not symmetric about the declared latency 3");
}

TEST(a_wrong_adjoint_is_caught) {
    expect_caught("broken_adjoint", "adjoint", "central differences give");
}

TEST(a_default_outside_its_own_range_is_caught) {
    expect_caught("broken_params", "params", "amount = 5 was refused");
}

TEST(a_correct_publishing_node_passes) {
    for (const std::string &line : report("sound_publisher")) {
        ++amp_test::failures();
        std::printf("  sound_publisher: %s\n", line.c_str());
    }
}

TEST(published_heat_other_than_documented_is_caught) {
    expect_caught("broken_published_heat", "heat", "the node's documented heat gives");
}

TEST(published_heat_without_the_catalogue_flag_is_caught) {
    expect_caught("unflagged_publisher", "heat", "the documented model gives");
}

TEST(a_publishing_node_without_a_reference_is_caught) {
    expect_caught("unreferenced_publisher", "heat", "has no reference");
}

TEST(a_correct_differentiable_node_passes) {
    for (const std::string &line : report("sound_scaler")) {
        ++amp_test::failures();
        std::printf("  sound_scaler: %s\n", line.c_str());
    }
}

// Broken only where the graph backward pass reaches: every other check passes, and `gradients`
// reports the wrong gradient against central differences.
void expect_caught_by_gradients_alone(const char *type, const std::string &words) {
    for (const std::string &line : report(type))
        if (line.rfind("gradients: ", 0) != 0) {
            ++amp_test::failures();
            std::printf("  %s: a check other than gradients reported: %s\n", type, line.c_str());
        }
    expect_caught(type, "gradients", words);
}

TEST(a_wrong_parameter_gradient_is_caught_by_gradients) {
    expect_caught_by_gradients_alone("broken_param_gradient", "parameter \"k\": <e, dparam> = ");
}

TEST(a_wrong_input_gradient_in_a_graph_pass_is_caught_by_gradients) {
    expect_caught_by_gradients_alone("broken_graph_input_gradient", "port 0: <e, dx> = ");
}

int main() {
    for (const amp::NodeSpec &node : kSpecs)
        if (!amp::register_node_spec(&node)) return 1;
    for (const amp::NodeSpec &node : kPublishers)
        if (!amp::register_node_spec(&node)) return 1;
    for (const amp::NodeSpec &node : kScalers)
        if (!amp::register_node_spec(&node)) return 1;
    conformance::heat_references()["sound_publisher"] = square_heat;
    conformance::heat_references()["broken_published_heat"] = square_heat;
    return amp_test::run_all();
}
