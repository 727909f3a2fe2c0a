// node_call_bench.cpp: cost of one amp_run_node_v2 call at frames = 1 (the seed's usual
// invocation), state reused, output released with amp_free, without and with metrics (metrics
// switch timing on: the clocks cost more than the call); and a graph execute of
// sine -> gain -> safety at block 1 for comparison.
// Prints the median and the min-max over rounds of the time per call, in microseconds.
// Usage: cmake --build build --target node_call_bench && build/bench/native/node_call_bench [calls]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "amp_native.h"

namespace {

constexpr int kRounds = 9;

template <typename Call>
void report(const char *name, long calls, Call call) {
    std::vector<double> per_call;
    for (int round = 0; round < kRounds; ++round) {
        const auto started = std::chrono::steady_clock::now();
        for (long i = 0; i < calls; ++i)
            if (call() != AMP_OK) {
                std::fprintf(stderr, "%s: call failed\n", name);
                std::exit(1);
            }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        per_call.push_back(seconds / static_cast<double>(calls) * 1e6);
    }
    std::sort(per_call.begin(), per_call.end());
    std::printf("%-40s %8.4f us/call  [%.4f, %.4f]\n", name, per_call[kRounds / 2],
                per_call.front(), per_call.back());
}

void node_call(const char *type, const char *params, bool with_input, bool with_metrics,
               long calls) {
    AmpNodeDescriptorView descriptor{"n", type, params};
    double x = 0.25;
    AmpAudioView audio{&x, 1, 1, 1};
    AmpNodeInputs inputs{&audio, with_input ? 1u : 0u, nullptr, 0};
    void *state = nullptr;
    AmpNodeMetrics metrics{};
    const std::string name =
        std::string("amp_run_node_v2 ") + type + " frames=1" + (with_metrics ? " metrics" : "");
    report(name.c_str(), calls, [&] {
        double *out = nullptr;
        int32_t channels = 0;
        const int32_t status = amp_run_node_v2(
            &descriptor, &inputs, 1, with_input ? 1 : 0, 1, 48000.0, &out, &channels, &state,
            nullptr, AMP_EXECUTION_FORWARD, with_metrics ? &metrics : nullptr);
        amp_free(out);
        return status;
    });
    amp_release_state(state);
}

void graph_call(const char *name, const char *json, long calls) {
    AmpGraphRuntime *runtime = nullptr;
    if (amp_graph_runtime_create(json, &runtime) != AMP_OK ||
        amp_graph_runtime_configure(runtime, 1, 1) != AMP_OK) {
        std::fprintf(stderr, "%s: graph failed\n", name);
        std::exit(1);
    }
    double out = 0.0;
    report(name, calls, [&] { return amp_graph_runtime_execute(runtime, 1, &out, 1, nullptr); });
    amp_graph_runtime_destroy(runtime);
}

} // namespace

int main(int argc, char **argv) {
    const long calls = argc > 1 ? std::atol(argv[1]) : 200000;
    for (const bool with_metrics : {false, true}) {
        node_call("gain", R"({"gain":0.5})", true, with_metrics, calls);
        node_call("sine_osc", R"({"frequency":440})", false, with_metrics, calls);
    }
    graph_call("graph execute sine->gain->safety block=1",
               R"({"nodes":[{"name":"s","type":"sine_osc"},{"name":"g","type":"gain"},)"
               R"({"name":"y","type":"safety"}],"edges":[{"from":"s","to":"g"},)"
               R"({"from":"g","to":"y"}],"output":"y"})",
               calls);
    return 0;
}
