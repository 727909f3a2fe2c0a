// oscillator_lanes.h: the oscillator's direct block loops for saw, square and triangle
// (oscillator_block.h picks them), in passes that vectorise: the modular phases of the frames
// (with a per-frame reset, serial integer adds; with a held reset, four frames at a time by
// prefix sums), then four frames at a time the phase in cycles t = phase / N, the naive wave and
// amplitude x clamp(wave), and last dsp::wave_sample itself on the few frames where a PolyBLEP /
// BLAMP residual may be non-zero.
//
// Same bits as the per-frame loops: every value is computed by the same IEEE operations in the
// same order (dsp/modular_lanes.h converts the phases exactly). The frames left to the naive
// value are those where wave_sample's residual terms are exactly 0: the selection tests each
// residual's own support condition (step: t < dt or t > 1 - dt, the same expressions; ramp:
// near / dt < 1, which implies near < dt, the test used), and adding or subtracting those zero
// terms leaves the naive value unchanged (it is never -0).
#pragma once

#include <algorithm>
#include <cstdint>

#include "dsp/modular_lanes.h"
#include "dsp/modular_phase.h"
#include "dsp/osc_wave.h"
#include "nodes/oscillator_direct.h"

namespace amp::oscillator {

using dsp::F64x4;
using dsp::I64x4;

constexpr uint32_t kLaneChunk = 128; // frames per pass of the per-frame loop (stack scratch)

// The lane loops need phases below 2^51 (dsp/modular_lanes.h).
inline bool lanes_apply(const DirectRows &rows) noexcept {
    return rows.cycle < dsp::kLaneCycleLimit;
}

inline F64x4 broadcast(double x) noexcept { return F64x4{x, x, x, x}; }

// Four frames of a parameter row (stride 0: constant, else 1).
inline F64x4 row_lanes(const double *row, size_t stride, uint32_t f) noexcept {
    return stride == 0 ? broadcast(row[0]) : dsp::load_lanes(row + f);
}

// frac(t - t0) as dsp::phase_after.
inline F64x4 phase_after_lanes(F64x4 t, F64x4 t0) noexcept {
    return t >= t0 ? t - t0 : t - t0 + 1.0;
}

// The naive wave of dsp::wave_sample at four phases.
template <dsp::Wave kWave>
F64x4 naive_lanes(F64x4 t, F64x4 width) noexcept {
    if constexpr (kWave == dsp::Wave::Saw) {
        return 2.0 * t - 1.0;
    } else if constexpr (kWave == dsp::Wave::Square) {
        return t < width ? broadcast(1.0) : broadcast(-1.0);
    } else {
        const F64x4 rise = 4.0 * t;
        return t < 0.25 ? rise : (t < 0.75 ? 2.0 - 4.0 * t : 4.0 * t - 4.0);
    }
}

// Lanes where a band-limiting residual of dsp::wave_sample may be non-zero (dt >= 0).
template <dsp::Wave kWave>
I64x4 residual_lanes(F64x4 t, F64x4 dt, F64x4 width) noexcept {
    const F64x4 far = 1.0 - dt;
    if constexpr (kWave == dsp::Wave::Saw) {
        return (t < dt) | (t > far);
    } else if constexpr (kWave == dsp::Wave::Square) {
        const F64x4 fall = phase_after_lanes(t, width);
        return (t < dt) | (t > far) | (fall < dt) | (fall > far);
    } else {
        const F64x4 top = phase_after_lanes(t, broadcast(0.25));
        const F64x4 bottom = phase_after_lanes(t, broadcast(0.75));
        const F64x4 top_near = top < 0.5 ? top : 1.0 - top;
        const F64x4 bottom_near = bottom < 0.5 ? bottom : 1.0 - bottom;
        return (top_near < dt) | (bottom_near < dt);
    }
}

// One frame as the per-frame loops compute it.
template <dsp::Wave kWave, bool kBandLimited>
double frame_value(double t, double dt, double width, double amplitude, double clamp) noexcept {
    const double v = dsp::wave_sample(kWave, t, 0, dt, width, kBandLimited);
    return amplitude * std::clamp(v, -clamp, clamp);
}

// Four frames from their phases in cycles: naive, then the residual frames recomputed.
template <dsp::Wave kWave, bool kBandLimited>
[[gnu::always_inline]] inline void four_frames(F64x4 t, F64x4 dt, F64x4 width, F64x4 amplitude,
                                               double clamp, double *out) noexcept {
    dsp::store_lanes(out, amplitude * dsp::clamp_lanes(naive_lanes<kWave>(t, width), clamp));
    if constexpr (kBandLimited) {
        const I64x4 near = residual_lanes<kWave>(t, dt, width);
        if (dsp::any_lane(near))
            for (int l = 0; l < 4; ++l)
                if (near[l] != 0)
                    out[l] = frame_value<kWave, true>(t[l], dt[l], width[l], amplitude[l], clamp);
    }
}

// Every parameter constant over the block: p_f = (phase + offset + (f + 1) inc) mod N, four
// lanes advanced by 4 inc mod N.
template <dsp::Wave kWave, bool kBandLimited>
void render_constant_lanes(DirectLane &lane, const DirectRows &rows, double *out,
                           uint32_t frames) noexcept {
    const double reset = rows.reset[0];
    if (reset > 0.5 && lane.reset_high == 0.0) lane.phase = 0;
    lane.reset_high = reset > 0.5 ? 1.0 : 0.0;
    const uint64_t cycle = rows.cycle, inc = rows.inc;
    const double width = std::clamp(rows.width[0], 0.0, 1.0);
    const double amplitude = rows.amplitude[0];
    uint64_t p = dsp::modular_add(lane.phase, rows.offset_units, cycle);
    I64x4 phases;
    for (int l = 0; l < 4; ++l) {
        p = dsp::modular_add(p, inc, cycle);
        phases[l] = static_cast<int64_t>(p);
    }
    const uint64_t twice = dsp::modular_add(inc, inc, cycle);
    const int64_t step = static_cast<int64_t>(dsp::modular_add(twice, twice, cycle));
    const I64x4 steps{step, step, step, step};
    const int64_t n = static_cast<int64_t>(cycle);
    const double cycles = static_cast<double>(cycle);
    const F64x4 dt = broadcast(rows.dt), widths = broadcast(width), gain = broadcast(amplitude);
    uint32_t f = 0;
    for (; f + 4 <= frames; f += 4) {
        four_frames<kWave, kBandLimited>(dsp::modular_cycles_lanes(phases, cycles), dt, widths,
                                         gain, rows.clamp, out + f);
        phases = dsp::modular_add_lanes(phases, steps, n);
    }
    for (int l = 0; f < frames; ++f, ++l)
        out[f] = frame_value<kWave, kBandLimited>(
            dsp::modular_cycles(static_cast<uint64_t>(phases[l]), cycle), rows.dt, width, amplitude,
            rows.clamp);
    using U128 = unsigned __int128;
    lane.phase = static_cast<uint64_t>((static_cast<U128>(inc) * frames + lane.phase) % cycle);
}

// The increments (and their dt) and the phase offsets of frames [start, start + count) in
// modular units, as the per-frame loops compute them: four frames at a time, the scalar
// functions for lanes the lane helpers leave (out of range, non-finite).
template <bool kBandLimited>
void increments_and_offsets(const DirectRows &rows, uint32_t start, uint32_t count, int64_t *incs,
                            double *dts, int64_t *offsets) noexcept {
    const int64_t n = static_cast<int64_t>(rows.cycle);
    const double cycles = static_cast<double>(rows.cycle);
    uint32_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const uint32_t f = start + i;
        if (rows.fs != 0) {
            I64x4 done;
            I64x4 inc = dsp::modular_increment_lanes(dsp::load_lanes(rows.frequency + f), n, done);
            if (!dsp::all_lanes(done))
                for (int l = 0; l < 4; ++l)
                    if (done[l] == 0)
                        inc[l] = static_cast<int64_t>(
                            dsp::modular_increment(rows.frequency[f + l], rows.cycle));
            dsp::store_lanes(incs + i, inc);
            if (kBandLimited) dsp::store_lanes(dts + i, dsp::blep_dt_lanes(inc, n));
        }
        if (rows.os != 0) {
            I64x4 done;
            I64x4 offset =
                dsp::modular_from_cycles_lanes(dsp::load_lanes(rows.offset + f), n, cycles, done);
            if (!dsp::all_lanes(done))
                for (int l = 0; l < 4; ++l)
                    if (done[l] == 0)
                        offset[l] = static_cast<int64_t>(
                            dsp::modular_from_cycles(rows.offset[f + l], rows.cycle));
            dsp::store_lanes(offsets + i, offset);
        }
    }
    for (; i < count; ++i) {
        const uint32_t f = start + i;
        if (rows.fs != 0) {
            const uint64_t inc = dsp::modular_increment(rows.frequency[f], rows.cycle);
            incs[i] = static_cast<int64_t>(inc);
            if (kBandLimited) dts[i] = blep_dt(inc, rows.cycle);
        }
        if (rows.os != 0)
            offsets[i] = static_cast<int64_t>(dsp::modular_from_cycles(rows.offset[f], rows.cycle));
    }
}

// Lanes of `done` left 0 by a lane helper, computed by the scalar function instead (out of range
// or non-finite values: rare, kept out of the loops).
[[gnu::noinline, gnu::cold]] inline void increments_left(const double *frequency, uint64_t cycle,
                                                         I64x4 done, I64x4 &inc) noexcept {
    for (int l = 0; l < 4; ++l)
        if (done[l] == 0)
            inc[l] = static_cast<int64_t>(dsp::modular_increment(frequency[l], cycle));
}
[[gnu::noinline, gnu::cold]] inline void offsets_left(const double *offset, uint64_t cycle,
                                                      I64x4 done, I64x4 &units) noexcept {
    for (int l = 0; l < 4; ++l)
        if (done[l] == 0)
            units[l] = static_cast<int64_t>(dsp::modular_from_cycles(offset[l], cycle));
}

// Parameters read frame by frame with the reset constant over the block (it acts on the
// block's first frame at most): one pass, four frames at a time: their increments and offsets,
// the phases as the running phase plus the increments' prefix sums mod N (dsp::modular_prefix_
// lanes: the same integers as the serial adds), then the wave. The last frames (fewer than
// four) one by one as render_varying_block computes them. The rows' fields are copied to
// locals first so that the loop keeps them (and their vectors) in registers.
template <dsp::Wave kWave, bool kBandLimited>
void render_held_reset_lanes(DirectLane &lane, const DirectRows &rows, double *out,
                             uint32_t frames) noexcept {
    const uint64_t cycle = rows.cycle;
    const int64_t n = static_cast<int64_t>(cycle);
    const double cycles = static_cast<double>(cycle), top = cycles - 1.0;
    const double *const frequency = rows.frequency, *const offsets = rows.offset;
    const double *const widths = rows.width, *const amplitudes = rows.amplitude;
    const size_t fs = rows.fs, os = rows.os, ws = rows.ws, as = rows.as;
    const double clamp = rows.clamp, dt0 = kBandLimited ? rows.dt : 0.0;
    const double reset = rows.reset[0];
    uint64_t phase = lane.phase;
    if (reset > 0.5 && lane.reset_high == 0.0) phase = 0;
    lane.reset_high = reset > 0.5 ? 1.0 : 0.0;
    const int64_t inc0 = static_cast<int64_t>(rows.inc);
    const int64_t offset0 = static_cast<int64_t>(rows.offset_units);
    uint32_t f = 0;
    for (; f + 4 <= frames; f += 4) {
        I64x4 inc{inc0, inc0, inc0, inc0};
        F64x4 dt = broadcast(dt0);
        if (fs != 0) {
            I64x4 done;
            inc = dsp::modular_increment_lanes(dsp::load_lanes(frequency + f), top, done);
            if (!dsp::all_lanes(done)) increments_left(frequency + f, cycle, done, inc);
            if (kBandLimited) dt = dsp::blep_dt_lanes(inc, n, cycles);
        }
        I64x4 offset{offset0, offset0, offset0, offset0};
        if (os != 0) {
            I64x4 done;
            offset = dsp::modular_from_cycles_lanes(dsp::load_lanes(offsets + f), n, cycles, done);
            if (!dsp::all_lanes(done)) offsets_left(offsets + f, cycle, done, offset);
        }
        const int64_t from = static_cast<int64_t>(phase);
        const I64x4 running = dsp::modular_add_lanes(I64x4{from, from, from, from},
                                                     dsp::modular_prefix_lanes(inc, n), n);
        phase = static_cast<uint64_t>(running[3]);
        const F64x4 t =
            dsp::modular_cycles_lanes(dsp::modular_add_lanes(running, offset, n), cycles);
        const F64x4 width = row_lanes(widths, ws, f);
        const F64x4 clamped = width < 0.0 ? broadcast(0.0) : (1.0 < width ? 1.0 : width);
        four_frames<kWave, kBandLimited>(t, dt, clamped, row_lanes(amplitudes, as, f), clamp,
                                         out + f);
    }
    for (; f < frames; ++f) {
        const uint64_t inc = fs == 0 ? rows.inc : dsp::modular_increment(frequency[f], cycle);
        const double dt = !kBandLimited ? 0.0 : fs == 0 ? dt0 : blep_dt(inc, cycle);
        const uint64_t offset =
            os != 0 ? dsp::modular_from_cycles(offsets[f], cycle) : rows.offset_units;
        phase = dsp::modular_add(phase, inc, cycle);
        out[f] = frame_value<kWave, kBandLimited>(
            dsp::modular_cycles(dsp::modular_add(phase, offset, cycle), cycle), dt,
            std::clamp(widths[f * ws], 0.0, 1.0), amplitudes[f * as], clamp);
    }
    lane.phase = phase;
}

// Parameters read frame by frame: per chunk, the increments and offsets (four frames at a time),
// the serial pass of the phase (reset, increment, offset), then the frames four at a time.
template <dsp::Wave kWave, bool kBandLimited>
void render_varying_lanes(DirectLane &lane, const DirectRows &rows, double *out,
                          uint32_t frames) noexcept {
    const uint64_t cycle = rows.cycle;
    const double cycles = static_cast<double>(cycle);
    alignas(32) int64_t incs[kLaneChunk], offsets[kLaneChunk], phases[kLaneChunk];
    alignas(32) double dts[kLaneChunk];
    for (uint32_t start = 0; start < frames; start += kLaneChunk) {
        const uint32_t count = std::min(kLaneChunk, frames - start);
        increments_and_offsets<kBandLimited>(rows, start, count, incs, dts, offsets);
        if (rows.fs == 0) std::fill_n(incs, count, static_cast<int64_t>(rows.inc));
        if (rows.os == 0) std::fill_n(offsets, count, static_cast<int64_t>(rows.offset_units));
        uint64_t phase = lane.phase;
        if (rows.rs == 0) { // a constant reset acts on the stream's first frame at most
            const double reset = rows.reset[0];
            if (reset > 0.5 && lane.reset_high == 0.0) phase = 0;
            lane.reset_high = reset > 0.5 ? 1.0 : 0.0;
            for (uint32_t i = 0; i < count; ++i) {
                phase = dsp::modular_add(phase, static_cast<uint64_t>(incs[i]), cycle);
                phases[i] = static_cast<int64_t>(
                    dsp::modular_add(phase, static_cast<uint64_t>(offsets[i]), cycle));
            }
        } else {
            double high = lane.reset_high;
            for (uint32_t i = 0; i < count; ++i) {
                const double reset = rows.reset[start + i];
                if (reset > 0.5 && high == 0.0) phase = 0;
                high = reset > 0.5 ? 1.0 : 0.0;
                phase = dsp::modular_add(phase, static_cast<uint64_t>(incs[i]), cycle);
                phases[i] = static_cast<int64_t>(
                    dsp::modular_add(phase, static_cast<uint64_t>(offsets[i]), cycle));
            }
            lane.reset_high = high;
        }
        lane.phase = phase;
        uint32_t i = 0;
        for (; i + 4 <= count; i += 4) {
            const uint32_t f = start + i;
            const F64x4 t = dsp::modular_cycles_lanes(dsp::load_lanes(phases + i), cycles);
            const F64x4 width = row_lanes(rows.width, rows.ws, f);
            const F64x4 clamped = width < 0.0 ? broadcast(0.0) : (1.0 < width ? 1.0 : width);
            const F64x4 dt = !kBandLimited  ? broadcast(0.0)
                             : rows.fs == 0 ? broadcast(rows.dt)
                                            : dsp::load_lanes(dts + i);
            four_frames<kWave, kBandLimited>(t, dt, clamped, row_lanes(rows.amplitude, rows.as, f),
                                             rows.clamp, out + f);
        }
        for (; i < count; ++i) {
            const uint32_t f = start + i;
            const double dt = !kBandLimited ? 0.0 : rows.fs == 0 ? rows.dt : dts[i];
            out[f] = frame_value<kWave, kBandLimited>(
                dsp::modular_cycles(static_cast<uint64_t>(phases[i]), cycle), dt,
                std::clamp(rows.width[f * rows.ws], 0.0, 1.0), rows.amplitude[f * rows.as],
                rows.clamp);
        }
    }
}

} // namespace amp::oscillator
