// test_conformance_allocations.cpp: the conformance suite's allocation check. Every registered
// node type, in a graph with a sine source on each input port (B = 2, C = 2), renders blocks of
// 64, 1 and 37 frames after configure without a single heap allocation. A node that allocates
// in process() (registered here only) is caught. Replaces malloc: not in sanitizer builds.
#include <memory>
#include <vector>

#include "conformance.h"
#include "counting_malloc.h"
#include "nodes/node.h"

namespace {

// Allocations counted while rendering the node's wired graph; -1 when it fails to render.
long allocations_while_rendering(const conformance::NodeType &node) {
    conformance::History history;
    AmpGraphRuntime *rt = nullptr;
    const std::string json = conformance::wired_graph(node, conformance::base_params(node));
    if (amp_graph_runtime_create(json.c_str(), &rt) != AMP_OK ||
        amp_graph_runtime_configure(rt, 2, 64) != AMP_OK) {
        amp_graph_runtime_destroy(rt);
        return -1;
    }
    AmpGraphSummary graph{};
    amp_graph_runtime_describe_graph(rt, &graph);
    std::vector<double> out(static_cast<size_t>(2) * graph.output_channels * 64);
    std::vector<double> heat(static_cast<size_t>(graph.node_count + 1) * 2 * 64);
    AmpRenderOptions options{};
    options.history = &history.history;
    options.heat_out = heat.data();
    int32_t status = AMP_OK;
    const long before = g_allocations;
    for (uint64_t frames : {64u, 1u, 37u, 64u}) {
        options.heat_len = static_cast<uint64_t>(graph.node_count + 1) * 2 * frames;
        status = status == AMP_OK
                     ? amp_graph_runtime_execute(
                           rt, frames, out.data(),
                           static_cast<uint64_t>(2) * graph.output_channels * frames, &options)
                     : status;
    }
    const long during = g_allocations - before;
    amp_graph_runtime_destroy(rt);
    return status == AMP_OK ? during : -1;
}

// y = x, but process() allocates.
class Allocating final : public amp::Node {
  public:
    uint32_t output_channels(const uint32_t *channels, uint32_t, std::string &) const override {
        return channels[0];
    }
    void prepare(const amp::PrepareContext &) override {}
    void reset() noexcept override {}
    void process(const amp::ProcessContext &ctx) noexcept override {
        std::unique_ptr<double[]> scratch(new (std::nothrow) double[ctx.frames]);
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c)
                for (uint32_t f = 0; f < ctx.frames; ++f)
                    ctx.out_row(b, c)[f] = ctx.inputs[0].row(b, c)[f];
    }
};

const amp::PortSpec kPort[] = {{"in", "Input.", amp::Gather::Sum}};
const amp::NodeSpec kAllocating = {"broken_alloc",
                                   "Allocates while processing.",
                                   kPort,
                                   1,
                                   nullptr,
                                   0,
                                   1.0,
                                   false,
                                   "none",
                                   [](const amp::NodeConfig &) -> std::unique_ptr<amp::Node> {
                                       return std::make_unique<Allocating>();
                                   }};

} // namespace

TEST(every_registered_node_renders_without_allocating) {
    for (const conformance::NodeType &node : conformance::catalogue()) {
        if (node.type == "broken_alloc") continue;
        const long count = allocations_while_rendering(node);
        if (count != 0) {
            ++amp_test::failures();
            std::printf("  %s: %ld allocation(s) while rendering\n", node.type.c_str(), count);
        }
    }
}

TEST(a_node_that_allocates_is_caught) {
    const auto types = conformance::catalogue();
    const conformance::NodeType *node = conformance::find(types, "broken_alloc");
    CHECK(node != nullptr);
    if (node != nullptr) CHECK(allocations_while_rendering(*node) > 0);
}

int main() {
    if (!amp::register_node_spec(&kAllocating)) return 1;
    return amp_test::run_all();
}
