// fuzz_graph_description.cpp: graph descriptions (amp_graph_runtime_create's JSON). Input: the
// JSON text. Oracles: every create returns a known status and a runtime; a failure carries a
// message and leaves a runtime that refuses everything else; an accepted graph configures,
// renders (with heat, taps and a control history), snapshots and restores to the same bits.
#include <cmath>
#include <cstring>

#include "fuzz_target.h"

namespace {

// Curves the graph's controllers may name in the seeds.
const double kTimes[2] = {0.0, 40.0};
const double kValues[2] = {0.25, -0.5};
const AmpHistoryCurve kCurves[3] = {{"c", kTimes, kValues, 2, AMP_INTERPOLATION_LINEAR},
                                    {"d", kTimes, kValues, 1, AMP_INTERPOLATION_STEP},
                                    {"curve", kTimes, kValues, 2, AMP_INTERPOLATION_STEP}};

struct Rendered {
    int32_t status;
    std::vector<double> samples;
};

Rendered render(AmpGraphRuntime *rt, const AmpGraphSummary &summary, uint64_t frames) {
    const size_t lanes = static_cast<size_t>(summary.batches) * summary.output_channels;
    Rendered result{AMP_OK, std::vector<double>(lanes * frames)};
    std::vector<double> heat((summary.node_count + 1ull) * summary.batches * frames);
    uint64_t tap_values = 0;
    for (uint32_t t = 0; t < amp_graph_runtime_tap_count(rt); ++t) {
        AmpTapInfo info{};
        FUZZ_CHECK(amp_graph_runtime_tap_info(rt, t, &info) == AMP_OK, "tap %u", t);
        tap_values += info.values;
    }
    std::vector<double> taps(tap_values * summary.batches * frames);
    const AmpControlHistory history{kCurves, 3, 0};
    AmpRenderOptions options{};
    options.heat_out = heat.data();
    options.heat_len = heat.size();
    options.history = &history;
    options.tap_out = taps.empty() ? nullptr : taps.data();
    options.tap_len = taps.size();
    result.status = amp_graph_runtime_execute(rt, frames, result.samples.data(),
                                              result.samples.size(), &options);
    return result;
}

bool same_bits(const std::vector<double> &a, const std::vector<double> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    amp_set_memory_budget(amp_fuzz::kFuzzMemoryBudget);
    return 0;
}

std::vector<std::string> fuzz_generated_seeds() { return {}; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    AmpGraphRuntime *rt = nullptr;
    const int32_t status = amp_graph_runtime_create(text.c_str(), &rt);
    FUZZ_CHECK(amp_fuzz::known_status(status), "create returned %d", status);
    FUZZ_CHECK(rt != nullptr, "create returned no runtime (status %d)", status);
    AmpErrorView error{};
    if (status != AMP_OK) {
        FUZZ_CHECK(amp_graph_runtime_last_error(rt, &error) == status, "last_error code");
        FUZZ_CHECK(error.detail != nullptr && error.detail[0] != '\0', "failure without message");
        FUZZ_CHECK(amp_graph_runtime_configure(rt, 1, 64) == AMP_ERR_INVALID_ARGUMENT,
                   "a failed runtime configured");
        amp_graph_runtime_destroy(rt);
        return 0;
    }
    const int32_t configured = amp_graph_runtime_configure(rt, 2, 48);
    FUZZ_CHECK(configured == AMP_OK || configured == AMP_ERR_INVALID_ARGUMENT, "configure %d",
               configured);
    AmpGraphSummary summary{};
    FUZZ_CHECK(amp_graph_runtime_describe_graph(rt, &summary) == AMP_OK, "describe_graph");
    const Rendered first = render(rt, summary, 100);
    FUZZ_CHECK(first.status == AMP_OK || first.status == AMP_ERR_INVALID_ARGUMENT,
               "execute returned %d", first.status);
    if (first.status != AMP_OK) {
        FUZZ_CHECK(amp_graph_runtime_last_error(rt, &error) == first.status &&
                       error.detail[0] != '\0',
                   "execute failure without message");
        amp_graph_runtime_destroy(rt);
        return 0;
    }
    // Snapshot, render on, restore, render again: the same bits.
    uint64_t bytes = 0;
    FUZZ_CHECK(amp_graph_runtime_snapshot_size(rt, &bytes) == AMP_OK, "snapshot_size");
    std::vector<unsigned char> snapshot(bytes);
    FUZZ_CHECK(amp_graph_runtime_snapshot(rt, snapshot.data(), bytes) == AMP_OK, "snapshot");
    const Rendered second = render(rt, summary, 77);
    FUZZ_CHECK(amp_graph_runtime_restore(rt, snapshot.data(), bytes) == AMP_OK, "restore");
    const Rendered again = render(rt, summary, 77);
    FUZZ_CHECK(second.status == again.status, "statuses after restore differ");
    FUZZ_CHECK(same_bits(second.samples, again.samples), "restore changed the output");
    amp_graph_runtime_destroy(rt);
    return 0;
}
