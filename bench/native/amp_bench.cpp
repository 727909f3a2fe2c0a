// amp_bench: times our runtime through its C ABI (amp_native.h) with the shared harness
// (block_timing.h), so it survives changes behind the ABI. Not part of the runtime or the addon;
// built on request (`cmake --build build --target amp_bench amp_bench_check`), never by ctest.
//
// Usage: amp_bench <mode> <signal> <block> <frames> [threads]
//   mode execute:        a graph runtime (create, configure(1, block), set_threads), then
//                        amp_graph_runtime_execute per block into a reused buffer;
//                        signal sines:N (N sine_osc, summed by a mix when N > 1) or chain
//                        (sine_osc -> gain -> safety) or sawlp / sawlp-bl (oscillator saw 220 Hz,
//                        naive / polyblep -> biquad lowpass 1 kHz, Q 1/sqrt(2) -> gain 0.5)
//   mode node:           amp_run_node_v2 per block with metrics, state kept across calls, the
//                        returned buffer copied out and released with amp_free (as a host must);
//                        signal sines:1 (sine_osc) or gain (gain fed with the exact sine)
//   mode node-nometrics: the same with metrics = NULL
// Prints one JSON object (block_timing.h); exit status 1 on bad usage or a failed call.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "amp_native.h"
#include "block_timing.h"

using namespace amp_bench;

namespace {

constexpr uint32_t kRate = 48000;
constexpr uint32_t kOffset = 1; // our phase advances before the first sample

std::string sine_node(const std::string &name, uint32_t i) {
    return "{\"name\":\"" + name + "\",\"type\":\"sine_osc\",\"params\":{\"frequency\":" +
           std::to_string(sine_frequency_hz(i)) + ",\"amplitude\":0.5}}";
}

bool graph_json(const Signal &signal, std::string &json) {
    if (signal.kind == "sawlp" || signal.kind == "sawlp-bl") {
        char text[640];
        std::snprintf(text, sizeof text,
                      "{\"nodes\":[{\"name\":\"osc\",\"type\":\"oscillator\",\"params\":{"
                      "\"waveform\":\"saw\",\"driver\":\"%s\",\"frequency\":%llu,"
                      "\"amplitude\":1}},{\"name\":\"lp\",\"type\":\"biquad\",\"params\":{"
                      "\"filter\":\"lowpass\",\"frequency\":%.17g,\"q\":%.17g}},"
                      "{\"name\":\"out\",\"type\":\"gain\",\"params\":{\"gain\":%.17g}}],"
                      "\"edges\":[{\"from\":\"osc\",\"to\":\"lp\"},{\"from\":\"lp\",\"to\":"
                      "\"out\"}],\"output\":\"out\",\"sample_rate\":48000}",
                      signal.kind == "sawlp" ? "naive" : "polyblep",
                      static_cast<unsigned long long>(kSawHz), kLowpassHz, kLowpassQ, kSawGain);
        json = text;
        return true;
    }
    if (signal.kind == "chain") {
        json = "{\"nodes\":[" + sine_node("osc", 0) +
               ",{\"name\":\"level\",\"type\":\"gain\",\"params\":{\"gain\":" +
               std::to_string(kChainGain) +
               "}},{\"name\":\"out\",\"type\":\"safety\",\"params\":{\"dc_alpha\":" +
               std::to_string(kChainDcAlpha) +
               "}}],\"edges\":[{\"from\":\"osc\",\"to\":\"level\"},{\"from\":\"level\",\"to\":"
               "\"out\"}],"
               "\"output\":\"out\",\"sample_rate\":48000}";
        return true;
    }
    if (signal.kind != "sines") return false;
    std::string nodes, edges;
    for (uint32_t i = 0; i < signal.count; ++i) {
        nodes += (i ? "," : "") + sine_node("s" + std::to_string(i), i);
        edges +=
            std::string(i ? "," : "") + "{\"from\":\"s" + std::to_string(i) + "\",\"to\":\"sum\"}";
    }
    if (signal.count == 1) {
        json = "{\"nodes\":[" + nodes + "],\"edges\":[],\"output\":\"s0\",\"sample_rate\":48000}";
    } else {
        json = "{\"nodes\":[" + nodes +
               ",{\"name\":\"sum\",\"type\":\"mix\",\"params\":{}}],\"edges\":[" + edges +
               "],\"output\":\"sum\",\"sample_rate\":48000}";
    }
    return true;
}

int fail(const char *what, const char *detail) {
    std::fprintf(stderr, "amp_bench: %s: %s\n", what, detail);
    return 1;
}

int run_execute(const Signal &signal, uint32_t block, uint64_t frames, uint32_t threads) {
    std::string json;
    if (!graph_json(signal, json))
        return fail("execute", "signal must be sines:N, chain, sawlp or sawlp-bl");
    AmpGraphRuntime *runtime = nullptr;
    AmpErrorView error{};
    if (amp_graph_runtime_create(json.c_str(), &runtime) != AMP_OK ||
        amp_graph_runtime_configure(runtime, 1, block) != AMP_OK ||
        amp_graph_runtime_set_threads(runtime, threads) != AMP_OK) {
        if (runtime) amp_graph_runtime_last_error(runtime, &error);
        const std::string detail = error.detail ? error.detail : "out of memory";
        amp_graph_runtime_destroy(runtime);
        return fail("execute", detail.c_str());
    }
    const StreamRun run = time_stream(
        frames, block, signal, kRate, kOffset,
        [&](uint32_t n, double *out) {
            return amp_graph_runtime_execute(runtime, n, out, n, nullptr) == AMP_OK;
        },
        [&] { amp_graph_runtime_reset(runtime); });
    if (run.failed) {
        amp_graph_runtime_last_error(runtime, &error);
        const std::string detail = error.detail;
        amp_graph_runtime_destroy(runtime);
        return fail("execute", detail.c_str());
    }
    amp_graph_runtime_destroy(runtime);
    print_run(threads > 1 ? "amp execute (threads)" : "amp execute", run, frames, block);
    return run.check.ok && run.repeat_identical ? 0 : 1;
}

int run_node(const Signal &signal, uint32_t block, uint64_t frames, bool with_metrics) {
    const bool is_gain = signal.kind == "gain";
    if (!is_gain && !(signal.kind == "sines" && signal.count == 1))
        return fail("node", "signal must be sines:1 or gain");
    const std::string params =
        is_gain ? "{\"gain\":" + std::to_string(kChainGain) + "}"
                : "{\"frequency\":" + std::to_string(sine_frequency_hz(0)) + ",\"amplitude\":0.5}";
    const AmpNodeDescriptorView descriptor{"bench", is_gain ? "gain" : "sine_osc", params.c_str()};
    const ExactSines input_signal(1, kRate, kOffset);
    uint64_t frame = 0;
    std::vector<double> input(block);
    AmpAudioView audio{input.data(), 1, 1, 0};
    const AmpNodeInputs inputs{is_gain ? &audio : nullptr, is_gain ? 1u : 0u, nullptr, 0};
    void *state = nullptr;
    AmpNodeMetrics metrics{};
    auto render = [&](uint32_t n, double *out) {
        if (is_gain) {
            for (uint32_t f = 0; f < n; ++f) input[f] = input_signal.at(frame + f);
            audio.frames = n;
        }
        double *result = nullptr;
        int32_t channels = 0;
        const int32_t status = amp_run_node_v2(
            &descriptor, &inputs, 1, is_gain ? 1 : 0, static_cast<int32_t>(n), kRate, &result,
            &channels, &state, nullptr, AMP_EXECUTION_FORWARD, with_metrics ? &metrics : nullptr);
        if (status != AMP_OK) return false;
        std::memcpy(out, result, n * sizeof(double));
        amp_free(result);
        frame += n;
        return true;
    };
    // A fresh state starts the stream at frame 0; a 0-frame call creates it (parsing the
    // descriptor) here, outside the timed pass, as Faust's instanceClear() is.
    auto reset = [&] {
        amp_release_state(state);
        state = nullptr;
        double *result = nullptr;
        int32_t channels = 0;
        audio.frames = 0;
        if (amp_run_node_v2(&descriptor, &inputs, 1, is_gain ? 1 : 0, 0, kRate, &result, &channels,
                            &state, nullptr, AMP_EXECUTION_FORWARD, nullptr) == AMP_OK)
            amp_free(result);
        frame = 0;
    };
    const StreamRun run = time_stream(frames, block, signal, kRate, kOffset, render, reset);
    amp_release_state(state);
    if (run.failed) {
        AmpErrorView error{};
        amp_run_node_last_error(&error);
        return fail("node", error.detail);
    }
    print_run(with_metrics ? "amp_run_node_v2" : "amp_run_node_v2 (metrics NULL)", run, frames,
              block);
    return run.check.ok && run.repeat_identical ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
    Signal signal;
    if (argc < 5 || !parse_signal(argv[2], signal))
        return fail("usage", "amp_bench <execute|node|node-nometrics> <sines:N|gain|chain> <block> "
                             "<frames> [threads]");
    const long block = std::strtol(argv[3], nullptr, 10);
    const long long frames = std::strtoll(argv[4], nullptr, 10);
    const long threads = argc > 5 ? std::strtol(argv[5], nullptr, 10) : 1;
    if (block < 1 || block > 65536 || frames < block || threads < 1 || threads > 16)
        return fail("usage", "block in [1, 65536], frames >= block, threads in [1, 16]");
    const std::string mode = argv[1];
    if (mode == "execute")
        return run_execute(signal, static_cast<uint32_t>(block), static_cast<uint64_t>(frames),
                           static_cast<uint32_t>(threads));
    if (mode == "node" || mode == "node-nometrics")
        return run_node(signal, static_cast<uint32_t>(block), static_cast<uint64_t>(frames),
                        mode == "node");
    return fail("usage", "mode must be execute, node or node-nometrics");
}
