// backward.cpp: the graph backward pass over a recorded span (docs/gradients.md).
//
// The span is walked from its end in windows of at most the scheduler block (so a feedback
// loop's adjoint recursion is exact, as its forward was), each window through the schedule in
// reverse. A node's output gradient for a window is formed from the gradients of the links
// leaving it (each link's gradient is a full-span buffer on the consumer side, written once per
// frame by its consumer; the producer reads it `delay` frames later) plus dL/dy when it is the
// output node (shifted by the output's padding), always in the same order, so results do not
// depend on the window split or the thread count. The node's adjoint then gives the gradients
// of its ports (split onto the edges by the gather rule: a sum port gives each edge the sum of
// the port channels it reached, a concat port its slice) and of its parameters (through the
// modulation chain: add passes the gradient, multiply scales it; each modulator gets its share).
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <cstring>

#include "runtime/errors.h"
#include "runtime/node_config.h"
#include "runtime/work_meter.h"

namespace amp {

namespace {

// The request naming a node's PCM buffer (slot 0) instead of a parameter.
constexpr const char *kBufferRequest = "@buffer";
// The request naming the points of the control-history curves a node reads.
constexpr const char *kHistoryRequest = "@history";

// Calls run(f, j, count) over frames [0, frames) of a window whose frame 0 is slot `start` of a
// ring of `ring` slots (frames <= ring): frames f .. f + count - 1 are slots j .. j + count - 1,
// at most two contiguous runs (so the loops inside need no wrap test per frame).
template <typename Run>
void ring_runs(size_t start, size_t ring, size_t frames, Run run) {
    const size_t first = std::min(frames, ring - start);
    if (first > 0) run(size_t{0}, start, first);
    if (first < frames) run(first, size_t{0}, frames - first);
}

// True when bits [from, to) of `bits` are all set (an empty range: true).
bool all_set(const uint64_t *bits, size_t from, size_t to) {
    for (size_t x = from; x < to;) {
        const size_t word = x / 64, low = x % 64;
        const size_t high = std::min<size_t>(64, low + (to - x));
        const uint64_t mask =
            (high == 64 ? ~uint64_t{0} : (uint64_t{1} << high) - 1) & ~((uint64_t{1} << low) - 1);
        if ((bits[word] & mask) != mask) return false;
        x += high - low;
    }
    return true;
}

int32_t find_param(const NodeSpec &spec, const char *name) {
    for (uint32_t p = 0; p < spec.param_count; ++p)
        if (std::strcmp(spec.params[p].name, name) == 0) return static_cast<int32_t>(p);
    return -1;
}

} // namespace

std::string GraphRuntime::backward_path(uint32_t target) const {
    // A path from a requested node to `target` (walking links backwards among the nodes the
    // requests reach), then on to the output.
    const uint32_t n = node_count();
    std::vector<int64_t> before(n, -1), after(n, -1);
    std::vector<uint32_t> queue{target};
    std::vector<uint8_t> seen(n, 0);
    seen[target] = 1;
    uint32_t start = target;
    for (size_t i = 0; i < queue.size(); ++i) {
        const uint32_t v = queue[i];
        bool requested = rec_.output_request[v] >= 0 || rec_.buffer_request[v] >= 0 ||
                         rec_.history_request[v] >= 0;
        for (int32_t request : rec_.param_request[v]) requested = requested || request >= 0;
        if (requested) {
            start = v;
            break;
        }
        for (uint32_t id = 0; id < plan_.links.size(); ++id) {
            const LinkPlan &link = plan_.links[id];
            if (link.to != v || seen[link.from] || !rec_.from_target[link.from]) continue;
            seen[link.from] = 1;
            after[link.from] = id; // link.from continues to v through link id
            queue.push_back(link.from);
        }
    }
    std::string path = graph_.nodes[start].name;
    for (uint32_t v = start; v != target;) {
        const LinkPlan &link = plan_.links[static_cast<size_t>(after[v])];
        path += std::string(link.modulation ? " ~> " : " -> ") + graph_.nodes[link.to].name;
        v = link.to;
    }
    // From the target on to the output, forwards.
    std::fill(seen.begin(), seen.end(), 0);
    queue.assign(1, target);
    seen[target] = 1;
    for (size_t i = 0; i < queue.size() && !seen[graph_.output]; ++i)
        for (uint32_t id = 0; id < plan_.links.size(); ++id) {
            const LinkPlan &link = plan_.links[id];
            if (link.from != queue[i] || seen[link.to] || !rec_.reaches[link.to]) continue;
            seen[link.to] = 1;
            before[link.to] = id;
            queue.push_back(link.to);
        }
    std::string tail;
    for (uint32_t v = graph_.output; v != target && before[v] >= 0;) {
        const LinkPlan &link = plan_.links[static_cast<size_t>(before[v])];
        tail = std::string(link.modulation ? " ~> " : " -> ") + graph_.nodes[v].name + tail;
        v = link.from;
    }
    return path + tail;
}

uint64_t GraphRuntime::buffer_gradient_values(uint32_t v, const AmpGradientRequest &request) const {
    return (request.summed != 0 ? 1 : static_cast<uint64_t>(batches_)) *
           plan_.nodes[v]->buffer_values();
}

uint64_t GraphRuntime::history_gradient_values(uint32_t v) const {
    return rec_.has_history ? plan_.nodes[v]->history_gradient_values(rec_.history) : 0;
}

void GraphRuntime::plan_backward(const AmpGradientRequest *requests, uint32_t request_count) {
    Recording &rec = rec_;
    const uint32_t n = node_count();
    const uint64_t t = rec.frames;
    std::fill(rec.reaches.begin(), rec.reaches.end(), 0);
    std::fill(rec.from_target.begin(), rec.from_target.end(), 0);
    std::fill(rec.on_path.begin(), rec.on_path.end(), 0);
    std::fill(rec.needs.begin(), rec.needs.end(), 0);
    std::fill(rec.output_request.begin(), rec.output_request.end(), -1);
    std::fill(rec.buffer_request.begin(), rec.buffer_request.end(), -1);
    std::fill(rec.history_request.begin(), rec.history_request.end(), -1);
    for (auto &row : rec.param_request) std::fill(row.begin(), row.end(), -1);
    for (uint32_t i = 0; i < request_count; ++i) {
        const AmpGradientRequest &request = requests[i];
        const uint32_t v = find_node(request.node, "backward");
        const NodeDescription &node = graph_.nodes[v];
        // Built only on failure (the pass allocates nothing when it succeeds).
        const auto label = [&node]() { return node_label(node.name, node.spec->type_name); };
        uint64_t needed = 0;
        if (request.param == nullptr) {
            if (rec.output_request[v] >= 0)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", node.name,
                                 label() + ": its output is requested twice");
            rec.output_request[v] = static_cast<int32_t>(i);
            needed = static_cast<uint64_t>(batches_) * plan_.output_channels[v] * t;
        } else if (std::strcmp(request.param, kBufferRequest) == 0) {
            const uint64_t values = plan_.nodes[v]->buffer_values();
            if (values == 0)
                throw AmpFailure(AMP_ERR_UNSUPPORTED, "backward", node.name,
                                 label() + " has no buffer to differentiate (\"@buffer\" asks "
                                           "for the gradient of a node's PCM buffer, e.g. a "
                                           "sampler's after setBuffer)");
            if (rec.buffer_request[v] >= 0)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", node.name,
                                 label() + ": its buffer is requested twice");
            rec.buffer_request[v] = static_cast<int32_t>(i);
            needed = buffer_gradient_values(v, request);
        } else if (std::strcmp(request.param, kHistoryRequest) == 0) {
            if (!rec.has_history)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", node.name,
                                 label() + ": the gradient with respect to its control-history "
                                           "points needs the history the span was rendered with "
                                           "(amp_graph_runtime_backward_v2 with the history)");
            needed = history_gradient_values(v);
            if (needed == 0)
                throw AmpFailure(AMP_ERR_UNSUPPORTED, "backward", node.name,
                                 label() + " reads no control-history points to differentiate "
                                           "(\"@history\" asks for them, e.g. a controller's)");
            if (rec.history_request[v] >= 0)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", node.name,
                                 label() + ": its history is requested twice");
            if (request.summed != 0)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", node.name,
                                 label() + ": a history gradient is always summed over batches "
                                           "(summed must be 0)");
            rec.history_request[v] = static_cast<int32_t>(i);
        } else {
            const int32_t p = find_param(*node.spec, request.param);
            if (p < 0 || node.spec->params[p].kind != ParamKind::Signal) {
                std::string names;
                for (uint32_t q = 0; q < node.spec->param_count; ++q)
                    if (node.spec->params[q].kind == ParamKind::Signal)
                        names += std::string(names.empty() ? "" : ", ") + node.spec->params[q].name;
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", node.name,
                                 label() + ": no signal parameter \"" + request.param +
                                     "\" to differentiate; signal parameters: " +
                                     (names.empty() ? "none" : names));
            }
            if (rec.param_request[v][static_cast<size_t>(p)] >= 0)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", node.name,
                                 label() + ": parameter \"" + request.param +
                                     "\" is requested twice");
            rec.param_request[v][static_cast<size_t>(p)] = static_cast<int32_t>(i);
            needed = request.summed != 0 ? batches_ : static_cast<uint64_t>(batches_) * t;
        }
        if (request.summed > 1)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", node.name,
                             label() + ": summed expects 0 or 1, got " +
                                 std::to_string(request.summed));
        if (request.out == nullptr || request.out_len < needed)
            throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "backward", node.name,
                             label() + ": the gradient of " +
                                 (request.param == nullptr
                                      ? std::string("its output")
                                      : "\"" + std::string(request.param) + "\"") +
                                 " needs " + std::to_string(needed) + " doubles, got " +
                                 (request.out == nullptr ? std::string("none")
                                                         : std::to_string(request.out_len)));
        rec.from_target[v] = 1;
    }
    // Nodes a requested node reaches (forwards), nodes that reach the output (backwards).
    auto walk = [&](std::vector<uint8_t> &mark, bool forwards) {
        uint32_t head = 0, tail = 0;
        for (uint32_t v = 0; v < n; ++v)
            if (mark[v]) rec.queue[tail++] = v;
        while (head < tail) {
            const uint32_t v = rec.queue[head++];
            for (const LinkPlan &link : plan_.links) {
                const uint32_t from = forwards ? link.from : link.to;
                const uint32_t to = forwards ? link.to : link.from;
                if (from != v || mark[to]) continue;
                mark[to] = 1;
                rec.queue[tail++] = to;
            }
        }
    };
    walk(rec.from_target, true);
    rec.reaches[graph_.output] = 1;
    walk(rec.reaches, false);
    for (uint32_t v = 0; v < n; ++v) rec.on_path[v] = rec.from_target[v] && rec.reaches[v];
    for (uint32_t v = 0; v < n; ++v) {
        if (!rec.on_path[v]) continue;
        const NodeSpec &spec = *graph_.nodes[v].spec;
        bool needed = rec.buffer_request[v] >= 0 || rec.history_request[v] >= 0;
        for (int32_t request : rec.param_request[v]) needed = needed || request >= 0;
        for (const LinkPlan &link : plan_.links)
            needed = needed || (link.to == v && rec.on_path[link.from]);
        rec.needs[v] = needed;
        if (!needed) continue;
        const auto label = [&]() { return node_label(graph_.nodes[v].name, spec.type_name); };
        if (!spec.has_backward)
            throw AmpFailure(AMP_ERR_UNSUPPORTED, "backward", graph_.nodes[v].name,
                             label() + " has no adjoint (" + spec.backward_doc +
                                 ") and lies on the path " + backward_path(v));
        for (uint32_t p = 0; p < spec.param_count; ++p) {
            bool wanted = rec.param_request[v][p] >= 0;
            for (uint32_t id : plan_.param_mods[v][p])
                wanted = wanted || rec.on_path[graph_.modulations[id].from];
            if (wanted && !plan_.nodes[v]->has_param_gradient(p))
                throw AmpFailure(AMP_ERR_UNSUPPORTED, "backward", graph_.nodes[v].name,
                                 label() + " has no gradient for parameter \"" +
                                     spec.params[p].name + "\" (" + spec.backward_doc +
                                     "); it lies on the path " + backward_path(v));
            rec.wanted_grads[v][p] = wanted ? rec.param_grads[v][p] : nullptr;
        }
    }
}

void GraphRuntime::backward(const double *output_gradient, uint64_t output_gradient_len,
                            const AmpGradientRequest *requests, uint32_t request_count,
                            const AmpControlHistory *history, const AmpWorkOptions *work) {
    Recording &rec = rec_;
    if (!rec.armed)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", "",
                         "nothing is recorded: call record(frames) before the render (configure, "
                         "sample rate, reset and restore drop a recording)");
    if (rec.recorded < rec.frames)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", "",
                         "the recording holds " + std::to_string(rec.recorded) + " of its " +
                             std::to_string(rec.frames) + " frames; render the rest first");
    const uint64_t t = rec.frames;
    const uint64_t needed =
        static_cast<uint64_t>(batches_) * plan_.output_channels[graph_.output] * t;
    if (output_gradient == nullptr || output_gradient_len < needed)
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "backward", "",
                         "the output gradient needs batches x output channels x frames = " +
                             std::to_string(needed) + " doubles, got " +
                             (output_gradient == nullptr ? std::string("none")
                                                         : std::to_string(output_gradient_len)));
    if (requests == nullptr && request_count > 0)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", "", "requests is null");
    if (rec.checkpoint > 0 && needs_curves_ && history == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "backward", "",
                         "a checkpointed recording re-renders its segments, and this graph reads "
                         "control-history curves: pass the history the span was rendered with "
                         "(times relative to its first frame)");
    if (history != nullptr || (rec.checkpoint > 0 && needs_curves_)) check_history(history);
    rec.has_history = history != nullptr;
    if (history != nullptr) {
        rec.history = *history;
        rec.history.frame_offset = rec.start; // curve time 0 is the span's first frame
    }
    plan_backward(requests, request_count);
    for (uint32_t id = 0; id < plan_.links.size(); ++id)
        std::fill_n(rec.link_grads[id],
                    static_cast<size_t>(batches_) * plan_.link_channels[id] * rec.link_capacity[id],
                    0.0);
    for (uint32_t i = 0; i < request_count; ++i) {
        const uint32_t v = find_node(requests[i].node, "backward");
        const uint64_t count =
            requests[i].param == nullptr
                ? static_cast<uint64_t>(batches_) * plan_.output_channels[v] * t
            : std::strcmp(requests[i].param, kBufferRequest) == 0
                ? buffer_gradient_values(v, requests[i])
            : std::strcmp(requests[i].param, kHistoryRequest) == 0
                ? history_gradient_values(v)
                : (requests[i].summed != 0 ? batches_ : static_cast<uint64_t>(batches_) * t);
        std::fill_n(requests[i].out, count, 0.0);
    }
    for (uint32_t v = 0; v < node_count(); ++v)
        if (rec.needs[v]) plan_.nodes[v]->reset_backward();
    // Progress and cancel per window: a stop leaves only the pass's own buffers (and the
    // requests' outputs) partly written; each pass starts by clearing them.
    WorkMeter meter;
    meter.set(work);
    meter.begin(t, "backward", "frames of the span");
    if (rec.checkpoint == 0) {
        backward_windows(0, t, output_gradient, requests, meter);
        return;
    }
    // Checkpointed: the segments from the last, each re-rendered from its snapshot with
    // recording, then walked backward; the stream state is put back afterwards (also when the
    // pass fails or is cancelled).
    const uint64_t segments = rec.hashes.size();
    unsigned char *current = rec.snapshots.data() + segments * rec.snapshot_size;
    snapshot(current, rec.snapshot_size);
    try {
        for (uint64_t k = segments; k-- > 0;) {
            replay_segment(k, history);
            backward_windows(rec.origin, rec.origin + rec.window, output_gradient, requests, meter);
        }
    } catch (...) {
        rec.capturing = false;
        restore(current, rec.snapshot_size);
        throw;
    }
    rec.capturing = false;
    restore(current, rec.snapshot_size);
}

void GraphRuntime::backward_windows(uint64_t from, uint64_t to, const double *output_gradient,
                                    const AmpGradientRequest *requests, WorkMeter &meter) {
    uint64_t end = to;
    while (end > from) {
        const uint64_t stream_end = rec_.start + end;
        const uint64_t in_block = (stream_end - 1) % block_ + 1;
        const uint32_t n = static_cast<uint32_t>(
            std::min<uint64_t>({end - from, static_cast<uint64_t>(max_step_), in_block}));
        const uint64_t r = end - n;
        for (auto step = plan_.steps.rbegin(); step != plan_.steps.rend(); ++step)
            backward_step(*step, r, n, output_gradient, requests);
        end = r;
        if (meter.active()) meter.step(n);
    }
}

void GraphRuntime::backward_step(const Step &step, uint64_t r, uint32_t n,
                                 const double *output_gradient,
                                 const AmpGradientRequest *requests) {
    Recording &rec = rec_;
    const uint32_t v = step.node;
    if (!rec.on_path[v]) return;
    const size_t t = static_cast<size_t>(rec.frames);
    const uint32_t channels = plan_.output_channels[v];
    double *gout = rec.out_grads[v];
    if (step.kind != StepKind::Absorb) {
        std::fill_n(gout, static_cast<size_t>(batches_) * channels * n, 0.0);
        if (v == graph_.output) {
            const size_t pad = plan_.padding[graph_.output];
            // Frames whose padded position lies past the span's end receive nothing.
            const size_t frames = r + pad < t ? std::min<size_t>(n, t - r - pad) : 0;
            for (size_t lane = 0; frames > 0 && lane < static_cast<size_t>(batches_) * channels;
                 ++lane) {
                const double *from = output_gradient + lane * t + r + pad;
                double *to = gout + lane * n;
                for (size_t f = 0; f < frames; ++f) to[f] += from[f];
            }
        }
        for (uint32_t id : rec.out_links[v]) {
            const size_t delay = plan_.links[id].delay;
            const uint32_t count = plan_.link_channels[id];
            const uint32_t first = plan_.link_first_channel[id];
            const size_t ring = static_cast<size_t>(rec.link_capacity[id]);
            for (uint32_t b = 0; b < batches_; ++b)
                for (uint32_t s = 0; s < count; ++s) {
                    const double *g =
                        rec.link_grads[id] + (static_cast<size_t>(b) * count + s) * ring;
                    double *to = gout + (static_cast<size_t>(b) * channels + first + s) * n;
                    // Frames past the span's end (r + f + delay >= t) receive nothing.
                    const size_t frames = r + delay < t ? std::min<size_t>(n, t - r - delay) : 0;
                    ring_runs((r + delay) % ring, ring, frames, [&](size_t f, size_t j, size_t k) {
                        for (size_t i = 0; i < k; ++i) to[f + i] += g[j + i];
                    });
                }
        }
        const int32_t request = rec.output_request[v];
        if (request >= 0)
            for (size_t lane = 0; lane < static_cast<size_t>(batches_) * channels; ++lane)
                std::copy(gout + lane * n, gout + lane * n + n,
                          requests[request].out + lane * t + r);
    }
    if (!rec.needs[v]) return;
    const NodeSpec &spec = *graph_.nodes[v].spec;
    const size_t stride = static_cast<size_t>(rec.stride);
    const size_t local = static_cast<size_t>(r - rec.origin); // frame r in the recorded values
    for (uint32_t p = 0; p < spec.input_count; ++p) {
        const uint32_t c = plan_.port_channels[v][p];
        rec.input_views[v][p] = TensorView{rec.inputs[v][p] + local, batches_, c, n, stride};
        std::fill_n(rec.port_grads[v][p], static_cast<size_t>(batches_) * c * n, 0.0);
    }
    for (uint32_t p = 0; p < spec.param_count; ++p) {
        if (spec.params[p].kind != ParamKind::Signal) continue;
        const uint32_t c = plan_.param_channels[plan_.param_slot(v, p)];
        rec.param_views[v][p] = TensorView{rec.params[v][p] + local, batches_, c, n, stride};
        // Every frame after the window's first has its predecessor's bits: constant.
        rec.window_constant[v][p] = all_set(rec.same_bits[v][p], local + 1, local + n) ? 1 : 0;
        // Only the wanted gradients reach the node (wanted_grads); the others stay unwritten.
        if (rec.wanted_grads[v][p] != nullptr)
            std::fill_n(rec.param_grads[v][p], static_cast<size_t>(batches_) * c * n, 0.0);
    }
    BackwardContext context{};
    if (step.kind != StepKind::Absorb)
        context.gradient = TensorView{gout, batches_, channels, n, n};
    context.params = rec.param_views[v].data();
    context.out = spec.input_count > 0 ? rec.port_grads[v][0] : nullptr;
    context.input_channels = spec.input_count > 0 ? plan_.port_channels[v][0] : 0;
    context.batches = batches_;
    context.frames = n;
    context.sample_rate = sample_rate_;
    context.inputs = rec.input_views[v].data();
    context.params_constant = rec.window_constant[v].data();
    context.input_gradients = rec.port_grads[v].data();
    context.param_gradients = step.kind != StepKind::Emit ? rec.wanted_grads[v].data() : nullptr;
    if (plan_.nodes[v]->record_rows() > 0) {
        context.record = rec.rows[v] + local;
        context.record_lane_stride = stride;
    }
    context.frame_index = rec.start + r;
    context.record_side = rec.sides[v];
    context.record_side_start = rec.start + rec.origin;
    if (rec.buffer_request[v] >= 0 && step.kind != StepKind::Emit) {
        context.buffer_gradient = requests[rec.buffer_request[v]].out;
        context.buffer_summed = requests[rec.buffer_request[v]].summed != 0;
    }
    if (rec.history_request[v] >= 0 && step.kind != StepKind::Emit) {
        context.history_gradient = requests[rec.history_request[v]].out;
        context.history = &rec.history;
    }
    const char *refusal = nullptr; // a node's static sentence saying why it refused
    context.error = &refusal;
    Node &node = *plan_.nodes[v];
    const int32_t status = step.kind == StepKind::Process ? node.backward(context)
                           : step.kind == StepKind::Emit  ? node.backward_emit(context)
                                                          : node.backward_absorb(context);
    if (status != AMP_OK)
        throw AmpFailure(status, "backward", graph_.nodes[v].name,
                         node_label(graph_.nodes[v].name, spec.type_name) +
                             ": backward failed with " + amp_status_name(status) + " on frames [" +
                             std::to_string(r) + ", " + std::to_string(r + n) + ") of the span" +
                             (refusal != nullptr ? std::string(": ") + refusal : std::string()));
    if (step.kind == StepKind::Emit) return;
    scatter_ports(v, r, n);
    scatter_params(v, r, n, requests);
}

void GraphRuntime::scatter_ports(uint32_t v, uint64_t r, uint32_t n) {
    const NodeSpec &spec = *graph_.nodes[v].spec;
    for (uint32_t p = 0; p < spec.input_count; ++p) {
        const uint32_t channels = plan_.port_channels[v][p];
        const double *dport = rec_.port_grads[v][p];
        const bool concat = spec.inputs[p].gather == Gather::Concat;
        uint32_t first_channel = 0;
        for (uint32_t id : plan_.port_edges[v][p]) {
            const uint32_t count = plan_.link_channels[id];
            const size_t ring = static_cast<size_t>(rec_.link_capacity[id]);
            const size_t at = static_cast<size_t>(r % ring);
            // Frame f of the window is ring[(at + f) % ring] of the lane.
            auto lane = [&](uint32_t b, uint32_t s) {
                return rec_.link_grads[id] + (static_cast<size_t>(b) * count + s) * ring;
            };
            for (uint32_t b = 0; b < batches_; ++b) {
                if (concat) {
                    for (uint32_t s = 0; s < count; ++s) {
                        const double *from =
                            dport + (static_cast<size_t>(b) * channels + first_channel + s) * n;
                        double *g = lane(b, s);
                        ring_runs(at, ring, n, [&](size_t f, size_t j, size_t k) {
                            std::copy(from + f, from + f + k, g + j);
                        });
                    }
                    continue;
                }
                for (uint32_t s = 0; s < count; ++s) {
                    double *g = lane(b, s);
                    ring_runs(at, ring, n,
                              [&](size_t, size_t j, size_t k) { std::fill_n(g + j, k, 0.0); });
                }
                for (uint32_t c = 0; c < channels; ++c) {
                    const double *from = dport + (static_cast<size_t>(b) * channels + c) * n;
                    double *to = lane(b, c % count);
                    ring_runs(at, ring, n, [&](size_t f, size_t j, size_t k) {
                        for (size_t i = 0; i < k; ++i) to[j + i] += from[f + i];
                    });
                }
            }
            first_channel += count;
        }
    }
}

void GraphRuntime::scatter_params(uint32_t v, uint64_t r, uint32_t n,
                                  const AmpGradientRequest *requests) {
    const NodeSpec &spec = *graph_.nodes[v].spec;
    const size_t t = static_cast<size_t>(rec_.frames);
    const size_t stride = static_cast<size_t>(rec_.stride);
    // Summed, unmodulated, one-channel parameters (the common case): two sums per frame loop,
    // each in the order below (frames from the last), so their serial chains of additions
    // overlap instead of running one after the other.
    uint32_t paired[2] = {0, 0}, waiting = 0;
    auto simple_sum = [&](uint32_t p) {
        const int32_t request = rec_.param_request[v][p];
        return rec_.wanted_grads[v][p] != nullptr && plan_.param_mods[v][p].empty() &&
               request >= 0 && requests[request].summed != 0 &&
               plan_.param_channels[plan_.param_slot(v, p)] == 1;
    };
    auto flush = [&]() {
        const double *a = rec_.wanted_grads[v][paired[0]];
        double *out_a = requests[rec_.param_request[v][paired[0]]].out;
        if (waiting == 1) {
            for (uint32_t b = 0; b < batches_; ++b) {
                const double *rows = a + static_cast<size_t>(b) * n;
                double total = out_a[b];
                for (uint32_t f = n; f-- > 0;) total += rows[f];
                out_a[b] = total;
            }
        } else {
            const double *c = rec_.wanted_grads[v][paired[1]];
            double *out_c = requests[rec_.param_request[v][paired[1]]].out;
            for (uint32_t b = 0; b < batches_; ++b) {
                const double *rows_a = a + static_cast<size_t>(b) * n;
                const double *rows_c = c + static_cast<size_t>(b) * n;
                double total_a = out_a[b], total_c = out_c[b];
                for (uint32_t f = n; f-- > 0;) {
                    total_a += rows_a[f];
                    total_c += rows_c[f];
                }
                out_a[b] = total_a;
                out_c[b] = total_c;
            }
        }
        waiting = 0;
    };
    for (uint32_t p = 0; p < spec.param_count; ++p) {
        if (!simple_sum(p)) continue;
        if (waiting == 1) { // two requests given overlapping outputs: added one after the other
            const double *first = requests[rec_.param_request[v][paired[0]]].out;
            const double *next = requests[rec_.param_request[v][p]].out;
            if (next < first + batches_ && first < next + batches_) flush();
        }
        paired[waiting++] = p;
        if (waiting == 2) flush();
    }
    if (waiting > 0) flush();
    for (uint32_t p = 0; p < spec.param_count; ++p) {
        const double *dparam = rec_.wanted_grads[v][p];
        if (dparam == nullptr || simple_sum(p)) continue;
        const std::vector<uint32_t> &mods = plan_.param_mods[v][p];
        const uint32_t channels = plan_.param_channels[plan_.param_slot(v, p)];
        const int32_t request = rec_.param_request[v][p];
        double *out = request >= 0 ? requests[request].out : nullptr;
        const bool summed = request >= 0 && requests[request].summed != 0;
        if (mods.empty()) {
            // Unmodulated: the base's gradient is the parameter's, added in the order below
            // (frames from the last, channels in order), with the sum kept in a local.
            if (out == nullptr) continue;
            for (uint32_t b = 0; b < batches_; ++b) {
                const double *rows = dparam + static_cast<size_t>(b) * channels * n;
                if (summed) {
                    double total = out[b];
                    for (uint32_t f = n; f-- > 0;)
                        for (uint32_t c = 0; c < channels; ++c) total += rows[c * n + f];
                    out[b] = total;
                    continue;
                }
                double *frames = out + static_cast<size_t>(b) * t + r;
                for (uint32_t f = n; f-- > 0;)
                    for (uint32_t c = 0; c < channels; ++c) frames[f] += rows[c * n + f];
            }
            continue;
        }
        for (uint32_t id : mods) {
            const uint32_t link = plan_.audio_edge_count + id;
            const size_t ring = static_cast<size_t>(rec_.link_capacity[link]);
            for (size_t lane = 0; lane < static_cast<size_t>(batches_) * plan_.link_channels[link];
                 ++lane)
                for (size_t f = 0, j = static_cast<size_t>(r % ring); f < n;
                     ++f, j = j + 1 == ring ? 0 : j + 1)
                    rec_.link_grads[link][lane * ring + j] = 0.0;
        }
        // Frames from the last, channels in order: the same order of additions for any split.
        for (uint32_t b = 0; b < batches_; ++b)
            for (uint32_t f = n; f-- > 0;) {
                const size_t x = r + f;                                 // frame within the span
                const size_t xl = x - static_cast<size_t>(rec_.origin); // in the recorded values
                for (uint32_t c = 0; c < channels; ++c) {
                    double d = dparam[(static_cast<size_t>(b) * channels + c) * n + f];
                    for (size_t k = mods.size(); k-- > 0;) {
                        const ModulationEdge &edge = graph_.modulations[mods[k]];
                        const uint32_t link = plan_.audio_edge_count + mods[k];
                        const uint32_t count = plan_.link_channels[link];
                        const uint32_t sc =
                            edge.channel >= 0 ? static_cast<uint32_t>(edge.channel) : c % count;
                        const size_t ring = static_cast<size_t>(rec_.link_capacity[link]);
                        const size_t lane = static_cast<size_t>(b) * count + sc;
                        double &g = rec_.link_grads[link][lane * ring + x % ring];
                        if (edge.mode == ModulationMode::Add) {
                            g += edge.scale * d;
                            continue;
                        }
                        // The parameter before this edge, recomputed as evaluate_params did.
                        double before = rec_.bases[v][p][static_cast<size_t>(b) * stride + xl];
                        for (size_t j = 0; j < k; ++j) {
                            const ModulationEdge &earlier = graph_.modulations[mods[j]];
                            const uint32_t l = plan_.audio_edge_count + mods[j];
                            const uint32_t cj = plan_.link_channels[l];
                            const uint32_t sj = earlier.channel >= 0
                                                    ? static_cast<uint32_t>(earlier.channel)
                                                    : c % cj;
                            const double m =
                                rec_.mods[mods[j]]
                                         [(static_cast<size_t>(b) * cj + sj) * stride + xl];
                            if (earlier.mode == ModulationMode::Add)
                                before += earlier.scale * m;
                            else
                                before *= earlier.scale * m;
                        }
                        g += edge.scale * before * d;
                        d *= edge.scale * rec_.mods[mods[k]][lane * stride + xl];
                    }
                    if (out == nullptr) continue;
                    if (summed)
                        out[b] += d;
                    else
                        out[static_cast<size_t>(b) * t + x] += d;
                }
            }
    }
}

} // namespace amp
