// buffers.cpp: amp_graph_runtime_set_buffer, PCM data handed to a node (e.g. a sampler's sound).
// Every check that does not need the node (name, data, sizes, sample rate, finiteness, memory)
// runs here before anything is allocated; the node then checks its own rules (slot, lengths
// against its parameters) and copies the data (Node::set_buffer).
#include <cmath>
#include <string>
#include <unistd.h>

#include "nodes/node.h"
#include "runtime/errors.h"
#include "runtime/graph_runtime.h"
#include "runtime/json.h"
#include "runtime/limits.h"
#include "runtime/node_config.h"

namespace amp {

void GraphRuntime::set_buffer(const char *node_name, uint32_t slot, const double *data,
                              uint32_t channels, uint64_t frames, double sample_rate) {
    const uint32_t v = find_node(node_name, "set_buffer");
    const NodeDescription &node = graph_.nodes[v];
    const std::string label = node_label(node.name, node.spec->type_name);
    auto fail = [&](const std::string &detail) {
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_buffer", node.name, label + ": " + detail);
    };
    if (channels < 1 || channels > limits::kMaxBufferChannels)
        fail("buffer channels expects an integer in [1, " +
             std::to_string(limits::kMaxBufferChannels) + "], got " + std::to_string(channels));
    if (frames < 1 || frames > limits::kMaxBufferSamples / channels)
        fail("buffer of " + std::to_string(channels) + " channels x " + std::to_string(frames) +
             " frames: expects 1 to " + std::to_string(limits::kMaxBufferSamples) +
             " samples in all");
    const double bytes = static_cast<double>(channels) * static_cast<double>(frames) * 8.0;
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const double pages = static_cast<double>(sysconf(_SC_PHYS_PAGES));
    const double budget = page > 0 && pages > 0 ? page * pages / 2.0 : 8.0 * 1024 * 1024 * 1024;
    if (bytes > budget)
        fail("a buffer of " + format_number(std::ceil(bytes / (1024.0 * 1024.0))) +
             " MiB exceeds the limit of " + format_number(std::floor(budget / (1024.0 * 1024.0))) +
             " MiB (half the machine's memory)");
    if (!(sample_rate > 0.0 && sample_rate <= limits::kMaxSampleRate))
        fail("buffer sample rate expects a number in (0, " + format_number(limits::kMaxSampleRate) +
             "] Hz, got " + format_number(sample_rate));
    if (data == nullptr) fail("buffer data is null");
    const uint64_t count = static_cast<uint64_t>(channels) * frames;
    for (uint64_t i = 0; i < count; ++i)
        if (!std::isfinite(data[i]))
            fail("buffer expects finite samples, got " + format_number(data[i]) + " at channel " +
                 std::to_string(i / frames) + ", frame " + std::to_string(i % frames));
    std::string error;
    if (!plan_.nodes[v]->set_buffer(slot, data, channels, frames, sample_rate, error)) fail(error);
    log("{\"event\":\"amp_graph_runtime_set_buffer\",\"node\":" + json_quote(node.name) +
        ",\"slot\":" + std::to_string(slot) + ",\"channels\":" + std::to_string(channels) +
        ",\"frames\":" + std::to_string(frames) + ",\"sample_rate\":" + format_number(sample_rate) +
        "}");
}

} // namespace amp
