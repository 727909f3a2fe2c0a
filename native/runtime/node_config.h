// node_config.h: turns a node's params_json (already parsed) into a validated NodeConfig.
// Runs once per node at creation. Every rejection throws AmpFailure(-1, stage, node, detail)
// whose detail names the node, its type, the key, the provided value and the allowed range.
#pragma once

#include <string>

#include "nodes/node.h"
#include "runtime/json.h"

namespace amp {

// `params` may be null (all defaults) or must be a JSON object.
NodeConfig parse_node_config(const NodeSpec &spec, const std::string &node_name,
                             const JsonValue *params, const std::string &stage);

// "node \"osc\" (sine_osc)": the prefix of every message about a node.
std::string node_label(const std::string &node_name, const std::string &type_name);

// The allowed range of a parameter as text, e.g. "a number in [0, 1)" or "an integer in [1, 64]".
std::string describe_range(const ParamSpec &param);

// True when `value` satisfies the kind and range of `param`.
bool value_in_range(const ParamSpec &param, double value);

// Index of the spec parameter called `name`, or -1.
int find_param_index(const NodeSpec &spec, const std::string &name);

} // namespace amp
