// test_support.h: a minimal test harness for the native tests (one executable per file).
// TEST(name) { ... } registers a case; CHECK* record failures without stopping the case;
// AMP_TEST_MAIN() runs every case and prints "N passed, M failed".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "amp_native.h"

namespace amp_test {

struct Case {
    const char *name;
    void (*body)();
};

inline std::vector<Case> &cases() {
    static std::vector<Case> all;
    return all;
}
inline int &failures() {
    static int count = 0;
    return count;
}
struct Registrar {
    Registrar(const char *name, void (*body)()) { cases().push_back({name, body}); }
};

inline int run_all() {
    int passed = 0, failed = 0;
    for (const Case &test : cases()) {
        const int before = failures();
        test.body();
        if (failures() == before) {
            ++passed;
            std::printf("ok      %s\n", test.name);
        } else {
            ++failed;
            std::printf("FAILED  %s\n", test.name);
        }
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

// A named automation curve owned by a test.
struct Curve {
    std::string name;
    std::vector<double> times;
    std::vector<double> values;
    uint32_t interpolation;
};

struct Rendered {
    int32_t status = 0;
    std::vector<double> samples; // batches x channels x frames
    std::vector<uint8_t> over;   // batches x frames thermal-budget flags (when asked for)
    uint32_t channels = 0;
    std::string error;
    AmpGraphSummary graph{}; // read after the render
};

// Renders `frames` frames of a graph in execute calls of the given sizes (cycled; empty: one
// call), with optional control-history curves and thermal-budget flags.
inline Rendered render(const std::string &json, uint32_t batches, uint32_t block, uint64_t frames,
                       const std::vector<uint64_t> &call_sizes = {},
                       const std::vector<Curve> &curves = {}, bool budget_flags = false) {
    Rendered result;
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, batches, block);
    if (result.status == AMP_OK) {
        amp_graph_runtime_describe_graph(rt, &result.graph);
        result.channels = result.graph.output_channels;
        const size_t lanes = static_cast<size_t>(batches) * result.channels;
        std::vector<AmpHistoryCurve> views;
        for (const Curve &curve : curves)
            views.push_back({curve.name.c_str(), curve.times.data(), curve.values.data(),
                             static_cast<uint32_t>(curve.times.size()), curve.interpolation});
        const AmpControlHistory history{views.data(), static_cast<uint32_t>(views.size()), 0};
        result.samples.assign(lanes * frames, 0.0);
        result.over.assign(static_cast<size_t>(batches) * frames, 0);
        uint64_t done = 0;
        size_t call = 0;
        while (done < frames && result.status == AMP_OK) {
            uint64_t n = call_sizes.empty() ? frames : call_sizes[call++ % call_sizes.size()];
            n = std::min<uint64_t>(n, frames - done);
            std::vector<double> part(lanes * n);
            std::vector<uint8_t> over(static_cast<size_t>(batches) * n);
            AmpRenderOptions options{};
            options.history = curves.empty() ? nullptr : &history;
            if (budget_flags) {
                options.over_budget_out = over.data();
                options.over_budget_len = over.size();
            }
            result.status = amp_graph_runtime_execute(rt, n, part.data(), part.size(), &options);
            for (size_t lane = 0; lane < lanes; ++lane)
                for (uint64_t f = 0; f < n; ++f)
                    result.samples[lane * frames + done + f] = part[lane * n + f];
            for (size_t b = 0; b < batches; ++b)
                for (uint64_t f = 0; f < n; ++f)
                    result.over[b * frames + done + f] = over[b * n + f];
            done += n;
        }
        amp_graph_runtime_describe_graph(rt, &result.graph);
    }
    if (result.status != AMP_OK) {
        AmpErrorView error{};
        amp_graph_runtime_last_error(rt, &error);
        result.error = error.detail;
    }
    amp_graph_runtime_destroy(rt);
    return result;
}

// Executes `frames` frames through amp_graph_runtime_execute in calls of calls[0], calls[1], ...
// (cycled; the last call is cut to what remains), each call's lane-major output stitched into
// `y` (lanes x frames, assigned here); `options` is passed to every call. Returns AMP_OK or the
// first failing call's status (the frames after it stay 0).
inline int32_t execute_in_calls(AmpGraphRuntime *rt, size_t lanes, uint32_t frames,
                                const std::vector<uint32_t> &calls, std::vector<double> &y,
                                const AmpRenderOptions *options = nullptr) {
    y.assign(lanes * frames, 0.0);
    int32_t status = AMP_OK;
    for (uint32_t done = 0, call = 0; status == AMP_OK && done < frames; ++call) {
        const uint32_t n = std::min(calls[call % calls.size()], frames - done);
        std::vector<double> part(lanes * n);
        status = amp_graph_runtime_execute(rt, n, part.data(), part.size(), options);
        for (size_t lane = 0; lane < lanes; ++lane)
            for (uint32_t f = 0; f < n; ++f) y[lane * frames + done + f] = part[lane * n + f];
        done += n;
    }
    return status;
}

inline std::string last_error(AmpGraphRuntime *rt) {
    AmpErrorView error{};
    amp_graph_runtime_last_error(rt, &error);
    return error.detail;
}

inline bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

} // namespace amp_test

#define AMP_CONCAT_INNER(a, b) a##b
#define AMP_CONCAT(a, b) AMP_CONCAT_INNER(a, b)
#define TEST(name)                                                                                 \
    static void name();                                                                            \
    static amp_test::Registrar AMP_CONCAT(registrar_, name)(#name, name);                          \
    static void name()

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            ++amp_test::failures();                                                                \
            std::printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #condition);            \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(actual, expected)                                                                 \
    do {                                                                                           \
        const auto amp_a = (actual);                                                               \
        const auto amp_e = (expected);                                                             \
        if (!(amp_a == amp_e)) {                                                                   \
            ++amp_test::failures();                                                                \
            std::printf("  %s:%d: %s == %s failed\n", __FILE__, __LINE__, #actual, #expected);     \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                                    \
    do {                                                                                           \
        const double amp_a = (actual);                                                             \
        const double amp_e = (expected);                                                           \
        if (!(std::fabs(amp_a - amp_e) <= (tolerance))) {                                          \
            ++amp_test::failures();                                                                \
            std::printf("  %s:%d: %s = %.17g, expected %.17g (tolerance %g)\n", __FILE__,          \
                        __LINE__, #actual, amp_a, amp_e, static_cast<double>(tolerance));          \
        }                                                                                          \
    } while (0)

#define CHECK_CONTAINS(text, part)                                                                 \
    do {                                                                                           \
        const std::string amp_t = (text);                                                          \
        if (!amp_test::contains(amp_t, (part))) {                                                  \
            ++amp_test::failures();                                                                \
            std::printf("  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,           \
                        amp_t.c_str(), std::string(part).c_str());                                 \
        }                                                                                          \
    } while (0)

#define AMP_TEST_MAIN()                                                                            \
    int main() { return amp_test::run_all(); }
