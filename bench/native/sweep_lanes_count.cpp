// sweep_lanes_count: the work of a sweep's renders, for callgrind instruction counts (load-free):
// B points of the 32-sine graph (s0.frequency varies) or of a lowpass after it (lp.frequency
// varies), 1 s at 48 kHz, block 512, rendered as B one-batch runtimes of each point's own graph
// JSON ("json": a sequential sweep), as one packed B-lane render with per-lane overrides
// ("packed"), or packed with lane sharing ("shared": the sources outside the cone of the varying
// parameter render once). Prints the sum of every output sample, equal across the three.
//
//   cmake --build <build-dir> --target sweep_lanes_count
//   valgrind --tool=callgrind <build-dir>/bench/native/sweep_lanes_count shared lowpass 32
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "amp_native.h"

namespace {

// The 32 sines of bench/graphs.js (100 + 37 i Hz, amplitude 0.5) into a mix, then optionally a
// lowpass; `value` (>= 0) replaces the varying parameter's value in the JSON.
std::string graph_json(bool lowpass, double value) {
    std::string nodes, edges;
    for (int i = 0; i < 32; ++i) {
        const double frequency = i == 0 && !lowpass && value >= 0 ? value : 100.0 + 37.0 * i;
        nodes += R"({"name":"s)" + std::to_string(i) +
                 R"(","type":"sine_osc","params":{"frequency":)" + std::to_string(frequency) +
                 R"(,"amplitude":0.5}},)";
        edges += std::string(i > 0 ? "," : "") + R"({"from":"s)" + std::to_string(i) +
                 R"(","to":"sum"})";
    }
    nodes += R"({"name":"sum","type":"mix","params":{}})";
    if (lowpass) {
        nodes += R"(,{"name":"lp","type":"biquad","params":{"frequency":)" +
                 std::to_string(value >= 0 ? value : 1000.0) + "}}";
        edges += R"(,{"from":"sum","to":"lp"})";
    }
    return R"({"nodes":[)" + nodes + R"(],"edges":[)" + edges + R"(],"output":")" +
           (lowpass ? "lp" : "sum") + "\"}";
}

void check(int32_t status, const char *what) {
    if (status == AMP_OK) return;
    std::fprintf(stderr, "%s failed with status %d\n", what, status);
    std::exit(1);
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: sweep_lanes_count json|packed|shared sines|lowpass B\n");
        return 2;
    }
    const std::string mode = argv[1];
    const bool lowpass = std::strcmp(argv[2], "lowpass") == 0;
    const uint32_t lanes = static_cast<uint32_t>(std::atoi(argv[3]));
    const uint64_t frames = 48000;
    const uint32_t block = 512;
    const char *node = lowpass ? "lp" : "s0";
    std::vector<double> values(lanes);
    for (uint32_t b = 0; b < lanes; ++b) values[b] = lowpass ? 200.0 + 100.0 * b : 100.0 + b;
    double sum = 0.0;
    // One runtime: `count` lanes, the graph JSON's own value (one lane) or per-lane overrides.
    auto render = [&](uint32_t count, const double *lane_values, bool own_json, bool share) {
        AmpGraphRuntime *rt = nullptr;
        const std::string json = graph_json(lowpass, own_json ? lane_values[0] : -1.0);
        check(amp_graph_runtime_create(json.c_str(), &rt), "create");
        check(amp_graph_runtime_configure(rt, count, block), "configure");
        if (share) {
            const char *nodes[] = {node}, *params[] = {"frequency"};
            check(amp_graph_runtime_share_lanes(rt, nodes, params, 1), "share_lanes");
        }
        if (!own_json) {
            std::vector<double> data(static_cast<size_t>(count) * block);
            for (uint32_t b = 0; b < count; ++b)
                for (uint32_t f = 0; f < block; ++f) data[b * block + f] = lane_values[b];
            check(amp_graph_runtime_set_param(rt, node, "frequency", data.data(), count, 1, block),
                  "set_param");
        }
        std::vector<double> out(count * frames);
        check(amp_graph_runtime_execute(rt, frames, out.data(), out.size(), nullptr), "execute");
        for (double x : out) sum += x;
        amp_graph_runtime_destroy(rt);
    };
    if (mode == "json")
        for (uint32_t b = 0; b < lanes; ++b) render(1, &values[b], true, false);
    else if (mode == "packed" || mode == "shared")
        render(lanes, values.data(), false, mode == "shared");
    else
        return 2;
    std::printf("%s %s B=%u: output sum %.17g\n", mode.c_str(), argv[2], lanes, sum);
    return 0;
}
