// node_harness.h: drives amp_run_node over a planar input in chunks, for the node tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "test_support.h"

namespace amp_test {

// A planar tensor owned by the test.
struct Tensor {
    uint32_t batches = 1, channels = 1, frames = 1;
    std::vector<double> data;
    double &at(uint32_t b, uint32_t c, uint32_t f) {
        return data[(static_cast<size_t>(b) * channels + c) * frames + f];
    }
    double at(uint32_t b, uint32_t c, uint32_t f) const {
        return data[(static_cast<size_t>(b) * channels + c) * frames + f];
    }
    // Frames [offset, offset + n); a tensor with one frame is returned whole (broadcast).
    Tensor window(uint32_t offset, uint32_t n) const {
        if (frames == 1) return *this;
        Tensor part{batches, channels, n,
                    std::vector<double>(static_cast<size_t>(batches) * channels * n)};
        for (uint32_t b = 0; b < batches; ++b)
            for (uint32_t c = 0; c < channels; ++c)
                for (uint32_t f = 0; f < n; ++f) part.at(b, c, f) = at(b, c, offset + f);
        return part;
    }
};

// Deterministic pseudo-random samples in [-1, 1), different for every lane.
inline Tensor noise(uint32_t batches, uint32_t channels, uint32_t frames, uint64_t seed) {
    Tensor t{batches, channels, frames,
             std::vector<double>(static_cast<size_t>(batches) * channels * frames)};
    uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
    for (double &x : t.data) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x = static_cast<double>(s >> 11) / 4503599627370496.0 - 1.0;
    }
    return t;
}

struct NamedTensor {
    std::string name;
    Tensor tensor;
};

struct NodeRun {
    int32_t status = 0;
    Tensor out;
    double heat = 0.0;
    double reserved0 = 0.0;
};

// Runs a node over `frames` frames in calls of the given sizes (cycled); inputs and params are
// sliced per call. An empty `chunks` means one call.
inline NodeRun run_node(const std::string &type, const std::string &params_json,
                        const std::vector<Tensor> &inputs, const std::vector<NamedTensor> &params,
                        uint32_t batches, uint32_t frames, std::vector<uint32_t> chunks = {},
                        double sample_rate = 48000.0, const AmpControlHistory *history = nullptr) {
    NodeRun result;
    if (chunks.empty()) chunks.push_back(frames);
    AmpNodeDescriptorView descriptor{"node", type.c_str(), params_json.c_str()};
    void *state = nullptr;
    uint32_t done = 0;
    size_t call = 0;
    std::vector<std::vector<double>> pieces;
    std::vector<uint32_t> piece_frames;
    int32_t out_channels = 0;
    while (done < frames) {
        const uint32_t n = std::min(chunks[call++ % chunks.size()], frames - done);
        std::vector<Tensor> input_parts;
        std::vector<AmpAudioView> audio;
        for (const Tensor &input : inputs) input_parts.push_back(input.window(done, n));
        for (const Tensor &part : input_parts)
            audio.push_back({part.data.data(), part.batches, part.channels, part.frames});
        std::vector<Tensor> param_parts;
        std::vector<AmpParamView> views;
        for (const NamedTensor &param : params) param_parts.push_back(param.tensor.window(done, n));
        for (size_t i = 0; i < params.size(); ++i)
            views.push_back({params[i].name.c_str(), param_parts[i].data.data(),
                             param_parts[i].batches, param_parts[i].channels,
                             param_parts[i].frames});
        AmpNodeInputs node_inputs{audio.data(), static_cast<uint32_t>(audio.size()), views.data(),
                                  static_cast<uint32_t>(views.size())};
        double *out = nullptr;
        AmpNodeMetrics metrics{};
        const uint32_t channels = inputs.empty() ? 0 : inputs[0].channels;
        result.status =
            amp_run_node_v2(&descriptor, &node_inputs, static_cast<int32_t>(batches),
                            static_cast<int32_t>(channels), static_cast<int32_t>(n), sample_rate,
                            &out, &out_channels, &state, history, AMP_EXECUTION_FORWARD, &metrics);
        if (result.status != AMP_OK) break;
        result.heat += metrics.accumulated_heat;
        result.reserved0 = metrics.reserved[0];
        pieces.emplace_back(out, out + static_cast<size_t>(batches) * out_channels * n);
        piece_frames.push_back(n);
        amp_free(out);
        done += n;
    }
    amp_release_state(state);
    if (result.status != AMP_OK) return result;
    result.out = Tensor{batches, static_cast<uint32_t>(out_channels), frames,
                        std::vector<double>(static_cast<size_t>(batches) * out_channels * frames)};
    uint32_t offset = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
        const uint32_t n = piece_frames[i];
        for (uint32_t b = 0; b < batches; ++b)
            for (uint32_t c = 0; c < static_cast<uint32_t>(out_channels); ++c)
                for (uint32_t f = 0; f < n; ++f)
                    result.out.at(b, c, offset + f) =
                        pieces[i][(static_cast<size_t>(b) * out_channels + c) * n + f];
        offset += n;
    }
    return result;
}

// One call, frame by frame, and uneven chunks must agree bit for bit.
inline bool block_invariant(const std::string &type, const std::string &params_json,
                            const std::vector<Tensor> &inputs,
                            const std::vector<NamedTensor> &params, uint32_t batches,
                            uint32_t frames, const AmpControlHistory *history = nullptr) {
    const NodeRun whole =
        run_node(type, params_json, inputs, params, batches, frames, {}, 48000.0, history);
    const NodeRun single =
        run_node(type, params_json, inputs, params, batches, frames, {1}, 48000.0, history);
    const NodeRun uneven = run_node(type, params_json, inputs, params, batches, frames,
                                    {1, 7, 64, 3, 129, 2}, 48000.0, history);
    return whole.status == AMP_OK && whole.out.data == single.out.data &&
           whole.out.data == uneven.out.data;
}

// Creating a one-node graph with these params fails with a message containing every part.
inline void expect_bad_params(const std::string &type, const std::string &params_json,
                              const std::vector<std::string> &parts, int line) {
    const std::string json = "{\"nodes\":[{\"name\":\"victim\",\"type\":\"" + type +
                             "\",\"params\":" + params_json + "}],\"output\":\"victim\"}";
    AmpGraphRuntime *rt = nullptr;
    const int32_t status = amp_graph_runtime_create(json.c_str(), &rt);
    if (status != AMP_ERR_INVALID_ARGUMENT) {
        ++failures();
        std::printf("  line %d: %s %s was accepted (status %d)\n", line, type.c_str(),
                    params_json.c_str(), status);
    }
    const std::string detail = last_error(rt);
    for (const std::string &part : parts)
        if (!contains(detail, part)) {
            ++failures();
            std::printf("  line %d: \"%s\" does not contain \"%s\"\n", line, detail.c_str(),
                        part.c_str());
        }
    amp_graph_runtime_destroy(rt);
}

} // namespace amp_test
