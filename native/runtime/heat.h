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
    bool first = true; // 0 + x^2 == x^2 exactly: the first lane assigns
    for (uint32_t s = 0; s < signal_count; ++s)
        for (uint32_t c = 0; c < signals[s].channels; ++c) {
            const double *x = signals[s].row(b, c);
            if (first)
                for (uint32_t f = 0; f < frames; ++f) heat[f] = x[f] * x[f];
            else
                for (uint32_t f = 0; f < frames; ++f) heat[f] += x[f] * x[f];
            first = false;
        }
    if (first)
        for (uint32_t f = 0; f < frames; ++f) heat[f] = 0.0;
    for (uint32_t f = 0; f < frames; ++f) heat[f] = heat[f] * model.conductance + model.work;
}

// Block-invariant accumulation of per-frame heat. Frame x (absolute stream index) is added to
// lane x mod kHeatLanes, so each lane sums its frames in stream order whatever the block split;
// the total is read by adding the lanes in a fixed tree. Sums are therefore bit-identical for
// any block size, any split of a render into calls, and any thread count.
constexpr uint32_t kHeatLanes = 8;

// Each lane's sum is kept in a local during the aligned body (variable lane indices stay in
// the head and tail), so the compiler keeps the sums in vector registers.
template <typename Value>
inline void accumulate_lanes(double *lanes, uint64_t position, uint32_t n, Value value) {
    uint32_t f = 0;
    uint32_t lane = static_cast<uint32_t>(position % kHeatLanes);
    for (; f < n && lane != 0; ++f, lane = (lane + 1) % kHeatLanes) lanes[lane] += value(f);
    if (f + kHeatLanes <= n) {
        double body[kHeatLanes];
        for (uint32_t j = 0; j < kHeatLanes; ++j) body[j] = lanes[j];
        for (; f + kHeatLanes <= n; f += kHeatLanes)
            for (uint32_t j = 0; j < kHeatLanes; ++j) body[j] += value(f + j);
        for (uint32_t j = 0; j < kHeatLanes; ++j) lanes[j] = body[j];
    }
    for (uint32_t j = 0; f < n; ++f, ++j) lanes[j] += value(f);
}

inline void accumulate_heat(double *lanes, uint64_t position, const double *heat, uint32_t n) {
    accumulate_lanes(lanes, position, n, [heat](uint32_t f) { return heat[f]; });
}

// accumulate_heat of the model on one lane x (x^2 * conductance + work per frame) without
// writing the curve: the same values added in the same order.
inline void accumulate_lane_heat(double *lanes, uint64_t position, const HeatModel &model,
                                 const double *x, uint32_t n) {
    const double g = model.conductance, w = model.work;
    accumulate_lanes(lanes, position, n, [x, g, w](uint32_t f) { return x[f] * x[f] * g + w; });
}

inline double fold_heat(const double *lanes) {
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
           ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

} // namespace amp
