// heat.h: the shared heat model (nodes.md), for one batch lane:
//     heat[f] = (sum over the signals' channels c of x[c, f]^2) / R + W * oversample
// where the signals are the node's audio inputs (for sources: its output), R the node's
// thermo.resistance and W its thermo.work. Units: energy per frame (arbitrary, consistent).
#pragma once

#include <cstdint>
#include <cstring>

#include "dsp/frame_lanes.h"
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

// Block-invariant accumulation of per-frame heat (dsp/frame_lanes.h): frame x (absolute stream
// index) goes to lane x mod kHeatLanes; the total adds the lanes in a fixed tree.
constexpr uint32_t kHeatLanes = dsp::kFrameLanes;

template <typename Value>
inline void accumulate_lanes(double *lanes, uint64_t position, uint32_t n, Value value) {
    dsp::accumulate_frame_lanes(lanes, position, n, value);
}

inline void accumulate_heat(double *lanes, uint64_t position, const double *heat, uint32_t n) {
    dsp::accumulate_frame_lanes(
        lanes, position, n, [heat](uint32_t f) { return heat[f]; },
        [heat](uint32_t f) {
            dsp::FrameFour v;
            std::memcpy(&v, heat + f, sizeof v);
            return v;
        });
}

// accumulate_heat of the model on one lane x (x^2 * conductance + work per frame) without
// writing the curve: the same values added in the same order.
inline void accumulate_lane_heat(double *lanes, uint64_t position, const HeatModel &model,
                                 const double *x, uint32_t n) {
    const double g = model.conductance, w = model.work;
    dsp::accumulate_frame_lanes(
        lanes, position, n, [x, g, w](uint32_t f) { return x[f] * x[f] * g + w; },
        [x, g, w](uint32_t f) {
            dsp::FrameFour v;
            std::memcpy(&v, x + f, sizeof v);
            return v * v * g + w;
        });
}

inline double fold_heat(const double *lanes) { return dsp::fold_frame_lanes(lanes); }

} // namespace amp
