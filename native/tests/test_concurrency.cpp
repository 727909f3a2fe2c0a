// test_concurrency.cpp: a runtime runs one call at a time. While one thread is inside a call
// (here a render held open until the other thread has finished probing), every call from
// another thread returns AMP_ERR_PENDING at once and changes nothing; the render's output then
// equals a render nobody disturbed. Different runtimes render on different threads at once
// with the sequential results.
#include <atomic>
#include <cstring>
#include <thread>

#include "test_support.h"

namespace {

const char *kGraph =
    R"({"nodes":[{"name":"o","type":"sine_osc","params":{"frequency":440,"channels":2}},)"
    R"({"name":"g","type":"gain","params":{"gain":0.5}}],"edges":[{"from":"o","to":"g"}],"output":"g"})";

struct Probe {
    int32_t execute = AMP_OK, configure = AMP_OK, snapshot = AMP_OK, restore = AMP_OK,
            describe = AMP_OK, last_error = AMP_OK, set_param = AMP_OK;
    size_t log_length = 1;
    std::string error_detail;
};

} // namespace

TEST(a_second_thread_gets_pending_and_changes_nothing) {
    const uint64_t frames = 1u << 20;
    bool probed = false;
    // The render is cancelled by the probing thread once it has probed, so it is in progress
    // for the whole probe; a render that finished before the probe started is retried.
    for (int attempt = 0; attempt < 20 && !probed; ++attempt) {
        AmpGraphRuntime *rt = nullptr;
        CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
        std::vector<double> out(2 * frames);
        volatile int32_t cancel = 0;
        std::atomic<bool> started{false}, finished{false};
        Probe probe;
        std::thread prober([&] {
            while (!started.load()) {
            }
            AmpGraphSummary summary{};
            // Wait until the render holds the runtime (describe answers PENDING).
            while (!finished.load()) {
                if (amp_graph_runtime_describe_graph(rt, &summary) == AMP_ERR_PENDING) {
                    std::vector<double> small(128);
                    probe.execute = amp_graph_runtime_execute(rt, 64, small.data(), 128, nullptr);
                    probe.configure = amp_graph_runtime_configure(rt, 2, 64);
                    std::vector<unsigned char> buffer(1 << 16);
                    probe.snapshot = amp_graph_runtime_snapshot(rt, buffer.data(), buffer.size());
                    probe.restore = amp_graph_runtime_restore(rt, buffer.data(), buffer.size());
                    AmpNodeSummary node{};
                    probe.describe = amp_graph_runtime_describe_node(rt, "g", &node);
                    const double value = 2.0;
                    probe.set_param = amp_graph_runtime_set_param(rt, "g", "gain", &value, 1, 1, 1);
                    AmpErrorView error{};
                    probe.last_error = amp_graph_runtime_last_error(rt, &error);
                    probe.error_detail = error.detail;
                    probe.log_length = amp_graph_runtime_read_log(rt, nullptr, 0);
                    probed = true;
                    break;
                }
            }
            cancel = 1;
        });
        AmpRenderOptions options{};
        options.cancel_flag = &cancel;
        started.store(true);
        const int32_t status =
            amp_graph_runtime_execute(rt, frames, out.data(), out.size(), &options);
        finished.store(true);
        prober.join();
        if (probed) {
            CHECK_EQ(status, AMP_ERR_CANCELLED);
            CHECK_EQ(probe.execute, AMP_ERR_PENDING);
            CHECK_EQ(probe.configure, AMP_ERR_PENDING);
            CHECK_EQ(probe.snapshot, AMP_ERR_PENDING);
            CHECK_EQ(probe.restore, AMP_ERR_PENDING);
            CHECK_EQ(probe.describe, AMP_ERR_PENDING);
            CHECK_EQ(probe.set_param, AMP_ERR_PENDING);
            CHECK_EQ(probe.last_error, AMP_ERR_PENDING);
            CHECK_CONTAINS(probe.error_detail, "runtime busy");
            CHECK_EQ(probe.log_length, size_t{0});
            // Nothing was applied: still 1 batch, the gain untouched; the last error is the
            // render's own cancellation, not a refused probe.
            AmpGraphSummary summary{};
            CHECK_EQ(amp_graph_runtime_describe_graph(rt, &summary), AMP_OK);
            CHECK_EQ(summary.batches, 1u);
            AmpErrorView error{};
            CHECK_EQ(amp_graph_runtime_last_error(rt, &error), AMP_ERR_CANCELLED);
            // The stream renders on exactly as a fresh runtime's from frame 0 after a reset.
            CHECK_EQ(amp_graph_runtime_reset(rt), AMP_OK);
            std::vector<double> again(2 * 4096), fresh(2 * 4096);
            CHECK_EQ(amp_graph_runtime_execute(rt, 4096, again.data(), again.size(), nullptr),
                     AMP_OK);
            AmpGraphRuntime *other = nullptr;
            CHECK_EQ(amp_graph_runtime_create(kGraph, &other), AMP_OK);
            CHECK_EQ(amp_graph_runtime_execute(other, 4096, fresh.data(), fresh.size(), nullptr),
                     AMP_OK);
            CHECK(std::memcmp(again.data(), fresh.data(), again.size() * sizeof(double)) == 0);
            amp_graph_runtime_destroy(other);
        }
        amp_graph_runtime_destroy(rt);
    }
    CHECK(probed);
}

TEST(different_runtimes_render_at_once_with_the_sequential_results) {
    const uint64_t frames = 48000;
    const char *graphs[3] = {
        kGraph,
        R"({"nodes":[{"name":"o","type":"sine_osc","params":{"frequency":110}},{"name":"d","type":"delay","params":{"frames":7}}],"edges":[{"from":"o","to":"d"}],"output":"d"})",
        R"({"nodes":[{"name":"a","type":"sine_osc","params":{"frequency":1000,"channels":3}},{"name":"m","type":"mix"}],"edges":[{"from":"a","to":"m"}],"output":"m"})",
    };
    auto run = [&](const char *json, std::vector<double> &out) {
        AmpGraphRuntime *rt = nullptr;
        amp_graph_runtime_create(json, &rt);
        AmpGraphSummary summary{};
        amp_graph_runtime_describe_graph(rt, &summary);
        out.assign(summary.output_channels * frames, 0.0);
        const int32_t status =
            amp_graph_runtime_execute(rt, frames, out.data(), out.size(), nullptr);
        amp_graph_runtime_destroy(rt);
        return status;
    };
    std::vector<double> sequential[3], parallel[3];
    for (int i = 0; i < 3; ++i) CHECK_EQ(run(graphs[i], sequential[i]), AMP_OK);
    int32_t statuses[3] = {-1, -1, -1};
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&, i] { statuses[i] = run(graphs[i], parallel[i]); });
    for (std::thread &thread : threads) thread.join();
    for (int i = 0; i < 3; ++i) {
        CHECK_EQ(statuses[i], AMP_OK);
        CHECK(parallel[i].size() == sequential[i].size() &&
              std::memcmp(parallel[i].data(), sequential[i].data(),
                          parallel[i].size() * sizeof(double)) == 0);
    }
}

AMP_TEST_MAIN()
