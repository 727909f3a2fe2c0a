// registry.cpp: every node type, one line each.
#include <cstring>

#include "nodes/node.h"

namespace amp {

extern const NodeSpec kConstantSpec;
extern const NodeSpec kGainSpec;
extern const NodeSpec kMixSpec;
extern const NodeSpec kDelaySpec;
extern const NodeSpec kSafetySpec;
extern const NodeSpec kSineOscSpec;
extern const NodeSpec kControllerSpec;

namespace {
const NodeSpec *const kRegistry[] = {
    &kConstantSpec, &kGainSpec,    &kMixSpec,        &kDelaySpec,
    &kSafetySpec,   &kSineOscSpec, &kControllerSpec,
};
} // namespace

const NodeSpec *const *node_registry(size_t *count) {
    *count = sizeof(kRegistry) / sizeof(kRegistry[0]);
    return kRegistry;
}

const NodeSpec *find_node_spec(const std::string &type_name) {
    for (const NodeSpec *spec : kRegistry)
        if (type_name == spec->type_name) return spec;
    return nullptr;
}

} // namespace amp
