// fuzz_presets.cpp: the `preset` parameter of every node type that ships presets (read from the
// registry at run time). Input: the preset text ("none", a shipped preset's name, or a JSON object
// of parameter values plus "name", "description" and "oversample"), given as
// {"preset": "<input>"}. Oracles: those of params_json (node_params_check.h), and one of its own:
// an accepted preset object without repeated keys renders bit for bit what the same members give
// as params_json directly (a preset is only a way to write parameters).
#include <set>

#include "fuzz_target.h"
#include "node_params_check.h"
#include "nodes/node.h"
#include "runtime/errors.h"
#include "runtime/json.h"
#include "runtime/node_config.h"

namespace {

std::vector<const amp::NodeSpec *> preset_specs() {
    std::vector<const amp::NodeSpec *> specs;
    size_t count = 0;
    const amp::NodeSpec *const *all = amp::node_registry(&count);
    for (size_t i = 0; i < count; ++i)
        if (all[i]->preset_count > 0) specs.push_back(all[i]);
    return specs;
}

std::string write_json(const amp::JsonValue &value) {
    switch (value.type) {
    case amp::JsonValue::Type::Null: return "null";
    case amp::JsonValue::Type::Boolean: return value.boolean ? "true" : "false";
    case amp::JsonValue::Type::Number: return amp::format_number(value.number);
    case amp::JsonValue::Type::String: return amp::json_quote(value.string);
    case amp::JsonValue::Type::Array: {
        std::string text = "[";
        for (size_t i = 0; i < value.array.size(); ++i)
            text += (i ? "," : "") + write_json(value.array[i]);
        return text + "]";
    }
    case amp::JsonValue::Type::Object: break;
    }
    std::string text = "{";
    for (size_t i = 0; i < value.members.size(); ++i)
        text += (i ? "," : "") + amp::json_quote(value.members[i].first) + ":" +
                write_json(value.members[i].second);
    return text + "}";
}

// The preset's members as params_json (metadata dropped), or "" when keys repeat or the text is
// not an object.
std::string as_params(const std::string &preset) {
    amp::JsonValue root;
    std::string error;
    if (!amp::parse_json(preset, root, error) || !root.is_object()) return "";
    std::set<std::string> keys;
    amp::JsonValue params;
    params.type = amp::JsonValue::Type::Object;
    for (const auto &member : root.members) {
        if (!keys.insert(member.first).second) return "";
        if (member.first != "name" && member.first != "description")
            params.members.push_back(member);
    }
    return write_json(params);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    amp_set_memory_budget(amp_fuzz::kFuzzMemoryBudget);
    return 0;
}

std::vector<std::string> fuzz_generated_seeds() {
    std::vector<std::string> seeds{"none"};
    for (const amp::NodeSpec *spec : preset_specs())
        for (uint32_t i = 0; i < spec->preset_count; ++i) {
            seeds.push_back(spec->presets[i].name);
            seeds.push_back(spec->presets[i].json);
        }
    return seeds;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string preset(reinterpret_cast<const char *>(data), size);
    const std::string params = "{\"preset\":" + amp::json_quote(preset) + "}";
    for (const amp::NodeSpec *spec : preset_specs()) {
        const std::vector<double> through_preset = amp_fuzz::check_node_params(*spec, params);
        const std::string direct = as_params(preset);
        if (through_preset.empty() || direct.empty()) continue;
        const std::vector<double> given = amp_fuzz::check_node_params(*spec, direct);
        FUZZ_CHECK(amp_fuzz::same_bits(through_preset, given),
                   "%s: preset %s renders differently from params_json %s", spec->type_name,
                   preset.c_str(), direct.c_str());
    }
    return 0;
}
