// test_backward.cpp: the adjoints of the linear nodes pass the dot-product test
// <A x, v> = <x, A^T v> for random x and v (B = 2, C = 2 or 3), forward over one window from a
// fresh state, backward over the same window; nodes without an adjoint return -4.
#include <cmath>
#include <string>
#include <vector>

#include "finite_differences.h"
#include "node_harness.h"

using amp_test::dot;
using amp_test::noise;
using amp_test::Tensor;

namespace {

// y = A x through amp_run_node_v2 forward, fresh state.
Tensor forward(const std::string &type, const std::string &params, const Tensor &x) {
    const auto run = amp_test::run_node(type, params, {x}, {}, x.batches, x.frames);
    CHECK_EQ(run.status, AMP_OK);
    return run.out;
}

// A^T g through backward mode; `input_channels` = channels of the forward input.
Tensor backward(const std::string &type, const std::string &params, const Tensor &g,
                uint32_t input_channels) {
    AmpNodeDescriptorView descriptor{"node", type.c_str(), params.c_str()};
    AmpAudioView view{g.data.data(), g.batches, g.channels, g.frames};
    AmpNodeInputs inputs{&view, 1, nullptr, 0};
    double *out = nullptr;
    int32_t out_channels = 0;
    void *state = nullptr;
    const int32_t status = amp_run_node_v2(
        &descriptor, &inputs, static_cast<int32_t>(g.batches), static_cast<int32_t>(input_channels),
        static_cast<int32_t>(g.frames), 48000.0, &out, &out_channels, &state, nullptr,
        AMP_EXECUTION_BACKWARD, nullptr);
    CHECK_EQ(status, AMP_OK);
    Tensor result{g.batches, static_cast<uint32_t>(out_channels), g.frames, {}};
    if (status == AMP_OK)
        result.data.assign(out, out + result.batches * result.channels * result.frames);
    amp_free(out);
    amp_release_state(state);
    return result;
}

// A^T g over windows of the given sizes (cycled from the start of the signal), called from the
// last window to the first on one state: back-propagation through time.
Tensor backward_split(const std::string &type, const std::string &params, const Tensor &g,
                      uint32_t input_channels, const std::vector<uint32_t> &chunks) {
    std::vector<std::pair<uint32_t, uint32_t>> windows; // (offset, frames)
    for (uint32_t done = 0, call = 0; done < g.frames; ++call) {
        const uint32_t n = std::min(chunks[call % chunks.size()], g.frames - done);
        windows.push_back({done, n});
        done += n;
    }
    AmpNodeDescriptorView descriptor{"node", type.c_str(), params.c_str()};
    void *state = nullptr;
    Tensor result{g.batches, input_channels, g.frames,
                  std::vector<double>(static_cast<size_t>(g.batches) * input_channels * g.frames)};
    for (auto it = windows.rbegin(); it != windows.rend(); ++it) {
        const Tensor part = g.window(it->first, it->second);
        AmpAudioView view{part.data.data(), part.batches, part.channels, part.frames};
        AmpNodeInputs inputs{&view, 1, nullptr, 0};
        double *out = nullptr;
        int32_t out_channels = 0;
        const int32_t status = amp_run_node_v2(
            &descriptor, &inputs, static_cast<int32_t>(g.batches),
            static_cast<int32_t>(input_channels), static_cast<int32_t>(part.frames), 48000.0, &out,
            &out_channels, &state, nullptr, AMP_EXECUTION_BACKWARD, nullptr);
        CHECK_EQ(status, AMP_OK);
        if (status != AMP_OK) break;
        for (uint32_t b = 0; b < g.batches; ++b)
            for (uint32_t c = 0; c < input_channels; ++c)
                for (uint32_t f = 0; f < part.frames; ++f)
                    result.at(b, c, it->first + f) =
                        out[(static_cast<size_t>(b) * input_channels + c) * part.frames + f];
        amp_free(out);
    }
    amp_release_state(state);
    return result;
}

const std::string &type_delay() {
    static const std::string name = "delay";
    return name;
}

void dot_product_test(const std::string &type, const std::string &params, uint32_t in_channels,
                      uint32_t out_channels, uint64_t seed) {
    const Tensor x = noise(2, in_channels, 257, seed);
    const Tensor v = noise(2, out_channels, 257, seed + 1);
    const Tensor y = forward(type, params, x);
    const Tensor adjoint = backward(type, params, v, in_channels);
    CHECK_EQ(y.channels, out_channels);
    CHECK_EQ(adjoint.channels, in_channels);
    const double left = dot(y.data, v.data);
    const double right = dot(x.data, adjoint.data);
    CHECK_NEAR(left, right, 1e-12 * std::max(1.0, std::fabs(left)));
}

} // namespace

TEST(gain_adjoint_passes_the_dot_product_test) {
    dot_product_test("gain", "{\"gain\": -1.75}", 2, 2, 10);
}

TEST(mix_adjoint_passes_the_dot_product_test) {
    dot_product_test("mix", "{\"channels\": 2}", 3, 2, 20);
    dot_product_test("mix", "{\"channels\": 1, \"normalize\": true}", 3, 1, 30);
}

TEST(delay_adjoint_passes_the_dot_product_test) {
    for (int d : {0, 1, 17, 256, 300})
        dot_product_test("delay", "{\"frames\": " + std::to_string(d) + "}", 2, 2,
                         40 + static_cast<uint64_t>(d));
}

TEST(delay_adjoint_over_split_windows_is_the_whole_adjoint_bit_for_bit) {
    for (int d : {0, 1, 3, 17, 300}) {
        const std::string params = "{\"frames\": " + std::to_string(d) + "}";
        const Tensor x = noise(2, 2, 257, 70 + static_cast<uint64_t>(d));
        const Tensor v = noise(2, 2, 257, 80 + static_cast<uint64_t>(d));
        const Tensor whole = backward(type_delay(), params, v, 2);
        const double left = dot(forward(type_delay(), params, x).data, v.data);
        for (const std::vector<uint32_t> &chunks :
             {std::vector<uint32_t>{1}, {7, 1, 64, 3}, {100, 1, 2}, {256, 1}}) {
            const Tensor split = backward_split(type_delay(), params, v, 2, chunks);
            CHECK(split.data == whole.data);
            CHECK_NEAR(left, dot(x.data, split.data), 1e-12 * std::max(1.0, std::fabs(left)));
        }
    }
}

// No adjoint (controller), a source (no input gradient; its parameter gradients come from the
// graph backward pass) or an adjoint that needs recorded forward values (safety): -4.
TEST(nodes_without_a_single_node_adjoint_return_minus_4) {
    for (const char *type : {"constant", "sine_osc", "safety", "controller"}) {
        const bool curve = std::string(type) == "controller";
        AmpNodeDescriptorView descriptor{"node", type, curve ? "{\"curve\": \"c\"}" : "{}"};
        const double g[4] = {1, 1, 1, 1};
        AmpAudioView view{g, 1, 1, 4};
        AmpNodeInputs inputs{&view, 1, nullptr, 0};
        double *out = nullptr;
        int32_t out_channels = 0;
        void *state = nullptr;
        CHECK_EQ(amp_run_node_v2(&descriptor, &inputs, 1, 1, 4, 48000.0, &out, &out_channels,
                                 &state, nullptr, AMP_EXECUTION_BACKWARD, nullptr),
                 AMP_ERR_UNSUPPORTED);
    }
}

AMP_TEST_MAIN()
