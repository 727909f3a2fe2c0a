// frame_lanes.h: block-invariant sums over a stream of frames. Frame x (its index from the
// stream's start) is added to lane x mod kFrameLanes, so each lane sums its frames in stream order
// whatever the split of the stream into blocks or calls; the total is read by adding the lanes
// in a fixed tree (fold_frame_lanes). Sums are therefore bit-identical for any block size, any
// split of a render into calls and any thread count, and the lanes are independent additions
// (no one serial chain of one addition per frame), so the compiler keeps them in vector registers.
#pragma once

#include <cmath>
#include <cstdint>

namespace amp::dsp {

constexpr uint32_t kFrameLanes = 8;

// Adds value(f) for f in [0, n) to lanes[(position + f) mod kFrameLanes]. Each lane's sum is kept
// in a local during the aligned body (variable lane indices stay in the head and tail).
template <typename Index, typename Value>
inline void accumulate_frame_lanes(double *lanes, uint64_t position, Index n, Value value) {
    Index f = 0;
    uint32_t lane = static_cast<uint32_t>(position % kFrameLanes);
    for (; f < n && lane != 0; ++f, lane = (lane + 1) % kFrameLanes) lanes[lane] += value(f);
    if (f + kFrameLanes <= n) {
        double body[kFrameLanes];
        for (uint32_t j = 0; j < kFrameLanes; ++j) body[j] = lanes[j];
        for (; f + kFrameLanes <= n; f += kFrameLanes)
            for (uint32_t j = 0; j < kFrameLanes; ++j) body[j] += value(f + j);
        for (uint32_t j = 0; j < kFrameLanes; ++j) lanes[j] = body[j];
    }
    for (uint32_t j = 0; f < n; ++f, ++j) lanes[j] += value(f);
}

// The lanes' total, added in a fixed tree.
inline double fold_frame_lanes(const double *lanes) {
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
           ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

// Non-finite values count as 0 (the levels' and meters' rule).
inline double finite_or_zero(double x) { return std::isfinite(x) ? x : 0.0; }

// The sum of x[f]^2 (non-finite as 0) over f in [0, n) from the stream's start, by frame lanes.
inline double sum_of_squares_by_frame_lanes(const double *x, uint64_t n) {
    double lanes[kFrameLanes] = {};
    accumulate_frame_lanes(lanes, 0, n, [x](uint64_t f) {
        const double v = finite_or_zero(x[f]);
        return v * v;
    });
    return fold_frame_lanes(lanes);
}

} // namespace amp::dsp
