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

// heat[f] (+)= x[0][f]^2 + x[1][f]^2 + ... over `count` rows, added in row order for each frame
// (the first row assigns when `start`, else adds to heat[f]); when `finish`, then heat[f] =
// heat[f] * g + w. Frames are independent, so the loop keeps 32 frames in 8 vector sums and
// reads each row once per 32 frames (the per-frame order of additions is the plain loop's, so
// the values are bit-identical to it: -ffp-contract=off, no reassociation).
// With `squared`, a row c whose squared[c] is set already holds the squares x[c][f]^2 (computed
// as x * x, so adding it is adding x * x: the same values).
inline void sum_squares_rows(const double *const *rows, uint32_t count, uint32_t frames, bool start,
                             bool finish, double g, double w, double *heat,
                             const bool *squared = nullptr) {
    const auto is_squared = [squared](uint32_t c) { return squared != nullptr && squared[c]; };
    constexpr uint32_t kVectors = 8;
    constexpr uint32_t kWide = 4 * kVectors;
    uint32_t f = 0;
    for (; f + kWide <= frames; f += kWide) {
        dsp::FrameFour acc[kVectors];
        uint32_t c = 0;
        if (start && is_squared(0)) {
#pragma GCC unroll 8
            for (uint32_t k = 0; k < kVectors; ++k)
                std::memcpy(&acc[k], rows[0] + f + 4 * k, sizeof acc[k]);
            c = 1;
        } else if (start) {
#pragma GCC unroll 8
            for (uint32_t k = 0; k < kVectors; ++k) {
                dsp::FrameFour v;
                std::memcpy(&v, rows[0] + f + 4 * k, sizeof v);
                acc[k] = v * v;
            }
            c = 1;
        } else {
#pragma GCC unroll 8
            for (uint32_t k = 0; k < kVectors; ++k)
                std::memcpy(&acc[k], heat + f + 4 * k, sizeof acc[k]);
        }
        for (; c < count; ++c) {
            const double *x = rows[c] + f;
            if (is_squared(c)) {
#pragma GCC unroll 8
                for (uint32_t k = 0; k < kVectors; ++k) {
                    dsp::FrameFour v;
                    std::memcpy(&v, x + 4 * k, sizeof v);
                    acc[k] += v;
                }
                continue;
            }
#pragma GCC unroll 8
            for (uint32_t k = 0; k < kVectors; ++k) {
                dsp::FrameFour v;
                std::memcpy(&v, x + 4 * k, sizeof v);
                acc[k] += v * v;
            }
        }
#pragma GCC unroll 8
        for (uint32_t k = 0; k < kVectors; ++k) {
            if (finish) acc[k] = acc[k] * g + w;
            std::memcpy(heat + f + 4 * k, &acc[k], sizeof acc[k]);
        }
    }
    for (; f < frames; ++f) {
        uint32_t c = 0;
        double acc;
        if (start) {
            acc = is_squared(0) ? rows[0][f] : rows[0][f] * rows[0][f];
            c = 1;
        } else {
            acc = heat[f];
        }
        for (; c < count; ++c) acc += is_squared(c) ? rows[c][f] : rows[c][f] * rows[c][f];
        heat[f] = finish ? acc * g + w : acc;
    }
}

// Writes the per-frame heat[0 .. frames) of batch b: the channels' squares added in signal and
// channel order, then times the conductance plus the work (the rows are read in groups of up
// to 64, each group adding to the previous group's partial sums). With `squares`, the i-th row
// (in that order) whose squares[i] is not null is read from squares[i], which holds its squares
// (rows every lane reads alike, squared once for all lanes: the same values).
inline void heat_curve_for_batch(const HeatModel &model, const TensorView *signals,
                                 uint32_t signal_count, uint32_t b, uint32_t frames, double *heat,
                                 const double *const *squares = nullptr) {
    constexpr uint32_t kGroup = 64;
    const double *rows[kGroup];
    bool squared[kGroup];
    uint32_t count = 0, i = 0;
    bool start = true;
    for (uint32_t s = 0; s < signal_count; ++s)
        for (uint32_t c = 0; c < signals[s].channels; ++c, ++i) {
            if (count == kGroup) {
                sum_squares_rows(rows, count, frames, start, false, 0.0, 0.0, heat, squared);
                start = false;
                count = 0;
            }
            const double *square = squares != nullptr ? squares[i] : nullptr;
            squared[count] = square != nullptr;
            rows[count++] = square != nullptr ? square : signals[s].row(b, c);
        }
    if (start && count == 0) {
        // No channel: 0 * conductance + work.
        for (uint32_t f = 0; f < frames; ++f) heat[f] = 0.0 * model.conductance + model.work;
        return;
    }
    sum_squares_rows(rows, count, frames, start, true, model.conductance, model.work, heat,
                     squared);
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

// accumulate_heat of the model's curve over `count` rows (1 <= count <= kFusedHeatRows) without
// writing the curve: per frame the squares added in row order, times the conductance plus the
// work (heat_curve_for_batch's operations for one group of rows), then into the frame lanes.
constexpr uint32_t kFusedHeatRows = 8;
inline void accumulate_rows_heat(double *lanes, uint64_t position, const HeatModel &model,
                                 const double *const *rows, uint32_t count, uint32_t n) {
    const double g = model.conductance, w = model.work;
    dsp::accumulate_frame_lanes(
        lanes, position, n,
        [rows, count, g, w](uint32_t f) {
            double acc = rows[0][f] * rows[0][f];
            for (uint32_t c = 1; c < count; ++c) acc += rows[c][f] * rows[c][f];
            return acc * g + w;
        },
        [rows, count, g, w](uint32_t f) {
            dsp::FrameFour v, acc;
            std::memcpy(&v, rows[0] + f, sizeof v);
            acc = v * v;
            for (uint32_t c = 1; c < count; ++c) {
                std::memcpy(&v, rows[c] + f, sizeof v);
                acc += v * v;
            }
            return acc * g + w;
        });
}

inline double fold_heat(const double *lanes) { return dsp::fold_frame_lanes(lanes); }

} // namespace amp
