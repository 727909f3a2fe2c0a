// c_api_misc.cpp: status names, API version, the node catalogue and level analysis.
#include <cmath>
#include <string>

#include "amp_native.h"
#include "dsp/frame_lanes.h"
#include "nodes/node.h"
#include "runtime/errors.h"
#include "runtime/json.h"
#include "runtime/limits.h"
#include "runtime/node_config.h"
#include "runtime/param_requirements.h"

namespace {

const char *kind_name(amp::ParamKind kind) {
    switch (kind) {
    case amp::ParamKind::Signal: return "signal";
    case amp::ParamKind::Number: return "number";
    case amp::ParamKind::Integer: return "integer";
    case amp::ParamKind::Boolean: return "boolean";
    case amp::ParamKind::Text: return "text";
    case amp::ParamKind::Enum: return "enum";
    case amp::ParamKind::List: return "list";
    case amp::ParamKind::Names: return "names";
    }
    return "unknown";
}

std::string default_json(const amp::ParamSpec &param) {
    switch (param.kind) {
    case amp::ParamKind::Boolean: return param.default_value != 0.0 ? "true" : "false";
    case amp::ParamKind::Text:
        return param.default_text != nullptr ? amp::json_quote(param.default_text) : "null";
    case amp::ParamKind::Enum:
        return amp::json_quote(param.choices[static_cast<size_t>(param.default_value)]);
    case amp::ParamKind::List: {
        std::string list = "[";
        for (uint32_t i = 0; i < param.default_list_length; ++i)
            list += (i ? "," : "") + amp::format_number(param.default_list[i]);
        return list + "]";
    }
    case amp::ParamKind::Names: return "null";
    case amp::ParamKind::Signal:
    case amp::ParamKind::Number:
    case amp::ParamKind::Integer: break;
    }
    return amp::format_number(param.default_value);
}

// One parameter: name, kind, default, item range, unit, doc; enum choices; list length rules.
// ,"valueNames":[...] of a tap with named values, or "".
std::string tap_names_json(const amp::TapSpec &tap) {
    if (tap.value_names == nullptr) return "";
    std::string json = ",\"valueNames\":[";
    for (uint32_t k = 0; k < tap.values; ++k)
        json += (k ? "," : "") + amp::json_quote(tap.value_names[k]);
    return json + "]";
}

std::string param_json(const amp::ParamSpec &param) {
    std::string json =
        "{\"name\":" + amp::json_quote(param.name) +
        ",\"kind\":" + amp::json_quote(kind_name(param.kind)) +
        ",\"default\":" + default_json(param) + ",\"min\":" + amp::format_number(param.min_value) +
        ",\"max\":" + amp::format_number(param.max_value) +
        ",\"minExclusive\":" + (param.min_exclusive ? "true" : "false") +
        ",\"maxExclusive\":" + (param.max_exclusive ? "true" : "false") +
        ",\"unit\":" + amp::json_quote(param.unit) + ",\"doc\":" + amp::json_quote(param.doc);
    if (param.kind == amp::ParamKind::Enum) {
        json += ",\"choices\":[";
        for (uint32_t i = 0; i < param.choice_count; ++i)
            json += (i ? "," : "") + amp::json_quote(param.choices[i]);
        json += "]";
    }
    if (param.kind == amp::ParamKind::List)
        json += ",\"minLength\":" + std::to_string(param.min_length) +
                ",\"maxLength\":" + std::to_string(param.max_length) +
                ",\"increasing\":" + (param.increasing ? "true" : "false");
    if (param.kind == amp::ParamKind::Names)
        json += ",\"minLength\":" + std::to_string(param.min_length) +
                ",\"maxLength\":" + std::to_string(param.max_length);
    if (param.alternative != nullptr)
        json += ",\"alternative\":" + amp::json_quote(param.alternative);
    if (param.requirement != nullptr) {
        const amp::ParamRequirement &r = *param.requirement;
        json += ",\"requires\":{\"key\":" + amp::json_quote(r.key) + ",\"relation\":" +
                (r.relation == amp::Relation::Differs
                     ? "\"!=\",\"other\":" + amp::json_quote(r.other)
                     : "\">\",\"bound\":" + amp::format_number(r.bound)) +
                ",\"text\":" + amp::json_quote(amp::requirement_text(r)) +
                ",\"why\":" + amp::json_quote(r.why) + "}";
    }
    return json + "}";
}

std::string build_catalog() {
    size_t count = 0;
    const amp::NodeSpec *const *specs = amp::node_registry(&count);
    std::string json = "{\"apiVersion\":" + std::to_string(AMP_API_VERSION) + ",\"nodes\":[";
    for (size_t i = 0; i < count; ++i) {
        const amp::NodeSpec &spec = *specs[i];
        json += i ? "," : "";
        json += "{\"type\":" + amp::json_quote(spec.type_name) +
                ",\"summary\":" + amp::json_quote(spec.summary) + ",\"inputs\":[";
        for (uint32_t p = 0; p < spec.input_count; ++p) {
            json += p ? "," : "";
            json += "{\"name\":" + amp::json_quote(spec.inputs[p].name) +
                    ",\"doc\":" + amp::json_quote(spec.inputs[p].doc) + ",\"gather\":" +
                    (spec.inputs[p].gather == amp::Gather::Concat ? "\"concat\"" : "\"sum\"") +
                    ",\"optional\":" + (spec.inputs[p].optional ? "true" : "false") + "}";
        }
        json += "],\"outputs\":[";
        for (uint32_t o = 0; o < spec.output_count; ++o)
            json += (o ? "," : "") + std::string("{\"name\":") +
                    amp::json_quote(spec.outputs[o].name) +
                    ",\"doc\":" + amp::json_quote(spec.outputs[o].doc) + "}";
        json += "],\"taps\":[";
        for (uint32_t t = 0; t < spec.tap_count; ++t)
            json += (t ? "," : "") + std::string("{\"name\":") +
                    amp::json_quote(spec.taps[t].name) +
                    ",\"doc\":" + amp::json_quote(spec.taps[t].doc) +
                    ",\"unit\":" + amp::json_quote(spec.taps[t].unit) +
                    ",\"values\":" + std::to_string(spec.taps[t].values) +
                    tap_names_json(spec.taps[t]) +
                    (spec.taps[t].optional ? ",\"optional\":true" : "") + "}";
        json += "],\"params\":[";
        for (uint32_t p = 0; p < spec.param_count; ++p) {
            json += p ? "," : "";
            json += param_json(spec.params[p]);
        }
        json += "],\"heatWork\":" + amp::format_number(spec.heat_work) +
                ",\"hasBackward\":" + (spec.has_backward ? "true" : "false") +
                ",\"backwardDoc\":" + amp::json_quote(spec.backward_doc) +
                ",\"oversamples\":" + (spec.oversamples ? "true" : "false") +
                (spec.outputs_param != nullptr
                     ? ",\"outputsParam\":" + amp::json_quote(spec.outputs_param)
                     : std::string()) +
                (spec.publishes_heat ? ",\"publishesHeat\":true,\"heatDoc\":" +
                                           amp::json_quote(spec.heat_doc ? spec.heat_doc : "")
                                     : std::string()) +
                (!spec.publishes_heat && spec.heat_doc != nullptr
                     ? ",\"heatDoc\":" + amp::json_quote(spec.heat_doc)
                     : std::string()) +
                (spec.delay_is_latency ? ",\"delayIsLatency\":true" : "") +
                (spec.linear_phase ? ",\"linearPhase\":true" : "") + "}";
    }
    json += "],\"limits\":{";
    auto range = [](const char *name, double min, double max, bool min_exclusive) {
        return amp::json_quote(name) + ":{\"min\":" + amp::format_number(min) +
               ",\"max\":" + amp::format_number(max) +
               ",\"minExclusive\":" + (min_exclusive ? "true" : "false") + "}";
    };
    json += range("oversample", 1, amp::limits::kMaxOversample, false) + "," +
            range("declaredDelayFrames", 0, amp::limits::kMaxDelayFrames, false) + "," +
            range("edgeDelayFrames", 0, amp::limits::kMaxDelayFrames, false) + "," +
            range("modulationChannels", 1, amp::limits::kMaxModulationChannels, false) + "," +
            range("modulationChannel", 0, amp::limits::kMaxModulationChannel, false) + "," +
            range("sampleRate", 0, amp::limits::kMaxSampleRate, true) + "," +
            range("batches", 1, amp::limits::kMaxBatches, false) + "," +
            range("blockFrames", 1, amp::limits::kMaxBlockFrames, false) + "," +
            range("threads", 1, amp::limits::kMaxThreads, false) + "," +
            range("nodes", 1, amp::limits::kMaxNodes, false) + "," +
            range("modulationScale", -amp::limits::kMaxModulationScale,
                  amp::limits::kMaxModulationScale, false) +
            "," +
            range("thermoResistance", amp::limits::kMinThermoResistance,
                  amp::limits::kMaxThermoResistance, false) +
            "," + range("thermoWork", 0, amp::limits::kMaxThermoWork, false) + "," +
            range("bufferChannels", 1, amp::limits::kMaxBufferChannels, false) + "," +
            range("bufferSamples", 1, static_cast<double>(amp::limits::kMaxBufferSamples), false);
    json += "}}";
    return json;
}

} // namespace

extern "C" {

const char *amp_status_name(int32_t status) {
    switch (status) {
    case AMP_OK: return "AMP_OK";
    case AMP_ERR_INVALID_ARGUMENT: return "AMP_ERR_INVALID_ARGUMENT";
    case AMP_ERR_SHAPE_MISMATCH: return "AMP_ERR_SHAPE_MISMATCH";
    case AMP_ERR_UNKNOWN_NODE_TYPE: return "AMP_ERR_UNKNOWN_NODE_TYPE";
    case AMP_ERR_UNSUPPORTED: return "AMP_ERR_UNSUPPORTED";
    case AMP_ERR_PENDING: return "AMP_ERR_PENDING";
    case AMP_ERR_CANCELLED: return "AMP_ERR_CANCELLED";
    case AMP_ERR_INTERNAL: return "AMP_ERR_INTERNAL";
    default: return "AMP_ERR_UNKNOWN_STATUS";
    }
}

uint32_t amp_api_version(void) { return AMP_API_VERSION; }

const char *amp_node_catalog_json(void) {
    static const std::string catalog = build_catalog();
    return catalog.c_str();
}

uint64_t amp_count_nonfinite(const double *data, uint64_t count) {
    uint64_t bad = 0;
    for (uint64_t i = 0; data != nullptr && i < count; ++i) bad += std::isfinite(data[i]) ? 0 : 1;
    return bad;
}

int32_t amp_analyze_levels(const double *data, uint32_t batches, uint32_t channels, uint32_t frames,
                           double *peak_out, double *rms_out) {
    if ((data == nullptr && frames > 0) || peak_out == nullptr || rms_out == nullptr)
        return AMP_ERR_INVALID_ARGUMENT;
    for (size_t lane = 0; lane < static_cast<size_t>(batches) * channels; ++lane) {
        const double *row = data + lane * frames;
        double peak = 0.0;
        for (uint32_t f = 0; f < frames; ++f) {
            const double x = std::isfinite(row[f]) ? row[f] : 0.0;
            peak = std::fmax(peak, std::fabs(x));
        }
        // by frame lanes, as AmpMeters sums it
        const double energy = amp::dsp::sum_of_squares_by_frame_lanes(row, frames);
        peak_out[lane] = peak;
        rms_out[lane] = frames > 0 ? std::sqrt(energy / frames) : 0.0;
    }
    return AMP_OK;
}

} // extern "C"
