// heat.h: the shared heat model (nodes.md), for one batch lane:
//     heat[f] = (sum over the signals' channels c of x[c, f]^2) / R + W * oversample
// where the signals are the node's audio inputs (for sources: its output), R the node's
// thermo.resistance and W its thermo.work. Units: energy per frame (arbitrary, consistent).
#pragma once

#include <cstdint>

#include "dsp/reduce.h"
#include "nodes/node.h"

namespace amp {

struct HeatModel {
    double conductance; // 1 / R
    double work;        // W * oversample
    static HeatModel of(const NodeConfig &config) {
        return {1.0 / config.thermo_resistance, config.thermo_work * config.oversample};
    }
};

// Sum over the signals' channels and frames of x^2 for batch b (dsp::sum_of_squares per lane).
inline double signal_energy(const TensorView *signals, uint32_t signal_count, uint32_t b,
                            uint32_t frames) {
    double energy = 0.0;
    for (uint32_t s = 0; s < signal_count; ++s)
        for (uint32_t c = 0; c < signals[s].channels; ++c)
            energy += dsp::sum_of_squares(signals[s].row(b, c), frames);
    return energy;
}

// The heat of batch b summed over `frames` frames, without the per-frame curve.
inline double heat_total_for_batch(const HeatModel &model, const TensorView *signals,
                                   uint32_t signal_count, uint32_t b, uint32_t frames) {
    return signal_energy(signals, signal_count, b, frames) * model.conductance +
           model.work * frames;
}

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

} // namespace amp
