// node.h: the contract between the runtime and one node type.
//
// A node type is a static NodeSpec (type name, ports, parameters with defaults and ranges, heat
// work constant) plus a Node subclass with prepare / process / reset. The runtime parses and
// validates params_json against the spec once (see runtime/node_config.h), then:
//   1. output_channels(input channel counts) at compile time,
//   2. prepare(max block) at configure time: the only place a node may allocate,
//   3. process(block) per block: no allocation, no locks, no exceptions,
//   4. reset() to return to frame 0.
// All tensors are planar (batch, channel, frame), frames fastest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "amp_native.h"

namespace amp {

// Read-only planar tensor. A dimension of 1 broadcasts (stride 0) over the consumer's size.
// lane_stride is the distance between consecutive (batch, channel) rows; 0 means `frames`
// (a dense tensor). A window of a longer tensor keeps the longer tensor's lane stride.
// Alternatively `rows` lists one pointer per (batch, channel) lane (a gathered input whose
// lanes live in different buffers); then `data` is unused but non-null.
struct TensorView {
    const double *data = nullptr;
    uint32_t batches = 0;
    uint32_t channels = 0;
    uint32_t frames = 0;
    size_t lane_stride = 0;
    const double *const *rows = nullptr;

    bool empty() const { return data == nullptr; }
    size_t stride() const { return lane_stride != 0 ? lane_stride : frames; }
    // Pointer to frame 0 of lane (b, c), broadcasting b and c.
    const double *row(uint32_t b, uint32_t c) const {
        const size_t bb = batches == 1 ? 0 : b;
        const size_t cc = channels == 1 ? 0 : c;
        if (rows != nullptr) return rows[bb * channels + cc];
        return data + (bb * channels + cc) * stride();
    }
    // row(0, 0) without the broadcasting arithmetic: a one-lane step's row.
    const double *first_row() const { return rows != nullptr ? rows[0] : data; }
    // Step between consecutive frames of a row: 0 when the tensor is constant over frames.
    size_t frame_stride() const { return frames == 1 ? 0 : 1; }
    double at(uint32_t b, uint32_t c, uint32_t f) const { return row(b, c)[f * frame_stride()]; }
};

enum class ParamKind {
    Signal,  // per-frame tensor: params_json gives the base value; modulatable; set_param override
    Number,  // static real, params_json only
    Integer, // static integer, params_json only
    Boolean, // static flag, params_json only
    Text,    // static non-empty string, params_json only (e.g. a control-history curve name)
    Enum,    // static named choice from `choices`; values[i] = index of the choice, texts[i] = name
    List,    // static array of finite numbers (e.g. harmonic amplitudes, a cents grid); lists[i]
    Names,   // static array of distinct non-empty strings (e.g. curve names); names[i]
};

// A parameter that has an effect only under a condition on another setting (e.g. a decimation
// filter's tier only while the node oversamples) declares the condition; the runtime refuses
// the parameter given while the condition fails (nothing accepted and ignored), naming the
// parameter, the condition and the values that fail it. A preset's member whose condition
// fails because params_json overrides the setting it depends on is dropped instead (explicit
// parameters win; docs/nodes.md "Parameter requirements").
enum class Relation {
    Above,   // the value of `key` > `bound`
    Differs, // the value of `key` != the value of `other`
};

struct ParamRequirement {
    const char *key; // a parameter of the node (number, integer, boolean, enum) or "oversample"
    Relation relation;
    double bound = 0.0;          // Above
    const char *other = nullptr; // Differs: another parameter of the node
    const char *why = "";        // why the parameter needs it, e.g. "no filter runs otherwise"
};

struct ParamSpec {
    const char *name;
    ParamKind kind;
    double default_value;
    double min_value;                   // inclusive unless min_exclusive
    double max_value;                   // inclusive unless max_exclusive
    const char *unit;                   // "Hz", "cycles", "frames", "" ...
    const char *doc;                    // one sentence for the generated reference and TSDoc
    bool min_exclusive = false;         // the range is open at min_value
    bool max_exclusive = false;         // the range is open at max_value
    const char *default_text = nullptr; // Text parameters: the default, or null when required
    // Enum parameters: the allowed names; default_value is the index of the default choice.
    const char *const *choices = nullptr;
    uint32_t choice_count = 0;
    // List parameters: item count in [min_length, max_length]; every item a finite number in
    // the range above; `increasing`: items strictly increasing. The default is `default_list`
    // (`default_list_length` items; none: the empty list).
    uint32_t min_length = 0;
    uint32_t max_length = 0;
    const double *default_list = nullptr;
    uint32_t default_list_length = 0;
    bool increasing = false;
    // Names parameters: the item count in [min_length, max_length] too; no default.
    // Text parameters without a default and Names parameters are required, unless `alternative`
    // names another parameter: then exactly one of the two must be given (each names the other;
    // the node sees an empty text or list for the one left out).
    const char *alternative = nullptr;
    // The condition under which the parameter has an effect (null: always).
    const ParamRequirement *requirement = nullptr;
};

// How several audio edges into one port combine.
enum class Gather {
    Sum, // channels added, the port has max(C_edge) channels; C_edge < max broadcasts c mod C_edge
    Concat, // channels side by side in edge order, the port has sum(C_edge) channels
};

struct PortSpec {
    const char *name;
    const char *doc;
    Gather gather;
    // An optional port may have no incoming edge: the node then sees an empty view (data null,
    // 0 channels) and its output_channels() gets 0 channels for it.
    bool optional = false;
};

// A named output. A node with N named outputs writes N equal channel groups side by side in its
// output (output i = channels [i k, (i + 1) k) where k = output channels / N); an edge
// "node.output" reads one group, an edge from "node" alone reads the first. Nodes without named
// outputs have one output, all their channels.
struct OutputSpec {
    const char *name;
    const char *doc;
};

// A tap: a per-render side stream the node publishes next to its audio (e.g. how much a clip
// removed, a divider's band metrics). Per batch, a tap is a sequence of records; by default one
// record per frame, or (Node::tap_layout) one record every `period` frames, e.g. one per analysis
// frame. A record is `groups` groups (default 1) of `values` numbers, named by `value_names`
// when given (e.g. one group per channel of "lower", "upper", ...). The node writes its records
// in process() (absorb() when a loop splits the node); the runtime allocates them at configure
// and returns them with the render as "node.tap", planar batches x (groups x values) x records,
// with the time of each record. Records sit at fixed stream frames, so a tap is identical
// whatever the block size.
struct TapSpec {
    const char *name;
    const char *doc;  // one sentence for the generated reference and TSDoc
    const char *unit; // "", "samples" ...
    uint32_t values;  // numbers per group (per batch and record), >= 1
    // Names of the `values` numbers of a group (null: unnamed).
    const char *const *value_names = nullptr;
    // Published only when the node's configuration asks for it (Node::tap_layout gives 0 groups
    // otherwise), e.g. a large spectrum tap behind a boolean parameter.
    bool optional = false;
};

// Where an instance puts a tap's records (Node::tap_layout), fixed when the graph is compiled:
// record r of the stream lies at stream frame phase + r * period; its numbers are `groups`
// groups of TapSpec::values.
struct TapLayout {
    uint32_t groups = 1; // 0: the (optional) tap is not published by this instance
    uint32_t period = 1; // frames between records, >= 1
    uint32_t phase = 0;  // stream frame of record 0, < period
};

struct NodeConfig;
class Node;

struct NodeSpec {
    const char *type_name;
    const char *summary;    // one line: what it computes
    const PortSpec *inputs; // audio input ports (none for sources)
    uint32_t input_count;
    const ParamSpec *params;
    uint32_t param_count;
    double heat_work;         // W in heat = sum(x^2)/R + W * oversample, per batch and frame
    bool has_backward;        // implements Node::backward
    const char *backward_doc; // the adjoint rule, or why there is none
    std::unique_ptr<Node> (*create)(const NodeConfig &config);
    // Optional check across parameters, run after each parameter passed its own rule (e.g. a
    // list that only applies in one mode). Returns false and sets `error` (the part after
    // "node \"name\" (type): ") to refuse the configuration.
    bool (*check)(const NodeConfig &config, std::string &error) = nullptr;
    // True when the node really runs internally at `oversample` x the sample rate; a node
    // without the capability refuses params_json "oversample" > 1.
    bool oversamples = false;
    const OutputSpec *outputs = nullptr; // named outputs (null: one unnamed output)
    uint32_t output_count = 0;
    // Node-published heat: true when the node's Node::publishes_heat() is true (its heat is
    // physical, e.g. i^2 R; heat_work and thermo.resistance / thermo.work then do not apply);
    // heat_doc says what the node publishes, for the catalogue and the generated reference.
    bool publishes_heat = false;
    const char *heat_doc = nullptr;
    const TapSpec *taps = nullptr; // published taps (null: none)
    uint32_t tap_count = 0;
    // Presets: a node type with a Text parameter "preset" and this table accepts "none", a
    // shipped preset's name or a JSON object there; its members are values for parameters
    // params_json does not give (runtime/node_config.cpp validates and applies them and sets
    // NodeConfig::preset_hash).
    const struct NodePreset *presets = nullptr;
    uint32_t preset_count = 0;
    // Per-instance named outputs: when this names a Names parameter and the instance gives it,
    // its items are the node's named outputs (one channel group each, in order) instead of
    // `outputs` (e.g. a controller's curves).
    const char *outputs_param = nullptr;
    // The shared heat model's work W for one configuration, when it depends on the parameters
    // (e.g. an FFT's W log2 W / H); null: heat_work. heat_work is then the default
    // configuration's value and heat_doc states the formula. thermo.work still overrides.
    double (*heat_work_of)(const NodeConfig &config) = nullptr;
    // True when declared_delay_frames must equal the node's own latency (Node::latency_frames):
    // a different value is refused with both numbers (the runtime would otherwise pad).
    bool delay_is_latency = false;
    // True when the node's latency (Node::latency_frames) is the group delay of a linear-phase
    // filter: its response to an impulse at frame 0 is symmetric about the latency and lies
    // within [0, 2 x latency] (it starts before the latency: pre-ringing, inside the filter's
    // span). Otherwise nothing the node outputs may answer an input earlier than its latency.
    bool linear_phase = false;
};

// A preset shipped with a node type: a name, one sentence, and a JSON object of parameter values.
struct NodePreset {
    const char *name;
    const char *doc;
    const char *json;
};

// Parsed and validated params_json of one node instance.
struct NodeConfig {
    std::string name;
    const NodeSpec *spec = nullptr;
    std::vector<double> values;     // one per spec param (signal params: the base value)
    std::vector<std::string> texts; // one per spec param; Text params, Enum params (the name)
    std::vector<std::vector<double>> lists;      // one per spec param; used by List params only
    std::vector<std::vector<std::string>> names; // one per spec param; used by Names params only
    std::vector<bool> given;                     // one per spec param: present in params_json
    // The instance's named outputs: NodeSpec::outputs, or the items of NodeSpec::outputs_param
    // when given; empty for one unnamed output.
    std::vector<std::string> output_names;
    uint32_t oversample = 1;
    uint32_t declared_delay_frames = 0;
    bool declared_delay_given = false;
    std::string heat_param = "thermo.heat";
    double thermo_resistance = 1.0;
    double thermo_work = 0.0; // defaults to spec->heat_work (or spec->heat_work_of)
    bool thermo_work_given = false;
    int modulation_mode = 0; // 0 add, 1 multiply (default mode for this node's modulation edges)
    uint32_t modulation_channels = 0; // 0: not declared
    uint64_t preset_hash = 0;         // content hash of the applied preset (48 bits), 0: none

    double value(uint32_t param_index) const { return values[param_index]; }
    const std::string &text(uint32_t param_index) const { return texts[param_index]; }
    const std::vector<double> &list(uint32_t param_index) const { return lists[param_index]; }
    // Enum params: the index of the chosen name in the spec's choices.
    uint32_t choice(uint32_t param_index) const {
        return static_cast<uint32_t>(values[param_index]);
    }
};

struct PrepareContext {
    uint32_t batches;
    uint32_t max_frames; // largest block process() will see
    double sample_rate;
    const uint32_t *input_channels; // one per port
    uint32_t input_count;
    uint32_t output_channels;
};

struct ProcessContext {
    const TensorView *inputs; // one per port: batches x C_port x frames
    const TensorView *params; // one per spec param; static params are empty views
    double *out;              // batches x output_channels x frames, written entirely
    size_t out_lane_stride;   // distance between output rows (>= frames)
    uint32_t output_channels;
    uint32_t batches;
    uint32_t frames;
    double sample_rate;
    const AmpControlHistory *history; // may be null
    uint64_t frame_index;             // absolute index of frame 0 of this block
    double *telemetry;                // AmpNodeMetrics::reserved[6], node-defined
    // Node-published heat (Node::publishes_heat): batches rows of `frames` values, row b at
    // heat + b * heat_lane_stride; null for nodes that do not publish.
    double *heat = nullptr;
    size_t heat_lane_stride = 0;
    // Taps (NodeSpec::taps): taps[t] + (b * V + k) * tap_lane_stride[t] is number k of tap t
    // for batch b (V = groups x values, k = group * values + value), one double per record of
    // this block: tap_records[t] records (the block's stream frames f >= phase with
    // (f - phase) % period == 0, in order; `frames` for a per-frame tap), to write entirely.
    // Null for nodes without taps; taps[t] is null for an optional tap not published.
    double *const *taps = nullptr;
    size_t tap_lane_stride = 0; // per-frame taps (period 1); see tap_strides for the others
    const size_t *tap_strides = nullptr;   // per tap: distance between its rows
    const uint32_t *tap_records = nullptr; // per tap: records in this block
    // Recording for a graph backward pass (Node::record_rows): row r of this window at
    // record + r * record_lane_stride, `frames` values to write entirely; null when the render
    // does not record (then the node writes nothing).
    double *record = nullptr;
    size_t record_lane_stride = 0;
    // The node's side record (Node::record_side_doubles) for the recorded frames
    // [record_side_start, ...) of the stream (the span, or in a checkpointed pass the segment
    // being re-rendered); null when the render does not record. The node writes the values of
    // the frames it processes (e.g. one slot per analysis frame, at the frame's last sample).
    double *record_side = nullptr;
    uint64_t record_side_start = 0;

    double *out_row(uint32_t b, uint32_t c) const {
        return out + (static_cast<size_t>(b) * output_channels + c) * out_lane_stride;
    }
};

// Backward (adjoint) call over one window of frames.
//
// Contract (docs/gradients.md):
// - `gradient` is the upstream gradient dL/dy for this window, with the forward output's shape.
// - `out` receives dL/dx for audio port 0 (batches x input_channels x frames, dense).
// - In a graph backward pass (amp_graph_runtime_backward) the runtime also passes what it
//   recorded during the forward render of the same window: `inputs` (the gathered input of
//   every port), `params` (every signal parameter after modulation, batches x C_param x
//   frames) and the node's own `record` rows (Node::record_rows). A single-node call
//   (amp_run_node_v2 backward mode) passes none of them (`inputs` null): a node whose adjoint
//   needs forward values returns AMP_ERR_UNSUPPORTED there.
// - `input_gradients[p]` (when non-null) receives dL/dx for port p (batches x C_port x frames,
//   dense); input_gradients[0] == out. `param_gradients[p]` (when non-null, only for
//   parameters with Node::has_param_gradient(p)) receives dL/dparam per batch, parameter channel
//   and frame (batches x params[p].channels x frames, dense). The runtime zero-fills every
//   buffer before the call; a node writes (not accumulates) the ones it computes.
// - Windows are called in reverse order: the last window of the recorded span first, each next
//   call the window just before the previous one. A node with a recursion (a DC blocker, a
//   phase accumulator, a delay line) carries its adjoint state from one call to the next;
//   reset_backward() returns that state to "after the end of the signal". Any split of the span
//   into windows gives the same bits. No allocation, no locks, no exceptions.
struct BackwardContext {
    TensorView gradient;
    const TensorView *params;
    double *out; // batches x input_channels x frames, dense
    uint32_t input_channels;
    uint32_t batches;
    uint32_t frames;
    double sample_rate;
    // AmpNodeMetrics::reserved[6] of the node (as ProcessContext::telemetry), or null.
    double *telemetry = nullptr;
    // A node refusing the call may point *error at a static sentence saying why (or null).
    const char **error = nullptr;
    // --- Graph backward only (null / 0 in single-node calls) ---
    const TensorView *inputs = nullptr;       // per port: the recorded forward input
    double *const *input_gradients = nullptr; // per port, or null
    double *const *param_gradients = nullptr; // per spec param (null entries: not wanted)
    const double *record = nullptr;           // row r at record + r * record_lane_stride
    size_t record_lane_stride = 0;
    // The side record the forward wrote (ProcessContext::record_side, the same start): it holds
    // at least the frames of this window.
    const double *record_side = nullptr;
    uint64_t record_side_start = 0;
    uint64_t frame_index = 0; // absolute stream index of frame 0 of this window
    // The gradient with respect to the node's PCM buffer of slot 0 (Node::buffer_values), when
    // requested ("@buffer"): batches x buffer channels x buffer frames, or buffer channels x
    // buffer frames when `buffer_summed` (summed over batches). Zero-filled by the runtime
    // before the pass; the node ADDS this window's contributions, frames from the last of the
    // window, and within a frame batches then channels in order (so any split gives the same
    // bits). Null: not requested.
    double *buffer_gradient = nullptr;
    bool buffer_summed = false;
    // The gradient with respect to the points of the control-history curves the node reads
    // (Node::history_gradient_values), when requested ("@history"): summed over batches,
    // zero-filled by the runtime; the node ADDS this window's contributions, frames from the
    // last of the window. `history` is the span's history (frame_offset: the stream frame of
    // curve time 0). Null: not requested.
    double *history_gradient = nullptr;
    const AmpControlHistory *history = nullptr;
    // Per spec param: 1 when the recorded row of every lane has the same bits on every frame of
    // this window (the runtime tracks it while recording), else 0, which says nothing (the row
    // may still be constant). Lets an adjoint hoist per-frame work without reading the row.
    const uint8_t *params_constant = nullptr;

    double *input_gradient(uint32_t port) const {
        return input_gradients != nullptr ? input_gradients[port] : (port == 0 ? out : nullptr);
    }
    double *param_gradient(uint32_t param) const {
        return param_gradients != nullptr ? param_gradients[param] : nullptr;
    }
    bool param_constant(uint32_t param) const {
        return params_constant != nullptr && params_constant[param] != 0;
    }
    // The frames of dL/dparam that output lane (b, c) adds to: the parameter's channel
    // c % its channel count (a parameter with fewer channels than the output is broadcast, so
    // its gradient sums over the lanes it feeds); null when that gradient is not wanted.
    double *param_gradient_row(uint32_t param, uint32_t b, uint32_t c) const {
        double *base = param_gradient(param);
        if (base == nullptr) return nullptr;
        const uint32_t channels = params[param].channels;
        return base + (static_cast<size_t>(b) * channels + c % channels) * frames;
    }
};

class Node {
  public:
    virtual ~Node() = default;
    // Output channel count for the given input channel counts (one per port). Returns 0 and
    // sets `error` when the combination is invalid.
    virtual uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                                     std::string &error) const = 0;
    virtual void prepare(const PrepareContext &context) = 0;
    // Bytes prepare() would allocate for this context (checked against the memory budget
    // before anything is allocated); small fixed states may report 0.
    virtual size_t prepared_bytes(const PrepareContext &) const { return 0; }
    virtual void process(const ProcessContext &context) noexcept = 0;
    // An optional scalar form of process() for the single-node call's one-lane frame
    // (runtime/one_lane_frame.h): kernel(node, values, x) returns what process(context) writes
    // to context.out[0], and does everything else process() does (state updates), for a context
    // of one batch, one output channel and one frame whose one input port is a one-channel
    // view holding `x` and whose signal parameters are static:
    // each is the params_json value, values[p] for the spec's param p (NodeConfig::values). The
    // kernel sees no context (no frame_index, no views): a node whose process() needs more
    // offers no kernel. The runtime stores the value in context.out[0], and calls the kernel
    // only for a node with one input port whose heat model squares that input (gain);
    // otherwise, or when null (the default), it calls process().
    using FrameKernel = double (*)(Node &node, const double *values, double x) noexcept;
    virtual FrameKernel frame_kernel() const { return nullptr; }
    // The adjoint of process() over one window (see BackwardContext for the contract).
    virtual int32_t backward(const BackwardContext &) noexcept { return AMP_ERR_UNSUPPORTED; }
    // A node split by a feedback loop (emit / absorb) runs backward as the two adjoints in
    // reverse order: backward_absorb() first (writes the input gradients of this window from
    // the adjoint state; `gradient` is empty), then backward_emit() (takes this window's
    // output gradient into the adjoint state; no input gradients). backward() must equal
    // backward_emit() then backward_absorb().
    virtual int32_t backward_absorb(const BackwardContext &) noexcept {
        return AMP_ERR_UNSUPPORTED;
    }
    virtual int32_t backward_emit(const BackwardContext &) noexcept { return AMP_ERR_UNSUPPORTED; }
    // Returns the adjoint state to "after the end of the signal" (called before a backward pass).
    virtual void reset_backward() noexcept {}
    // Values (channels x frames) of the PCM buffer in slot 0 when backward() can differentiate
    // with respect to it (BackwardContext::buffer_gradient); 0: no buffer gradient (default).
    virtual uint64_t buffer_values() const { return 0; }
    // Values of the gradient with respect to the control-history points the node reads from
    // `history` (every curve it requires is there: the runtime checked); 0: none (default).
    virtual uint64_t history_gradient_values(const AmpControlHistory & /*history*/) const {
        return 0;
    }
    // True when backward() computes the gradient with respect to signal parameter `param`.
    virtual bool has_param_gradient(uint32_t /*param*/) const { return false; }
    // Rows of `frames` doubles the node records per frame during a recorded forward render for
    // its adjoint (e.g. a phase, a clip's pre-clip value), for the prepared configuration;
    // recorded inputs and parameters come from the runtime and need no row.
    virtual uint32_t record_rows() const { return 0; }
    // Doubles of the node's side record for a recorded stretch of `frames` frames (for the
    // prepared configuration): values not tied to single frames, e.g. an STFT node's spectra,
    // one slot per analysis frame (frames / hop + 1 slots). 0: none (default).
    virtual size_t record_side_doubles(uint64_t /*frames*/) const { return 0; }
    virtual void reset() noexcept = 0;
    // Processing latency the node adds, in output frames (e.g. a linear-phase filter's group
    // delay). A delay node's delay is its function, not latency: it reports 0.
    virtual uint32_t latency_frames() const { return 0; }

    // Feedback support. A node whose output over a block of n frames depends only on input
    // older than `loop_delay_frames()` (>= n) can break a cycle: the scheduler then calls
    // emit() (produce this block's output) before the block's input exists, and absorb()
    // (consume the input) later in the same block. process() must equal absorb() then emit().
    virtual uint32_t loop_delay_frames() const { return 0; }

    // Names of the control-history curves the node reads: the index-th, or null past the last.
    // The runtime checks before a render that each is supplied.
    virtual const char *required_curve(uint32_t /*index*/) const { return nullptr; }

    // Where tap `tap` (index into NodeSpec::taps) puts its records, for this instance with
    // `output_channels` output channels (default: one group per frame). Called once the graph
    // is compiled.
    virtual TapLayout tap_layout(uint32_t /*tap*/, uint32_t /*output_channels*/) const {
        return {};
    }

    // Node-published heat (the seed's thermo.heat): a node whose heat is physical (e.g. i^2 R in
    // a resistor) returns true and writes ProcessContext::heat[b][f] for every batch and frame
    // in process() (and in absorb() when split by a loop): finite, >= 0, in the same units as
    // the shared model. The runtime then accounts those values instead of the model of
    // runtime/heat.h (a thermo.heat override still takes precedence). Default: the model.
    virtual bool publishes_heat() const { return false; }

    // Snapshot support (runtime snapshot / restore). A node whose process() depends on state
    // kept between blocks (phases, rings, filter memories, counters) reports its size in bytes
    // for the prepared configuration and copies it out and back verbatim; restoring then
    // processing must give the bits an uninterrupted stream would. No allocation in either.
    // Stateless nodes keep the defaults.
    // PCM buffers handed over through amp_graph_runtime_set_buffer (e.g. a sampler's sound).
    // The runtime has already checked the generic rules (data non-null and finite, channels in
    // [1, 64], 1 <= channels x frames <= the buffer limit, sample rate in (0, 1e7]); the node
    // checks its own (slot, lengths against its parameters) BEFORE allocating, then copies the
    // data into memory it owns (this is the only place besides prepare that may allocate) and
    // returns true; on refusal it sets `error` (the part after "node \"name\" (type): ") and
    // changes nothing. The buffer is configuration, like a set_param override: snapshots do not
    // hold it, reset() and configure keep it. Default: the node takes no buffers.
    virtual bool set_buffer(uint32_t /*slot*/, const double * /*data*/, uint32_t /*channels*/,
                            uint64_t /*frames*/, double /*sample_rate*/, std::string &error) {
        error = "takes no buffers";
        return false;
    }

    virtual size_t state_bytes() const { return 0; }
    virtual void save_state(unsigned char * /*to*/) const noexcept {}
    virtual void load_state(const unsigned char * /*from*/) noexcept {}
    virtual void emit(const ProcessContext &) noexcept {}
    virtual void absorb(const ProcessContext &) noexcept {}
};

// The registry: every node type, in one table (nodes/registry.cpp).
const NodeSpec *const *node_registry(size_t *count);
const NodeSpec *find_node_spec(const std::string &type_name);
// Adds a node type after the built-in ones (test binaries only, e.g. a deliberately broken node
// that the conformance suite must reject; not reachable through the C ABI). Call before any
// other runtime function; false when the type name is taken. The catalogue is built once, on
// its first use.
bool register_node_spec(const NodeSpec *spec);

} // namespace amp
