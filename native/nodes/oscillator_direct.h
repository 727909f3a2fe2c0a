// oscillator_direct.h: what the oscillator's block loops (oscillator_block.h, oscillator_lanes.h)
// read and update: one wave lane's running state and its parameter rows for one block.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace amp::oscillator {

// PolyBLEP's dt: the increment's distance to a whole cycle, in cycles.
inline double blep_dt(uint64_t inc, uint64_t cycle) noexcept {
    return static_cast<double>(std::min(inc, cycle - inc)) / static_cast<double>(cycle);
}

// One lane's running state as the loops see it.
struct DirectLane {
    uint64_t phase;    // modular phase units (dsp/modular_phase.h)
    double reset_high; // 1 while reset is above 0.5
};

// One lane's parameter rows (frame strides: 0 when constant over the block) and the values
// hoisted from constant rows.
struct DirectRows {
    const double *frequency, *amplitude, *offset, *width, *reset;
    size_t fs, as, os, ws, rs;
    uint64_t cycle;        // modular phase units per cycle
    uint64_t inc;          // hoisted increment (used when fs == 0)
    double dt;             // hoisted blep_dt (used when fs == 0)
    uint64_t offset_units; // hoisted phase offset (used when os == 0)
    double clamp;          // output clamp
};

} // namespace amp::oscillator
