// param_requirements.h: ParamSpec::requirement, the condition under which a parameter has an
// effect (nodes/node.h): its text for messages and the catalogue, and the check run on every
// parsed configuration.
#pragma once

#include <string>
#include <vector>

#include "nodes/node.h"

namespace amp {

// The condition as text, e.g. "oversample > 1" or "up != down".
std::string requirement_text(const ParamRequirement &requirement);

// True when the condition holds for the configuration.
bool requirement_holds(const NodeSpec &spec, const ParamRequirement &requirement,
                       const NodeConfig &config);

// Refuses (AmpFailure, AMP_ERR_INVALID_ARGUMENT) every given parameter whose condition fails,
// naming the parameter, the condition and the values that fail it. `explicit_given` (one per
// parameter, or null when params_json gave none) and `oversample_given` say what params_json
// gave itself: a parameter a preset supplied whose condition fails only because params_json
// set what it depends on is dropped (back to its default, not given) instead of refused.
void check_requirements(const NodeSpec &spec, NodeConfig &config,
                        const std::vector<bool> *explicit_given, bool oversample_given,
                        const std::string &stage, const std::string &label);

} // namespace amp
