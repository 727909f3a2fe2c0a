// limits.h: the runtime's value limits outside node parameters, in one place. The node
// catalogue (amp_node_catalog_json) exports them so TypeScript validates with the same numbers.
#pragma once

#include <cstdint>

namespace amp::limits {

constexpr uint32_t kMaxOversample = 64; // params_json "oversample": [1, 64]
constexpr uint32_t kMaxDelayFrames = 1u
                                     << 24; // declared_delay_frames, edge delay_frames: [0, 2^24]
constexpr uint32_t kMaxModulationChannels = 64; // params_json modulation.channels: [1, 64]
constexpr uint32_t kMaxModulationChannel = 63;  // modulation edge "channel": [0, 63]
constexpr double kMaxSampleRate = 1e7;          // sample rate: (0, 1e7] Hz
constexpr uint32_t kMaxBatches = 4096;          // configure batches: [1, 4096]
constexpr uint32_t kMaxBlockFrames = 1u << 20;  // configure block_frames: [1, 2^20]
constexpr uint32_t kMaxThreads = 16;            // set_threads: [1, 16]
constexpr uint32_t kMaxNodes = 65536;           // nodes of one graph: [1, 65536]
// Modulation edge "scale": [-1e12, 1e12] (the range of gain factors).
constexpr double kMaxModulationScale = 1e12;
// params_json thermo.resistance: [1e-12, 1e12]; thermo.work: [0, 1e12] heat per frame. Bounded
// so that heat from samples within the node ranges stays finite.
constexpr double kMinThermoResistance = 1e-12;
constexpr double kMaxThermoResistance = 1e12;
constexpr double kMaxThermoWork = 1e12;
// amp_graph_runtime_set_buffer: channels in [1, 64], channels x frames in [1, 2^28] samples
// (2 GiB of doubles), checked before anything is allocated.
constexpr uint32_t kMaxBufferChannels = 64;
constexpr uint64_t kMaxBufferSamples = 1ull << 28;

} // namespace amp::limits
