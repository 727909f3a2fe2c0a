// graph_description.h: the parsed, validated form of a graph description (the JSON documented
// at amp_graph_runtime_create). Names are resolved to indices; node params are validated
// against their specs. Errors throw AmpFailure with stage "parse" or "create".
#pragma once

#include <string>
#include <vector>

#include "nodes/node.h"
#include "runtime/json.h"

namespace amp {

struct NodeDescription {
    std::string name;
    const NodeSpec *spec = nullptr;
    NodeConfig config;
};

struct AudioEdge {
    uint32_t from;
    uint32_t to;
    uint32_t port;            // index into the target's spec->inputs
    uint32_t delay_frames;    // a delay on the edge itself (>= 1 makes a loop through it legal)
    uint32_t from_output = 0; // named output of the source (0: the first, or its only output)
};

enum class ModulationMode { Add, Multiply };

struct ModulationEdge {
    uint32_t from;
    uint32_t to;
    uint32_t param; // index into the target's spec->params (a signal parameter)
    ModulationMode mode;
    double scale;
    int32_t channel; // fixed source channel, or -1 for the broadcast rule
    uint32_t delay_frames;
    uint32_t from_output = 0; // named output of the source
};

struct GraphDescription {
    std::vector<NodeDescription> nodes; // description order = node index
    std::vector<AudioEdge> edges;
    std::vector<ModulationEdge> modulations;
    uint32_t output = 0;
    double sample_rate = 48000.0;
    bool timing = false;              // measure per-node processing time
    bool latency_compensation = true; // align inputs whose accumulated declared delay differs
    double thermal_budget = 0.0;      // heat per second; 0 = no budget
    // Explicit schedule (IPLS): stages of cohorts of node indices, or empty for the default.
    std::vector<std::vector<uint32_t>> schedule;
};

GraphDescription parse_graph_description(const std::string &json);

} // namespace amp
