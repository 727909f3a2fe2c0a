// node_params_check.h: the oracles of one node's params_json, shared by the params_json and
// presets targets: create/run returns a known status; a failure carries a message and leaves no
// state; an accepted node renders finite samples from finite input (2 batches x 2 channels per
// port), continues its stream in a second call, snapshot/restore repeats the bits, and no node
// state leaks.
#pragma once

#include <cmath>
#include <cstring>

#include "fuzz_target.h"
#include "nodes/node.h"

namespace amp_fuzz {

inline const double kTimes[2] = {0.0, 50.0};
inline const double kValues[2] = {0.5, -0.25};

struct Call {
    int32_t status;
    std::vector<double> samples;
};

// One call of `frames` frames on *state: every port fed a deterministic finite signal.
inline Call run(const amp::NodeSpec &spec, const char *params, uint32_t frames, void **state,
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

inline bool same_bits(const std::vector<double> &a, const std::vector<double> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Runs the node with `params` through every oracle above; returns the first call's samples
// (empty when the node refused the parameters).
inline std::vector<double> check_node_params(const amp::NodeSpec &spec, const std::string &params) {
    const int64_t live_before = amp_live_state_count();
    void *state = nullptr;
    const Call first = run(spec, params.c_str(), 64, &state, 0);
    if (first.status != AMP_OK) {
        FUZZ_CHECK(state == nullptr, "a state was created by a failed first call");
        return {};
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
    return first.samples;
}

} // namespace amp_fuzz
