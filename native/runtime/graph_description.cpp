// graph_description.cpp: JSON -> GraphDescription with validation; see graph_description.h.
#include "runtime/graph_description.h"

#include <cmath>
#include <map>

#include "runtime/errors.h"
#include "runtime/limits.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

const char *kStage = "create";

[[noreturn]] void fail(const std::string &detail, const std::string &node = "",
                       int32_t code = AMP_ERR_INVALID_ARGUMENT) {
    throw AmpFailure(code, kStage, node, detail);
}

void check_keys(const JsonValue &object, const std::string &where,
                std::initializer_list<const char *> allowed, const std::string &node = "") {
    for (const auto &member : object.members) {
        bool known = false;
        for (const char *key : allowed) known = known || member.first == key;
        if (!known) {
            std::string list;
            for (const char *key : allowed) list += std::string(list.empty() ? "" : ", ") + key;
            fail(where + ": unknown key \"" + member.first + "\"; known: " + list, node);
        }
    }
}

const JsonValue &require(const JsonValue &object, const char *key, JsonValue::Type type,
                         const std::string &where, const std::string &node = "") {
    const JsonValue *value = object.find(key);
    if (value == nullptr)
        fail(where + ": missing \"" + key + "\" (" + JsonValue::type_name(type) + ")", node);
    if (value->type != type)
        fail(where + ": \"" + key + "\" expects " + JsonValue::type_name(type) + ", got " +
                 value->describe(),
             node);
    return *value;
}

uint32_t resolve(const std::map<std::string, uint32_t> &names, const std::string &name,
                 const std::string &where);

uint32_t read_delay(const JsonValue &edge, const std::string &where, const std::string &node) {
    const JsonValue *delay = edge.find("delay_frames");
    if (delay == nullptr) return 0;
    if (!delay->is_number() || std::floor(delay->number) != delay->number || delay->number < 0 ||
        delay->number > limits::kMaxDelayFrames)
        fail(where + ": \"delay_frames\" expects an integer in [0, " +
                 std::to_string(limits::kMaxDelayFrames) + "], got " + delay->describe(),
             node);
    return static_cast<uint32_t>(delay->number);
}

void parse_schedule(const JsonValue &schedule, GraphDescription &graph,
                    const std::map<std::string, uint32_t> &names) {
    if (!schedule.is_array())
        fail("graph: \"schedule\" expects an array of stages (arrays of node names), got " +
             schedule.describe());
    std::vector<bool> seen(graph.nodes.size(), false);
    for (size_t s = 0; s < schedule.array.size(); ++s) {
        const JsonValue &stage = schedule.array[s];
        const std::string where = "schedule[" + std::to_string(s) + "]";
        if (!stage.is_array())
            fail(where + ": expects an array of node names, got " + stage.describe());
        std::vector<uint32_t> cohort;
        for (const JsonValue &name : stage.array) {
            if (!name.is_string()) fail(where + ": expects node names, got " + name.describe());
            const uint32_t v = resolve(names, name.string, where);
            if (seen[v])
                fail("graph: \"schedule\" lists node \"" + name.string + "\" twice", name.string);
            seen[v] = true;
            cohort.push_back(v);
        }
        graph.schedule.push_back(std::move(cohort));
    }
    for (uint32_t v = 0; v < graph.nodes.size(); ++v)
        if (!seen[v])
            fail("graph: \"schedule\" does not list node \"" + graph.nodes[v].name +
                     "\"; an explicit schedule must list every node once",
                 graph.nodes[v].name);
}

uint32_t resolve(const std::map<std::string, uint32_t> &names, const std::string &name,
                 const std::string &where) {
    const auto it = names.find(name);
    if (it == names.end()) fail(where + ": no node named \"" + name + "\"");
    return it->second;
}

void parse_nodes(const JsonValue &nodes, GraphDescription &graph,
                 std::map<std::string, uint32_t> &names) {
    for (size_t i = 0; i < nodes.array.size(); ++i) {
        const JsonValue &node = nodes.array[i];
        const std::string where = "nodes[" + std::to_string(i) + "]";
        if (!node.is_object()) fail(where + ": expects an object, got " + node.describe());
        check_keys(node, where, {"name", "type", "params"});
        const std::string &name = require(node, "name", JsonValue::Type::String, where).string;
        if (name.empty()) fail(where + ": \"name\" must not be empty");
        if (names.count(name) != 0) fail(where + ": duplicate node name \"" + name + "\"", name);
        const std::string &type =
            require(node, "type", JsonValue::Type::String, where, name).string;
        const NodeSpec *spec = find_node_spec(type);
        if (spec == nullptr) {
            size_t count = 0;
            const NodeSpec *const *all = node_registry(&count);
            std::string known;
            for (size_t k = 0; k < count; ++k)
                known += std::string(k ? ", " : "") + all[k]->type_name;
            fail("node \"" + name + "\": unknown node type \"" + type + "\"; known: " + known, name,
                 AMP_ERR_UNKNOWN_NODE_TYPE);
        }
        NodeDescription description;
        description.name = name;
        description.spec = spec;
        description.config = parse_node_config(*spec, name, node.find("params"), kStage);
        names[name] = static_cast<uint32_t>(graph.nodes.size());
        graph.nodes.push_back(std::move(description));
    }
}

// "node" or "node.output": the source of an edge and which of its named outputs it reads. A
// name that is a node name as a whole is that node (names may contain dots); otherwise the text
// after the last dot names an output.
void resolve_source(const GraphDescription &graph, const std::map<std::string, uint32_t> &names,
                    const std::string &text, const std::string &where, uint32_t &from,
                    uint32_t &output) {
    output = 0;
    if (names.count(text) != 0 || text.rfind('.') == std::string::npos) {
        from = resolve(names, text, where);
        return;
    }
    const size_t dot = text.rfind('.');
    from = resolve(names, text.substr(0, dot), where);
    const NodeDescription &node = graph.nodes[from];
    const std::string name = text.substr(dot + 1);
    std::string known;
    const std::vector<std::string> &outputs = node.config.output_names;
    for (uint32_t i = 0; i < outputs.size(); ++i) {
        if (name == outputs[i]) {
            output = i;
            return;
        }
        known += std::string(i ? ", " : "") + "\"" + outputs[i] + "\"";
    }
    fail(where + ": " + node_label(node.name, node.spec->type_name) + " has no output \"" + name +
             "\"; " +
             (known.empty() ? "it has one unnamed output (write \"" + node.name + "\")"
                            : "outputs: " + known),
         node.name);
}

// The "from" (with its output) and "to" node names of an audio or modulation edge.
void resolve_ends(const JsonValue &edge, const std::string &where, const GraphDescription &graph,
                  const std::map<std::string, uint32_t> &names, uint32_t &from, uint32_t &output,
                  uint32_t &to) {
    resolve_source(graph, names, require(edge, "from", JsonValue::Type::String, where).string,
                   where, from, output);
    to = resolve(names, require(edge, "to", JsonValue::Type::String, where).string, where);
}

void parse_edges(const JsonValue &edges, GraphDescription &graph,
                 const std::map<std::string, uint32_t> &names) {
    for (size_t i = 0; i < edges.array.size(); ++i) {
        const JsonValue &edge = edges.array[i];
        const std::string where = "edges[" + std::to_string(i) + "]";
        if (!edge.is_object()) fail(where + ": expects an object, got " + edge.describe());
        check_keys(edge, where, {"from", "to", "port", "delay_frames"});
        AudioEdge parsed{};
        resolve_ends(edge, where, graph, names, parsed.from, parsed.from_output, parsed.to);
        const NodeDescription &target = graph.nodes[parsed.to];
        if (target.spec->input_count == 0)
            fail(where + ": node \"" + target.name + "\" (" + target.spec->type_name +
                     ") is a source and has no audio input",
                 target.name);
        parsed.port = 0;
        if (const JsonValue *port = edge.find("port")) {
            bool found = false;
            for (uint32_t p = 0; p < target.spec->input_count; ++p)
                if (port->is_string() && port->string == target.spec->inputs[p].name) {
                    parsed.port = p;
                    found = true;
                }
            if (!found) {
                std::string known;
                for (uint32_t p = 0; p < target.spec->input_count; ++p)
                    known += std::string(p ? ", " : "") + target.spec->inputs[p].name;
                fail(where + ": node \"" + target.name + "\" has no input port " +
                         port->describe() + "; ports: " + known,
                     target.name);
            }
        }
        parsed.delay_frames = read_delay(edge, where, target.name);
        graph.edges.push_back(parsed);
    }
}

void parse_modulations(const JsonValue &modulations, GraphDescription &graph,
                       const std::map<std::string, uint32_t> &names) {
    for (size_t i = 0; i < modulations.array.size(); ++i) {
        const JsonValue &edge = modulations.array[i];
        const std::string where = "modulations[" + std::to_string(i) + "]";
        if (!edge.is_object()) fail(where + ": expects an object, got " + edge.describe());
        check_keys(edge, where,
                   {"from", "to", "param", "mode", "scale", "channel", "delay_frames"});
        ModulationEdge parsed{};
        resolve_ends(edge, where, graph, names, parsed.from, parsed.from_output, parsed.to);
        const NodeDescription &target = graph.nodes[parsed.to];
        const std::string &param = require(edge, "param", JsonValue::Type::String, where).string;
        const int index = find_param_index(*target.spec, param);
        if (index < 0 || target.spec->params[index].kind != ParamKind::Signal) {
            std::string known;
            for (uint32_t p = 0; p < target.spec->param_count; ++p)
                if (target.spec->params[p].kind == ParamKind::Signal)
                    known += std::string(known.empty() ? "" : ", ") + target.spec->params[p].name;
            fail(where + ": " + node_label(target.name, target.spec->type_name) +
                     " has no modulatable parameter \"" + param +
                     "\"; modulatable: " + (known.empty() ? "none" : known),
                 target.name);
        }
        parsed.param = static_cast<uint32_t>(index);
        parsed.mode =
            target.config.modulation_mode == 1 ? ModulationMode::Multiply : ModulationMode::Add;
        if (const JsonValue *mode = edge.find("mode")) {
            if (!mode->is_string() || (mode->string != "add" && mode->string != "multiply"))
                fail(where + ": \"mode\" expects \"add\" or \"multiply\", got " + mode->describe(),
                     target.name);
            parsed.mode = mode->string == "add" ? ModulationMode::Add : ModulationMode::Multiply;
        }
        parsed.scale = 1.0;
        if (const JsonValue *scale = edge.find("scale")) {
            if (!scale->is_number() || !(std::fabs(scale->number) <= limits::kMaxModulationScale))
                fail(where + ": \"scale\" expects a finite number in [" +
                         format_number(-limits::kMaxModulationScale) + ", " +
                         format_number(limits::kMaxModulationScale) + "], got " + scale->describe(),
                     target.name);
            parsed.scale = scale->number;
        }
        parsed.channel = -1;
        if (const JsonValue *channel = edge.find("channel")) {
            if (!channel->is_number() || std::floor(channel->number) != channel->number ||
                channel->number < 0 || channel->number > limits::kMaxModulationChannel)
                fail(where + ": \"channel\" expects an integer in [0, 63], got " +
                         channel->describe(),
                     target.name);
            parsed.channel = static_cast<int32_t>(channel->number);
        }
        parsed.delay_frames = read_delay(edge, where, target.name);
        graph.modulations.push_back(parsed);
    }
}

} // namespace

GraphDescription parse_graph_description(const std::string &json) {
    JsonValue root;
    std::string error;
    if (!parse_json(json, root, error))
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "parse", "",
                         "graph JSON is malformed: " + error);
    if (!root.is_object()) fail("graph: expects a JSON object, got " + root.describe());
    check_keys(root, "graph",
               {"nodes", "edges", "modulations", "output", "sample_rate", "timing",
                "latency_compensation", "thermal_budget", "schedule"});

    GraphDescription graph;
    std::map<std::string, uint32_t> names;
    const JsonValue &nodes = require(root, "nodes", JsonValue::Type::Array, "graph");
    if (nodes.array.empty()) fail("graph: \"nodes\" must list at least one node");
    if (nodes.array.size() > limits::kMaxNodes) {
        // Refused before anything per node is built: each node needs at least its output and
        // heat rows (2 x 512 doubles at the default 1 batch x 512-frame block).
        const double mib = static_cast<double>(nodes.array.size()) * 2.0 * 512.0 * 8.0 / 1048576.0;
        fail("graph: \"nodes\" lists " + std::to_string(nodes.array.size()) +
             " nodes; a graph takes at most " + std::to_string(limits::kMaxNodes) + " (" +
             std::to_string(nodes.array.size()) + " nodes would need at least " +
             format_number(std::ceil(mib)) + " MiB of buffers at 1 batch x 512 frames)");
    }
    parse_nodes(nodes, graph, names);
    if (const JsonValue *edges = root.find("edges")) {
        if (!edges->is_array()) fail("graph: \"edges\" expects an array, got " + edges->describe());
        parse_edges(*edges, graph, names);
    }
    if (const JsonValue *modulations = root.find("modulations")) {
        if (!modulations->is_array())
            fail("graph: \"modulations\" expects an array, got " + modulations->describe());
        parse_modulations(*modulations, graph, names);
    }
    graph.output = resolve(names, require(root, "output", JsonValue::Type::String, "graph").string,
                           "graph: \"output\"");
    if (const JsonValue *rate = root.find("sample_rate")) {
        if (!rate->is_number() || !(rate->number > 0.0) || rate->number > limits::kMaxSampleRate)
            fail("graph: \"sample_rate\" expects a number in (0, 10000000] Hz, got " +
                 rate->describe());
        graph.sample_rate = rate->number;
    }
    if (const JsonValue *timing = root.find("timing")) {
        if (!timing->is_bool())
            fail("graph: \"timing\" expects a boolean, got " + timing->describe());
        graph.timing = timing->boolean;
    }
    if (const JsonValue *compensation = root.find("latency_compensation")) {
        if (!compensation->is_bool())
            fail("graph: \"latency_compensation\" expects a boolean, got " +
                 compensation->describe());
        graph.latency_compensation = compensation->boolean;
    }
    if (const JsonValue *budget = root.find("thermal_budget")) {
        if (!budget->is_number() || !(budget->number > 0.0))
            fail("graph: \"thermal_budget\" expects a number in (0, inf) (heat per second), got " +
                 budget->describe());
        graph.thermal_budget = budget->number;
    }
    if (const JsonValue *schedule = root.find("schedule")) parse_schedule(*schedule, graph, names);
    return graph;
}

} // namespace amp
