// node_config.cpp: params_json validation; see node_config.h.
#include "runtime/node_config.h"

#include <cmath>
#include <sstream>

#include "runtime/errors.h"
#include "runtime/limits.h"

namespace amp {

namespace {

const char *kind_word(ParamKind kind) {
    switch (kind) {
    case ParamKind::Integer: return "an integer";
    case ParamKind::Boolean: return "a boolean";
    case ParamKind::Text: return "a non-empty string";
    case ParamKind::Enum: return "one of";
    case ParamKind::List: return "an array";
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

void check_required_texts(const NodeSpec &spec, const NodeConfig &config, const std::string &stage,
                          const std::string &label) {
    for (uint32_t i = 0; i < spec.param_count; ++i)
        if (spec.params[i].kind == ParamKind::Text && config.texts[i].empty())
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, config.name,
                             label + ": parameter \"" + spec.params[i].name +
                                 "\" is required (a non-empty string)");
}

// Required texts, the oversampling capability and the node's own cross-parameter check.
void finish_config(const NodeSpec &spec, NodeConfig &config, const std::string &stage,
                   const std::string &label) {
    check_required_texts(spec, config, stage, label);
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
    if (!std::isfinite(value) || param.kind == ParamKind::Text || param.kind == ParamKind::List)
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

    for (const auto &member : params->members) {
        const std::string &key = member.first;
        const JsonValue &value = member.second;
        const int index = find_param_index(spec, key);
        if (index >= 0) {
            const ParamSpec &param = spec.params[index];
            double number = 0.0;
            config.given[static_cast<size_t>(index)] = true;
            if (param.kind == ParamKind::Enum) {
                uint32_t choice = param.choice_count;
                for (uint32_t i = 0; value.is_string() && i < param.choice_count; ++i)
                    if (value.string == param.choices[i]) choice = i;
                if (choice == param.choice_count)
                    reject(stage, node_name, label, key, choices_text(param), value.describe());
                config.values[static_cast<size_t>(index)] = choice;
                config.texts[static_cast<size_t>(index)] = value.string;
                continue;
            }
            if (param.kind == ParamKind::List) {
                config.lists[static_cast<size_t>(index)] =
                    read_list(value, param, stage, node_name, label);
                continue;
            }
            if (param.kind == ParamKind::Text) {
                if (!value.is_string() || value.string.empty())
                    reject(stage, node_name, label, key, "a non-empty string", value.describe());
                config.texts[static_cast<size_t>(index)] = value.string;
                continue;
            }
            if (param.kind == ParamKind::Boolean) {
                if (!value.is_bool())
                    reject(stage, node_name, label, key, "a boolean", value.describe());
                number = value.boolean ? 1.0 : 0.0;
            } else {
                if (!value.is_number() || !value_in_range(param, value.number))
                    reject(stage, node_name, label, key, describe_range(param), value.describe());
                number = value.number;
            }
            config.values[static_cast<size_t>(index)] = number;
        } else if (key == "oversample") {
            config.oversample = static_cast<uint32_t>(
                read_integer(value, 1, limits::kMaxOversample, stage, node_name, label, key));
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
    finish_config(spec, config, stage, label);
    return config;
}

} // namespace amp
