// recording.cpp: a recording of a span of the stream for the backward pass (backward.cpp).
// record() sizes and cuts every buffer up front; record_step() copies, after each step of a
// recorded window, what the adjoints need: the gathered input of every port, every signal
// parameter after modulation, the base and the modulators of modulated parameters, and the
// node's own rows (Node::record_rows, written by the node through ProcessContext::record) and
// side record (Node::record_side_doubles, through ProcessContext::record_side).
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unistd.h>

#include "runtime/errors.h"
#include "runtime/node_config.h"

namespace amp {

uint64_t GraphRuntime::link_ring(uint32_t id, uint64_t frames, uint64_t stride) const {
    // A backward window (at most max_step_ frames, within one segment of `stride`) writes the
    // link's gradient for its frames [r, r + n) and its producer reads [r + delay, r + n +
    // delay): frames read later than they are written are at most n + delay - 1 frames apart,
    // so a ring of one window plus the delay holds every frame between its write and its read.
    const uint64_t window = std::min<uint64_t>(stride, max_step_);
    return std::min<uint64_t>(frames, window + plan_.links[id].delay);
}

size_t GraphRuntime::record_doubles(uint64_t frames, uint64_t stride) const {
    const size_t b = batches_, t = static_cast<size_t>(stride), s = max_step_;
    size_t total = 0;
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        for (uint32_t p = 0; p < spec.input_count; ++p)
            total += b * plan_.port_channels[v][p] * (t + s); // recorded input + its gradient
        for (uint32_t p = 0; p < spec.param_count; ++p) {
            if (spec.params[p].kind != ParamKind::Signal) continue;
            const size_t channels = plan_.param_channels[plan_.param_slot(v, p)];
            total += b * channels * (t + s); // recorded parameter + its gradient
            if (!plan_.param_mods[v][p].empty()) total += b * t; // base
        }
        total += static_cast<size_t>(plan_.nodes[v]->record_rows()) * t;
        total += plan_.nodes[v]->record_side_doubles(stride);
        total += b * plan_.output_channels[v] * s; // output gradient of a window
    }
    for (uint32_t id = 0; id < plan_.links.size(); ++id) {
        const size_t lanes = b * plan_.link_channels[id];
        const uint64_t ring = link_ring(id, frames, stride);
        total += lanes * static_cast<size_t>(ring);         // link gradient
        if (plan_.links[id].modulation) total += lanes * t; // recorded modulator
    }
    return total;
}

size_t GraphRuntime::record_bit_words(uint64_t stride) const {
    size_t params = 0;
    for (uint32_t v = 0; v < graph_.nodes.size(); ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        for (uint32_t p = 0; p < spec.param_count; ++p)
            params += spec.params[p].kind == ParamKind::Signal ? 1 : 0;
    }
    return params * static_cast<size_t>((stride + 63) / 64);
}

uint64_t GraphRuntime::record_bytes(uint64_t frames, uint64_t checkpoint) const {
    const uint64_t stride = checkpoint == 0 ? frames : std::min(frames, checkpoint);
    uint64_t bytes = static_cast<uint64_t>(record_doubles(frames, stride)) * sizeof(double) +
                     static_cast<uint64_t>(record_bit_words(stride)) * sizeof(uint64_t);
    if (checkpoint > 0) {
        const uint64_t segments = (frames + stride - 1) / stride;
        bytes += (segments + 1) * snapshot_bytes() + segments * sizeof(uint64_t);
    }
    return bytes;
}

void GraphRuntime::record(uint64_t frames, uint64_t max_bytes, uint64_t checkpoint) {
    refuse_shared_lanes("record"); // lanes.cpp: the backward pass reads every lane
    for (uint32_t v = 0; v < node_count(); ++v)
        if (state_[v].feeder)
            throw AmpFailure(AMP_ERR_UNSUPPORTED, "record", "",
                             "single-node calls do not record; build a graph");
    if (frames < 1 || frames > (uint64_t{1} << 40))
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "record", "",
                         "frames expects an integer in [1, 2^40], got " + std::to_string(frames));
    const double needed = static_cast<double>(record_bytes(frames, checkpoint));
    double limit = static_cast<double>(max_bytes);
    if (max_bytes == 0) {
        const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
        const double pages = static_cast<double>(sysconf(_SC_PHYS_PAGES));
        limit = page > 0 && pages > 0 ? page * pages / 2.0 : 8.0 * 1024 * 1024 * 1024;
    }
    if (needed > limit)
        throw AmpFailure(
            AMP_ERR_INVALID_ARGUMENT, "record", "",
            "recording " + std::to_string(frames) + " frames" +
                (checkpoint > 0 ? " with a snapshot every " + std::to_string(checkpoint) + " frames"
                                : std::string()) +
                " needs " + format_number(needed) + " bytes; the limit is " +
                format_number(std::floor(limit)) + " bytes (record a shorter span, fewer batches" +
                (checkpoint > 0 ? ", or another checkpoint interval)" : ", or use checkpoints)"));
    Recording &rec = rec_;
    rec.armed = false;
    const size_t n = node_count();
    const uint64_t stride = checkpoint == 0 ? frames : std::min(frames, checkpoint);
    const size_t b = batches_, t = static_cast<size_t>(stride), s = max_step_;
    rec.buffer.assign(record_doubles(frames, stride), 0.0);
    double *cursor = rec.buffer.data();
    auto take = [&cursor](size_t count) {
        double *slice = cursor;
        cursor += count;
        return slice;
    };
    rec.inputs.assign(n, {});
    rec.params.assign(n, {});
    rec.bases.assign(n, {});
    rec.rows.assign(n, nullptr);
    rec.sides.assign(n, nullptr);
    rec.out_grads.assign(n, nullptr);
    rec.port_grads.assign(n, {});
    rec.param_grads.assign(n, {});
    rec.input_views.assign(n, {});
    rec.param_views.assign(n, {});
    rec.same_bits.assign(n, {});
    rec.window_constant.assign(n, {});
    rec.bits.assign(record_bit_words(stride), 0);
    uint64_t *bit_cursor = rec.bits.data();
    const size_t words = static_cast<size_t>((stride + 63) / 64);
    rec.wanted_grads.assign(n, {});
    rec.out_links.assign(n, {});
    rec.param_request.assign(n, {});
    for (uint32_t v = 0; v < n; ++v) {
        const NodeSpec &spec = *graph_.nodes[v].spec;
        rec.inputs[v].assign(spec.input_count, nullptr);
        rec.port_grads[v].assign(spec.input_count, nullptr);
        for (uint32_t p = 0; p < spec.input_count; ++p) {
            rec.inputs[v][p] = take(b * plan_.port_channels[v][p] * t);
            rec.port_grads[v][p] = take(b * plan_.port_channels[v][p] * s);
        }
        rec.params[v].assign(spec.param_count, nullptr);
        rec.bases[v].assign(spec.param_count, nullptr);
        rec.param_grads[v].assign(spec.param_count, nullptr);
        for (uint32_t p = 0; p < spec.param_count; ++p) {
            if (spec.params[p].kind != ParamKind::Signal) continue;
            const size_t channels = plan_.param_channels[plan_.param_slot(v, p)];
            rec.params[v][p] = take(b * channels * t);
            rec.param_grads[v][p] = take(b * channels * s);
            if (!plan_.param_mods[v][p].empty()) rec.bases[v][p] = take(b * t);
        }
        rec.rows[v] = take(static_cast<size_t>(plan_.nodes[v]->record_rows()) * t);
        const size_t side = plan_.nodes[v]->record_side_doubles(stride);
        rec.sides[v] = side > 0 ? take(side) : nullptr;
        rec.out_grads[v] = take(b * plan_.output_channels[v] * s);
        rec.input_views[v].assign(spec.input_count, TensorView{});
        rec.param_views[v].assign(spec.param_count, TensorView{});
        rec.same_bits[v].assign(spec.param_count, nullptr);
        rec.window_constant[v].assign(spec.param_count, 0);
        for (uint32_t p = 0; p < spec.param_count; ++p)
            if (spec.params[p].kind == ParamKind::Signal) {
                rec.same_bits[v][p] = bit_cursor;
                bit_cursor += words;
            }
        rec.wanted_grads[v].assign(spec.param_count, nullptr);
        rec.param_request[v].assign(spec.param_count, -1);
    }
    rec.link_grads.assign(plan_.links.size(), nullptr);
    rec.link_capacity.assign(plan_.links.size(), 0);
    rec.mods.assign(graph_.modulations.size(), nullptr);
    for (uint32_t id = 0; id < plan_.links.size(); ++id) {
        const size_t lanes = b * plan_.link_channels[id];
        rec.link_capacity[id] = link_ring(id, frames, stride);
        rec.link_grads[id] = take(lanes * static_cast<size_t>(rec.link_capacity[id]));
        if (plan_.links[id].modulation) rec.mods[plan_.links[id].index] = take(lanes * t);
        rec.out_links[plan_.links[id].from].push_back(id);
    }
    const uint64_t segments = checkpoint == 0 ? 0 : (frames + stride - 1) / stride;
    rec.snapshot_size = checkpoint == 0 ? 0 : snapshot_bytes();
    rec.snapshots.assign(checkpoint == 0 ? 0 : (segments + 1) * rec.snapshot_size, 0);
    rec.hashes.assign(segments, 0);
    rec.reaches.assign(n, 0);
    rec.from_target.assign(n, 0);
    rec.on_path.assign(n, 0);
    rec.needs.assign(n, 0);
    rec.output_request.assign(n, -1);
    rec.buffer_request.assign(n, -1);
    rec.history_request.assign(n, -1);
    rec.queue.assign(n, 0);
    rec.start = position_;
    rec.frames = frames;
    rec.recorded = 0;
    rec.checkpoint = checkpoint == 0 ? 0 : stride;
    rec.stride = stride;
    rec.origin = 0;
    rec.window = checkpoint == 0 ? frames : 0;
    rec.capturing = checkpoint == 0;
    rec.armed = true;
    log("{\"event\":\"amp_graph_runtime_record\",\"frames\":" + std::to_string(frames) +
        ",\"checkpoint_frames\":" + std::to_string(rec.checkpoint) +
        ",\"bytes\":" + format_number(needed) + "}");
}

namespace {

// Sets (value true) or clears bits [from, to) of `bits`, a word at a time.
void set_bits(uint64_t *bits, size_t from, size_t to, bool value) {
    for (size_t x = from; x < to;) {
        const size_t word = x / 64, low = x % 64;
        const size_t high = std::min<size_t>(64, low + (to - x));
        const uint64_t mask =
            (high == 64 ? ~uint64_t{0} : (uint64_t{1} << high) - 1) & ~((uint64_t{1} << low) - 1);
        bits[word] = value ? bits[word] | mask : bits[word] & ~mask;
        x += high - low;
    }
}

// Bit x of `bits` for recorded frames x in [r, r + frames): set when the frame has frame
// x - 1's bits in every lane of `rows` (lanes x stride doubles). A step whose view had one value
// per lane (`constant`) compares its first frame with the frame before (none before recorded
// frame 0: clear) and sets the rest; a per-frame view clears its frames (the adjoint then reads
// the row itself when it wants to know).
void mark_same_frames(const double *rows, size_t lanes, size_t stride, bool constant,
                      uint64_t *bits, size_t r, uint32_t frames) {
    if (frames == 0) return;
    if (!constant) {
        set_bits(bits, r, r + frames, false);
        return;
    }
    bool same = r > 0;
    for (size_t lane = 0; lane < lanes && same; ++lane)
        same = std::memcmp(rows + lane * stride + r, rows + lane * stride + r - 1,
                           sizeof(double)) == 0;
    set_bits(bits, r, r + 1, same);
    set_bits(bits, r + 1, r + frames, true);
}

} // namespace

void GraphRuntime::record_step(const Step &step, uint64_t position, uint32_t frames) {
    if (!recording_at(position) || step.kind == StepKind::Emit) return;
    const uint32_t v = step.node;
    const NodeState &node = state_[v];
    const NodeSpec &spec = *graph_.nodes[v].spec;
    const size_t t = static_cast<size_t>(rec_.stride);
    const size_t r = static_cast<size_t>(position - rec_.start - rec_.origin);
    // A view (which may broadcast batches, channels or frames) into B x channels rows.
    auto mark_same = [&](const double *rows, uint32_t channels, bool constant, uint64_t *bits,
                         size_t at, uint32_t count) {
        mark_same_frames(rows, static_cast<size_t>(batches_) * channels, t, constant, bits, at,
                         count);
    };
    auto copy = [&](const TensorView &view, uint32_t channels, double *to) {
        for (uint32_t b = 0; b < batches_; ++b)
            for (uint32_t c = 0; c < channels; ++c) {
                const double *from = view.row(b, c);
                double *row = to + (static_cast<size_t>(b) * channels + c) * t + r;
                if (view.frame_stride() == 0)
                    std::fill_n(row, frames, from[0]);
                else
                    std::copy(from, from + frames, row);
            }
    };
    for (uint32_t p = 0; p < spec.input_count; ++p) {
        const uint32_t channels = plan_.port_channels[v][p];
        if (node.inputs[p].empty()) {
            for (size_t lane = 0; lane < static_cast<size_t>(batches_) * channels; ++lane)
                std::fill_n(rec_.inputs[v][p] + lane * t + r, frames, 0.0);
            continue;
        }
        copy(node.inputs[p], channels, rec_.inputs[v][p]);
    }
    for (uint32_t p = 0; p < spec.param_count; ++p) {
        if (spec.params[p].kind != ParamKind::Signal) continue;
        const uint32_t channels = plan_.param_channels[plan_.param_slot(v, p)];
        copy(node.params[p], channels, rec_.params[v][p]);
        mark_same(rec_.params[v][p], channels, node.params[p].frame_stride() == 0,
                  rec_.same_bits[v][p], r, frames);
        if (plan_.param_mods[v][p].empty()) continue;
        // The base again (cheap, and exactly what evaluate_params started from).
        const std::vector<double> &override_values = node.overrides[p];
        const size_t offset = static_cast<size_t>(position % block_);
        const TensorView base =
            override_values.empty()
                ? TensorView{&graph_.nodes[v].config.values[p], 1, 1, 1, 0}
                : TensorView{override_values.data() + offset, batches_, 1, frames, block_};
        copy(base, 1, rec_.bases[v][p]);
        for (uint32_t id : plan_.param_mods[v][p]) {
            const uint32_t link = plan_.audio_edge_count + id;
            const uint32_t total = plan_.output_channels[graph_.modulations[id].from];
            const TensorView source{
                link_source(link) + static_cast<size_t>(plan_.link_first_channel[link]) * block_,
                batches_, plan_.link_channels[link], frames, static_cast<size_t>(block_)};
            // Rows of batch b start at b * total lanes: walk them by hand.
            for (uint32_t b = 0; b < batches_; ++b)
                for (uint32_t c = 0; c < plan_.link_channels[link]; ++c) {
                    const double *from =
                        source.data + (static_cast<size_t>(b) * total + c) * block_;
                    double *row = rec_.mods[id] +
                                  (static_cast<size_t>(b) * plan_.link_channels[link] + c) * t + r;
                    std::copy(from, from + frames, row);
                }
        }
    }
}

} // namespace amp
