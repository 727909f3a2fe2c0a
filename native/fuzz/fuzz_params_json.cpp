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

const double kTimes[2] = {0.0, 50.0};
const double kValues[2] = {0.5, -0.25};

struct Call {
    int32_t status;
    std::vector<double> samples;
};

// One call of `frames` frames on *state: every port fed a deterministic finite signal.
Call run(const amp::NodeSpec &spec, const char *params, uint32_t frames, void **state,
         uint64_t start) {
    const uint32_t batches = 2, channels = 2;
    std::vector<double> signal(static_cast<size_t>(batches) * channels * frames);
    for (size_t i = 0; i < signal.size(); ++i)
        signal[i] = std::sin(0.01 * static_cast<double>(start + i)) * 0.8;
    std::vector<AmpAudioView> audio(spec.input_count,
                                    AmpAudioView{signal.data(), batches, channels, frames});
    const AmpNodeInputs inputs{audio.data(), spec.input_count, nullptr, 0};
    // Curves under the names the seeds give text parameters ("c") and the common defaults.
    const AmpHistoryCurve curves[2] = {{"c", kTimes, kValues, 2, AMP_INTERPOLATION_LINEAR},
                                       {"curve", kTimes, kValues, 1, AMP_INTERPOLATION_STEP}};
    const AmpControlHistory history{curves, 2, 0};
    const AmpNodeDescriptorView descriptor{"fuzzed", spec.type_name, params};
    double *out = nullptr;
    int32_t out_channels = 0;
    Call call{AMP_OK, {}};
    call.status =
        amp_run_node(&descriptor, &inputs, static_cast<int32_t>(batches),
                     spec.input_count > 0 ? static_cast<int32_t>(channels) : 0,
                     static_cast<int32_t>(frames), 48000.0, &out, &out_channels, state, &history);
    FUZZ_CHECK(amp_fuzz::known_status(call.status), "run_node returned %d", call.status);
    if (call.status == AMP_OK) {
        FUZZ_CHECK(out != nullptr && out_channels > 0, "no output");
        call.samples.assign(out, out + static_cast<size_t>(batches) * out_channels * frames);
        amp_free(out);
    } else {
        AmpErrorView error{};
        FUZZ_CHECK(amp_run_node_last_error(&error) == call.status, "last_error code");
        FUZZ_CHECK(error.detail != nullptr && error.detail[0] != '\0', "failure without message");
        FUZZ_CHECK(out == nullptr, "output on failure");
    }
    return call;
}

bool same_bits(const std::vector<double> &a, const std::vector<double> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
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
    const int64_t live_before = amp_live_state_count();
    void *state = nullptr;
    const Call first = run(spec, params.c_str(), 64, &state, 0);
    if (first.status != AMP_OK) {
        FUZZ_CHECK(state == nullptr, "a state was created by a failed first call");
        return 0;
    }
    FUZZ_CHECK(state != nullptr, "no state");
    for (size_t i = 0; i < first.samples.size(); ++i)
        FUZZ_CHECK(std::isfinite(first.samples[i]), "%s %s: sample %zu is %g", spec.type_name,
                   params.c_str(), i, first.samples[i]);
    uint64_t bytes = 0;
    FUZZ_CHECK(amp_node_state_snapshot_size(state, &bytes) == AMP_OK, "snapshot_size");
    std::vector<unsigned char> snapshot(bytes);
    FUZZ_CHECK(amp_node_state_snapshot(state, snapshot.data(), bytes) == AMP_OK, "snapshot");
    const Call second = run(spec, params.c_str(), 37, &state, 64);
    FUZZ_CHECK(second.status == AMP_OK, "%s %s: second call returned %d", spec.type_name,
               params.c_str(), second.status);
    for (size_t i = 0; i < second.samples.size(); ++i)
        FUZZ_CHECK(std::isfinite(second.samples[i]), "%s %s: sample %zu of call 2 is %g",
                   spec.type_name, params.c_str(), i, second.samples[i]);
    FUZZ_CHECK(amp_node_state_restore(state, snapshot.data(), bytes) == AMP_OK, "restore");
    const Call again = run(spec, params.c_str(), 37, &state, 64);
    FUZZ_CHECK(same_bits(second.samples, again.samples), "%s %s: restore changed the output",
               spec.type_name, params.c_str());
    amp_release_state(state);
    FUZZ_CHECK(amp_live_state_count() == live_before, "a node state leaked");
    return 0;
}
