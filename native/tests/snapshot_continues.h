// snapshot_continues.h: a check shared by node tests: a single-node stream snapshotted
// mid-stream and restored continues bit for bit.
#pragma once

#include <string>
#include <vector>

#include "amp_native.h"
#include "node_harness.h"

namespace amp_test {

// A single-node stream snapshotted after `half` frames and restored: the rest of the stream
// continues bit for bit (amp_node_state_*). `input` may be empty (a source).
inline bool snapshot_continues(const std::string &type, const std::string &params,
                               const std::vector<amp_test::Tensor> &input, uint32_t frames,
                               uint32_t half) {
    AmpNodeDescriptorView descriptor{"node", type.c_str(), params.c_str()};
    auto call = [&](void **state, uint32_t from, uint32_t n, std::vector<double> &out) {
        std::vector<amp_test::Tensor> parts;
        std::vector<AmpAudioView> audio;
        for (const auto &t : input) parts.push_back(t.window(from, n));
        for (const auto &p : parts)
            audio.push_back({p.data.data(), p.batches, p.channels, p.frames});
        AmpNodeInputs inputs{audio.data(), static_cast<uint32_t>(audio.size()), nullptr, 0};
        double *y = nullptr;
        int32_t channels = 0;
        const int32_t status = amp_run_node_v2(
            &descriptor, &inputs, 1, input.empty() ? 0 : static_cast<int32_t>(input[0].channels),
            static_cast<int32_t>(n), 48000.0, &y, &channels, state, nullptr, AMP_EXECUTION_FORWARD,
            nullptr);
        if (status != AMP_OK) return false;
        out.assign(y, y + static_cast<size_t>(channels) * n);
        amp_free(y);
        return true;
    };
    void *state = nullptr;
    std::vector<double> head, first, second;
    bool ok = call(&state, 0, half, head);
    uint64_t bytes = 0;
    ok = ok && amp_node_state_snapshot_size(state, &bytes) == AMP_OK;
    std::vector<unsigned char> saved(static_cast<size_t>(bytes));
    ok = ok && amp_node_state_snapshot(state, saved.data(), bytes) == AMP_OK;
    ok = ok && call(&state, half, frames - half, first);
    ok = ok && amp_node_state_restore(state, saved.data(), bytes) == AMP_OK;
    ok = ok && call(&state, half, frames - half, second);
    amp_release_state(state);
    return ok && first == second && !first.empty();
}

} // namespace amp_test
