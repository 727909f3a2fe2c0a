// graph_compiler.cpp: ordering, loop splitting, channel inference, latency; see
// graph_compiler.h.
#include "runtime/graph_compiler.h"

#include <algorithm>
#include <functional>

#include "runtime/errors.h"
#include "runtime/node_config.h"

namespace amp {

namespace {

const char *kStage = "compile";

// Strongly connected component id of every node (Tarjan); `cyclic` marks nodes on a cycle.
std::vector<uint32_t> components(size_t node_count, const std::vector<LinkPlan> &links,
                                 std::vector<bool> &cyclic) {
    std::vector<std::vector<uint32_t>> out(node_count);
    std::vector<bool> self_loop(node_count, false);
    for (const LinkPlan &link : links) {
        out[link.from].push_back(link.to);
        if (link.from == link.to) self_loop[link.from] = true;
    }
    std::vector<int> index(node_count, -1), low(node_count, 0);
    std::vector<bool> on_stack(node_count, false);
    std::vector<uint32_t> stack, component_of(node_count, 0);
    cyclic.assign(node_count, false);
    int counter = 0;
    uint32_t next_component = 0;
    std::function<void(uint32_t)> visit = [&](uint32_t v) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
        for (uint32_t w : out[v]) {
            if (index[w] < 0) {
                visit(w);
                low[v] = std::min(low[v], low[w]);
            } else if (on_stack[w]) {
                low[v] = std::min(low[v], index[w]);
            }
        }
        if (low[v] == index[v]) {
            std::vector<uint32_t> members;
            uint32_t w = 0;
            do {
                w = stack.back();
                stack.pop_back();
                on_stack[w] = false;
                members.push_back(w);
            } while (w != v);
            for (uint32_t member : members) {
                component_of[member] = next_component;
                cyclic[member] = members.size() > 1 || self_loop[member];
            }
            ++next_component;
        }
    };
    for (uint32_t v = 0; v < node_count; ++v)
        if (index[v] < 0) visit(v);
    return component_of;
}

// Step ids: process or emit of node n = 2n, absorb of node n = 2n + 1 (split nodes only).
uint32_t producer_step(uint32_t node) { return 2 * node; }
uint32_t consumer_step(const LinkPlan &link, const std::vector<bool> &split) {
    return split[link.to] && !link.modulation ? 2 * link.to + 1 : 2 * link.to;
}

std::string link_text(const GraphDescription &graph, const LinkPlan &link) {
    std::string text = graph.nodes[link.from].name + (link.modulation ? " ~> " : " -> ") +
                       graph.nodes[link.to].name;
    if (link.modulation)
        text += std::string(".") +
                graph.nodes[link.to].spec->params[graph.modulations[link.index].param].name;
    return text;
}

[[noreturn]] void reject_cycle(const GraphDescription &graph, const std::vector<LinkPlan> &links,
                               const std::vector<bool> &split, const std::vector<bool> &done) {
    // Walk backwards from an unfinished step through unfinished producers until a step
    // repeats: the repeated stretch is a cycle.
    const size_t step_count = 2 * graph.nodes.size();
    std::vector<int> in_link(step_count, -1);
    for (size_t i = 0; i < links.size(); ++i) {
        const LinkPlan &link = links[i];
        if (link.breaks_cycle) continue;
        const uint32_t to = consumer_step(link, split);
        if (!done[to] && !done[producer_step(link.from)]) in_link[to] = static_cast<int>(i);
    }
    uint32_t step = 0;
    while (step < step_count && (done[step] || in_link[step] < 0)) ++step;
    std::vector<uint32_t> path;
    std::vector<int> seen(step_count, -1);
    while (seen[step] < 0) {
        seen[step] = static_cast<int>(path.size());
        path.push_back(static_cast<uint32_t>(in_link[step]));
        step = producer_step(links[static_cast<size_t>(in_link[step])].from);
    }
    std::vector<uint32_t> cycle(path.begin() + seen[step], path.end());
    std::reverse(cycle.begin(), cycle.end());
    std::string text = graph.nodes[links[cycle.front()].from].name;
    std::string names;
    for (uint32_t id : cycle) {
        const LinkPlan &link = links[id];
        const std::string full = link_text(graph, link);
        text += full.substr(graph.nodes[link.from].name.size());
        names += std::string(names.empty() ? "" : ", ") + "\"" + graph.nodes[link.to].name + "\"";
    }
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[links[cycle.front()].from].name,
                     "graph: cycle without a delay of at least one frame through nodes " + names +
                         ": " + text +
                         " (-> audio, ~> modulation); put a delay node with frames >= 1 or an edge "
                         "with delay_frames >= 1 in the loop");
}

std::vector<Step> default_order(const GraphDescription &graph, const std::vector<LinkPlan> &links,
                                const std::vector<bool> &split) {
    const size_t n = graph.nodes.size();
    const size_t step_count = 2 * n;
    std::vector<std::vector<uint32_t>> successors(step_count);
    std::vector<uint32_t> pending(step_count, 0);
    std::vector<bool> exists(step_count, false);
    for (uint32_t v = 0; v < n; ++v) {
        exists[2 * v] = true;
        if (split[v]) {
            exists[2 * v + 1] = true;
            successors[2 * v].push_back(2 * v + 1); // emit before absorb
            ++pending[2 * v + 1];
        }
    }
    for (const LinkPlan &link : links) {
        if (link.breaks_cycle) continue;
        const uint32_t from = producer_step(link.from);
        const uint32_t to = consumer_step(link, split);
        successors[from].push_back(to);
        ++pending[to];
    }
    // Kahn's algorithm; among ready steps the lowest id first (deterministic order).
    std::vector<Step> steps;
    std::vector<bool> done(step_count, false);
    for (;;) {
        uint32_t ready = UINT32_MAX;
        for (uint32_t s = 0; s < step_count; ++s)
            if (exists[s] && !done[s] && pending[s] == 0) {
                ready = s;
                break;
            }
        if (ready == UINT32_MAX) break;
        done[ready] = true;
        const uint32_t node = ready / 2;
        const StepKind kind =
            !split[node] ? StepKind::Process : (ready % 2 == 0 ? StepKind::Emit : StepKind::Absorb);
        steps.push_back({node, kind});
        for (uint32_t next : successors[ready]) --pending[next];
    }
    for (uint32_t s = 0; s < step_count; ++s)
        if (exists[s] && !done[s]) reject_cycle(graph, links, split, done);
    return steps;
}

// The caller's stages, checked: every producer a node waits for must sit in an earlier stage.
// Split nodes emit at the start of the block, so nothing waits on their position.
std::vector<Step> explicit_order(const GraphDescription &graph, const std::vector<LinkPlan> &links,
                                 const std::vector<bool> &split) {
    std::vector<uint32_t> stage_of(graph.nodes.size(), 0);
    for (uint32_t s = 0; s < graph.schedule.size(); ++s)
        for (uint32_t v : graph.schedule[s]) stage_of[v] = s;
    for (const LinkPlan &link : links) {
        if (link.breaks_cycle || split[link.from]) continue;
        if (stage_of[link.from] >= stage_of[link.to])
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[link.to].name,
                             "graph: invalid \"schedule\": node \"" + graph.nodes[link.to].name +
                                 "\" (stage " + std::to_string(stage_of[link.to]) +
                                 ") depends on node \"" + graph.nodes[link.from].name +
                                 "\" (stage " + std::to_string(stage_of[link.from]) + ") through " +
                                 link_text(graph, link) +
                                 "; every producer must be in an earlier stage than its consumers");
    }
    std::vector<Step> steps;
    for (uint32_t v = 0; v < graph.nodes.size(); ++v)
        if (split[v]) steps.push_back({v, StepKind::Emit});
    for (const auto &cohort : graph.schedule)
        for (uint32_t v : cohort)
            steps.push_back({v, split[v] ? StepKind::Absorb : StepKind::Process});
    return steps;
}

// Groups the ordered steps into levels: a step's level is one more than the highest level of
// the steps it waits for, so the steps of one level can run at the same time.
std::vector<std::vector<Step>> assign_levels(const GraphDescription &graph,
                                             const std::vector<LinkPlan> &links,
                                             const std::vector<bool> &split,
                                             const std::vector<Step> &steps) {
    const size_t step_count = 2 * graph.nodes.size();
    std::vector<std::vector<uint32_t>> predecessors(step_count);
    for (uint32_t v = 0; v < graph.nodes.size(); ++v)
        if (split[v]) predecessors[2 * v + 1].push_back(2 * v);
    for (const LinkPlan &link : links)
        if (!link.breaks_cycle)
            predecessors[consumer_step(link, split)].push_back(producer_step(link.from));
    std::vector<uint32_t> level(step_count, 0);
    std::vector<std::vector<Step>> levels;
    for (const Step &step : steps) {
        const uint32_t id = 2 * step.node + (step.kind == StepKind::Absorb ? 1 : 0);
        uint32_t mine = 0;
        for (uint32_t before : predecessors[id]) mine = std::max(mine, level[before] + 1);
        level[id] = mine;
        if (levels.size() <= mine) levels.resize(mine + 1);
        levels[mine].push_back(step);
    }
    return levels;
}

// Channels of one named output of node v (all of them when it has at most one).
uint32_t group_channels(const GraphDescription &graph, const CompiledGraph &plan, uint32_t v) {
    const uint32_t outputs =
        std::max(1u, static_cast<uint32_t>(graph.nodes[v].config.output_names.size()));
    return plan.output_channels[v] / outputs;
}

void infer_channels(const GraphDescription &graph, CompiledGraph &plan) {
    const size_t n = graph.nodes.size();
    plan.output_channels.assign(n, 0);
    plan.port_channels.assign(n, {});
    for (uint32_t v = 0; v < n; ++v)
        plan.port_channels[v].assign(graph.nodes[v].spec->input_count, 0);
    // Fixed point: loops start from 0 channels and grow to the stable count.
    for (size_t iteration = 0; iteration <= n + 1; ++iteration) {
        bool changed = false;
        for (const Step &step : plan.steps) {
            if (step.kind == StepKind::Absorb) continue;
            const uint32_t v = step.node;
            const NodeSpec &spec = *graph.nodes[v].spec;
            for (uint32_t p = 0; p < spec.input_count; ++p) {
                uint32_t channels = 0;
                for (uint32_t id : plan.port_edges[v][p]) {
                    const uint32_t c = group_channels(graph, plan, graph.edges[id].from);
                    channels = spec.inputs[p].gather == Gather::Concat ? channels + c
                                                                       : std::max(channels, c);
                }
                plan.port_channels[v][p] = channels;
            }
            bool inputs_known = true; // every connected port has its channels
            for (uint32_t p = 0; p < spec.input_count; ++p)
                inputs_known =
                    inputs_known && (plan.port_edges[v][p].empty() || plan.port_channels[v][p] > 0);
            if (!inputs_known) continue;
            std::string error;
            const uint32_t channels = plan.nodes[v]->output_channels(plan.port_channels[v].data(),
                                                                     spec.input_count, error);
            if (channels == 0)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                                 node_label(graph.nodes[v].name, spec.type_name) + ": " + error);
            if (channels > 1024)
                throw AmpFailure(
                    AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                    node_label(graph.nodes[v].name, spec.type_name) +
                        ": more than 1024 channels (" + std::to_string(channels) +
                        "); a concat input inside a feedback loop grows without bound");
            const size_t named = graph.nodes[v].config.output_names.size();
            if (named > 1 && channels % named != 0)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                                 node_label(graph.nodes[v].name, spec.type_name) + ": " +
                                     std::to_string(channels) +
                                     " output channels do not split into " + std::to_string(named) +
                                     " equal named outputs");
            if (channels != plan.output_channels[v]) {
                plan.output_channels[v] = channels;
                changed = true;
            }
        }
        if (!changed) {
            // Settled: a node still without channels reads only a feedback loop that no source
            // feeds (nothing fixes its channel count).
            for (uint32_t v = 0; v < n; ++v)
                if (plan.output_channels[v] == 0)
                    throw AmpFailure(
                        AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                        node_label(graph.nodes[v].name, graph.nodes[v].spec->type_name) +
                            ": its channel count cannot be inferred: its inputs "
                            "come only from a feedback loop that no source feeds");
            return;
        }
    }
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, "",
                     "graph: channel counts inside a feedback loop do not settle (a concat input "
                     "inside the loop grows them without bound)");
}

// Declared delays and padding per node (a declared delay below the node's own latency is an
// error: the runtime can add latency, not remove it).
void resolve_declared_delays(const GraphDescription &graph, CompiledGraph &plan) {
    const size_t n = graph.nodes.size();
    plan.declared.assign(n, 0);
    plan.padding.assign(n, 0);
    for (uint32_t v = 0; v < n; ++v) {
        const NodeConfig &config = graph.nodes[v].config;
        const uint32_t latency = plan.nodes[v]->latency_frames();
        if (config.declared_delay_given && graph.nodes[v].spec->delay_is_latency &&
            config.declared_delay_frames != latency)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                             node_label(graph.nodes[v].name, graph.nodes[v].spec->type_name) +
                                 ": parameter \"declared_delay_frames\" expects exactly " +
                                 std::to_string(latency) +
                                 " (the node's latency; this node type adds no padding), got " +
                                 std::to_string(config.declared_delay_frames));
        if (config.declared_delay_given && config.declared_delay_frames < latency)
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                             node_label(graph.nodes[v].name, graph.nodes[v].spec->type_name) +
                                 ": parameter \"declared_delay_frames\" expects an integer >= " +
                                 std::to_string(latency) + " (the node's own latency), got " +
                                 std::to_string(config.declared_delay_frames));
        plan.declared[v] = config.declared_delay_given ? config.declared_delay_frames : latency;
        plan.padding[v] = plan.declared[v] - latency;
    }
}

// Accumulated declared delay at each node's inputs; links inside a cycle carry none (a loop
// has no finite latency). Relaxation over the component DAG, then compensation per link.
void compensate_latency(const GraphDescription &graph, CompiledGraph &plan,
                        const std::vector<uint32_t> &component) {
    const size_t n = graph.nodes.size();
    plan.arrival.assign(n, 0);
    for (size_t round = 0; round <= n; ++round) {
        bool changed = false;
        for (const LinkPlan &link : plan.links) {
            if (component[link.from] == component[link.to]) continue;
            const uint32_t ready = plan.arrival[link.from] + plan.declared[link.from];
            if (ready > plan.arrival[link.to]) {
                plan.arrival[link.to] = ready;
                changed = true;
            }
        }
        for (uint32_t v = 0; v < n; ++v)
            for (uint32_t w = 0; w < n; ++w)
                if (component[v] == component[w] && plan.arrival[w] > plan.arrival[v]) {
                    plan.arrival[v] = plan.arrival[w];
                    changed = true;
                }
        if (!changed) break;
    }
    for (LinkPlan &link : plan.links) {
        link.compensation = 0;
        if (graph.latency_compensation && component[link.from] != component[link.to])
            link.compensation =
                plan.arrival[link.to] - (plan.arrival[link.from] + plan.declared[link.from]);
        link.delay += link.compensation;
    }
    plan.latency_frames = plan.arrival[graph.output] + plan.declared[graph.output];
    if (graph.latency_compensation) return;
    // Without compensation every path keeps its own delay: the latency the output shows is the
    // earliest arrival, the smallest accumulated declared delay over the paths from a source.
    std::vector<uint32_t> earliest(n, 0);
    std::vector<bool> fed(n, false); // has a link from another component
    for (const LinkPlan &link : plan.links)
        if (component[link.from] != component[link.to]) fed[link.to] = true;
    for (uint32_t v = 0; v < n; ++v)
        if (fed[v]) earliest[v] = UINT32_MAX;
    for (size_t round = 0; round <= n; ++round) {
        bool changed = false;
        for (const LinkPlan &link : plan.links) {
            if (component[link.from] == component[link.to] || earliest[link.from] == UINT32_MAX)
                continue;
            const uint32_t ready = earliest[link.from] + plan.declared[link.from];
            if (ready < earliest[link.to]) {
                earliest[link.to] = ready;
                changed = true;
            }
        }
        for (uint32_t v = 0; v < n; ++v)
            for (uint32_t w = 0; w < n; ++w)
                if (component[v] == component[w] && earliest[w] < earliest[v]) {
                    earliest[v] = earliest[w];
                    changed = true;
                }
        if (!changed) break;
    }
    plan.latency_frames = earliest[graph.output] + plan.declared[graph.output];
}

} // namespace

CompiledGraph compile_graph(const GraphDescription &graph) {
    CompiledGraph plan;
    const size_t n = graph.nodes.size();
    for (const NodeDescription &node : graph.nodes)
        plan.nodes.push_back(node.spec->create(node.config));

    plan.port_edges.assign(n, {});
    plan.param_mods.assign(n, {});
    for (uint32_t v = 0; v < n; ++v) {
        plan.port_edges[v].assign(graph.nodes[v].spec->input_count, {});
        plan.param_mods[v].assign(graph.nodes[v].spec->param_count, {});
    }
    for (uint32_t id = 0; id < graph.edges.size(); ++id)
        plan.port_edges[graph.edges[id].to][graph.edges[id].port].push_back(id);
    for (uint32_t id = 0; id < graph.modulations.size(); ++id)
        plan.param_mods[graph.modulations[id].to][graph.modulations[id].param].push_back(id);
    for (uint32_t v = 0; v < n; ++v) {
        const NodeSpec &spec = *graph.nodes[v].spec;
        for (uint32_t p = 0; p < spec.input_count; ++p)
            if (plan.port_edges[v][p].empty() && !spec.inputs[p].optional)
                throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                                 node_label(graph.nodes[v].name, spec.type_name) + ": input \"" +
                                     spec.inputs[p].name + "\" has no incoming edge");
    }
    resolve_declared_delays(graph, plan);

    plan.audio_edge_count = static_cast<uint32_t>(graph.edges.size());
    for (uint32_t id = 0; id < graph.edges.size(); ++id) {
        const AudioEdge &edge = graph.edges[id];
        plan.links.push_back(
            {edge.from, edge.to, false, id, edge.delay_frames + plan.padding[edge.from], 0, false});
    }
    for (uint32_t id = 0; id < graph.modulations.size(); ++id) {
        const ModulationEdge &edge = graph.modulations[id];
        plan.links.push_back(
            {edge.from, edge.to, true, id, edge.delay_frames + plan.padding[edge.from], 0, false});
    }

    std::vector<bool> cyclic;
    const std::vector<uint32_t> component = components(n, plan.links, cyclic);
    for (LinkPlan &link : plan.links)
        if (component[link.from] == component[link.to] && cyclic[link.from] && link.delay >= 1) {
            link.breaks_cycle = true;
            plan.max_block = std::min(plan.max_block, link.delay);
        }
    std::vector<bool> split(n, false);
    for (uint32_t v = 0; v < n; ++v) {
        const uint32_t loop_delay = plan.nodes[v]->loop_delay_frames();
        if (cyclic[v] && loop_delay >= 1) {
            split[v] = true;
            plan.max_block = std::min(plan.max_block, loop_delay);
        }
    }
    plan.steps = default_order(graph, plan.links, split); // also rejects delay-free cycles
    if (!graph.schedule.empty()) plan.steps = explicit_order(graph, plan.links, split);
    plan.levels = assign_levels(graph, plan.links, split, plan.steps);
    infer_channels(graph, plan);

    plan.param_offset.assign(n, 0);
    for (uint32_t v = 0; v < n; ++v) {
        plan.param_offset[v] = static_cast<uint32_t>(plan.param_channels.size());
        const uint32_t declared = graph.nodes[v].config.modulation_channels;
        if (declared > 1 && declared != plan.output_channels[v])
            throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                             node_label(graph.nodes[v].name, graph.nodes[v].spec->type_name) +
                                 ": parameter \"modulation.channels\" expects 1 or the node's "
                                 "output channel count " +
                                 std::to_string(plan.output_channels[v]) + ", got " +
                                 std::to_string(declared));
        for (uint32_t p = 0; p < graph.nodes[v].spec->param_count; ++p) {
            uint32_t channels = 1;
            for (uint32_t id : plan.param_mods[v][p]) {
                const ModulationEdge &edge = graph.modulations[id];
                const uint32_t source_channels = group_channels(graph, plan, edge.from);
                if (edge.channel < 0 && source_channels > 1)
                    channels = std::max(plan.output_channels[v], 1u);
                if (edge.channel >= 0 && static_cast<uint32_t>(edge.channel) >= source_channels)
                    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, kStage, graph.nodes[v].name,
                                     "modulation " + graph.nodes[edge.from].name + " ~> " +
                                         graph.nodes[v].name + "." +
                                         graph.nodes[v].spec->params[p].name + ": \"channel\" " +
                                         std::to_string(edge.channel) + " is out of range; \"" +
                                         graph.nodes[edge.from].name + "\" has " +
                                         std::to_string(source_channels) + " channel(s)");
            }
            // modulation.channels fixes the count of a modulated parameter's channels.
            if (declared != 0 && !plan.param_mods[v][p].empty()) channels = declared;
            plan.param_channels.push_back(channels);
        }
    }
    for (const LinkPlan &link : plan.links) {
        const uint32_t output = link.modulation ? graph.modulations[link.index].from_output
                                                : graph.edges[link.index].from_output;
        const uint32_t count = group_channels(graph, plan, link.from);
        plan.link_first_channel.push_back(output * count);
        plan.link_channels.push_back(count);
    }
    compensate_latency(graph, plan, component);
    return plan;
}

} // namespace amp
