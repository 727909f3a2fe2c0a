// heat.h: the shared heat model (nodes.md), for one batch lane:
//     heat[f] = (sum over the signals' channels c of x[c, f]^2) / R + W * oversample
// where the signals are the node's audio inputs (for sources: its output), R the node's
// thermo.resistance and W its thermo.work. Units: energy per frame (arbitrary, consistent).
#pragma once

#include <cstdint>

#include "nodes/node.h"

namespace amp {

struct HeatModel {
    double conductance; // 1 / R
    double work;        // W * oversample
    static HeatModel of(const NodeConfig &config) {
        return {1.0 / config.thermo_resistance, config.thermo_work * config.oversample};
    }
};

// Writes the per-frame heat[0 .. frames) of batch b.
inline void heat_curve_for_batch(const HeatModel &model, const TensorView *signals,
                                 uint32_t signal_count, uint32_t b, uint32_t frames, double *heat) {
    for (uint32_t f = 0; f < frames; ++f) heat[f] = 0.0;
    for (uint32_t s = 0; s < signal_count; ++s)
        for (uint32_t c = 0; c < signals[s].channels; ++c) {
            const double *x = signals[s].row(b, c);
            for (uint32_t f = 0; f < frames; ++f) heat[f] += x[f] * x[f];
        }
    for (uint32_t f = 0; f < frames; ++f) heat[f] = heat[f] * model.conductance + model.work;
}

// Block-invariant accumulation of per-frame heat. Frame x (absolute stream index) is added to
// lane x mod kHeatLanes, so each lane sums its frames in stream order whatever the block split;
// the total is read by adding the lanes in a fixed tree. Sums are therefore bit-identical for
// any block size, any split of a render into calls, and any thread count.
constexpr uint32_t kHeatLanes = 8;

inline void accumulate_heat(double *lanes, uint64_t position, const double *heat, uint32_t n) {
    uint32_t f = 0;
    uint32_t lane = static_cast<uint32_t>(position % kHeatLanes);
    for (; f < n && lane != 0; ++f, lane = (lane + 1) % kHeatLanes) lanes[lane] += heat[f];
    for (; f + kHeatLanes <= n; f += kHeatLanes)
        for (uint32_t j = 0; j < kHeatLanes; ++j) lanes[j] += heat[f + j];
    for (uint32_t j = 0; f < n; ++f, ++j) lanes[j] += heat[f];
}

inline double fold_heat(const double *lanes) {
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
           ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

} // namespace amp
