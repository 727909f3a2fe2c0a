// frame_lanes.h: block-invariant sums over a stream of frames. Frame x (its index from the
// stream's start) is added to lane x mod kFrameLanes, so each lane sums its frames in stream order
// whatever the split of the stream into blocks or calls; the total is read by adding the lanes
// in a fixed tree (fold_frame_lanes). Sums are therefore bit-identical for any block size, any
// split of a render into calls and any thread count, and the lanes are independent additions
// (no one serial chain of one addition per frame), so the compiler keeps them in vector registers.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace amp::dsp {

constexpr uint32_t kFrameLanes = 8;

typedef double FrameFour __attribute__((vector_size(32))); // frames f .. f + 3

// Adds value(f) for f in [0, n) to lanes[(position + f) mod kFrameLanes]. Each lane's sum is kept
// in a local during the aligned body (variable lane indices stay in the head and tail); there
// four(f) gives value(f .. f + 3) as one vector (the same four values), added to lanes 0-3 or
// 4-7 four at a time.
template <typename Index, typename Value, typename Four>
inline void accumulate_frame_lanes(double *lanes, uint64_t position, Index n, Value value,
                                   Four four) {
    Index f = 0;
    uint32_t lane = static_cast<uint32_t>(position % kFrameLanes);
    for (; f < n && lane != 0; ++f, lane = (lane + 1) % kFrameLanes) lanes[lane] += value(f);
    if (f + kFrameLanes <= n) {
        FrameFour low, high;
        std::memcpy(&low, lanes, sizeof low);
        std::memcpy(&high, lanes + 4, sizeof high);
        for (; f + kFrameLanes <= n; f += kFrameLanes) {
            low += four(f);
            high += four(f + 4);
        }
        std::memcpy(lanes, &low, sizeof low);
        std::memcpy(lanes + 4, &high, sizeof high);
    }
    for (uint32_t j = 0; f < n; ++f, ++j) lanes[j] += value(f);
}

// The same with the four values built from value() (for values the caller has no vector form of).
template <typename Index, typename Value>
inline void accumulate_frame_lanes(double *lanes, uint64_t position, Index n, Value value) {
    accumulate_frame_lanes(lanes, position, n, value, [&value](Index f) {
        return FrameFour{value(f), value(f + 1), value(f + 2), value(f + 3)};
    });
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
