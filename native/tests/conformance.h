// conformance.h: the checks every registered node type must pass, driven only through the public
// C ABI (amp_node_catalog_json, amp_run_node_v2, amp_graph_runtime_*), so they hold whatever the
// runtime does inside. A node type's catalogue entry says everything the suite needs: ports,
// parameters with kinds and ranges, heat work, backward support, oversampling capability.
//
// Each check returns the problems it found ("" entries never); an empty list means the node
// conforms. Checks (one function each, listed in kChecks at the end):
//   block_invariance  samples, heat totals and telemetry over several chunkings, 1-frame
//                     windows included (samples and telemetry bit for bit; heat totals to 1e-12
//                     relative, their bit-identity is the executor's business, issue 6 item 4)
//   lanes             B = 2, C = 2 with different data per lane: each batch equals its own B = 1
//                     run; nodes whose output follows their input channels, each channel too
//   heat              per frame (1-frame windows): >= 0 and sum(x^2) / R + W * oversample, x the
//                     inputs (sources: the output), W the catalogue's heat work; a node whose
//                     catalogue entry says "publishesHeat" is checked instead against its own
//                     documented heat, computed by an independent reference (heat_references();
//                     a publishing type without one is a problem)
//   declared_delay    in a graph, declared_delay_frames = 7 (latency + 7 when the node's own
//                     latency is longer) delays the output by declared - latency and
//                     describe_node reports it declared and measured; an impulse's response
//                     never starts before the node's own latency, or, for a node whose latency
//                     is a linear-phase filter's group delay (catalogue "linearPhase"), is
//                     symmetric about the latency within [0, 2 x latency]
//   params            every key from the descriptor fuzzed (wrong types, outside the range, just
//                     inside, every enum name, list lengths and items) and the metadata keys:
//                     refusals are AMP_ERR_INVALID_ARGUMENT naming the node and the key, valid
//                     values are accepted, nothing crashes; a parameter with a declared
//                     requirement ("requires") is fuzzed together with settings satisfying it,
//                     and refused (naming it and the requirement) with settings failing it
//   adjoint           nodes with a single-node backward: <J e, v> by central differences =
//                     <e, J^T v>, J^T v over the whole window and over split windows walked
//                     from the end of a forward render on the same state, optional ports open
//                     (nodes whose adjoint needs recorded forward values answer -4 there and are
//                     checked by `gradients` alone)
//   gradients         nodes with backward, through the graph backward pass (record, render,
//                     backward): B = 2, C = 2, every port's input and every signal parameter
//                     the node differentiates, at blocks 97 (one window), 1 and 7 and with
//                     uneven render calls; linear types (linear_types()) by the dot-product
//                     test <A e, v> = <e, A^T v> to 1e-10 relative, others by central
//                     differences (step 1e-6 x max(1, |value|, gradient_step_scales()), 1e-6
//                     relative); the gradients must also be bit-identical across the window
//                     splits
//   snapshot          a single-node state snapshotted mid-stream and restored renders the rest
//                     of the stream bit for bit as the uninterrupted run (amp_node_state_*)
//                     and two snapshots of the same stream at the same frame are the same bytes
// Zero allocations while rendering is checked per node in test_conformance_allocations.cpp
// (it replaces malloc, so it stays out of sanitizer builds).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "finite_differences.h"
#include "node_harness.h"
#include "nodes/node.h"
#include "rci_reference.h"
#include "runtime/json.h"

namespace conformance {

using amp_test::noise;
using amp_test::Tensor;
using Problems = std::vector<std::string>;

constexpr uint32_t kFrames = 300;
constexpr double kRate = 48000.0;
// The control-history curve every required text parameter names (e.g. a controller's curve).
constexpr const char *kCurve = "conformance_curve";

// One catalogue entry, as the suite reads it.
struct NodeType {
    std::string type;
    amp::JsonValue entry;
    const amp::JsonValue &params() const { return *entry.find("params"); }
    const amp::JsonValue &inputs() const { return *entry.find("inputs"); }
    bool has_backward() const { return entry.find("hasBackward")->boolean; }
    bool oversamples() const {
        const amp::JsonValue *flag = entry.find("oversamples");
        return flag != nullptr && flag->boolean;
    }
    double heat_work() const { return entry.find("heatWork")->number; }
    bool publishes_heat() const {
        const amp::JsonValue *flag = entry.find("publishesHeat");
        return flag != nullptr && flag->boolean;
    }
    // The catalogue default of a numeric parameter.
    double default_of(const std::string &name) const {
        for (const amp::JsonValue &param : params().array)
            if (param.find("name")->string == name) return param.find("default")->number;
        return 0.0;
    }
    uint32_t port_count() const { return static_cast<uint32_t>(inputs().array.size()); }
    bool has_param(const std::string &name) const {
        for (const amp::JsonValue &param : params().array)
            if (param.find("name")->string == name) return true;
        return false;
    }
};

inline void register_input_node(); // below, with the suite's input node

inline std::vector<NodeType> catalogue() {
    register_input_node();
    amp::JsonValue root;
    std::string error;
    std::vector<NodeType> types;
    if (!amp::parse_json(amp_node_catalog_json(), root, error)) return types;
    for (const amp::JsonValue &node : root.find("nodes")->array)
        if (node.find("type")->string != "conformance input") // the suite's own scaffolding
            types.push_back({node.find("type")->string, node});
    return types;
}

// Parameters a type needs so that the suite's short renders (64 to 300 frames) exercise it,
// e.g. fft_divider's default 512-frame window would leave them silent, with the heat work W its
// documented model gives for them (the catalogue's heatWork is the defaults'). Test binaries
// may add entries.
struct SuiteSetup {
    std::vector<std::pair<std::string, std::string>> params; // key, JSON value
    double heat_work;
};

inline std::map<std::string, SuiteSetup> &suite_setups() {
    // fft_divider: W = 16, H = 16 / 4 = 4; heat work W log2(W) / (4 H) = 16 * 4 / 16.
    // resampler: its default (up = down = 1) is the identity; 3 / 2 runs both filters.
    // pitch_shift: window 64 (hop 16, latency 63), so that 97 frames reach its output.
    static std::map<std::string, SuiteSetup> setups = {
        {"fft_divider", {{{"window_size", "16"}}, 16.0 * 4.0 / 16.0}},
        {"pitch_shift", {{{"window", "64"}}, 64.0}},
        {"resampler", {{{"up", "3"}, {"down", "2"}}, 4.0}}};
    return setups;
}

// The heat work W of the suite's configuration of a type.
inline double suite_heat_work(const NodeType &node) {
    const auto setup = suite_setups().find(node.type);
    return setup != suite_setups().end() ? setup->second.heat_work : node.heat_work();
}

using Members = std::vector<std::pair<std::string, std::string>>; // key, JSON value

// The params every run uses: required text parameters name kCurve; a "channels" parameter
// asks for 2 so that sources have C = 2 too; the type's suite setup. `extras` (key, JSON value)
// are added and replace the base entries of the same keys.
inline std::string base_params(const NodeType &node, const Members &extras) {
    std::string json = "{";
    auto add = [&json](const std::string &member) {
        json += (json.size() > 1 ? "," : "") + member;
    };
    auto overridden = [&extras](const std::string &name) {
        return std::any_of(extras.begin(), extras.end(),
                           [&name](const auto &extra) { return extra.first == name; });
    };
    const auto setup = suite_setups().find(node.type);
    if (setup != suite_setups().end())
        for (const auto &member : setup->second.params)
            if (!overridden(member.first)) add(amp::json_quote(member.first) + ":" + member.second);
    for (const amp::JsonValue &param : node.params().array) {
        const std::string &name = param.find("name")->string;
        if (overridden(name)) continue;
        // A pair of alternatives: the first one of the pair gets the curve.
        const amp::JsonValue *alternative = param.find("alternative");
        const bool first_of_pair = alternative == nullptr || alternative->string > name;
        if (param.find("kind")->string == "text" && param.find("default")->is_null() &&
            first_of_pair)
            add(amp::json_quote(name) + ":" + amp::json_quote(kCurve));
        if (param.find("kind")->string == "names" && first_of_pair)
            add(amp::json_quote(name) + ":[" + amp::json_quote(kCurve) + "]");
        if (name == "channels" && param.find("kind")->string == "integer") add("\"channels\":2");
    }
    for (const auto &extra : extras) add(amp::json_quote(extra.first) + ":" + extra.second);
    return json + "}";
}

inline std::string base_params(const NodeType &node, const std::string &key = "",
                               const std::string &value = "") {
    return base_params(node, key.empty() ? Members{} : Members{{key, value}});
}

// The catalogue entry of parameter `name` (null: none).
inline const amp::JsonValue *param_entry(const NodeType &node, const std::string &name) {
    for (const amp::JsonValue &param : node.params().array)
        if (param.find("name")->string == name) return &param;
    return nullptr;
}

inline std::string num(double value); // below

// A parameter's declared requirement ("requires": the condition under which it has an effect):
// settings (key, JSON value) that satisfy it (`satisfy`) or fail it; none for a parameter
// without one. The condition reads "oversample" or a numeric / enum / boolean parameter.
inline Members requirement_members(const NodeType &node, const std::string &name, bool satisfy) {
    const amp::JsonValue *param = param_entry(node, name);
    const amp::JsonValue *rule = param != nullptr ? param->find("requires") : nullptr;
    if (rule == nullptr) return {};
    const std::string key = rule->find("key")->string;
    const amp::JsonValue *target = param_entry(node, key);
    // The JSON of value v of `key` (an enum's v-th choice, a boolean's v != 0).
    auto json_of = [&](const amp::JsonValue *entry, double v) {
        if (entry != nullptr && entry->find("kind")->string == "enum") {
            const auto &choices = entry->find("choices")->array;
            const size_t i = std::min(static_cast<size_t>(std::max(v, 0.0)), choices.size() - 1);
            return amp::json_quote(choices[i].string);
        }
        if (entry != nullptr && entry->find("kind")->string == "boolean")
            return std::string(v != 0.0 ? "true" : "false");
        return num(v);
    };
    auto default_of = [](const amp::JsonValue *entry) {
        const amp::JsonValue *value = entry->find("default");
        if (value->is_string()) { // an enum: its index
            const auto &choices = entry->find("choices")->array;
            for (size_t i = 0; i < choices.size(); ++i)
                if (choices[i].string == value->string) return static_cast<double>(i);
        }
        return value->is_bool() ? (value->boolean ? 1.0 : 0.0) : value->number;
    };
    if (rule->find("relation")->string == "!=") {
        const std::string other = rule->find("other")->string;
        const amp::JsonValue *other_entry = param_entry(node, other);
        const double base = default_of(other_entry);
        const double moved = base + 1 <= other_entry->find("max")->number ? base + 1 : base - 1;
        return {{other, json_of(other_entry, base)},
                {key, json_of(target, satisfy ? moved : base)}};
    }
    const double bound = rule->find("bound")->number;
    return {{key, json_of(target, satisfy ? bound + 1 : bound)}};
}

// A curve named kCurve covering the whole render.
struct History {
    std::vector<double> times{0.0, 1e9};
    std::vector<double> values{0.25, -0.5};
    AmpHistoryCurve curve{kCurve, times.data(), values.data(), 2, AMP_INTERPOLATION_LINEAR};
    AmpControlHistory history{&curve, 1, 0};
};

// Different data per lane: noise inputs, and per batch the first signal parameter moved inside
// its range (sources get different batches that way).
struct Inputs {
    std::vector<Tensor> audio;
    std::vector<amp_test::NamedTensor> params;
};

inline Inputs lane_inputs(const NodeType &node, uint32_t batches, uint32_t channels,
                          uint32_t frames, uint64_t seed) {
    Inputs in;
    for (uint32_t p = 0; p < node.port_count(); ++p)
        in.audio.push_back(noise(batches, channels, frames, seed + p));
    for (const amp::JsonValue &param : node.params().array) {
        if (param.find("kind")->string != "signal") continue;
        const double base = param.find("default")->number;
        Tensor values{batches, 1, 1, std::vector<double>(batches, base)};
        for (uint32_t b = 0; b < batches; ++b) {
            const double moved = base + 0.125 * (b + 1);
            if (moved < param.find("max")->number) values.data[b] = moved;
        }
        in.params.push_back({param.find("name")->string, values});
        break;
    }
    return in;
}

// One batch of a planar tensor.
inline Tensor batch_of(const Tensor &t, uint32_t b) {
    if (t.batches == 1) return t;
    Tensor one{1, t.channels, t.frames, {}};
    const size_t lane = static_cast<size_t>(t.channels) * t.frames;
    one.data.assign(t.data.begin() + static_cast<std::ptrdiff_t>(b * lane),
                    t.data.begin() + static_cast<std::ptrdiff_t>((b + 1) * lane));
    return one;
}

// One channel of a planar tensor (all batches).
inline Tensor channel_of(const Tensor &t, uint32_t c) {
    if (t.channels == 1) return t;
    Tensor one{t.batches, 1, t.frames,
               std::vector<double>(static_cast<size_t>(t.batches) * t.frames)};
    for (uint32_t b = 0; b < t.batches; ++b)
        for (uint32_t f = 0; f < t.frames; ++f) one.at(b, 0, f) = t.at(b, c, f);
    return one;
}

// A run of the node through amp_run_node_v2 in windows of the given sizes (cycled), with the
// metrics of every call.
struct Run {
    int32_t status = AMP_OK;
    std::string error;
    Tensor out;
    std::vector<double> heat_per_call;
    double reserved[6] = {0, 0, 0, 0, 0, 0};
    double measured_delay = 0.0;
};

inline Run run(const NodeType &node, const std::string &params, const Inputs &in, uint32_t batches,
               uint32_t frames, const std::vector<uint32_t> &chunks) {
    Run result;
    History history;
    AmpNodeDescriptorView descriptor{"cut", node.type.c_str(), params.c_str()};
    void *state = nullptr;
    int32_t out_channels = 0;
    std::vector<std::vector<double>> pieces;
    std::vector<uint32_t> sizes;
    for (uint32_t done = 0, call = 0; done < frames; ++call) {
        const uint32_t n = std::min(chunks[call % chunks.size()], frames - done);
        std::vector<Tensor> audio_parts, param_parts;
        std::vector<AmpAudioView> audio;
        std::vector<AmpParamView> views;
        for (const Tensor &t : in.audio) audio_parts.push_back(t.window(done, n));
        for (const Tensor &t : audio_parts)
            audio.push_back({t.data.data(), t.batches, t.channels, t.frames});
        for (const auto &p : in.params) param_parts.push_back(p.tensor.window(done, n));
        for (size_t i = 0; i < in.params.size(); ++i)
            views.push_back({in.params[i].name.c_str(), param_parts[i].data.data(),
                             param_parts[i].batches, param_parts[i].channels,
                             param_parts[i].frames});
        AmpNodeInputs inputs{audio.data(), static_cast<uint32_t>(audio.size()), views.data(),
                             static_cast<uint32_t>(views.size())};
        double *out = nullptr;
        AmpNodeMetrics metrics{};
        const uint32_t channels = in.audio.empty() ? 0 : in.audio[0].channels;
        result.status = amp_run_node_v2(&descriptor, &inputs, static_cast<int32_t>(batches),
                                        static_cast<int32_t>(channels), static_cast<int32_t>(n),
                                        kRate, &out, &out_channels, &state, &history.history,
                                        AMP_EXECUTION_FORWARD, &metrics);
        if (result.status != AMP_OK) {
            AmpErrorView error{};
            amp_run_node_last_error(&error);
            result.error = error.detail;
            break;
        }
        result.heat_per_call.push_back(metrics.accumulated_heat);
        std::copy(std::begin(metrics.reserved), std::end(metrics.reserved), result.reserved);
        result.measured_delay = metrics.measured_delay_frames;
        pieces.emplace_back(out, out + static_cast<size_t>(batches) * out_channels * n);
        sizes.push_back(n);
        amp_free(out);
        done += n;
    }
    amp_release_state(state);
    if (result.status != AMP_OK) return result;
    const uint32_t channels = static_cast<uint32_t>(out_channels);
    result.out = Tensor{batches, channels, frames,
                        std::vector<double>(static_cast<size_t>(batches) * channels * frames)};
    uint32_t offset = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
        for (uint32_t b = 0; b < batches; ++b)
            for (uint32_t c = 0; c < channels; ++c)
                for (uint32_t f = 0; f < sizes[i]; ++f)
                    result.out.at(b, c, offset + f) =
                        pieces[i][(static_cast<size_t>(b) * channels + c) * sizes[i] + f];
        offset += sizes[i];
    }
    return result;
}

inline double sum(const std::vector<double> &values) {
    double total = 0.0;
    for (double v : values) total += v;
    return total;
}

inline bool close(double a, double b, double relative) {
    return std::fabs(a - b) <= relative * std::max(1.0, std::max(std::fabs(a), std::fabs(b)));
}

inline std::string num(double value) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

// ---- the checks ---------------------------------------------------------------------------

inline Problems block_invariance(const NodeType &node) {
    Problems problems;
    const Inputs in = lane_inputs(node, 2, 2, kFrames, 11);
    const std::string params = base_params(node);
    const Run whole = run(node, params, in, 2, kFrames, {kFrames});
    if (whole.status != AMP_OK) return {"a plain run failed: " + whole.error};
    const std::vector<std::vector<uint32_t>> chunkings = {{1}, {1, 7, 64, 3, 129, 2}, {37}, {256}};
    for (const auto &chunks : chunkings) {
        const Run split = run(node, params, in, 2, kFrames, chunks);
        const std::string name =
            "windows of " + std::to_string(chunks[0]) + (chunks.size() > 1 ? ", ..." : "");
        if (split.status != AMP_OK) {
            problems.push_back(name + ": " + split.error);
            continue;
        }
        if (split.out.data != whole.out.data)
            problems.push_back(name + ": samples differ from one call");
        if (!close(sum(split.heat_per_call), sum(whole.heat_per_call), 1e-12))
            problems.push_back(name + ": heat total " + num(sum(split.heat_per_call)) +
                               " differs from one call's " + num(sum(whole.heat_per_call)));
        if (!std::equal(std::begin(split.reserved), std::end(split.reserved),
                        std::begin(whole.reserved)))
            problems.push_back(name + ": telemetry (metrics.reserved) differs from one call");
    }
    return problems;
}

inline Problems lanes(const NodeType &node) {
    Problems problems;
    const Inputs in = lane_inputs(node, 2, 2, kFrames, 21);
    const std::string params = base_params(node);
    const Run both = run(node, params, in, 2, kFrames, {kFrames});
    if (both.status != AMP_OK) return {"a B = 2, C = 2 run failed: " + both.error};
    for (uint32_t b = 0; b < 2; ++b) {
        Inputs one;
        for (const Tensor &t : in.audio) one.audio.push_back(batch_of(t, b));
        for (const auto &p : in.params) one.params.push_back({p.name, batch_of(p.tensor, b)});
        const Run alone = run(node, params, one, 1, kFrames, {kFrames});
        if (alone.status != AMP_OK || alone.out.data != batch_of(both.out, b).data)
            problems.push_back("batch " + std::to_string(b) +
                               " differs from the same data rendered alone (a lane leaks)");
    }
    if (node.port_count() == 0 || both.out.channels != 2) return problems;
    for (uint32_t c = 0; c < 2; ++c) {
        Inputs one;
        for (const Tensor &t : in.audio) one.audio.push_back(channel_of(t, c));
        one.params = in.params;
        const Run alone = run(node, params, one, 2, kFrames, {kFrames});
        if (alone.status != AMP_OK || alone.out.channels != 1) continue; // not channel-wise
        if (alone.out.data != channel_of(both.out, c).data)
            problems.push_back("channel " + std::to_string(c) +
                               " differs from the same data rendered alone (a lane leaks)");
    }
    return problems;
}

// Node-published heat: for a type, the heat per frame (summed over batches and channels) its
// documentation states, for the suite's inputs and the catalogue defaults. Computed independently
// of the node (e.g. rci: a long-double solve of the same circuit). Test binaries may add entries.
using HeatReference = std::function<std::vector<double>(const NodeType &, const Inputs &)>;

// rci: i^2 R per lane with i = (i[n-1] + i[n]) / 2 (i[-1] = 0), i from rci_reference::simulate
// with the catalogue's R, L, C.
inline std::vector<double> rci_heat(const NodeType &node, const Inputs &in) {
    const Tensor &u = in.audio[0];
    const double r = node.default_of("resistance");
    std::vector<double> heat(u.frames, 0.0);
    for (uint32_t b = 0; b < u.batches; ++b)
        for (uint32_t c = 0; c < u.channels; ++c) {
            std::vector<double> lane(u.frames);
            for (uint32_t f = 0; f < u.frames; ++f) lane[f] = u.at(b, c, f);
            const auto trace = rci_reference::simulate(lane, r, node.default_of("inductance"),
                                                       node.default_of("capacitance"), kRate);
            for (uint32_t f = 0; f < u.frames; ++f) {
                const long double mid = (trace.current[f] + (f ? trace.current[f - 1] : 0)) / 2;
                heat[f] += static_cast<double>(mid * mid * r);
            }
        }
    return heat;
}

inline std::map<std::string, HeatReference> &heat_references() {
    static std::map<std::string, HeatReference> references = {{"rci", rci_heat}};
    return references;
}

inline Problems heat(const NodeType &node) {
    Problems problems;
    const Inputs in = lane_inputs(node, 2, 2, 64, 31);
    const Run frames = run(node, base_params(node), in, 2, 64, {1});
    if (frames.status != AMP_OK) return {"a 1-frame run failed: " + frames.error};
    std::vector<double> published;
    if (node.publishes_heat()) {
        const auto reference = heat_references().find(node.type);
        if (reference == heat_references().end())
            return {"the node publishes its heat but the suite has no reference for it"};
        published = reference->second(node, in);
    }
    for (uint32_t f = 0; f < 64; ++f) {
        double expected = 2 * suite_heat_work(node); // W * oversample (1) per batch
        if (node.publishes_heat()) {
            expected = published[f];
        } else if (node.port_count() == 0) {
            for (double y : frames.out.window(f, 1).data) expected += y * y;
        } else {
            for (const Tensor &t : in.audio)
                for (double x : t.window(f, 1).data) expected += x * x;
        }
        const double got = frames.heat_per_call[f];
        if (!(got >= 0.0)) {
            problems.push_back("frame " + std::to_string(f) + ": heat " + num(got) + " < 0");
            break;
        }
        if (!close(got, expected, 1e-12)) {
            problems.push_back("frame " + std::to_string(f) + ": heat " + num(got) +
                               (node.publishes_heat() ? ", the node's documented heat gives "
                                                      : ", the documented model gives ") +
                               num(expected));
            break;
        }
    }
    return problems;
}

// A graph: one sine source per input port (different frequencies), the node "cut", output cut.
inline std::string wired_graph(const NodeType &node, const std::string &params) {
    std::string nodes, edges;
    for (uint32_t p = 0; p < node.port_count(); ++p) {
        const std::string name = "src" + std::to_string(p);
        nodes += "{\"name\":\"" + name + "\",\"type\":\"sine_osc\",\"params\":{\"frequency\":" +
                 std::to_string(300 + 170 * p) + ",\"channels\":2}},";
        edges += std::string(p ? "," : "") + "{\"from\":\"" + name + "\",\"to\":\"cut\",\"port\":" +
                 amp::json_quote(node.inputs().array[p].find("name")->string) + "}";
    }
    return "{\"nodes\":[" + nodes + "{\"name\":\"cut\",\"type\":\"" + node.type +
           "\",\"params\":" + params + "}],\"edges\":[" + edges + "],\"output\":\"cut\"}";
}

inline int32_t try_params(const NodeType &node, const std::string &key, const std::string &value,
                          std::string &error, bool satisfied = true);

inline Problems declared_delay(const NodeType &node) {
    Problems problems;
    History history;
    auto render = [&](const std::string &params, AmpNodeSummary *summary,
                      std::vector<double> &out) {
        AmpGraphRuntime *rt = nullptr;
        int32_t status = amp_graph_runtime_create(wired_graph(node, params).c_str(), &rt);
        if (status == AMP_OK) status = amp_graph_runtime_configure(rt, 2, 64);
        AmpGraphSummary graph{};
        if (status == AMP_OK) status = amp_graph_runtime_describe_graph(rt, &graph);
        if (status == AMP_OK) {
            out.assign(static_cast<size_t>(2) * graph.output_channels * 200, 0.0);
            AmpRenderOptions options{};
            options.history = &history.history;
            status = amp_graph_runtime_execute(rt, 200, out.data(), out.size(), &options);
        }
        if (status == AMP_OK) status = amp_graph_runtime_describe_node(rt, "cut", summary);
        amp_graph_runtime_destroy(rt);
        return status;
    };
    AmpNodeSummary plain{}, declared{};
    std::vector<double> y0, y7;
    if (render(base_params(node), &plain, y0) != AMP_OK)
        return {"a graph with the node failed to render"};
    // Declared 7 frames, or latency + 7 for a node whose own latency is longer (a declared delay
    // below the latency is refused).
    const uint32_t latency = plain.declared_delay_frames;
    const amp::JsonValue *exact = node.entry.find("delayIsLatency");
    const bool delay_is_latency = exact != nullptr && exact->boolean;
    const uint32_t delay = delay_is_latency ? latency : (latency <= 7 ? 7 : latency + 7);
    if (delay_is_latency) {
        // The declared delay must be the latency: that is accepted and measured, another value
        // is refused naming both numbers.
        const std::string own = std::to_string(latency), other = std::to_string(latency + 7);
        if (render(base_params(node, "declared_delay_frames", own), &declared, y7) != AMP_OK)
            problems.push_back("declared_delay_frames = its latency " + own + " was refused");
        else if (declared.declared_delay_frames != latency ||
                 declared.measured_delay_frames != latency || y7 != y0)
            problems.push_back("declared_delay_frames = its latency " + own +
                               " changed the output or the reported delays");
        std::string error;
        const int32_t status = try_params(node, "declared_delay_frames", other, error);
        if (status != AMP_ERR_INVALID_ARGUMENT || error.find(own) == std::string::npos ||
            error.find(other) == std::string::npos)
            problems.push_back("declared_delay_frames " + other + " (not its latency " + own +
                               ") was not refused naming both numbers: " + error);
    } else {
        const std::string shown = std::to_string(delay);
        if (render(base_params(node, "declared_delay_frames", shown), &declared, y7) != AMP_OK)
            return {"a graph with the node and declared_delay_frames " + shown +
                    " failed to render"};
        if (declared.declared_delay_frames != delay || declared.measured_delay_frames != delay)
            problems.push_back("declared_delay_frames " + shown + " reported as declared " +
                               std::to_string(declared.declared_delay_frames) + ", measured " +
                               num(declared.measured_delay_frames));
    }
    if (!delay_is_latency) {
        const size_t shift = delay - latency;
        const size_t lanes = y0.size() / 200;
        bool shifted = true;
        for (size_t lane = 0; lane < lanes; ++lane)
            for (size_t f = 0; f < 200; ++f) {
                const double expected = f < shift ? 0.0 : y0[lane * 200 + f - shift];
                shifted = shifted && y7[lane * 200 + f] == expected;
            }
        if (!shifted)
            problems.push_back("declared_delay_frames " + std::to_string(delay) +
                               " does not delay the output by " + std::to_string(shift) +
                               " frames (declared - own latency)");
    }
    if (node.port_count() > 0) {
        // Impulse (B = 1, C = 1, one frame at 1 on every port against silence): the declared
        // latency is where the response is. A node whose latency is a linear-phase filter's
        // group delay (catalogue "linearPhase") answers with a response symmetric about the
        // latency inside its span [0, 2 x latency] (pre-ringing comes before the latency);
        // any other node answers nothing before its latency.
        const bool linear_phase =
            node.entry.find("linearPhase") != nullptr && node.entry.find("linearPhase")->boolean;
        const uint32_t n = std::max<uint32_t>(64, 2 * latency + 16);
        Inputs impulse;
        for (uint32_t p = 0; p < node.port_count(); ++p) {
            Tensor t{1, 1, n, std::vector<double>(n, 0.0)};
            t.data[0] = 1.0;
            impulse.audio.push_back(t);
        }
        Inputs zero = impulse;
        for (Tensor &t : zero.audio) t.data[0] = 0.0;
        const Run response = run(node, base_params(node), impulse, 1, n, {n});
        const Run silence = run(node, base_params(node), zero, 1, n, {n});
        if (response.status == AMP_OK && silence.status == AMP_OK) {
            const size_t lanes = response.out.data.size() / n;
            size_t first = n, last = 0;
            double peak = 0.0;
            for (size_t i = 0; i < response.out.data.size(); ++i) {
                const double d = response.out.data[i] - silence.out.data[i];
                if (d == 0.0) continue;
                first = std::min(first, i % n);
                last = std::max(last, i % n);
                peak = std::max(peak, std::fabs(d));
            }
            if (!linear_phase && first < n && first < latency)
                problems.push_back("an impulse comes out after " + std::to_string(first) +
                                   " frames, before the declared latency " +
                                   std::to_string(latency));
            if (linear_phase && first == n)
                problems.push_back("an impulse gives no response (linear phase, latency " +
                                   std::to_string(latency) + ")");
            if (linear_phase && first < n && last > 2 * latency)
                problems.push_back("an impulse's response reaches frame " + std::to_string(last) +
                                   ", beyond the linear-phase span [0, 2 x latency " +
                                   std::to_string(latency) + "]");
            for (size_t lane = 0; linear_phase && first < n && lane < lanes; ++lane) {
                auto d = [&](size_t f) {
                    return response.out.data[lane * n + f] - silence.out.data[lane * n + f];
                };
                double asymmetry = 0.0;
                for (size_t k = 1; k <= latency; ++k)
                    asymmetry = std::max(asymmetry, std::fabs(d(latency - k) - d(latency + k)));
                if (asymmetry > 1e-9 * peak) {
                    problems.push_back("an impulse's response is not symmetric about the "
                                       "declared latency " +
                                       std::to_string(latency) + " (largest difference " +
                                       num(asymmetry) + ", peak " + num(peak) + ")");
                    break;
                }
            }
        }
    }
    return problems;
}

// Taps (NodeSpec::taps): the runtime lists exactly the catalogue's taps, and their values are
// finite and bit-identical across block sizes (1, 37, 512) and call splits, with B = 2.
inline Problems taps(const NodeType &node) {
    Problems problems;
    History history;
    const amp::JsonValue *declared = node.entry.find("taps");
    size_t required = 0; // taps the catalogue does not mark optional
    for (size_t t = 0; declared != nullptr && t < declared->array.size(); ++t) {
        const amp::JsonValue *optional = declared->array[t].find("optional");
        required += optional != nullptr && optional->boolean ? 0 : 1;
    }
    // Every tap's rows (batches x values) of records, then every tap's record times, appended
    // call after call.
    auto render = [&](uint32_t block, uint32_t call, std::vector<double> &taps) {
        AmpGraphRuntime *rt = nullptr;
        int32_t status =
            amp_graph_runtime_create(wired_graph(node, base_params(node)).c_str(), &rt);
        if (status == AMP_OK) status = amp_graph_runtime_configure(rt, 2, block);
        AmpGraphSummary graph{};
        if (status == AMP_OK) status = amp_graph_runtime_describe_graph(rt, &graph);
        const uint32_t count = amp_graph_runtime_tap_count(rt);
        if (status == AMP_OK && count != required)
            problems.push_back("the runtime lists " + std::to_string(count) +
                               " taps; the catalogue declares " + std::to_string(required) +
                               " not optional");
        std::vector<uint32_t> values;
        size_t next = 0; // catalogue taps are listed in order, optional ones may be absent
        for (uint32_t i = 0; status == AMP_OK && i < count; ++i) {
            AmpTapInfo info{};
            status = amp_graph_runtime_tap_info(rt, i, &info);
            while (declared != nullptr && next < declared->array.size() &&
                   declared->array[next].find("name")->string != info.name)
                ++next;
            if (status == AMP_OK &&
                (info.values == 0 || declared == nullptr || next == declared->array.size() ||
                 info.period == 0 || info.phase >= info.period))
                problems.push_back("tap " + std::to_string(i) + " does not match the catalogue");
            values.push_back(info.values);
        }
        std::vector<std::vector<std::vector<double>>> rows(count); // tap, row, records
        std::vector<std::vector<double>> times(count);
        for (uint32_t i = 0; i < count; ++i) rows[i].assign(2 * values[i], {});
        for (uint32_t done = 0; status == AMP_OK && done < kFrames;) {
            const uint32_t n = std::min(call, kFrames - done);
            std::vector<double> out(static_cast<size_t>(2) * graph.output_channels * n);
            std::vector<uint64_t> records(count);
            size_t total = 0, total_records = 0;
            for (uint32_t i = 0; i < count; ++i) {
                records[i] = amp_graph_runtime_tap_records(rt, i, n);
                total += 2 * values[i] * records[i];
                total_records += records[i];
            }
            std::vector<double> part(total), part_times(total_records);
            AmpRenderOptions options{};
            options.history = &history.history;
            options.tap_out = part.data();
            options.tap_len = part.size();
            options.tap_time_out = part_times.data();
            options.tap_time_len = part_times.size();
            status = amp_graph_runtime_execute(rt, n, out.data(), out.size(), &options);
            size_t at = 0, at_time = 0;
            for (uint32_t i = 0; i < count; ++i) {
                for (auto &row : rows[i]) {
                    row.insert(row.end(), part.begin() + static_cast<std::ptrdiff_t>(at),
                               part.begin() + static_cast<std::ptrdiff_t>(at + records[i]));
                    at += records[i];
                }
                times[i].insert(
                    times[i].end(), part_times.begin() + static_cast<std::ptrdiff_t>(at_time),
                    part_times.begin() + static_cast<std::ptrdiff_t>(at_time + records[i]));
                at_time += records[i];
            }
            done += n;
        }
        taps.clear();
        for (uint32_t i = 0; i < count; ++i)
            for (const auto &row : rows[i]) taps.insert(taps.end(), row.begin(), row.end());
        for (uint32_t i = 0; i < count; ++i)
            taps.insert(taps.end(), times[i].begin(), times[i].end());
        amp_graph_runtime_destroy(rt);
        return status;
    };
    std::vector<double> whole;
    if (render(512, kFrames, whole) != AMP_OK) return {"a graph with the node failed to render"};
    if (!std::all_of(whole.begin(), whole.end(), [](double v) { return std::isfinite(v); }))
        problems.push_back("a tap value is not finite");
    const uint32_t shapes[][2] = {{1, 1}, {37, 50}, {512, 7}};
    for (const auto &shape : shapes) {
        std::vector<double> split;
        if (render(shape[0], shape[1], split) != AMP_OK || split != whole)
            problems.push_back("taps with block " + std::to_string(shape[0]) + ", calls of " +
                               std::to_string(shape[1]) + " frames differ from one call");
    }
    return problems;
}

// Creates the wired graph with one parameter value (and what it requires, when `satisfied`:
// requirement_members) ; returns the status and the error text.
inline int32_t try_params(const NodeType &node, const std::string &key, const std::string &value,
                          std::string &error, bool satisfied) {
    Members members = requirement_members(node, key, satisfied);
    members.push_back({key, value});
    AmpGraphRuntime *rt = nullptr;
    const int32_t status =
        amp_graph_runtime_create(wired_graph(node, base_params(node, members)).c_str(), &rt);
    AmpErrorView view{};
    amp_graph_runtime_last_error(rt, &view);
    error = view.detail != nullptr ? view.detail : "";
    amp_graph_runtime_destroy(rt);
    return status;
}

inline Problems params(const NodeType &node) {
    Problems problems;
    auto refused = [&](const std::string &key, const std::string &value) {
        std::string error;
        const int32_t status = try_params(node, key, value, error);
        const std::string shown = key + " = " + value;
        if (status != AMP_ERR_INVALID_ARGUMENT)
            problems.push_back(shown + " was accepted (status " + std::to_string(status) + ")");
        else if (error.find("\"cut\"") == std::string::npos ||
                 error.find(key.substr(0, key.find('.'))) == std::string::npos)
            problems.push_back(shown +
                               ": the message does not name the node and the key: " + error);
    };
    auto accepted = [&](const std::string &key, const std::string &value) {
        std::string error;
        if (try_params(node, key, value, error) != AMP_OK)
            problems.push_back(key + " = " + value + " was refused: " + error);
    };
    const std::vector<std::string> wrong_types = {"\"x\"", "true", "[]", "{}", "null"};
    for (const amp::JsonValue &param : node.params().array) {
        const std::string name = param.find("name")->string;
        const std::string kind = param.find("kind")->string;
        const double min = param.find("min")->number, max = param.find("max")->number;
        const bool min_open = param.find("minExclusive")->boolean;
        const bool max_open = param.find("maxExclusive")->boolean;
        if (kind == "signal" || kind == "number" || kind == "integer") {
            for (const std::string &value : wrong_types) refused(name, value);
            // Beyond double range: refused by the JSON reader itself, with line and column.
            std::string error;
            if (try_params(node, name, "1e999", error) != AMP_ERR_INVALID_ARGUMENT ||
                error.find("out of double range") == std::string::npos)
                problems.push_back(name + " = 1e999 was not refused as out of range: " + error);
            refused(name, num(min_open ? min : min - 1 - std::fabs(min) * 1e-9));
            refused(name, num(max_open ? max : max + 1 + std::fabs(max) * 1e-9));
            if (!min_open) accepted(name, num(min));
            if (kind == "integer" && min + 0.5 < max) refused(name, num(min + 0.5));
            if (!param.find("default")->is_null())
                accepted(name, num(param.find("default")->number));
        } else if (kind == "boolean") {
            for (const char *value : {"1", "\"true\"", "null"}) refused(name, value);
            accepted(name, "true");
            accepted(name, "false");
        } else if (kind == "text") {
            refused(name, "\"\"");
            refused(name, "1");
        } else if (kind == "enum") {
            refused(name, "\"__none__\"");
            refused(name, "1");
            for (const amp::JsonValue &choice : param.find("choices")->array)
                accepted(name, amp::json_quote(choice.string));
        } else if (kind == "names") {
            const uint32_t max_length = static_cast<uint32_t>(param.find("maxLength")->number);
            refused(name, "\"x\"");
            refused(name, "[1]");
            refused(name, "[\"\"]");
            refused(name, "[\"a\",\"a\"]");
            std::string too_long = "[";
            for (uint32_t i = 0; i <= max_length; ++i)
                too_long += (i ? ",\"n" : "\"n") + std::to_string(i) + "\"";
            refused(name, too_long + "]");
            if (param.find("minLength")->number > 0) refused(name, "[]");
        } else if (kind == "list") {
            const uint32_t min_length = static_cast<uint32_t>(param.find("minLength")->number);
            const uint32_t max_length = static_cast<uint32_t>(param.find("maxLength")->number);
            refused(name, "0.5");
            std::string too_long = "[";
            for (uint32_t i = 0; i <= max_length; ++i) too_long += (i ? ",0" : "0");
            refused(name, too_long + "]");
            if (min_length > 0) refused(name, "[]");
            refused(name, "[\"x\"]");
            refused(name, "[" + num(max + 1 + std::fabs(max)) + "]");
        } else {
            problems.push_back("parameter \"" + name + "\" has an unknown kind \"" + kind + "\"");
        }
    }
    // Requirements: a parameter given while its declared condition fails is refused naming the
    // node, the parameter and the condition (with it, the fuzz above accepted it).
    for (const amp::JsonValue &param : node.params().array) {
        const amp::JsonValue *rule = param.find("requires");
        if (rule == nullptr) continue;
        const std::string name = param.find("name")->string;
        std::vector<std::string> values;
        if (param.find("kind")->string == "enum")
            for (const amp::JsonValue &choice : param.find("choices")->array)
                values.push_back(amp::json_quote(choice.string));
        else if (param.find("kind")->string == "boolean")
            values = {"true", "false"};
        else
            values.push_back(num(param.find("default")->number));
        for (const std::string &value : values) {
            std::string error;
            const int32_t status = try_params(node, name, value, error, false);
            const std::string text = rule->find("text")->string;
            if (status != AMP_ERR_INVALID_ARGUMENT)
                problems.push_back(name + " = " + value + " without " + text +
                                   " was accepted (status " + std::to_string(status) + ")");
            else if (error.find("\"cut\"") == std::string::npos ||
                     error.find("\"" + name + "\"") == std::string::npos ||
                     error.find(text) == std::string::npos)
                problems.push_back(name + " = " + value + " without " + text +
                                   ": the message does not name the node, the parameter and "
                                   "the requirement: " +
                                   error);
        }
    }
    // Metadata every node accepts.
    for (const char *value : {"0", "1.5", "65", "\"2\""}) refused("oversample", value);
    if (node.oversamples())
        accepted("oversample", "2");
    else
        refused("oversample", "2");
    for (const char *value : {"-1", "0.5", "\"3\""}) refused("declared_delay_frames", value);
    for (const char *value :
         {"{\"resistance\":0}", "{\"work\":-1}", "{\"heat_param\":\"\"}", "{\"bogus\":1}", "\"x\""})
        refused("thermo", value);
    if (node.publishes_heat()) // the shared model's constants would be accepted and ignored
        for (const char *value : {"{\"resistance\":2}", "{\"work\":1}"}) refused("thermo", value);
    for (const char *value :
         {"{\"mode\":\"xor\"}", "{\"channels\":0}", "{\"channels\":65}", "{\"bogus\":1}", "1"})
        refused("modulation", value);
    refused("bogus_key", "1");
    return problems;
}

// <J e, v> by central differences against <e, J^T v>, J^T v over the whole window and over
// split windows walked from the end of the signal.
inline std::vector<double> call(const NodeType &node, const std::string &params, const Inputs &in,
                                uint32_t batches, uint32_t offset, uint32_t n, void **state,
                                int32_t *status);

inline Problems adjoint(const NodeType &node) {
    if (!node.has_backward() || node.port_count() == 0) return {};
    Problems problems;
    const uint32_t frames = 97;
    const std::string params = base_params(node);
    Inputs x = lane_inputs(node, 2, 2, frames, 41);
    x.params.clear();
    // Optional ports stay open: the adjoint is with respect to port 0 for the node's plain
    // configuration (a node may refuse backward with an optional port connected).
    const std::vector<amp::JsonValue> &ports = node.inputs().array;
    while (x.audio.size() > 1 && ports[x.audio.size() - 1].find("optional")->boolean)
        x.audio.pop_back();
    const Run y = run(node, params, x, 2, frames, {frames});
    if (y.status != AMP_OK) return {"the forward run failed: " + y.error};
    const Tensor v = noise(2, y.out.channels, frames, 43);
    const Tensor e = noise(2, 2, frames, 47);
    const double h = 1e-4;
    Inputs plus = x, minus = x;
    for (size_t i = 0; i < e.data.size(); ++i) {
        plus.audio[0].data[i] += h * e.data[i];
        minus.audio[0].data[i] -= h * e.data[i];
    }
    const Run yp = run(node, params, plus, 2, frames, {frames});
    const Run ym = run(node, params, minus, 2, frames, {frames});
    double left = 0.0;
    for (size_t i = 0; i < v.data.size(); ++i)
        left += (yp.out.data[i] - ym.out.data[i]) / (2 * h) * v.data[i];
    for (const std::vector<uint32_t> &chunks :
         {std::vector<uint32_t>{frames}, {1}, {5, 1, 30, 2}}) {
        // Windows from the start, called from the last one back.
        std::vector<std::pair<uint32_t, uint32_t>> windows;
        for (uint32_t done = 0, call = 0; done < frames; ++call) {
            const uint32_t n = std::min(chunks[call % chunks.size()], frames - done);
            windows.push_back({done, n});
            done += n;
        }
        AmpNodeDescriptorView descriptor{"cut", node.type.c_str(), params.c_str()};
        void *state = nullptr;
        double right = 0.0;
        int32_t status = AMP_OK;
        // The forward render first, on the same state (backward follows a forward, as in a
        // graph's backward pass), then the windows from the end.
        call(node, params, x, 2, 0, frames, &state, &status);
        for (auto it = windows.rbegin(); it != windows.rend() && status == AMP_OK; ++it) {
            const Tensor g = v.window(it->first, it->second);
            std::vector<Tensor> others;
            std::vector<AmpAudioView> audio{{g.data.data(), g.batches, g.channels, g.frames}};
            for (uint32_t p = 1; p < x.audio.size(); ++p)
                others.push_back(x.audio[p].window(it->first, it->second));
            for (const Tensor &t : others)
                audio.push_back({t.data.data(), t.batches, t.channels, t.frames});
            AmpNodeInputs inputs{audio.data(), static_cast<uint32_t>(audio.size()), nullptr, 0};
            double *out = nullptr;
            int32_t channels = 0;
            status =
                amp_run_node_v2(&descriptor, &inputs, 2, 2, static_cast<int32_t>(g.frames), kRate,
                                &out, &channels, &state, nullptr, AMP_EXECUTION_BACKWARD, nullptr);
            if (status == AMP_ERR_UNSUPPORTED && it == windows.rbegin()) {
                amp_release_state(state);
                return problems; // needs recorded forward values: see `gradients`
            }
            if (status != AMP_OK) break;
            const Tensor part = e.window(it->first, it->second);
            for (size_t i = 0; i < part.data.size(); ++i) right += part.data[i] * out[i];
            amp_free(out);
        }
        amp_release_state(state);
        const std::string name = "backward in windows of " + std::to_string(chunks[0]) +
                                 (chunks.size() > 1 ? ", ..." : "");
        if (status != AMP_OK)
            problems.push_back(name + " failed with status " + std::to_string(status));
        else if (!close(left, right, 1e-7))
            problems.push_back(name + ": <e, J^T v> = " + num(right) +
                               " but central differences give <J e, v> = " + num(left));
    }
    return problems;
}

// One window [offset, offset + n) of the inputs through amp_run_node_v2 on `state`; the output.
inline std::vector<double> call(const NodeType &node, const std::string &params, const Inputs &in,
                                uint32_t batches, uint32_t offset, uint32_t n, void **state,
                                int32_t *status) {
    History history;
    AmpNodeDescriptorView descriptor{"cut", node.type.c_str(), params.c_str()};
    std::vector<Tensor> audio_parts, param_parts;
    std::vector<AmpAudioView> audio;
    std::vector<AmpParamView> views;
    for (const Tensor &t : in.audio) audio_parts.push_back(t.window(offset, n));
    for (const Tensor &t : audio_parts)
        audio.push_back({t.data.data(), t.batches, t.channels, t.frames});
    for (const auto &p : in.params) param_parts.push_back(p.tensor.window(offset, n));
    for (size_t i = 0; i < in.params.size(); ++i)
        views.push_back({in.params[i].name.c_str(), param_parts[i].data.data(),
                         param_parts[i].batches, param_parts[i].channels, param_parts[i].frames});
    AmpNodeInputs inputs{audio.data(), static_cast<uint32_t>(audio.size()), views.data(),
                         static_cast<uint32_t>(views.size())};
    double *out = nullptr;
    int32_t channels = 0;
    *status = amp_run_node_v2(&descriptor, &inputs, static_cast<int32_t>(batches),
                              static_cast<int32_t>(in.audio.empty() ? 0 : in.audio[0].channels),
                              static_cast<int32_t>(n), kRate, &out, &channels, state,
                              &history.history, AMP_EXECUTION_FORWARD, nullptr);
    std::vector<double> result;
    if (*status == AMP_OK) result.assign(out, out + static_cast<size_t>(batches) * channels * n);
    amp_free(out);
    return result;
}

inline Problems snapshot(const NodeType &node) {
    const Inputs in = lane_inputs(node, 2, 2, kFrames, 51);
    const std::string params = base_params(node);
    const uint32_t half = 137, rest = kFrames - half;
    void *state = nullptr;
    int32_t status = AMP_OK;
    call(node, params, in, 2, 0, half, &state, &status);
    uint64_t bytes = 0;
    std::vector<unsigned char> saved;
    if (status == AMP_OK) status = amp_node_state_snapshot_size(state, &bytes);
    if (status == AMP_OK) {
        saved.resize(static_cast<size_t>(bytes));
        status = amp_node_state_snapshot(state, saved.data(), bytes);
    }
    std::vector<double> first, second, uninterrupted;
    if (status == AMP_OK) first = call(node, params, in, 2, half, rest, &state, &status);
    if (status == AMP_OK) status = amp_node_state_restore(state, saved.data(), bytes);
    if (status == AMP_OK) second = call(node, params, in, 2, half, rest, &state, &status);
    amp_release_state(state);
    if (status != AMP_OK)
        return {"snapshot / restore failed with status " + std::to_string(status)};
    void *whole_state = nullptr;
    call(node, params, in, 2, 0, half, &whole_state, &status);
    // The same stream snapshotted at the same frame gives the same bytes (no padding or other
    // unset bytes in a node's saved state).
    std::vector<unsigned char> again(saved.size());
    if (status == AMP_OK) status = amp_node_state_snapshot(whole_state, again.data(), bytes);
    if (status == AMP_OK)
        uninterrupted = call(node, params, in, 2, half, rest, &whole_state, &status);
    amp_release_state(whole_state);
    Problems problems;
    if (again != saved)
        problems.push_back("two snapshots of the same stream at the same frame differ (unset "
                           "bytes in the saved state)");
    if (first != uninterrupted) problems.push_back("taking a snapshot changed the stream");
    if (second != uninterrupted)
        problems.push_back("the stream continued from a restored snapshot differs from the "
                           "uninterrupted one");
    return problems;
}

// ---- gradients through the graph backward pass ---------------------------------------------

// The suite's input node ("conformance input"): outputs kGradientInputs[slot] (batches x
// channels x frames, read at the stream position). Registered in every binary that includes
// this header; catalogue() leaves it out. Test scaffolding, not a node of the catalogue.
inline std::vector<Tensor> &gradient_inputs() {
    static std::vector<Tensor> inputs(4);
    return inputs;
}

class InputNode final : public amp::Node {
  public:
    explicit InputNode(const amp::NodeConfig &config)
        : slot_(static_cast<uint32_t>(config.value(0))),
          channels_(static_cast<uint32_t>(config.value(1))) {}
    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return channels_;
    }
    void prepare(const amp::PrepareContext &) override {}
    void reset() noexcept override {}
    void process(const amp::ProcessContext &ctx) noexcept override {
        const Tensor &data = gradient_inputs()[slot_];
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < channels_; ++c)
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    const uint64_t x = ctx.frame_index + f;
                    ctx.out_row(b, c)[f] =
                        x < data.frames ? data.at(b, c, static_cast<uint32_t>(x)) : 0.0;
                }
    }

  private:
    uint32_t slot_, channels_;
};

inline const amp::ParamSpec kInputParams[] = {
    {"slot", amp::ParamKind::Integer, 0.0, 0.0, 3.0, "", "Which test tensor."},
    {"channels", amp::ParamKind::Integer, 2.0, 1.0, 64.0, "", "Output channels."},
};
inline const amp::NodeSpec kInputSpec{
    "conformance input",
    "The conformance suite's input.",
    nullptr,
    0,
    kInputParams,
    2,
    0.0,
    false,
    "An input.",
    [](const amp::NodeConfig &config) -> std::unique_ptr<amp::Node> {
        return std::make_unique<InputNode>(config);
    }};
// Registered on the suite's first catalogue read (before the runtime builds its catalogue).
inline void register_input_node() {
    static const bool registered = amp::register_node_spec(&kInputSpec);
    (void)registered;
}

// Types whose output is linear in every input and every differentiable parameter separately
// (each checked with the others fixed), so a step of 1 is exact up to rounding.
inline std::set<std::string> &linear_types() {
    static std::set<std::string> types{"gain",       "mix",       "delay", "constant",
                                       "controller", "resampler", "rci"};
    // biquad is linear in its input only: its coefficients are not, so it is checked by central
    // differences (its input gradient is exact all the same).
    return types;
}

// Types whose adjoint covers their required ports only: the gradients check leaves their
// optional ports open (none today: fft_divider's divisor port is differentiated too).
inline std::set<std::string> &gradient_required_ports_only() {
    static std::set<std::string> types;
    return types;
}

// The ports the gradients check connects: all, or the leading required ones.
inline uint32_t gradient_ports(const NodeType &node) {
    if (gradient_required_ports_only().count(node.type) == 0) return node.port_count();
    uint32_t ports = 0;
    while (ports < node.port_count()) {
        const amp::JsonValue *optional = node.inputs().array[ports].find("optional");
        if (optional != nullptr && optional->boolean) break;
        ++ports;
    }
    return ports;
}

// Signal parameters whose effect on the output is measured on a larger scale than their own
// (type -> parameter -> scale): the central-difference step is 1e-6 x max(1, |base|, scale), so
// the output's change stays far above its rounding (e.g. cents and Hz added to a 440 Hz
// output: a step of 1e-6 would move it by ~1e-7 Hz, near the sum's rounding).
inline std::map<std::string, std::map<std::string, double>> &gradient_step_scales() {
    static std::map<std::string, std::map<std::string, double>> scales = {
        {"oscillator_pitch", {{"offset_cents", 1200.0}, {"add_hz", 440.0}}}};
    return scales;
}

// Signal parameters a node quantizes ("type.param": resolution). Central differences of a
// quantized value see the rounding of the steps, not the derivative: the check snaps such a
// parameter's values and steps to multiples of the resolution, so the forward sees exactly
// the step the analytic side is dotted with. The oscillator's phase increment is
// round(f x 2^20) units of 1 / N cycle and its phase_offset floor(frac x N) units, N =
// sr x 2^20 x oversample: both exact on the 2^-20 grid at an integer sample rate.
inline std::map<std::string, double> &param_resolutions() {
    static std::map<std::string, double> resolutions{{"oscillator.frequency", 0x1p-20},
                                                     {"oscillator.phase_offset", 0x1p-20}};
    return resolutions;
}

struct GradientRun {
    int32_t status = AMP_OK;
    std::string error;
    std::vector<double> y;
    std::vector<std::vector<double>> port_grads;  // per port: B x C x T
    std::vector<std::vector<double>> param_grads; // per signal param: B x T (empty: none)
};

// Renders the node fed by the suite's inputs (slot p on port p), the signal parameters
// overridden by `overrides` (B x 1 x block each), in render calls of `calls` frames (cycled);
// with `dy`, records and runs the backward pass for every port and parameter (a parameter the
// node does not differentiate is refused with -4 and left empty).
inline GradientRun gradient_run(const NodeType &node, const std::vector<std::string> &signal,
                                const std::vector<std::vector<double>> &overrides, uint32_t block,
                                uint32_t frames, const std::vector<uint32_t> &calls,
                                const std::vector<double> *dy) {
    GradientRun result;
    std::string json = "{\"nodes\":[{\"name\":\"node\",\"type\":" + amp::json_quote(node.type) +
                       ",\"params\":" + base_params(node) + "}";
    std::string edges;
    for (uint32_t p = 0; p < gradient_ports(node); ++p) {
        json += ",{\"name\":\"in" + std::to_string(p) +
                "\",\"type\":\"conformance input\",\"params\":{\"slot\":" + std::to_string(p) +
                "}}";
        edges += std::string(edges.empty() ? "" : ",") + "{\"from\":\"in" + std::to_string(p) +
                 "\",\"to\":\"node\",\"port\":" +
                 amp::json_quote(node.inputs().array[p].find("name")->string) + "}";
    }
    json += "],\"edges\":[" + edges + "],\"output\":\"node\"}";
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(json.c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    for (size_t q = 0; q < signal.size() && result.status == AMP_OK; ++q)
        result.status = amp_graph_runtime_set_param(rt, "node", signal[q].c_str(),
                                                    overrides[q].data(), 2, 1, block);
    if (result.status == AMP_OK && dy != nullptr)
        result.status = amp_graph_runtime_record(rt, frames, 0);
    AmpGraphSummary summary{};
    if (result.status == AMP_OK) amp_graph_runtime_describe_graph(rt, &summary);
    const size_t lanes = 2 * static_cast<size_t>(summary.output_channels);
    result.y.assign(lanes * frames, 0.0);
    History history;
    AmpRenderOptions options{};
    options.history = &history.history;
    // Curve times count from each call's start: this curve is constant over the render.
    if (result.status == AMP_OK)
        result.status = amp_test::execute_in_calls(rt, lanes, frames, calls, result.y, &options);
    if (result.status == AMP_OK && dy != nullptr) {
        for (uint32_t p = 0; p < gradient_ports(node) && result.status == AMP_OK; ++p) {
            std::vector<double> grad(static_cast<size_t>(2) * gradient_inputs()[p].channels *
                                     frames);
            const std::string name = "in" + std::to_string(p);
            const AmpGradientRequest request{name.c_str(), nullptr, 0, grad.data(), grad.size()};
            result.status = amp_graph_runtime_backward(rt, dy->data(), dy->size(), &request, 1);
            result.port_grads.push_back(grad);
        }
        for (size_t q = 0; q < signal.size() && result.status == AMP_OK; ++q) {
            std::vector<double> grad(static_cast<size_t>(2) * frames);
            const AmpGradientRequest request{"node", signal[q].c_str(), 0, grad.data(),
                                             grad.size()};
            const int32_t status =
                amp_graph_runtime_backward(rt, dy->data(), dy->size(), &request, 1);
            if (status == AMP_ERR_UNSUPPORTED)
                grad.clear();
            else
                result.status = status;
            result.param_grads.push_back(grad);
        }
    }
    if (result.status != AMP_OK) {
        AmpErrorView error{};
        amp_graph_runtime_last_error(rt, &error);
        result.error = error.detail;
    }
    amp_graph_runtime_destroy(rt);
    return result;
}

// Relative agreement, with a floor far below any gradient the checks produce (1e-9) for the
// rounding of central differences.
inline bool gradient_close(double a, double b, double relative) {
    return std::fabs(a - b) <= relative * std::max(std::fabs(a), std::fabs(b)) + 1e-9;
}

inline Problems gradients(const NodeType &node) {
    if (!node.has_backward()) return {};
    Problems problems;
    const uint32_t frames = 97;
    const bool linear = linear_types().count(node.type) > 0;
    std::vector<std::string> signal;
    std::vector<double> bases;
    for (const amp::JsonValue &param : node.params().array)
        if (param.find("kind")->string == "signal") {
            signal.push_back(param.find("name")->string);
            // The default, moved inside the range by a tenth of its width when it sits on an
            // edge (e.g. a band edge at 0), so the wobble below and the steps stay in range.
            const double min = param.find("min")->number, max = param.find("max")->number;
            const double width = max - min, nominal = std::fabs(param.find("default")->number);
            const double margin =
                std::isfinite(width) ? std::min(0.1 * width, 0.1 * std::max(1.0, nominal)) : 0.0;
            double base = param.find("default")->number;
            if (margin > 0.0) base = std::min(std::max(base, min + margin), max - margin);
            bases.push_back(base);
        }
    std::vector<double> resolution(signal.size(), 0.0);
    for (size_t q = 0; q < signal.size(); ++q) {
        const auto found = param_resolutions().find(node.type + "." + signal[q]);
        if (found != param_resolutions().end()) resolution[q] = found->second;
    }
    auto snap = [&](size_t q, double x) {
        return resolution[q] > 0.0 ? std::round(x / resolution[q]) * resolution[q] : x;
    };
    // Per batch and frame values near the default (inside any sane range), for a block.
    auto overrides_for = [&](uint32_t block, const std::vector<std::vector<double>> &step) {
        std::vector<std::vector<double>> values;
        for (size_t q = 0; q < signal.size(); ++q) {
            const Tensor wobble = noise(2, 1, block, 300 + q);
            std::vector<double> v(2 * static_cast<size_t>(block));
            for (size_t i = 0; i < v.size(); ++i)
                v[i] =
                    snap(q, bases[q] + 0.05 * std::max(1.0, std::fabs(bases[q])) * wobble.data[i]) +
                    (step.empty() ? 0.0 : step[q][i]);
            values.push_back(v);
        }
        return values;
    };
    for (uint32_t p = 0; p < gradient_ports(node); ++p)
        gradient_inputs()[p] = noise(2, 2, frames, 600 + p);
    struct Split {
        uint32_t block;
        std::vector<uint32_t> calls;
    };
    const std::vector<Split> splits = {{97, {97}}, {1, {97}}, {7, {5, 1, 30, 2}}};
    std::vector<double> dy;
    for (const Split &split : splits) {
        const GradientRun probe = gradient_run(node, signal, overrides_for(split.block, {}),
                                               split.block, frames, split.calls, nullptr);
        if (probe.status != AMP_OK) return {"a graph render failed: " + probe.error};
        if (dy.empty()) dy = noise(1, 1, static_cast<uint32_t>(probe.y.size()), 700).data;
        const GradientRun run = gradient_run(node, signal, overrides_for(split.block, {}),
                                             split.block, frames, split.calls, &dy);
        const std::string name = "block " + std::to_string(split.block);
        if (run.status != AMP_OK) {
            problems.push_back(name + ": the backward pass failed: " + run.error);
            continue;
        }
        // Inputs: <e, dx> against the change of <dy, y> along e.
        for (uint32_t p = 0; p < gradient_ports(node); ++p) {
            const Tensor saved = gradient_inputs()[p];
            const Tensor e = noise(2, 2, frames, 800 + p);
            const double h = linear ? 1.0 : 1e-6;
            const double numeric = amp_test::central_difference(
                saved.data, e.data, h, [&](const std::vector<double> &moved) {
                    gradient_inputs()[p].data = moved;
                    return amp_test::dot(dy,
                                         gradient_run(node, signal, overrides_for(split.block, {}),
                                                      split.block, frames, split.calls, nullptr)
                                             .y);
                });
            gradient_inputs()[p] = saved;
            const double analytic = amp_test::dot(e.data, run.port_grads[p]);
            if (!gradient_close(numeric, analytic, linear ? 1e-10 : 1e-6))
                problems.push_back(name + ": port " + std::to_string(p) + ": <e, dx> = " +
                                   num(analytic) + " but <J e, dy> = " + num(numeric));
        }
        // Parameters: along a per-frame direction (periodic with the block, as overrides are).
        for (size_t q = 0; q < signal.size(); ++q) {
            if (run.param_grads[q].empty()) continue; // not differentiated by this node
            double scale = std::max(1.0, std::fabs(bases[q]));
            const auto scales = gradient_step_scales().find(node.type);
            if (scales != gradient_step_scales().end() && scales->second.count(signal[q]) > 0)
                scale = std::max(scale, scales->second.at(signal[q]));
            const double h = linear ? 1.0 : 1e-6 * scale;
            Tensor e = noise(2, 1, split.block, 900 + q);
            for (double &x : e.data) x = snap(q, h * x) / h; // the direction the steps take
            double side[2] = {0.0, 0.0};
            for (int sign = 0; sign < 2; ++sign) {
                std::vector<std::vector<double>> step(signal.size(),
                                                      std::vector<double>(2 * split.block, 0.0));
                for (size_t i = 0; i < step[q].size(); ++i)
                    step[q][i] = snap(q, (sign == 0 ? h : -h) * e.data[i]);
                const GradientRun moved =
                    gradient_run(node, signal, overrides_for(split.block, step), split.block,
                                 frames, split.calls, nullptr);
                for (size_t i = 0; i < dy.size(); ++i) side[sign] += dy[i] * moved.y[i];
            }
            const double numeric = (side[0] - side[1]) / (2 * h);
            const double analytic =
                amp_test::periodic_dot(e.data, split.block, run.param_grads[q], 2, frames);
            if (!gradient_close(numeric, analytic, linear ? 1e-10 : 1e-6))
                problems.push_back(name + ": parameter \"" + signal[q] + "\": <e, dparam> = " +
                                   num(analytic) + " but central differences give " + num(numeric));
        }
    }
    // Bit-identity across the splits, with parameters that do not depend on the block (each
    // batch its own constant value).
    std::vector<GradientRun> flat;
    for (const Split &split : splits) {
        std::vector<std::vector<double>> values;
        for (size_t q = 0; q < signal.size(); ++q) {
            std::vector<double> v(2 * static_cast<size_t>(split.block), bases[q]);
            std::fill(v.begin() + split.block, v.end(),
                      bases[q] + 0.05 * std::max(1.0, std::fabs(bases[q])));
            values.push_back(v);
        }
        // One render call: a control-history curve's times count from each call's start.
        flat.push_back(gradient_run(node, signal, values, split.block, frames, {frames}, &dy));
    }
    for (size_t i = 1; i < flat.size(); ++i)
        if (flat[i].status != AMP_OK || flat[i].y != flat[0].y ||
            flat[i].port_grads != flat[0].port_grads || flat[i].param_grads != flat[0].param_grads)
            problems.push_back("gradients at block " + std::to_string(splits[i].block) +
                               " differ from one window's (bit for bit)");
    return problems;
}

struct Check {
    const char *name;
    Problems (*run)(const NodeType &);
};

inline const std::vector<Check> &checks() {
    static const std::vector<Check> all = {
        {"block_invariance", block_invariance},
        {"lanes", lanes},
        {"heat", heat},
        {"declared_delay", declared_delay},
        {"params", params},
        {"adjoint", adjoint},
        {"gradients", gradients},
        {"snapshot", snapshot},
        {"taps", taps},
    };
    return all;
}

// Every check on one node type: "check: problem" lines.
inline std::vector<std::string> check_node(const NodeType &node) {
    std::vector<std::string> report;
    for (const Check &check : checks())
        for (const std::string &problem : check.run(node))
            report.push_back(std::string(check.name) + ": " + problem);
    return report;
}

inline const NodeType *find(const std::vector<NodeType> &types, const std::string &type) {
    for (const NodeType &node : types)
        if (node.type == type) return &node;
    return nullptr;
}

} // namespace conformance
