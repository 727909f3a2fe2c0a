// graph_backward_run: a graph JSON file rendered plainly, or recorded and run backward, through
// the C ABI, for callgrind instruction counts of a backward pass against its forward render
// (bench/callgrind-graph.js --backward). Not timed: it prints the output's sum and peak and
// every gradient (summed over the span, %.17g), so builds can be compared bit for bit.
//
// Usage: graph_backward_run <graph.json> <block> <frames> plain
//        graph_backward_run <graph.json> <block> <frames> backward|frames <node.param> ...
//   plain: execute calls of `block` frames over the span; backward: the same calls after
//   amp_graph_runtime_record(frames), then one amp_graph_runtime_backward with dL/dy = 1e-3 on
//   every output value and one summed request per <node.param> ("frames": per-frame requests,
//   printed as a 64-bit FNV-1a hash of their bits and their sum). No control history (graphs
//   without curves). Under callgrind, amp_graph_runtime_execute's and
//   amp_graph_runtime_backward's inclusive counts separate the render from the backward pass.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "amp_native.h"
#include "graph_file_render.h"

using amp_bench::fail;

int main(int argc, char **argv) {
    const bool per_frame = argc >= 5 && std::strcmp(argv[4], "frames") == 0;
    const bool backward = per_frame || (argc >= 5 && std::strcmp(argv[4], "backward") == 0);
    if (argc < 5 || (!backward && std::strcmp(argv[4], "plain") != 0)) {
        std::fprintf(stderr, "usage: graph_backward_run <graph.json> <block> <frames> "
                             "plain | backward | frames <node.param> ...\n");
        return 1;
    }
    const uint32_t block = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
    const uint64_t frames = std::strtoull(argv[3], nullptr, 10);
    AmpGraphRuntime *rt = nullptr;
    size_t channels = 0;
    int32_t status = amp_bench::open_graph(amp_bench::read_text_file(argv[1]), block, rt, channels);
    if (status == AMP_OK && backward) status = amp_graph_runtime_record(rt, frames, 0);
    if (status != AMP_OK) return fail(rt, status);
    double sum = 0.0, peak = 0.0;
    status = amp_bench::render_span(
        rt, channels, block, frames, nullptr, [](uint32_t) {}, sum, peak);
    if (status != AMP_OK) return fail(rt, status);
    std::printf("{\"sum\":%.17g,\"peak\":%.17g", sum, peak);
    if (backward) {
        std::vector<std::string> nodes, params;
        for (int i = 5; i < argc; ++i) {
            const std::string name = argv[i];
            const size_t dot = name.find('.');
            nodes.push_back(name.substr(0, dot));
            params.push_back(dot == std::string::npos ? std::string() : name.substr(dot + 1));
        }
        const size_t values = per_frame ? static_cast<size_t>(frames) : 1;
        std::vector<std::vector<double>> grads(nodes.size(), std::vector<double>(values, 0.0));
        std::vector<AmpGradientRequest> requests;
        for (size_t i = 0; i < nodes.size(); ++i)
            requests.push_back({nodes[i].c_str(), params[i].c_str(), per_frame ? 0u : 1u,
                                grads[i].data(), values});
        const std::vector<double> dldy(channels * frames, 1e-3);
        status = amp_graph_runtime_backward(rt, dldy.data(), dldy.size(), requests.data(),
                                            static_cast<uint32_t>(requests.size()));
        if (status != AMP_OK) return fail(rt, status);
        for (size_t i = 0; i < nodes.size(); ++i) {
            uint64_t hash = 1469598103934665603ull;
            double total = 0.0;
            for (double value : grads[i]) {
                uint64_t bits = 0;
                std::memcpy(&bits, &value, sizeof bits);
                for (int byte = 0; byte < 8; ++byte)
                    hash = (hash ^ ((bits >> (8 * byte)) & 0xff)) * 1099511628211ull;
                total += value;
            }
            if (per_frame)
                std::printf(",\"%s\":[\"%016llx\",%.17g]", argv[5 + i],
                            static_cast<unsigned long long>(hash), total);
            else
                std::printf(",\"%s\":%.17g", argv[5 + i], total);
        }
    }
    std::printf("}\n");
    amp_graph_runtime_destroy(rt);
    return 0;
}
