// graph_compiler.h: turns a GraphDescription into an execution plan, once, at creation.
//
// - Instantiates every node.
// - Orders the work topologically over audio AND modulation edges. A node that can break a
//   loop (Node::loop_delay_frames() >= 1, e.g. a delay) and lies on a cycle is split into an
//   emit step (no dependencies) and an absorb step (after its producers); any cycle left is a
//   delay-free cycle and is rejected with its nodes named.
// - Infers channel counts (a fixed point, so that loops are handled) and checks every input
//   port has an edge.
// - The largest block the scheduler may use is the smallest loop delay of a split node, so
//   feedback is exact at any requested block size.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "nodes/node.h"
#include "runtime/graph_description.h"

namespace amp {

enum class StepKind { Process, Emit, Absorb };

struct Step {
    uint32_t node;
    StepKind kind;
};

struct CompiledGraph {
    std::vector<std::unique_ptr<Node>> nodes;                // per node (description order)
    std::vector<Step> steps;                                 // execution order within a block
    std::vector<uint32_t> output_channels;                   // per node
    std::vector<std::vector<uint32_t>> port_channels;        // [node][port]
    std::vector<std::vector<std::vector<uint32_t>>> port_edges;  // [node][port] -> audio edge ids
    std::vector<std::vector<std::vector<uint32_t>>> param_mods;  // [node][param] -> modulation ids
    std::vector<uint32_t> param_channels;                    // per (node, param) flattened: see param_slot
    std::vector<uint32_t> param_offset;                      // per node: first param slot
    uint32_t max_block = UINT32_MAX;                         // feedback limit on the block size
    uint32_t latency_frames = 0;                             // declared delay, sources to output

    size_t param_slot(uint32_t node, uint32_t param) const { return param_offset[node] + param; }
};

CompiledGraph compile_graph(const GraphDescription &graph);

} // namespace amp
