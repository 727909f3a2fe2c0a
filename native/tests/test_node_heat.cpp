// test_node_heat.cpp: a node may publish its own per-frame heat (Node::publishes_heat); the
// runtime then accounts the node's values instead of the shared model, in graphs and in
// single-node calls alike, block-invariantly, with a thermo.heat override still taking
// precedence. The node here is a test resistor (no registered node publishes heat yet).
#include <cstring>
#include <string>
#include <vector>

#include "nodes/node.h"
#include "runtime/graph_runtime.h"
#include "runtime/node_config.h"
#include "runtime/single_node.h"
#include "test_support.h"

namespace {

constexpr double kOhms = 3.0;

// y = x (a voltage across a resistor); heat = sum over channels of x^2 / R per batch and frame
// (the power dissipated), plus 0.25 for the frame's work: a model the shared one cannot give
// (R is a node property, not thermo.resistance).
class Resistor final : public amp::Node {
  public:
    uint32_t output_channels(const uint32_t *in, uint32_t, std::string &) const override {
        return in[0];
    }
    void prepare(const amp::PrepareContext &) override {}
    void reset() noexcept override {}
    bool publishes_heat() const override { return true; }
    void process(const amp::ProcessContext &ctx) noexcept override {
        for (uint32_t b = 0; b < ctx.batches; ++b) {
            double *heat = ctx.heat + b * ctx.heat_lane_stride;
            for (uint32_t f = 0; f < ctx.frames; ++f) heat[f] = 0.25;
            for (uint32_t c = 0; c < ctx.output_channels; ++c) {
                const double *x = ctx.inputs[0].row(b, c);
                double *y = ctx.out_row(b, c);
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    y[f] = x[f];
                    heat[f] += x[f] * x[f] / kOhms;
                }
            }
        }
    }
};

const amp::PortSpec kPorts[] = {{"in", "Voltage.", amp::Gather::Sum}};
std::unique_ptr<amp::Node> create(const amp::NodeConfig &) { return std::make_unique<Resistor>(); }
const amp::NodeSpec kResistorSpec = {
    "test_resistor", "Test resistor.", kPorts, 1, nullptr, 0, 0.5, false, "", create};

amp::NodeDescription describe(const amp::NodeSpec &spec, const std::string &name,
                              const char *params_json) {
    amp::JsonValue params;
    std::string error;
    CHECK(amp::parse_json(params_json, params, error));
    return {name, &spec, amp::parse_node_config(spec, name, &params, "create")};
}

// src (sine, 2 channels) -> r (resistor), output r.
std::unique_ptr<amp::GraphRuntime> make_graph(uint32_t block) {
    amp::GraphDescription graph;
    graph.nodes.push_back(describe(*amp::find_node_spec("sine_osc"), "src",
                                   R"({"channels":2,"frequency":1000,"amplitude":0.8})"));
    graph.nodes.push_back(describe(kResistorSpec, "r", "{}"));
    graph.edges.push_back(amp::AudioEdge{0, 1, 0, 0});
    graph.output = 1;
    auto runtime = std::make_unique<amp::GraphRuntime>(std::move(graph));
    runtime->configure(2, block);
    return runtime;
}

constexpr uint64_t kFrames = 1000;

TEST(a_graph_accounts_the_heat_the_node_publishes) {
    auto runtime = make_graph(512);
    std::vector<double> out(2 * 2 * kFrames), heat(3 * 2 * kFrames);
    AmpRenderOptions options{};
    options.heat_out = heat.data();
    options.heat_len = heat.size();
    CHECK_EQ(runtime->execute(kFrames, out.data(), out.size(), &options), AMP_OK);
    double total = 0.0;
    for (uint32_t b = 0; b < 2; ++b)
        for (uint64_t f = 0; f < kFrames; ++f) {
            double expected = 0.25;
            for (uint32_t c = 0; c < 2; ++c) {
                const double x = out[(b * 2 + c) * kFrames + f];
                expected += x * x / kOhms;
            }
            CHECK_EQ(heat[(1 * 2 + b) * kFrames + f], expected);
            total += expected;
        }
    CHECK_NEAR(runtime->node_heat_total(1), total, 1e-9 * total);
    // Not the shared model (sum x^2 / thermo.resistance 1 + W 0.5 per frame).
    double energy = 0.0;
    for (const double x : out) energy += x * x;
    CHECK(std::fabs(runtime->node_heat_total(1) - (energy + 0.5 * 2 * kFrames)) > 100.0);
    // Block-invariant like every total.
    auto one = make_graph(1);
    CHECK_EQ(one->execute(kFrames, out.data(), out.size(), nullptr), AMP_OK);
    const double blocked = runtime->node_heat_total(1), single = one->node_heat_total(1);
    CHECK(std::memcmp(&blocked, &single, sizeof(double)) == 0);
}

TEST(a_heat_override_takes_precedence_over_published_heat) {
    auto runtime = make_graph(4);
    const double override_heat[8] = {1, 1, 1, 1, 2, 2, 2, 2};
    runtime->set_param("r", "thermo.heat", override_heat, 2, 1, 4);
    std::vector<double> out(2 * 2 * 8);
    CHECK_EQ(runtime->execute(8, out.data(), out.size(), nullptr), AMP_OK);
    CHECK_EQ(runtime->node_heat_total(1), 2 * (4.0 + 8.0));
}

TEST(a_single_node_call_accounts_the_published_heat_the_same_way) {
    amp::SingleNodeRuntime node(kResistorSpec, describe(kResistorSpec, "r", "{}").config, {1}, 1,
                                48000.0);
    const double x[4] = {1, -2, 3, 0};
    const amp::TensorView audio{x, 1, 1, 4, 0};
    std::vector<amp::TensorView> params;
    double out[4] = {};
    AmpNodeMetrics metrics{};
    node.forward(&audio, params.data(), amp::TensorView{}, 4, out, nullptr, &metrics);
    CHECK_NEAR(metrics.accumulated_heat, (1.0 + 4.0 + 9.0) / kOhms + 4 * 0.25, 1e-12);
}

} // namespace

AMP_TEST_MAIN()
