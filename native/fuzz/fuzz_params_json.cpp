// fuzz_params_json.cpp: one node's params_json, for every registered node type (the registry is
// read at run time, so node types added later are fuzzed without touching this file). Input:
// "<type name>\n<params_json>"; a first line that names no registered type selects one by the
// sum of its bytes, so mutations reach every type. Oracles: create/run returns a known status; a
// failure carries a message naming the node; an accepted node renders finite samples from
// finite input, continues its stream in a second call, and snapshot/restore repeats the bits.
// fuzz_generated_seeds() writes, per type, the defaults, every enum choice, every list default,
// and each numeric parameter at its bounds, so every parameter kind starts from a valid input.
#include <cmath>
#include <cstring>

#include "fuzz_target.h"
#include "node_params_check.h"
#include "nodes/node.h"
#include "runtime/errors.h"
#include "runtime/json.h"
#include "runtime/node_config.h"

namespace {

const amp::NodeSpec *select_spec(const std::string &type) {
    if (const amp::NodeSpec *spec = amp::find_node_spec(type)) return spec;
    size_t count = 0;
    const amp::NodeSpec *const *specs = amp::node_registry(&count);
    size_t sum = 0;
    for (const char c : type) sum += static_cast<unsigned char>(c);
    return specs[sum % count];
}

std::string number(double value) { return amp::format_number(value); }

std::string seed(const amp::NodeSpec &spec, const std::string &params) {
    return std::string(spec.type_name) + "\n" + params;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    amp_set_memory_budget(amp_fuzz::kFuzzMemoryBudget);
    return 0;
}

std::vector<std::string> fuzz_generated_seeds() {
    std::vector<std::string> seeds;
    size_t count = 0;
    const amp::NodeSpec *const *specs = amp::node_registry(&count);
    for (size_t s = 0; s < count; ++s) {
        const amp::NodeSpec &spec = *specs[s];
        std::string required; // text parameters without a default need a value in every seed
        for (uint32_t p = 0; p < spec.param_count; ++p) {
            const amp::ParamSpec &param = spec.params[p];
            if (param.kind == amp::ParamKind::Text && param.default_text == nullptr)
                required += std::string(required.empty() ? "" : ",") + amp::json_quote(param.name) +
                            ":\"c\"";
        }
        auto with = [&](const std::string &member) {
            const std::string rest = required.empty() ? "" : "," + required;
            return seed(spec, "{" + member + rest + "}");
        };
        seeds.push_back(seed(spec, "{" + required + "}"));
        for (uint32_t p = 0; p < spec.param_count; ++p) {
            const amp::ParamSpec &param = spec.params[p];
            const std::string key = amp::json_quote(param.name) + ":";
            switch (param.kind) {
            case amp::ParamKind::Enum:
                for (uint32_t c = 0; c < param.choice_count; ++c)
                    seeds.push_back(with(key + amp::json_quote(param.choices[c])));
                break;
            case amp::ParamKind::List: {
                std::string list = "[";
                for (uint32_t i = 0; i < param.default_list_length; ++i)
                    list += (i ? "," : "") + number(param.default_list[i]);
                seeds.push_back(with(key + list + "]"));
                break;
            }
            case amp::ParamKind::Boolean:
                seeds.push_back(with(key + "true"));
                seeds.push_back(with(key + "false"));
                break;
            case amp::ParamKind::Text:
                if (param.default_text != nullptr) seeds.push_back(with(key + "\"c\""));
                break;
            case amp::ParamKind::Names: seeds.push_back(with(key + "[\"c\"]")); break;
            case amp::ParamKind::Signal:
            case amp::ParamKind::Number:
            case amp::ParamKind::Integer:
                if (std::isfinite(param.min_value) && !param.min_exclusive)
                    seeds.push_back(with(key + number(param.min_value)));
                if (std::isfinite(param.max_value) && !param.max_exclusive)
                    seeds.push_back(with(key + number(param.max_value)));
                break;
            }
        }
    }
    return seeds;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string input(reinterpret_cast<const char *>(data), size);
    const size_t newline = input.find('\n');
    const std::string type = newline == std::string::npos ? input : input.substr(0, newline);
    const std::string params = newline == std::string::npos ? "{}" : input.substr(newline + 1);
    const amp::NodeSpec &spec = *select_spec(type);
    amp_fuzz::check_node_params(spec, params);
    return 0;
}
