// graph_compiler.h: turns a GraphDescription into an execution plan, once, at creation.
//
// - Instantiates every node.
// - Orders the work topologically over audio AND modulation edges. A node that can break a
//   loop (Node::loop_delay_frames() >= 1, e.g. a delay) and lies on a cycle is split into an
//   emit step (no dependencies) and an absorb step (after its producers); any cycle left is a
//   delay-free cycle and is rejected with its nodes named.
// - Infers channel counts (a fixed point, so that loops are handled) and checks every input
//   port has an edge.
// - An edge with a delay of at least one frame on a cycle is no ordering constraint either.
// - The largest block the scheduler may use is the smallest loop delay (split node or delayed
//   edge), so feedback is exact at any requested block size.
// - Declared delays: a node whose declared_delay_frames exceeds its own latency has its output
//   padded by the difference; with latency compensation on, every link into a node is delayed
//   so that all its inputs carry the same accumulated declared delay (links inside a feedback
//   loop are not compensated).
// - An explicit schedule (stages of cohorts) replaces the default order when it is valid.
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

// A dependency carried by an audio edge or a modulation edge, with the delay it holds back.
struct LinkPlan {
    uint32_t from;
    uint32_t to;
    bool modulation;
    uint32_t index;        // into GraphDescription::edges or ::modulations
    uint32_t delay;        // frames held back: edge delay + source padding + compensation
    uint32_t compensation; // the part added by latency compensation
    bool breaks_cycle;     // inside a cycle with delay >= 1: not an ordering constraint
};

struct CompiledGraph {
    std::vector<std::unique_ptr<Node>> nodes;         // per node (description order)
    std::vector<Step> steps;                          // execution order within a block
    std::vector<std::vector<Step>> levels;            // the steps again, grouped so that a
                                                      // step depends only on earlier levels
    std::vector<uint32_t> output_channels;            // per node
    std::vector<std::vector<uint32_t>> port_channels; // [node][port]
    std::vector<std::vector<std::vector<uint32_t>>> port_edges; // [node][port] -> audio edge ids
    std::vector<std::vector<std::vector<uint32_t>>> param_mods; // [node][param] -> modulation ids
    std::vector<uint32_t> param_channels; // per (node, param) flattened: see param_slot
    std::vector<uint32_t> param_offset;   // per node: first param slot
    std::vector<LinkPlan> links;          // audio edges (index = edge id), then modulation edges
    std::vector<uint32_t> declared;       // per node: declared delay (its own latency if not given)
    std::vector<uint32_t> padding;        // per node: declared - own latency, added by the runtime
    std::vector<uint32_t> arrival;        // per node: accumulated declared delay at its inputs
    // Per link (same index as `links`): the source channels it reads, a group of the producer's
    // output (a named output) or all of it: channels [first, first + count).
    std::vector<uint32_t> link_first_channel;
    std::vector<uint32_t> link_channels;
    uint32_t max_block = UINT32_MAX; // feedback limit on the block size
    uint32_t latency_frames = 0;     // accumulated declared delay at the output

    const LinkPlan &audio_link(uint32_t edge) const { return links[edge]; }
    const LinkPlan &modulation_link(uint32_t modulation) const {
        return links[audio_edge_count + modulation];
    }
    uint32_t audio_edge_count = 0;

    size_t param_slot(uint32_t node, uint32_t param) const { return param_offset[node] + param; }
    // True when link `id` reads a part of its producer's channels (a named output of several).
    bool reads_group(uint32_t id) const {
        return link_channels[id] != output_channels[links[id].from];
    }
};

CompiledGraph compile_graph(const GraphDescription &graph);

} // namespace amp
