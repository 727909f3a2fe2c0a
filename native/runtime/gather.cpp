// gather.cpp: what a node's input ports read. A port with one matching edge reads its producer's
// buffer (or the link's FIFO staging) in place; a concat of several edges reads a lane table;
// otherwise the edges are summed (channels broadcast c mod C_edge) into the port's own buffer.
// The views are planned at configure; a step copies or sums only the ports that need it.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <cstring>

namespace amp {

const double *GraphRuntime::link_source(uint32_t id) const {
    return plan_.links[id].delay > 0 ? fifos_[id].staging : state_[plan_.links[id].from].out;
}

// A port's view is fixed once the buffers exist: an open port is empty, a lane table or a
// single edge read in place points at the producer (or the FIFO staging), and a port whose edges
// must be summed or broadcast reads its own buffer. Only `frames` changes from step to step.
void GraphRuntime::plan_inputs(uint32_t v) {
    const NodeSpec &spec = *graph_.nodes[v].spec;
    NodeState &node = state_[v];
    node.gathered_ports.clear();
    for (uint32_t p = 0; p < spec.input_count; ++p) {
        const auto &edges = plan_.port_edges[v][p];
        const uint32_t channels = plan_.port_channels[v][p];
        if (edges.empty())
            node.inputs[p] = TensorView{}; // an optional port left open
        else if (!node.port_rows[p].empty())
            node.inputs[p] = TensorView{link_source(edges[0]),   batches_, channels, 0, block_,
                                        node.port_rows[p].data()};
        else if (node.port_buffers[p] == nullptr) // one lane (a shared producer) broadcasts
            node.inputs[p] =
                TensorView{link_source(edges[0]), state_[graph_.edges[edges[0]].from].lanes,
                           channels, 0, block_};
        else {
            node.inputs[p] = TensorView{node.port_buffers[p], node.lanes, channels, 0, block_};
            node.gathered_ports.push_back(p);
        }
    }
}

// Sums (or copies) the edges of every port in gathered_ports into its buffer; run_step has set
// every view's frames.
void GraphRuntime::gather_inputs(uint32_t v, uint32_t frames) {
    const NodeSpec &spec = *graph_.nodes[v].spec;
    NodeState &node = state_[v];
    for (uint32_t p : node.gathered_ports) {
        const auto &edges = plan_.port_edges[v][p];
        const uint32_t channels = plan_.port_channels[v][p];
        double *buffer = node.port_buffers[p];
        const bool concat = spec.inputs[p].gather == Gather::Concat;
        if (!concat)
            for (uint32_t b = 0; b < node.lanes; ++b)
                for (uint32_t c = 0; c < channels; ++c)
                    std::fill_n(buffer + (static_cast<size_t>(b) * channels + c) * block_, frames,
                                0.0);
        uint32_t first_channel = 0;
        for (uint32_t id : edges) {
            // The edge reads channels [first, first + source_channels) of a producer with
            // `total` channels (a named output, or all of them).
            const uint32_t total = plan_.output_channels[graph_.edges[id].from];
            const uint32_t first = plan_.link_first_channel[id];
            const uint32_t source_channels = plan_.link_channels[id];
            const double *src = link_source(id);
            const uint32_t from = graph_.edges[id].from;
            for (uint32_t b = 0; b < node.lanes; ++b) {
                const size_t sb = lane_of(from, b); // a shared producer's one lane
                if (concat) {
                    for (uint32_t c = 0; c < source_channels; ++c)
                        std::memcpy(
                            buffer +
                                (static_cast<size_t>(b) * channels + first_channel + c) * block_,
                            src + (sb * total + first + c) * block_, frames * sizeof(double));
                } else {
                    for (uint32_t c = 0; c < channels; ++c) {
                        const double *in =
                            src + (sb * total + first + c % source_channels) * block_;
                        double *acc = buffer + (static_cast<size_t>(b) * channels + c) * block_;
                        for (uint32_t f = 0; f < frames; ++f) acc[f] += in[f];
                    }
                }
            }
            first_channel += source_channels;
        }
    }
}

} // namespace amp
