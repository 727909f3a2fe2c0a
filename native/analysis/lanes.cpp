// lanes.cpp: see lanes.h.
#include "analysis/lanes.h"

#include <cmath>
#include <string>

#include "amp_native.h"
#include "runtime/errors.h"

namespace amp::analysis {

namespace {

[[noreturn]] void fail(const std::string &detail) {
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "", detail);
}

// True when every x[f] is finite: 0 * x is 0 for finite x and NaN for NaN or Inf, and the sum
// of those stays 0 exactly when all are finite (vectorises without fast-math).
bool all_finite(const double *x, uint64_t n) {
    typedef double Lanes __attribute__((vector_size(32)));
    Lanes acc = {0.0, 0.0, 0.0, 0.0};
    uint64_t f = 0;
    for (; f + 4 <= n; f += 4) {
        Lanes v;
        __builtin_memcpy(&v, x + f, sizeof v);
        acc += v * 0.0;
    }
    double sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; f < n; ++f) sum += x[f] * 0.0;
    return sum == 0.0;
}

} // namespace

void check_lanes(const LaneSet &set) {
    if (set.frames == 0)
        fail("analysis argument \"samples\" expects a signal of at least 1 frame, got 0 frames");
    if (set.data == nullptr) fail("analysis argument \"samples\" is NULL");
    if (set.count == 0 || set.lanes == nullptr)
        fail("analysis argument \"lanes\" expects at least one lane, got none");
    const uint64_t lanes = uint64_t{set.batches} * set.channels;
    for (uint32_t i = 0; i < set.count; ++i)
        if (set.lanes[i] >= lanes)
            fail("analysis argument \"lanes[" + std::to_string(i) + "]\" expects a lane in [0, " +
                 std::to_string(lanes == 0 ? 0 : lanes - 1) +
                 "] (batch * channels + channel), got " + std::to_string(set.lanes[i]));
}

void check_finite(const LaneSet &set) {
    for (uint32_t i = 0; i < set.count; ++i) {
        const double *x = set.lane(i);
        if (all_finite(x, set.frames)) continue;
        for (uint64_t f = 0; f < set.frames; ++f)
            if (!std::isfinite(x[f]))
                fail("analysis argument \"samples\" expects finite samples, got " +
                     std::string(std::isnan(x[f]) ? "NaN" : "Inf") + " at batch " +
                     std::to_string(set.lanes[i] / set.channels) + ", channel " +
                     std::to_string(set.lanes[i] % set.channels) + ", frame " + std::to_string(f));
    }
}

} // namespace amp::analysis
