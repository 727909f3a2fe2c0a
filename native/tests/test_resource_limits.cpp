// test_resource_limits.cpp: absurd sizes are refused before anything is allocated, with the size
// they would need: 10^6 nodes, buffers beyond the memory budget (the default, half the machine's
// memory, or one a host sets), 2^40 frames into a buffer that cannot hold them. The size query
// amp_graph_runtime_buffer_bytes agrees with what configure then checks.
#include <string>

#include "test_support.h"

namespace {

const char *kGraph =
    R"({"nodes":[{"name":"o","type":"sine_osc","params":{"frequency":440,"channels":2}},)"
    R"({"name":"g","type":"gain","params":{"gain":0.5}}],"edges":[{"from":"o","to":"g"}],"output":"g"})";

} // namespace

TEST(a_million_nodes_are_refused_naming_the_limit_and_the_size) {
    std::string json = "{\"nodes\":[";
    for (int i = 0; i < 1000000; ++i)
        json += (i ? ",{\"name\":\"n" : "{\"name\":\"n") + std::to_string(i) +
                "\",\"type\":\"constant\"}";
    json += "],\"output\":\"n0\"}";
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_ERR_INVALID_ARGUMENT);
    const std::string detail = amp_test::last_error(rt);
    CHECK_CONTAINS(detail, "lists 1000000 nodes; a graph takes at most 65536");
    CHECK_CONTAINS(detail, "would need at least 7813 MiB");
    amp_graph_runtime_destroy(rt);
}

TEST(buffer_bytes_reports_the_configure_size_and_the_budget_refuses_it_up_front) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    uint64_t small = 0, large = 0, huge = 0;
    CHECK_EQ(amp_graph_runtime_buffer_bytes(rt, 1, 512, &small), AMP_OK);
    CHECK_EQ(amp_graph_runtime_buffer_bytes(rt, 2, 1024, &large), AMP_OK);
    CHECK_EQ(amp_graph_runtime_buffer_bytes(rt, 4096, 1u << 20, &huge), AMP_OK);
    // Output (2 channels) and heat rows of two nodes, the graph heat: at least 5 rows of doubles.
    CHECK(small >= 5u * 512 * 8);
    CHECK(large >= 4 * small);
    CHECK(huge >= 4096ull * (1u << 20) * 5 * 8); // 160 GiB: more than any CI machine has
    CHECK_EQ(amp_graph_runtime_buffer_bytes(rt, 0, 512, &small), AMP_ERR_INVALID_ARGUMENT);

    // The default budget (half the machine's memory) refuses 160 GiB before allocating.
    CHECK_EQ(amp_graph_runtime_configure(rt, 4096, 1u << 20), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt),
                   "needs " + std::to_string((huge + 1048575) / 1048576) + " MiB of buffers");
    CHECK_CONTAINS(amp_test::last_error(rt), "half the machine's memory");

    // A host budget just below a configuration's size refuses it, naming both sizes; at the size
    // it passes. Nothing is half-applied by the refusal.
    amp_set_memory_budget(large - 1);
    CHECK_EQ(amp_memory_budget(), large - 1);
    CHECK_EQ(amp_graph_runtime_configure(rt, 2, 1024), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "the memory budget set by the host");
    AmpGraphSummary summary{};
    CHECK_EQ(amp_graph_runtime_describe_graph(rt, &summary), AMP_OK);
    CHECK_EQ(summary.batches, 1u);
    CHECK_EQ(summary.block_frames, 512u);
    amp_set_memory_budget(large);
    CHECK_EQ(amp_graph_runtime_configure(rt, 2, 1024), AMP_OK);
    // The budget applies at creation (its default configuration) too.
    amp_set_memory_budget(1024);
    AmpGraphRuntime *refused = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &refused), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(refused), "MiB of buffers");
    amp_graph_runtime_destroy(refused);
    amp_set_memory_budget(0);
    CHECK(amp_memory_budget() > 1024);
    amp_graph_runtime_destroy(rt);
}

TEST(two_to_the_forty_frames_into_a_short_buffer_are_refused) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    std::vector<double> out(128);
    CHECK_EQ(amp_graph_runtime_execute(rt, 1ull << 40, out.data(), out.size(), nullptr),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK_CONTAINS(amp_test::last_error(rt), "2199023255552");
    // Frame counts whose buffer size wraps around 2^64 (2 channels x 2^63 frames wrapped to 0
    // and passed the capacity check: the render wrote past the buffer) are refused.
    CHECK_EQ(amp_graph_runtime_execute(rt, 1ull << 63, out.data(), out.size(), nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "fits in 2^64 elements, got 9223372036854775808");
    AmpGraphSummary summary{};
    CHECK_EQ(amp_graph_runtime_describe_graph(rt, &summary), AMP_OK);
    CHECK_EQ(summary.frames_rendered, 0u);
    amp_graph_runtime_destroy(rt);
}

AMP_TEST_MAIN()
