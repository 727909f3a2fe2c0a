// fuzz_control_history.cpp: control histories (AmpControlHistory) as a graph render and a
// single-node call receive them. Input bytes: [curve count (low 2 bits + 1)], then per curve:
// [name selector][interpolation code][point count], then that many (time, value) pairs of raw
// IEEE doubles (8 bytes little-endian each; NaN, infinities, subnormals, huge and unordered
// times included); missing bytes read as 0. Oracles: a known status; a refusal carries a message
// naming the curve; an accepted history renders only finite samples (a controller through a
// gain) and the same bits in one call or in blocks of 7 frames (block invariance).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "fuzz_target.h"

namespace {

const char *const kNames[] = {"c", "d", "", "c"}; // "" must be refused; a repeat must be handled

struct Reader {
    const uint8_t *data;
    size_t size;
    size_t at = 0;
    uint8_t byte() { return at < size ? data[at++] : 0; }
    double real() {
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(byte()) << (8 * i);
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
};

struct Curves {
    std::vector<std::vector<double>> times, values;
    std::vector<AmpHistoryCurve> views;
};

Curves read_curves(const uint8_t *data, size_t size) {
    Reader in{data, size};
    Curves curves;
    const uint32_t count = 1u + (in.byte() & 3u);
    curves.times.resize(count);
    curves.values.resize(count);
    for (uint32_t c = 0; c < count; ++c) {
        const char *name = kNames[in.byte() & 3u];
        const uint32_t interpolation = in.byte() % 3u; // 2 is out of range
        const uint32_t points = in.byte() % 17u;       // 0 is refused
        for (uint32_t p = 0; p < points; ++p) {
            curves.times[c].push_back(in.real());
            curves.values[c].push_back(in.real());
        }
        curves.views.push_back(AmpHistoryCurve{name, curves.times[c].data(),
                                               curves.values[c].data(), points, interpolation});
    }
    return curves;
}

// Controller "x" reads curve "c" into a gain (the output). "y" reads "d" in a branch of its own
// (into a safety node): summing the two could overflow legitimately, which is not the question.
const char *kGraph = R"({"nodes":[
  {"name":"x","type":"controller","params":{"curve":"c"}},
  {"name":"y","type":"controller","params":{"curve":"d"}},
  {"name":"g","type":"gain","params":{"gain":0.5}},
  {"name":"s","type":"safety"}],
 "edges":[{"from":"x","to":"g"},{"from":"y","to":"s"}],
 "output":"g"})";

// Renders 96 frames in calls of `step` frames; returns the status of the first failing call.
int32_t render(const Curves &curves, uint64_t step, std::vector<double> &out) {
    AmpGraphRuntime *rt = nullptr;
    FUZZ_CHECK(amp_graph_runtime_create(kGraph, &rt) == AMP_OK, "the fixed graph");
    FUZZ_CHECK(amp_graph_runtime_configure(rt, 1, 32) == AMP_OK, "configure");
    const uint64_t frames = 96;
    out.assign(frames, 0.0);
    int32_t status = AMP_OK;
    for (uint64_t done = 0; done < frames && status == AMP_OK; done += step) {
        const uint64_t n = std::min(step, frames - done);
        // Times are relative to each call: shift the curve so the calls see one timeline.
        Curves shifted = curves;
        for (size_t c = 0; c < shifted.views.size(); ++c) {
            for (double &t : shifted.times[c]) t -= static_cast<double>(done);
            shifted.views[c].times_frames = shifted.times[c].data();
            shifted.views[c].values = shifted.values[c].data();
        }
        const AmpControlHistory history{shifted.views.data(),
                                        static_cast<uint32_t>(shifted.views.size()), 0};
        AmpRenderOptions options{};
        options.history = &history;
        status = amp_graph_runtime_execute(rt, n, out.data() + done, n, &options);
        FUZZ_CHECK(status == AMP_OK || status == AMP_ERR_INVALID_ARGUMENT, "execute %d", status);
        if (status != AMP_OK) {
            AmpErrorView error{};
            FUZZ_CHECK(amp_graph_runtime_last_error(rt, &error) == status &&
                           error.detail[0] != '\0',
                       "refusal without message");
        }
    }
    amp_graph_runtime_destroy(rt);
    return status;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) { return 0; }

std::vector<std::string> fuzz_generated_seeds() { return {}; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const Curves curves = read_curves(data, size);
    std::vector<double> whole, blocks;
    const int32_t status = render(curves, 96, whole);
    if (status != AMP_OK) return 0;
    for (size_t i = 0; i < whole.size(); ++i)
        FUZZ_CHECK(std::isfinite(whole[i]), "sample %zu is %g from an accepted history", i,
                   whole[i]);
    // Shifting times by whole frames is exact for integer times of moderate size: compare
    // split renders for those only (other times round differently once shifted).
    bool moderate = true;
    for (const auto &times : curves.times)
        for (const double t : times)
            moderate = moderate && std::fabs(t) < 1e9 && t == std::floor(t);
    if (!moderate) return 0;
    const int32_t split = render(curves, 7, blocks);
    FUZZ_CHECK(split == AMP_OK, "the history was accepted whole but refused in blocks (%d)", split);
    FUZZ_CHECK(std::memcmp(whole.data(), blocks.data(), whole.size() * sizeof(double)) == 0,
               "block split changed the output");
    return 0;
}
