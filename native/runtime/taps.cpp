// taps.cpp: the taps nodes publish (NodeSpec::taps). Each tap's block rows are arena slices cut
// at configure (arena.cpp); the node writes them in process(); execute() copies them to the
// caller's tap buffer after each block, tap after tap in tap-index order, each planar
// batches x values x frames. Nothing here allocates.
#include <cstring>

#include "runtime/errors.h"
#include "runtime/graph_runtime.h"

namespace amp {

uint32_t GraphRuntime::tap_count() const {
    uint32_t count = 0;
    for (const auto &node : graph_.nodes) count += node.spec->tap_count;
    return count;
}

void GraphRuntime::tap_info(uint32_t index, AmpTapInfo &info) const {
    uint32_t first = 0;
    for (const auto &node : graph_.nodes) {
        if (index < first + node.spec->tap_count) {
            const TapSpec &tap = node.spec->taps[index - first];
            info.node = node.name.c_str();
            info.name = tap.name;
            info.unit = tap.unit;
            info.values = tap.values;
            return;
        }
        first += node.spec->tap_count;
    }
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "tap_info", "",
                     "tap index " + std::to_string(index) + " is out of range; the graph has " +
                         std::to_string(first) + " taps");
}

uint64_t GraphRuntime::tap_doubles(uint64_t frames) const {
    uint64_t values = 0;
    for (const auto &node : graph_.nodes)
        for (uint32_t t = 0; t < node.spec->tap_count; ++t) values += node.spec->taps[t].values;
    return values * batches_ * frames;
}

void GraphRuntime::copy_taps(double *tap_out, uint64_t frames, uint64_t done, uint32_t n) const {
    double *tap = tap_out;
    for (uint32_t v = 0; v < node_count(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        for (uint32_t t = 0; t < spec.tap_count; ++t) {
            const size_t rows = static_cast<size_t>(batches_) * spec.taps[t].values;
            for (size_t r = 0; r < rows; ++r)
                std::memcpy(tap + r * frames + done, state_[v].taps[t] + r * block_,
                            n * sizeof(double));
            tap += rows * frames;
        }
    }
}

} // namespace amp
