// registry.cpp: every node type, one line each.
#include <cstring>
#include <vector>

#include "nodes/node.h"

namespace amp {

extern const NodeSpec kConstantSpec;
extern const NodeSpec kGainSpec;
extern const NodeSpec kMixSpec;
extern const NodeSpec kDelaySpec;
extern const NodeSpec kSafetySpec;
extern const NodeSpec kSineOscSpec;
extern const NodeSpec kControllerSpec;
extern const NodeSpec kParametricDriverSpec;
extern const NodeSpec kAdsrSpec;
extern const NodeSpec kRciSpec;
extern const NodeSpec kLfoSpec;
extern const NodeSpec kOscillatorPitchSpec;
extern const NodeSpec kIntegratorSpec;
extern const NodeSpec kPitchQuantizerSpec;
extern const NodeSpec kSubharmonicSpec;
extern const NodeSpec kOscillatorSpec;
extern const NodeSpec kResamplerSpec;
extern const NodeSpec kBiquadSpec;
extern const NodeSpec kSamplerSpec;
extern const NodeSpec kPitchShiftSpec;
extern const NodeSpec kFftDividerSpec;

namespace {
const NodeSpec *const kRegistry[] = {
    &kConstantSpec,    &kGainSpec,
    &kMixSpec,         &kDelaySpec,
    &kSafetySpec,      &kSineOscSpec,
    &kControllerSpec,  &kParametricDriverSpec,
    &kAdsrSpec,        &kRciSpec,
    &kLfoSpec,         &kOscillatorPitchSpec,
    &kIntegratorSpec,  &kPitchQuantizerSpec,
    &kSubharmonicSpec, &kOscillatorSpec,
    &kResamplerSpec,   &kBiquadSpec,
    &kSamplerSpec,     &kPitchShiftSpec,
    &kFftDividerSpec,
};

// The table above plus the specs a test binary registered.
std::vector<const NodeSpec *> &all_specs() {
    static std::vector<const NodeSpec *> specs(std::begin(kRegistry), std::end(kRegistry));
    return specs;
}
} // namespace

const NodeSpec *const *node_registry(size_t *count) {
    *count = all_specs().size();
    return all_specs().data();
}

const NodeSpec *find_node_spec(const std::string &type_name) {
    for (const NodeSpec *spec : all_specs())
        if (type_name == spec->type_name) return spec;
    return nullptr;
}

bool register_node_spec(const NodeSpec *spec) {
    if (spec == nullptr || find_node_spec(spec->type_name) != nullptr) return false;
    all_specs().push_back(spec);
    return true;
}

} // namespace amp
