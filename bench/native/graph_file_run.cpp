// graph_file_run: renders a graph JSON file through the C ABI, for instruction counts under
// callgrind (bench/instrument.js --dump writes the instrument's files). Not timed: it prints
// the output's sum and peak, so runs can be compared bit for bit.
//
// Usage: graph_file_run <graph.json> <history.txt> <block> <frames>
//   history.txt: one curve per line, "name step|linear t0 v0 t1 v1 ..." (times in frames).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "amp_native.h"
#include "graph_file_render.h"

int main(int argc, char **argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: graph_file_run <graph.json> <history.txt> <block> <frames>\n");
        return 1;
    }
    std::vector<std::string> names;
    std::vector<std::vector<double>> times, values;
    std::vector<uint32_t> modes;
    std::ifstream history_file(argv[2]);
    for (std::string line; std::getline(history_file, line);) {
        std::istringstream in(line);
        std::string name, mode;
        if (!(in >> name >> mode)) continue;
        names.push_back(name);
        modes.push_back(mode == "step" ? AMP_INTERPOLATION_STEP : AMP_INTERPOLATION_LINEAR);
        times.emplace_back();
        values.emplace_back();
        for (double t = 0, v = 0; in >> t >> v;) {
            times.back().push_back(t);
            values.back().push_back(v);
        }
    }
    std::vector<AmpHistoryCurve> curves;
    for (size_t i = 0; i < names.size(); ++i)
        curves.push_back({names[i].c_str(), times[i].data(), values[i].data(),
                          static_cast<uint32_t>(times[i].size()), modes[i]});
    AmpControlHistory history{curves.data(), static_cast<uint32_t>(curves.size()), 0};
    const uint32_t block = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
    const uint64_t frames = std::strtoull(argv[4], nullptr, 10);
    AmpGraphRuntime *rt = nullptr;
    size_t channels = 0;
    int32_t status = amp_bench::open_graph(amp_bench::read_text_file(argv[1]), block, rt, channels);
    AmpRenderOptions options{};
    options.history = &history;
    double sum = 0.0, peak = 0.0;
    // Curve times count from each execute call's start (the C ABI's rule): after each call the
    // curves move back by the frames just rendered, so the next call continues them (times are
    // whole frames, so the shift is exact) and the output does not depend on the block size.
    const auto shift_curves = [&](uint32_t n) {
        for (std::vector<double> &curve_times : times)
            for (double &t : curve_times) t -= static_cast<double>(n);
    };
    if (status == AMP_OK)
        status =
            amp_bench::render_span(rt, channels, block, frames, &options, shift_curves, sum, peak);
    if (status != AMP_OK) return amp_bench::fail(rt, status);
    std::printf("{\"sum\":%.17g,\"peak\":%.17g}\n", sum, peak);
    amp_graph_runtime_destroy(rt);
    return 0;
}
