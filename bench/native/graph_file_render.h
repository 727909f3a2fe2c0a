// graph_file_render.h: what graph_file_run and graph_backward_run share: a graph JSON file
// read whole, made into a runtime of one batch at a block size, and rendered in execute calls of
// `block` frames while the output's sum and peak are kept (so builds compare bit for bit).
#ifndef AMP_BENCH_GRAPH_FILE_RENDER_H
#define AMP_BENCH_GRAPH_FILE_RENDER_H

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "amp_native.h"

namespace amp_bench {

// The whole file as text ("" when it cannot be read: the runtime then refuses the graph).
inline std::string read_text_file(const char *path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// A runtime of the graph `json` configured for one batch and `block` frames; `channels` is its
// output channel count. Returns the first failing call's status (the runtime, if made, is set).
inline int32_t open_graph(const std::string &json, uint32_t block, AmpGraphRuntime *&runtime,
                          size_t &channels) {
    runtime = nullptr;
    int32_t status = amp_graph_runtime_create(json.c_str(), &runtime);
    if (status == AMP_OK) status = amp_graph_runtime_configure(runtime, 1, block);
    AmpGraphSummary summary{};
    if (status == AMP_OK) status = amp_graph_runtime_describe_graph(runtime, &summary);
    channels = summary.output_channels;
    return status;
}

// Renders `frames` frames in execute calls of `block` frames (the last may be shorter) with
// `options` (may be null), adding every output value to `sum` and `peak` (max |value|);
// `after_call(n)` runs after each call of n frames. Returns the first failing call's status.
template <typename AfterCall>
int32_t render_span(AmpGraphRuntime *runtime, size_t channels, uint32_t block, uint64_t frames,
                    const AmpRenderOptions *options, AfterCall &&after_call, double &sum,
                    double &peak) {
    std::vector<double> out(channels * block);
    for (uint64_t done = 0; done < frames; done += block) {
        const uint32_t n = static_cast<uint32_t>(frames - done < block ? frames - done : block);
        const int32_t status =
            amp_graph_runtime_execute(runtime, n, out.data(), out.size(), options);
        if (status != AMP_OK) return status;
        after_call(n);
        for (size_t i = 0; i < channels * n; ++i) {
            sum += out[i];
            peak = std::fmax(peak, std::fabs(out[i]));
        }
    }
    return AMP_OK;
}

// Prints the runtime's last error with `status` to stderr, destroys the runtime; returns 1.
inline int fail(AmpGraphRuntime *runtime, int32_t status) {
    AmpErrorView view{};
    if (runtime != nullptr) amp_graph_runtime_last_error(runtime, &view);
    std::fprintf(stderr, "failed (%d): %s\n", status, view.detail ? view.detail : "");
    amp_graph_runtime_destroy(runtime);
    return 1;
}

} // namespace amp_bench

#endif
