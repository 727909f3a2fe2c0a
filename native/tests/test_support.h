// test_support.h: a minimal test harness for the native tests (one executable per file).
// TEST(name) { ... } registers a case; CHECK* record failures without stopping the case;
// AMP_TEST_MAIN() runs every case and prints "N passed, M failed".
#pragma once

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

// Renders `frames` frames of a graph in execute calls of the given sizes (cycled).
struct Rendered {
    int32_t status = 0;
    std::vector<double> samples;
    uint32_t channels = 0;
    std::string error;
};

inline Rendered render(const std::string &json, uint32_t batches, uint32_t block, uint64_t frames,
                       const std::vector<uint64_t> &call_sizes = {}) {
    Rendered result;
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, batches, block);
    if (result.status == AMP_OK) {
        AmpGraphSummary summary{};
        amp_graph_runtime_describe_graph(rt, &summary);
        result.channels = summary.output_channels;
        result.samples.assign(static_cast<size_t>(batches) * result.channels * frames, 0.0);
        std::vector<double> part;
        uint64_t done = 0;
        size_t call = 0;
        while (done < frames && result.status == AMP_OK) {
            uint64_t n = call_sizes.empty() ? frames : call_sizes[call++ % call_sizes.size()];
            n = std::min<uint64_t>(n, frames - done);
            part.assign(static_cast<size_t>(batches) * result.channels * n, 0.0);
            result.status = amp_graph_runtime_execute(rt, n, part.data(), part.size(), nullptr);
            for (size_t lane = 0; lane < static_cast<size_t>(batches) * result.channels; ++lane)
                for (uint64_t f = 0; f < n; ++f)
                    result.samples[lane * frames + done + f] = part[lane * n + f];
            done += n;
        }
    }
    if (result.status != AMP_OK) {
        AmpErrorView error{};
        amp_graph_runtime_last_error(rt, &error);
        result.error = error.detail;
    }
    amp_graph_runtime_destroy(rt);
    return result;
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
#define TEST(name)                                                                         \
    static void name();                                                                    \
    static amp_test::Registrar AMP_CONCAT(registrar_, name)(#name, name);                  \
    static void name()

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            ++amp_test::failures();                                                        \
            std::printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #condition);    \
        }                                                                                  \
    } while (0)

#define CHECK_EQ(actual, expected)                                                         \
    do {                                                                                   \
        const auto amp_a = (actual);                                                       \
        const auto amp_e = (expected);                                                     \
        if (!(amp_a == amp_e)) {                                                           \
            ++amp_test::failures();                                                        \
            std::printf("  %s:%d: %s == %s failed\n", __FILE__, __LINE__, #actual, #expected); \
        }                                                                                  \
    } while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                            \
    do {                                                                                   \
        const double amp_a = (actual);                                                     \
        const double amp_e = (expected);                                                   \
        if (!(std::fabs(amp_a - amp_e) <= (tolerance))) {                                  \
            ++amp_test::failures();                                                        \
            std::printf("  %s:%d: %s = %.17g, expected %.17g (tolerance %g)\n", __FILE__,    \
                        __LINE__, #actual, amp_a, amp_e, static_cast<double>(tolerance));  \
        }                                                                                  \
    } while (0)

#define CHECK_CONTAINS(text, part)                                                         \
    do {                                                                                   \
        const std::string amp_t = (text);                                                  \
        if (!amp_test::contains(amp_t, (part))) {                                          \
            ++amp_test::failures();                                                        \
            std::printf("  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,   \
                        amp_t.c_str(), std::string(part).c_str());                        \
        }                                                                                  \
    } while (0)

#define AMP_TEST_MAIN()                                                                    \
    int main() { return amp_test::run_all(); }
