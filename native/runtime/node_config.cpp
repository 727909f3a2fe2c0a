// node_config.cpp: params_json validation; see node_config.h.
#include "runtime/node_config.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "runtime/errors.h"
#include "runtime/limits.h"
#include "runtime/param_requirements.h"

namespace amp {

namespace {

const char *kind_word(ParamKind kind) {
    switch (kind) {
    case ParamKind::Integer: return "an integer";
    case ParamKind::Boolean: return "a boolean";
    case ParamKind::Text: return "a non-empty string";
    case ParamKind::Enum: return "one of";
    case ParamKind::List: return "an array";
    case ParamKind::Names: return "an array";
    case ParamKind::Signal:
    case ParamKind::Number: return "a finite number";
    }
    return "a value";
}

std::string known_keys(const NodeSpec &spec) {
    std::string keys;
    for (uint32_t i = 0; i < spec.param_count; ++i) {
        keys += spec.params[i].name;
        keys += ", ";
    }
    keys += "oversample, declared_delay_frames, thermo, modulation";
    return keys;
}

[[noreturn]] void reject(const std::string &stage, const std::string &node,
                         const std::string &label, const std::string &key,
                         const std::string &expected, const std::string &provided) {
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, node,
                     label + ": parameter \"" + key + "\" expects " + expected + ", got " +
                         provided);
}

double read_integer(const JsonValue &value, double min_value, double max_value,
                    const std::string &stage, const std::string &node, const std::string &label,
                    const std::string &key) {
    const std::string expected =
        "an integer in [" + format_number(min_value) + ", " + format_number(max_value) + "]";
    if (!value.is_number() || std::floor(value.number) != value.number ||
        value.number < min_value || value.number > max_value)
        reject(stage, node, label, key, expected, value.describe());
    return value.number;
}

void parse_thermo(const JsonValue &thermo, NodeConfig &config, const std::string &stage,
                  const std::string &label) {
    if (!thermo.is_object())
        reject(stage, config.name, label, "thermo", "an object with heat_param, resistance, work",
               thermo.describe());
    for (const auto &member : thermo.members) {
        const std::string key = "thermo." + member.first;
        const JsonValue &value = member.second;
        if (member.first == "heat_param") {
            if (!value.is_string() || value.string.empty())
                reject(stage, config.name, label, key, "a non-empty string", value.describe());
            if (find_param_index(*config.spec, value.string) >= 0)
                reject(stage, config.name, label, key,
                       "a name that is not one of the node's parameters", value.describe());
            config.heat_param = value.string;
        } else if ((member.first == "resistance" || member.first == "work") &&
                   config.spec->publishes_heat) {
            // Node-published heat: the shared model's constants would be accepted and ignored.
            reject(stage, config.name, label, key,
                   "no value (this node type publishes its own heat; thermo.resistance and "
                   "thermo.work apply to the shared model only)",
                   value.describe());
        } else if (member.first == "resistance") {
            if (!value.is_number() || !(value.number >= limits::kMinThermoResistance) ||
                !(value.number <= limits::kMaxThermoResistance))
                reject(stage, config.name, label, key,
                       "a finite number in [1e-12, " + format_number(limits::kMaxThermoResistance) +
                           "]",
                       value.describe());
            config.thermo_resistance = value.number;
        } else if (member.first == "work") {
            if (!value.is_number() || !(value.number >= 0.0) ||
                !(value.number <= limits::kMaxThermoWork))
                reject(stage, config.name, label, key,
                       "a finite number in [0, " + format_number(limits::kMaxThermoWork) + "]",
                       value.describe());
            config.thermo_work = value.number;
            config.thermo_work_given = true;
        } else {
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, config.name,
                             label + ": unknown parameter \"" + key +
                                 "\"; known: thermo.heat_param, thermo.resistance, thermo.work");
        }
    }
}

void parse_modulation(const JsonValue &modulation, NodeConfig &config, const std::string &stage,
                      const std::string &label) {
    if (!modulation.is_object())
        reject(stage, config.name, label, "modulation", "an object with mode, channels",
               modulation.describe());
    for (const auto &member : modulation.members) {
        const std::string key = "modulation." + member.first;
        const JsonValue &value = member.second;
        if (member.first == "mode") {
            if (!value.is_string() || (value.string != "add" && value.string != "multiply"))
                reject(stage, config.name, label, key, "\"add\" or \"multiply\"", value.describe());
            config.modulation_mode = value.string == "add" ? 0 : 1;
        } else if (member.first == "channels") {
            config.modulation_channels = static_cast<uint32_t>(read_integer(
                value, 1, limits::kMaxModulationChannels, stage, config.name, label, key));
        } else {
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, config.name,
                             label + ": unknown parameter \"" + key +
                                 "\"; known: modulation.mode, modulation.channels");
        }
    }
}

// `one of "a", "b", "c"`.
std::string choices_text(const ParamSpec &param) {
    std::string text = "one of ";
    for (uint32_t i = 0; i < param.choice_count; ++i)
        text += std::string(i ? ", " : "") + json_quote(param.choices[i]);
    return text;
}

// The range of one list item, e.g. "a finite number in [0, 1200)".
std::string item_range(const ParamSpec &param) {
    ParamSpec item = param;
    item.kind = ParamKind::Number;
    return describe_range(item);
}

std::vector<double> read_list(const JsonValue &value, const ParamSpec &param,
                              const std::string &stage, const std::string &node,
                              const std::string &label) {
    if (!value.is_array() || value.array.size() < param.min_length ||
        value.array.size() > param.max_length)
        reject(stage, node, label, param.name, describe_range(param), value.describe());
    ParamSpec item = param;
    item.kind = ParamKind::Number;
    std::vector<double> items;
    for (size_t i = 0; i < value.array.size(); ++i) {
        const JsonValue &entry = value.array[i];
        const std::string key = std::string(param.name) + "[" + std::to_string(i) + "]";
        if (!entry.is_number() || !value_in_range(item, entry.number))
            reject(stage, node, label, key, item_range(param), entry.describe());
        if (param.increasing && !items.empty() && !(entry.number > items.back()))
            reject(stage, node, label, key,
                   "a number above the previous item " + format_number(items.back()) +
                       " (the items must be strictly increasing)",
                   entry.describe());
        items.push_back(entry.number);
    }
    return items;
}

std::vector<std::string> read_names(const JsonValue &value, const ParamSpec &param,
                                    bool output_names, const std::string &stage,
                                    const std::string &node, const std::string &label) {
    if (!value.is_array() || value.array.size() < param.min_length ||
        value.array.size() > param.max_length)
        reject(stage, node, label, param.name, describe_range(param), value.describe());
    std::vector<std::string> items;
    for (size_t i = 0; i < value.array.size(); ++i) {
        const JsonValue &entry = value.array[i];
        const std::string key = std::string(param.name) + "[" + std::to_string(i) + "]";
        if (!entry.is_string() || entry.string.empty())
            reject(stage, node, label, key, "a non-empty string", entry.describe());
        if (output_names && entry.string.find('.') != std::string::npos)
            reject(stage, node, label, key,
                   "a name without \".\" (the items name the node's outputs, read as "
                   "\"node.output\")",
                   entry.describe());
        for (const std::string &earlier : items)
            if (earlier == entry.string)
                reject(stage, node, label, key, "a name not listed before (the items must differ)",
                       entry.describe());
        items.push_back(entry.string);
    }
    return items;
}

// Text parameters without a default and Names parameters are required; a pair of alternatives
// needs exactly one of the two.
void check_required_texts(const NodeSpec &spec, const NodeConfig &config, const std::string &stage,
                          const std::string &label) {
    for (uint32_t i = 0; i < spec.param_count; ++i) {
        const ParamSpec &param = spec.params[i];
        const bool names = param.kind == ParamKind::Names;
        if (!(param.kind == ParamKind::Text && param.default_text == nullptr) && !names) continue;
        const int other =
            param.alternative != nullptr ? find_param_index(spec, param.alternative) : -1;
        const bool other_given = other >= 0 && config.given[static_cast<size_t>(other)];
        if (config.given[i] && other_given && static_cast<int>(i) < other)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, config.name,
                             label + ": parameter \"" + param.name + "\" excludes \"" +
                                 param.alternative + "\"; give one of them");
        if (config.given[i] || other_given) continue;
        throw AmpFailure(
            AMP_ERR_INVALID_ARGUMENT, stage, config.name,
            label + ": parameter \"" + param.name + "\" is required (" +
                (names ? describe_range(param) : "a non-empty string") + ")" +
                (other >= 0 ? " unless \"" + std::string(param.alternative) + "\" is given" : ""));
    }
}

// The instance's named outputs: the spec's, or the items of its outputs parameter when given.
void fill_output_names(const NodeSpec &spec, NodeConfig &config) {
    config.output_names.clear();
    const int from =
        spec.outputs_param != nullptr ? find_param_index(spec, spec.outputs_param) : -1;
    if (from >= 0 && config.given[static_cast<size_t>(from)]) {
        config.output_names = config.names[static_cast<size_t>(from)];
        return;
    }
    for (uint32_t i = 0; i < spec.output_count; ++i)
        config.output_names.push_back(spec.outputs[i].name);
}

// Validates `value` for parameter `index` and stores it; `key` names it in messages.
void assign_param(const NodeSpec &spec, NodeConfig &config, uint32_t index, const std::string &key,
                  const JsonValue &value, const std::string &stage, const std::string &label) {
    const ParamSpec &param = spec.params[index];
    const std::string &node_name = config.name;
    double number = 0.0;
    if (param.kind == ParamKind::Enum) {
        uint32_t choice = param.choice_count;
        for (uint32_t i = 0; value.is_string() && i < param.choice_count; ++i)
            if (value.string == param.choices[i]) choice = i;
        if (choice == param.choice_count)
            reject(stage, node_name, label, key, choices_text(param), value.describe());
        config.values[index] = choice;
        config.texts[index] = value.string;
        return;
    }
    if (param.kind == ParamKind::List) {
        config.lists[index] = read_list(value, param, stage, node_name, label);
        return;
    }
    if (param.kind == ParamKind::Names) {
        const bool outputs =
            spec.outputs_param != nullptr && param.name == std::string(spec.outputs_param);
        config.names[index] = read_names(value, param, outputs, stage, node_name, label);
        return;
    }
    if (param.kind == ParamKind::Text) {
        if (!value.is_string() || value.string.empty())
            reject(stage, node_name, label, key, "a non-empty string", value.describe());
        config.texts[index] = value.string;
        return;
    }
    if (param.kind == ParamKind::Boolean) {
        if (!value.is_bool()) reject(stage, node_name, label, key, "a boolean", value.describe());
        number = value.boolean ? 1.0 : 0.0;
    } else {
        if (!value.is_number() || !value_in_range(param, value.number))
            reject(stage, node_name, label, key, describe_range(param), value.describe());
        number = value.number;
    }
    config.values[index] = number;
}

// A value in canonical JSON (object keys sorted) for the preset's content hash.
std::string canonical(const JsonValue &value) {
    switch (value.type) {
    case JsonValue::Type::Null: return "null";
    case JsonValue::Type::Boolean: return value.boolean ? "true" : "false";
    case JsonValue::Type::Number: return format_number(value.number);
    case JsonValue::Type::String: return json_quote(value.string);
    case JsonValue::Type::Array: {
        std::string text = "[";
        for (size_t i = 0; i < value.array.size(); ++i)
            text += (i ? "," : "") + canonical(value.array[i]);
        return text + "]";
    }
    case JsonValue::Type::Object: {
        std::vector<const std::pair<std::string, JsonValue> *> sorted;
        for (const auto &member : value.members) sorted.push_back(&member);
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto *a, const auto *b) { return a->first < b->first; });
        std::string text = "{";
        for (size_t i = 0; i < sorted.size(); ++i)
            text +=
                (i ? "," : "") + json_quote(sorted[i]->first) + ":" + canonical(sorted[i]->second);
        return text + "}";
    }
    }
    return "null";
}

// The node type's `preset` parameter (NodeSpec::presets): "none", a shipped preset's name, or a
// JSON object. Its members are parameter values (and "oversample") applied where params_json
// gave none, validated like params_json ("preset.<key>" in messages), plus the metadata strings
// "name" and "description"; the content hash (FNV-1a 64 of the canonical JSON, low 48 bits)
// goes to NodeConfig::preset_hash.
void apply_preset(const NodeSpec &spec, NodeConfig &config, bool oversample_given,
                  const std::string &stage, const std::string &label) {
    const int preset_index = find_param_index(spec, "preset");
    if (preset_index < 0) return;
    const std::string &text = config.texts[static_cast<size_t>(preset_index)];
    if (text == "none") return;
    std::string names;
    const char *source = nullptr;
    for (uint32_t i = 0; i < spec.preset_count; ++i) {
        names += std::string(i ? ", " : "") + json_quote(spec.presets[i].name);
        if (text == spec.presets[i].name) source = spec.presets[i].json;
    }
    const std::string expected = "\"none\", a shipped preset (" + names + ") or a JSON object";
    JsonValue root;
    std::string error;
    if (source == nullptr && (text.empty() || text[0] != '{'))
        reject(stage, config.name, label, "preset", expected, json_quote(text));
    if (!parse_json(source != nullptr ? source : text, root, error) || !root.is_object())
        reject(stage, config.name, label, "preset",
               expected + (error.empty() ? "" : " (" + error + ")"), json_quote(text));
    for (const auto &member : root.members) {
        const std::string key = "preset." + member.first;
        const JsonValue &value = member.second;
        const int index = find_param_index(spec, member.first);
        if (member.first == "name" || member.first == "description") {
            if (!value.is_string())
                reject(stage, config.name, label, key, "a string", value.describe());
        } else if (member.first == "oversample") {
            const uint32_t factor = static_cast<uint32_t>(
                read_integer(value, 1, limits::kMaxOversample, stage, config.name, label, key));
            if (!oversample_given) config.oversample = factor;
        } else if (index >= 0 && index != preset_index) {
            NodeConfig checked = config; // validate even when params_json overrides it
            assign_param(spec, checked, static_cast<uint32_t>(index), key, value, stage, label);
            if (!config.given[static_cast<size_t>(index)]) {
                config = checked;
                config.given[static_cast<size_t>(index)] = true;
            }
        } else {
            std::string known = "name, description, oversample";
            for (uint32_t i = 0; i < spec.param_count; ++i)
                if (static_cast<int>(i) != preset_index)
                    known += std::string(", ") + spec.params[i].name;
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, config.name,
                             label + ": unknown preset key \"" + member.first +
                                 "\"; known: " + known);
        }
    }
    uint64_t hash = 14695981039346656037ull;
    for (const char c : canonical(root)) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    config.preset_hash = hash & ((uint64_t{1} << 48) - 1);
}

// Required texts, parameter requirements, the oversampling capability and the node's own
// cross-parameter check; the instance's output names.
void finish_config(const NodeSpec &spec, NodeConfig &config, const std::string &stage,
                   const std::string &label, const std::vector<bool> *explicit_given = nullptr,
                   bool oversample_given = false) {
    check_required_texts(spec, config, stage, label);
    check_requirements(spec, config, explicit_given, oversample_given, stage, label);
    fill_output_names(spec, config);
    if (config.oversample > 1 && !spec.oversamples)
        reject(stage, config.name, label, "oversample",
               "1 (this node type does not oversample: a larger factor would change nothing but "
               "the reported heat)",
               std::to_string(config.oversample));
    std::string error;
    if (spec.check != nullptr && !spec.check(config, error))
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, config.name, label + ": " + error);
    // A configuration-dependent work term (after the check: the parameters are consistent).
    if (spec.heat_work_of != nullptr && !config.thermo_work_given)
        config.thermo_work = spec.heat_work_of(config);
}

} // namespace

std::string format_number(double value) {
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    std::ostringstream out;
    if (std::floor(value) == value && std::fabs(value) < 1e15) {
        out << static_cast<long long>(value);
    } else {
        out.precision(17);
        out << value;
    }
    return out.str();
}

std::string node_label(const std::string &node_name, const std::string &type_name) {
    return "node \"" + node_name + "\" (" + type_name + ")";
}

std::string describe_range(const ParamSpec &param) {
    if (param.kind == ParamKind::Boolean || param.kind == ParamKind::Text)
        return kind_word(param.kind);
    if (param.kind == ParamKind::Enum) return choices_text(param);
    if (param.kind == ParamKind::Names) {
        const std::string count =
            param.min_length == param.max_length
                ? std::to_string(param.min_length)
                : std::to_string(param.min_length) + " to " + std::to_string(param.max_length);
        return "an array of " + count + " distinct non-empty strings";
    }
    if (param.kind == ParamKind::List) {
        const std::string count =
            param.min_length == param.max_length
                ? std::to_string(param.min_length)
                : std::to_string(param.min_length) + " to " + std::to_string(param.max_length);
        return "an array of " + count + " items, each " + item_range(param) +
               (param.increasing ? ", strictly increasing" : "");
    }
    std::string text = kind_word(param.kind);
    text += " in ";
    text += param.min_exclusive ? "(" : "[";
    text += format_number(param.min_value) + ", " + format_number(param.max_value);
    text += param.max_exclusive ? ")" : "]";
    if (param.unit != nullptr && param.unit[0] != '\0') {
        text += " ";
        text += param.unit;
    }
    return text;
}

bool value_in_range(const ParamSpec &param, double value) {
    if (!std::isfinite(value) || param.kind == ParamKind::Text || param.kind == ParamKind::List ||
        param.kind == ParamKind::Names)
        return false;
    if (param.kind == ParamKind::Enum)
        return std::floor(value) == value && value >= 0 && value < param.choice_count;
    if (param.kind == ParamKind::Boolean) return value == 0.0 || value == 1.0;
    if (param.kind == ParamKind::Integer && std::floor(value) != value) return false;
    if (param.min_exclusive ? !(value > param.min_value) : !(value >= param.min_value))
        return false;
    if (param.max_exclusive ? !(value < param.max_value) : !(value <= param.max_value))
        return false;
    return true;
}

int find_param_index(const NodeSpec &spec, const std::string &name) {
    for (uint32_t i = 0; i < spec.param_count; ++i)
        if (name == spec.params[i].name) return static_cast<int>(i);
    return -1;
}

NodeConfig parse_node_config(const NodeSpec &spec, const std::string &node_name,
                             const JsonValue *params, const std::string &stage) {
    NodeConfig config;
    config.name = node_name;
    config.spec = &spec;
    config.thermo_work = spec.heat_work;
    config.values.resize(spec.param_count);
    config.texts.resize(spec.param_count);
    config.lists.resize(spec.param_count);
    config.names.resize(spec.param_count);
    config.given.assign(spec.param_count, false);
    for (uint32_t i = 0; i < spec.param_count; ++i) {
        const ParamSpec &param = spec.params[i];
        config.values[i] = param.default_value;
        if (param.default_text != nullptr) config.texts[i] = param.default_text;
        if (param.kind == ParamKind::Enum)
            config.texts[i] = param.choices[static_cast<size_t>(param.default_value)];
        if (param.kind == ParamKind::List)
            config.lists[i].assign(param.default_list,
                                   param.default_list + param.default_list_length);
    }
    const std::string label = node_label(node_name, spec.type_name);
    if (params == nullptr || params->is_null()) {
        finish_config(spec, config, stage, label);
        return config;
    }
    if (!params->is_object())
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, node_name,
                         label + ": params must be a JSON object, got " + params->describe());

    bool oversample_given = false;
    for (const auto &member : params->members) {
        const std::string &key = member.first;
        const JsonValue &value = member.second;
        const int index = find_param_index(spec, key);
        if (index >= 0) {
            config.given[static_cast<size_t>(index)] = true;
            assign_param(spec, config, static_cast<uint32_t>(index), key, value, stage, label);
        } else if (key == "oversample") {
            config.oversample = static_cast<uint32_t>(
                read_integer(value, 1, limits::kMaxOversample, stage, node_name, label, key));
            oversample_given = true;
        } else if (key == "declared_delay_frames") {
            config.declared_delay_frames = static_cast<uint32_t>(
                read_integer(value, 0, limits::kMaxDelayFrames, stage, node_name, label, key));
            config.declared_delay_given = true;
        } else if (key == "thermo") {
            parse_thermo(value, config, stage, label);
        } else if (key == "modulation") {
            parse_modulation(value, config, stage, label);
        } else {
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, node_name,
                             label + ": unknown parameter \"" + key +
                                 "\"; known: " + known_keys(spec));
        }
    }
    const std::vector<bool> explicit_given = config.given; // before the preset fills in
    if (spec.preset_count > 0) apply_preset(spec, config, oversample_given, stage, label);
    finish_config(spec, config, stage, label, &explicit_given, oversample_given);
    return config;
}

} // namespace amp
