// snapshot.cpp: a runtime's whole stream state as bytes, and back.
//
// A snapshot holds everything a render continues from: the stream position, the arena (node
// outputs, gathered ports, FIFO rings and staging of every delayed link, the output padding),
// each node's own state (Node::save_state), telemetry, heat accumulators and the over-budget
// count. It does not hold configuration: the graph, batches, block, sample rate, threads and
// set_param overrides (like reset(), restore leaves overrides alone). A snapshot restores only
// into a runtime of the same graph (node names and types), batches, block and sample rate;
// anything else is refused before a byte is written. Neither direction allocates.
#include "runtime/graph_runtime.h"

#include <cstring>
#include <string>

#include "runtime/errors.h"
#include "runtime/heat.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

constexpr uint64_t kSnapshotMagic = 0x31504e5350504d41ull; // "AMPSNP1" + version byte
constexpr uint32_t kSnapshotVersion = 1;

struct Header {
    uint64_t magic;
    uint32_t version;
    uint32_t batches;
    uint32_t block;
    uint32_t nodes;
    double sample_rate;
    uint64_t fingerprint;
    uint64_t arena_doubles;
    uint64_t position;
    uint64_t frames_over_budget;
    uint64_t total_bytes;
};

uint64_t fnv1a(uint64_t hash, const std::string &text) {
    for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    return (hash ^ 0xffu) * 0x100000001b3ull; // a separator, so "ab","c" != "a","bc"
}

} // namespace

uint64_t GraphRuntime::fingerprint() const {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (const NodeDescription &node : graph_.nodes)
        hash = fnv1a(fnv1a(hash, node.name), node.spec->type_name);
    // Lane sharing changes what the arena and the node states hold (lanes.cpp): the shared
    // nodes are part of the fingerprint (nothing is added without sharing).
    if (shared_node_count() > 0)
        for (uint32_t v = 0; v < node_count(); ++v)
            hash = (hash ^ (state_[v].lanes == 1 ? 1u : 2u)) * 0x100000001b3ull;
    return hash;
}

size_t GraphRuntime::node_record_bytes() const {
    return (6 + static_cast<size_t>(batches_) * kHeatLanes + 1) * sizeof(double) + sizeof(uint64_t);
}

uint64_t GraphRuntime::snapshot_bytes() const {
    uint64_t bytes =
        sizeof(Header) + node_count() * node_record_bytes() + arena_.size() * sizeof(double);
    for (uint32_t v = 0; v < node_count(); ++v) bytes += plan_.nodes[v]->state_bytes();
    return bytes;
}

void GraphRuntime::snapshot(void *buffer, uint64_t capacity) const {
    const uint64_t bytes = snapshot_bytes();
    if (buffer == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "snapshot", "", "snapshot buffer is null");
    if (capacity < bytes)
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "snapshot", "",
                         "snapshot buffer holds " + std::to_string(capacity) +
                             " bytes; this runtime's snapshot needs " + std::to_string(bytes));
    auto *to = static_cast<unsigned char *>(buffer);
    const Header header{kSnapshotMagic, kSnapshotVersion,    batches_,      block_,
                        node_count(),   sample_rate_,        fingerprint(), arena_.size(),
                        position_,      frames_over_budget_, bytes};
    std::memcpy(to, &header, sizeof header);
    to += sizeof header;
    const size_t lane_bytes = static_cast<size_t>(batches_) * kHeatLanes * sizeof(double);
    for (const NodeState &node : state_) {
        std::memcpy(to, node.telemetry, sizeof node.telemetry);
        to += sizeof node.telemetry;
        std::memcpy(to, node.heat_lanes, lane_bytes);
        to += lane_bytes;
        const double call_start = call_start_total(static_cast<uint32_t>(&node - state_.data()));
        std::memcpy(to, &call_start, sizeof(double));
        to += sizeof(double);
        const uint64_t state_size = plan_.nodes[&node - state_.data()]->state_bytes();
        std::memcpy(to, &state_size, sizeof state_size);
        to += sizeof state_size;
    }
    std::memcpy(to, arena_.data(), arena_.size() * sizeof(double));
    to += arena_.size() * sizeof(double);
    for (uint32_t v = 0; v < node_count(); ++v) {
        plan_.nodes[v]->save_state(to);
        to += plan_.nodes[v]->state_bytes();
    }
}

void GraphRuntime::restore(const void *buffer, uint64_t size) {
    auto refuse = [](int32_t code, const std::string &detail) {
        throw AmpFailure(code, "restore", "", detail + "; the runtime is unchanged");
    };
    if (buffer == nullptr) refuse(AMP_ERR_INVALID_ARGUMENT, "snapshot is null");
    Header header{};
    if (size < sizeof header)
        refuse(AMP_ERR_INVALID_ARGUMENT,
               "snapshot of " + std::to_string(size) + " bytes is too short to be a snapshot");
    const auto *from = static_cast<const unsigned char *>(buffer);
    std::memcpy(&header, from, sizeof header);
    if (header.magic != kSnapshotMagic || header.version != kSnapshotVersion)
        refuse(AMP_ERR_INVALID_ARGUMENT, "these bytes are not a runtime snapshot (version " +
                                             std::to_string(kSnapshotVersion) + ")");
    if (header.total_bytes != size)
        refuse(AMP_ERR_INVALID_ARGUMENT, "snapshot says " + std::to_string(header.total_bytes) +
                                             " bytes, got " + std::to_string(size) +
                                             " (truncated or padded)");
    if (header.fingerprint != fingerprint() || header.nodes != node_count())
        refuse(AMP_ERR_INVALID_ARGUMENT,
               "snapshot was taken from another graph (node names and types differ) or with "
               "other lanes shared (lane sharing)");
    if (header.batches != batches_ || header.block != block_ || header.sample_rate != sample_rate_)
        refuse(AMP_ERR_SHAPE_MISMATCH,
               "snapshot was taken with batches " + std::to_string(header.batches) +
                   ", block_frames " + std::to_string(header.block) + ", sample rate " +
                   format_number(header.sample_rate) + "; this runtime has " +
                   std::to_string(batches_) + ", " + std::to_string(block_) + ", " +
                   format_number(sample_rate_));
    if (header.arena_doubles != arena_.size() || size != snapshot_bytes())
        refuse(AMP_ERR_SHAPE_MISMATCH, "snapshot buffers do not match this runtime's layout");
    const unsigned char *cursor = from + sizeof header;
    for (uint32_t v = 0; v < node_count(); ++v) {
        uint64_t state_size = 0;
        std::memcpy(&state_size, cursor + node_record_bytes() - sizeof state_size,
                    sizeof state_size);
        if (state_size != plan_.nodes[v]->state_bytes())
            refuse(AMP_ERR_SHAPE_MISMATCH, "snapshot state of node \"" + graph_.nodes[v].name +
                                               "\" does not match this runtime's");
        cursor += node_record_bytes();
    }
    // Everything checked: now apply.
    cursor = from + sizeof header;
    const size_t lane_bytes = static_cast<size_t>(batches_) * kHeatLanes * sizeof(double);
    for (NodeState &node : state_) {
        std::memcpy(node.telemetry, cursor, sizeof node.telemetry);
        cursor += sizeof node.telemetry;
        std::memcpy(node.heat_lanes, cursor, lane_bytes);
        cursor += lane_bytes;
        std::memcpy(&node.call_start_heat, cursor, sizeof(double));
        cursor += sizeof(double) + sizeof(uint64_t);
    }
    call_start_kind_ = kCallStartRestored; // the totals, not the lanes, were saved
    std::memcpy(arena_.data(), cursor, arena_.size() * sizeof(double));
    cursor += arena_.size() * sizeof(double);
    for (uint32_t v = 0; v < node_count(); ++v) {
        plan_.nodes[v]->load_state(cursor);
        cursor += plan_.nodes[v]->state_bytes();
    }
    position_ = header.position;
    frames_over_budget_ = header.frames_over_budget;
    if (rec_.recorded < rec_.frames) drop_recording(); // a half-recorded span is no span
}

} // namespace amp
