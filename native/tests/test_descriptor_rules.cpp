// test_descriptor_rules.cpp: descriptor metadata is either honoured or refused, never accepted
// and ignored. `oversample` > 1 is refused, naming the node, for node types without the
// oversampling capability (graph and single-node calls) and accepted and reported for one that
// has it; `modulation.channels` fixes the channel count of the node's modulated parameters
// (1: one shared value; the output count: channel c reads source channel c mod C_src) and any
// other count is refused at creation. Two test-only node types are registered here.
#include <memory>
#include <string>

#include "nodes/node.h"
#include "test_support.h"

using amp_test::contains;
using amp_test::last_error;
using amp_test::render;

namespace {

// "stereo_steps": a source whose channel c is the constant c + 1 (two distinct channels).
class StepsNode final : public amp::Node {
  public:
    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override { return 2; }
    void prepare(const amp::PrepareContext &) override {}
    void reset() noexcept override {}
    void process(const amp::ProcessContext &ctx) noexcept override {
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < 2; ++c)
                for (uint32_t f = 0; f < ctx.frames; ++f) ctx.out_row(b, c)[f] = c + 1.0;
    }
};

const amp::NodeSpec kSteps = {"stereo_steps",
                              "Channel c is c + 1.",
                              nullptr,
                              0,
                              nullptr,
                              0,
                              0.0,
                              false,
                              "none",
                              [](const amp::NodeConfig &) -> std::unique_ptr<amp::Node> {
                                  return std::make_unique<StepsNode>();
                              }};

// "os_probe": declares the oversampling capability (its processing is a copy of a constant
// 0; what matters here is that the runtime accepts and reports the factor).
amp::NodeSpec oversampling_spec() {
    amp::NodeSpec spec = kSteps;
    spec.type_name = "os_probe";
    spec.oversamples = true;
    return spec;
}
const amp::NodeSpec kOversampling = oversampling_spec();

std::string create_error(const std::string &json, int32_t *status) {
    AmpGraphRuntime *rt = nullptr;
    *status = amp_graph_runtime_create(json.c_str(), &rt);
    std::string detail = last_error(rt);
    amp_graph_runtime_destroy(rt);
    return detail;
}

} // namespace

TEST(oversample_above_1_is_refused_for_nodes_that_do_not_oversample) {
    int32_t status = 0;
    const std::string detail = create_error(
        R"({"nodes":[{"name":"src","type":"sine_osc"},
            {"name":"amp","type":"gain","params":{"oversample":4}}],
          "edges":[{"from":"src","to":"amp"}],"output":"amp"})",
        &status);
    CHECK_EQ(status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(detail, "node \"amp\" (gain): parameter \"oversample\" expects 1 (this node "
                           "type does not oversample");
    CHECK_CONTAINS(detail, "got 4");
    // The single-node call refuses it the same way.
    AmpNodeDescriptorView descriptor{"g1", "gain", "{\"oversample\":2}"};
    const double x[2] = {1, 2};
    AmpAudioView view{x, 1, 1, 2};
    AmpNodeInputs inputs{&view, 1, nullptr, 0};
    double *out = nullptr;
    int32_t channels = 0;
    void *state = nullptr;
    CHECK_EQ(amp_run_node(&descriptor, &inputs, 1, 1, 2, 48000.0, &out, &channels, &state, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    AmpErrorView error{};
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail), "node \"g1\" (gain): parameter \"oversample\"");
    // oversample 1 stays valid everywhere.
    CHECK_EQ(render(R"({"nodes":[{"name":"o","type":"sine_osc","params":{"oversample":1}}],
                        "output":"o"})",
                    1, 64, 64)
                 .status,
             AMP_OK);
}

TEST(a_node_with_the_capability_accepts_and_reports_its_factor) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(
                 R"({"nodes":[{"name":"p","type":"os_probe","params":{"oversample":4}}],
                     "output":"p"})",
                 &rt),
             AMP_OK);
    AmpNodeSummary summary{};
    CHECK_EQ(amp_graph_runtime_describe_node(rt, "p", &summary), AMP_OK);
    CHECK_EQ(summary.oversample, 4u);
    amp_graph_runtime_destroy(rt);
    CHECK_CONTAINS(std::string(amp_node_catalog_json()),
                   "\"type\":\"os_probe\",\"summary\":\"Channel c is c + 1.\"");
}

TEST(modulation_channels_fixes_the_modulated_parameter_channels) {
    // src (1 channel, all ones) -> g (gain 0 + modulation from the 2-channel steps source).
    auto graph = [](const std::string &meta) {
        return R"({"nodes":[{"name":"one","type":"constant","params":{"value":1,"channels":2}},
                   {"name":"m","type":"stereo_steps"},
                   {"name":"g","type":"gain","params":{"gain":0)" +
               meta + R"(}}],
                 "edges":[{"from":"one","to":"g"}],
                 "modulations":[{"from":"m","to":"g","param":"gain","mode":"add"}],
                 "output":"g"})";
    };
    const auto both = render(graph(""), 1, 16, 16);
    CHECK_EQ(both.status, AMP_OK);
    CHECK_EQ(both.samples[0], 1.0); // channel 0 reads source channel 0
    CHECK_EQ(both.samples[16], 2.0);
    const auto declared = render(graph(R"(,"modulation":{"channels":2})"), 1, 16, 16);
    CHECK(declared.samples == both.samples);
    const auto shared = render(graph(R"(,"modulation":{"channels":1})"), 1, 16, 16);
    CHECK_EQ(shared.status, AMP_OK);
    CHECK_EQ(shared.samples[0], 1.0); // one value for every channel: source channel 0
    CHECK_EQ(shared.samples[16], 1.0);
    int32_t status = 0;
    const std::string detail = create_error(graph(R"(,"modulation":{"channels":3})"), &status);
    CHECK_EQ(status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(detail, "node \"g\" (gain): parameter \"modulation.channels\" expects 1 or the "
                           "node's output channel count 2, got 3");
}

TEST(a_single_node_call_refuses_modulation_metadata_it_cannot_apply) {
    AmpNodeDescriptorView descriptor{"g1", "gain", "{\"modulation\":{\"mode\":\"multiply\"}}"};
    const double x[2] = {1, 2};
    AmpAudioView view{x, 1, 1, 2};
    AmpNodeInputs inputs{&view, 1, nullptr, 0};
    double *out = nullptr;
    int32_t channels = 0;
    void *state = nullptr;
    CHECK_EQ(amp_run_node(&descriptor, &inputs, 1, 1, 2, 48000.0, &out, &channels, &state, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    AmpErrorView error{};
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail),
                   "node \"g1\" (gain): parameter \"modulation\" applies to the modulation edges "
                   "of a graph; a single-node call has none");
    CHECK(state == nullptr);
}

int main() {
    if (!amp::register_node_spec(&kSteps) || !amp::register_node_spec(&kOversampling)) return 1;
    return amp_test::run_all();
}
