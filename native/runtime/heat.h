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

// Writes heat[0 .. frames) for batch b and returns its sum.
inline double heat_for_batch(const HeatModel &model, const TensorView *signals,
                             uint32_t signal_count, uint32_t b, uint32_t frames, double *heat) {
    for (uint32_t f = 0; f < frames; ++f) heat[f] = 0.0;
    for (uint32_t s = 0; s < signal_count; ++s)
        for (uint32_t c = 0; c < signals[s].channels; ++c) {
            const double *x = signals[s].row(b, c);
            for (uint32_t f = 0; f < frames; ++f) heat[f] += x[f] * x[f];
        }
    double sum = 0.0;
    for (uint32_t f = 0; f < frames; ++f) {
        heat[f] = heat[f] * model.conductance + model.work;
        sum += heat[f];
    }
    return sum;
}

} // namespace amp
