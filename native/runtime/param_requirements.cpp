// param_requirements.cpp: see param_requirements.h.
#include "runtime/param_requirements.h"

#include "runtime/errors.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

bool is_oversample(const char *key) { return std::string(key) == "oversample"; }

// The value a condition reads: the oversampling factor or a parameter's value (an enum's index).
double setting(const NodeSpec &spec, const NodeConfig &config, const char *key) {
    if (is_oversample(key)) return static_cast<double>(config.oversample);
    const int index = find_param_index(spec, key);
    return index >= 0 ? config.values[static_cast<size_t>(index)] : 0.0;
}

// "oversample 1", "up 2": a setting as given (an enum by its name).
std::string shown(const NodeSpec &spec, const NodeConfig &config, const char *key) {
    const int index = find_param_index(spec, key);
    if (index >= 0 && spec.params[index].kind == ParamKind::Enum)
        return std::string(key) + " \"" + config.texts[static_cast<size_t>(index)] + "\"";
    if (index >= 0 && spec.params[index].kind == ParamKind::Boolean)
        return std::string(key) + (setting(spec, config, key) != 0.0 ? " true" : " false");
    return std::string(key) + " " + format_number(setting(spec, config, key));
}

bool key_given(const NodeSpec &spec, const std::vector<bool> &given, bool oversample_given,
               const char *key) {
    if (key == nullptr) return false;
    if (is_oversample(key)) return oversample_given;
    const int index = find_param_index(spec, key);
    return index >= 0 && given[static_cast<size_t>(index)];
}

} // namespace

std::string requirement_text(const ParamRequirement &requirement) {
    if (requirement.relation == Relation::Differs)
        return std::string(requirement.key) + " != " + requirement.other;
    return std::string(requirement.key) + " > " + format_number(requirement.bound);
}

bool requirement_holds(const NodeSpec &spec, const ParamRequirement &requirement,
                       const NodeConfig &config) {
    const double value = setting(spec, config, requirement.key);
    if (requirement.relation == Relation::Differs)
        return value != setting(spec, config, requirement.other);
    return value > requirement.bound;
}

void check_requirements(const NodeSpec &spec, NodeConfig &config,
                        const std::vector<bool> *explicit_given, bool oversample_given,
                        const std::string &stage, const std::string &label) {
    for (uint32_t i = 0; i < spec.param_count; ++i) {
        const ParamSpec &param = spec.params[i];
        const ParamRequirement *requirement = param.requirement;
        if (requirement == nullptr || !config.given[i] ||
            requirement_holds(spec, *requirement, config))
            continue;
        const bool from_preset = explicit_given != nullptr && !(*explicit_given)[i];
        if (from_preset &&
            (key_given(spec, *explicit_given, oversample_given, requirement->key) ||
             key_given(spec, *explicit_given, oversample_given, requirement->other))) {
            // params_json overrides what the preset's value depends on: the value is dropped.
            config.given[i] = false;
            config.values[i] = param.default_value;
            if (param.kind == ParamKind::Enum)
                config.texts[i] = param.choices[static_cast<size_t>(param.default_value)];
            continue;
        }
        std::string provided = shown(spec, config, requirement->key);
        if (requirement->relation == Relation::Differs)
            provided += ", " + shown(spec, config, requirement->other);
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, stage, config.name,
                         label + ": parameter \"" + (from_preset ? "preset." : "") + param.name +
                             "\" requires " + requirement_text(*requirement) + " (" +
                             requirement->why + "), got " + provided);
    }
}

} // namespace amp
