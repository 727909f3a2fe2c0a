// checkpoint.cpp: checkpointed recordings (record with a checkpoint interval K; docs/gradients.md).
//
// The forward render of a checkpointed span records no values: at the start of every segment
// of K frames (span frames [kK, min((k+1)K, T))) it writes a snapshot of the stream state
// (snapshot.cpp) into the recording's slot k, and it hashes the output node's samples of each
// segment. The backward pass (backward.cpp) walks the segments from the last: it restores
// segment k's snapshot, re-renders the segment with recording into buffers of K frames
// (replay_segment), checks that the re-rendered output hashes to the forward's, then runs the
// segment's backward windows. Node adjoint states and link-gradient rings carry over between
// segments exactly as between the windows of a fully recorded pass, so the gradients are the
// same bits. Nothing here allocates.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <cstring>

#include "runtime/errors.h"

namespace amp {

namespace {

constexpr uint64_t kHashSeed = 0xcbf29ce484222325ull;
constexpr uint64_t kHashPrime = 0x100000001b3ull;

} // namespace

uint64_t GraphRuntime::hash_output(uint64_t hash, uint32_t frames) const {
    const NodeState &output = state_[graph_.output];
    const uint32_t channels = plan_.output_channels[graph_.output];
    // Frames outer, lanes inner: the same hash for any split of the segment into blocks.
    for (uint32_t f = 0; f < frames; ++f)
        for (uint32_t lane = 0; lane < batches_ * channels; ++lane) {
            uint64_t bits = 0;
            std::memcpy(&bits, output.out + static_cast<size_t>(lane) * block_ + f, sizeof bits);
            hash = (hash ^ bits) * kHashPrime;
        }
    return hash;
}

void GraphRuntime::checkpoint_block(uint64_t position, uint32_t frames, bool before) {
    Recording &rec = rec_;
    const uint64_t into = position - rec.start;
    const uint64_t segment = into / rec.checkpoint;
    if (before) {
        if (into % rec.checkpoint != 0) return;
        snapshot(rec.snapshots.data() + segment * rec.snapshot_size, rec.snapshot_size);
        rec.hashes[segment] = kHashSeed;
        return;
    }
    rec.hashes[segment] = hash_output(rec.hashes[segment], frames);
}

void GraphRuntime::replay_segment(uint64_t segment, const AmpControlHistory *history) {
    Recording &rec = rec_;
    restore(rec.snapshots.data() + segment * rec.snapshot_size, rec.snapshot_size);
    rec.origin = segment * rec.checkpoint;
    rec.window = std::min(rec.checkpoint, rec.frames - rec.origin);
    rec.capturing = true;
    AmpControlHistory span_history{};
    const AmpControlHistory *history_ptr = nullptr;
    if (history != nullptr) {
        span_history = *history;
        span_history.frame_offset = rec.start; // curve time 0 is the span's first frame
        history_ptr = &span_history;
    }
    struct WorkersAwake {
        LevelWorkers *workers;
        explicit WorkersAwake(LevelWorkers *w) : workers(w) {
            if (workers != nullptr) workers->begin();
        }
        ~WorkersAwake() {
            if (workers != nullptr) workers->end();
        }
    } awake(workers_.get());
    uint64_t hash = kHashSeed, done = 0;
    while (done < rec.window) {
        const uint32_t offset = static_cast<uint32_t>(position_ % block_);
        const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(
            {rec.window - done, static_cast<uint64_t>(block_ - offset), max_step_}));
        if (!tap_nodes_.empty()) count_tap_records(position_, n);
        run_block(position_, n, offset, history_ptr);
        hash = hash_output(hash, n);
        position_ += n;
        done += n;
    }
    rec.capturing = false;
    if (hash != rec.hashes[segment])
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", "",
                         "re-rendering frames [" + std::to_string(rec.origin) + ", " +
                             std::to_string(rec.origin + rec.window) +
                             ") of the checkpointed span gave other samples than its render: "
                             "pass the control history it was rendered with (times relative to "
                             "the span's first frame), and keep its overrides and buffers");
}

} // namespace amp
