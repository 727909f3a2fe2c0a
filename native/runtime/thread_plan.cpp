// thread_plan.cpp: how a render uses threads. set_threads() creates the helper threads; the plan
// splits each dependency level among them by a work estimate.
#include "runtime/graph_runtime.h"

#include <algorithm>
#include <string>
#include <utility>

#include "runtime/errors.h"
#include "runtime/limits.h"

namespace amp {

void GraphRuntime::set_threads(uint32_t threads) {
    if (threads < 1 || threads > limits::kMaxThreads)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "set_threads", "",
                         "threads expects an integer in [1, " +
                             std::to_string(limits::kMaxThreads) + "], got " +
                             std::to_string(threads));
    if (threads == threads_) return;
    threads_ = threads;
    workers_.reset();
    if (threads_ > 1) workers_ = std::make_unique<LevelWorkers>(threads_);
    plan_parallel_levels();
}

// Splits each level with at least two steps among the participants, greedily by a work
// estimate (heat work constant x channels x oversample), largest first. Blocks shorter than
// kMinParallelFrames run on one thread: there a barrier per level costs more than it saves
// (measured: 32 sines at block 128 ran slower on two threads than on one).
void GraphRuntime::plan_parallel_levels() {
    constexpr uint32_t kMinParallelFrames = 256;
    level_buckets_.assign(plan_.levels.size(), {});
    serial_steps_.clear();
    for (const std::vector<Step> &level : plan_.levels)
        serial_steps_.insert(serial_steps_.end(), level.begin(), level.end());
    if (!workers_ || workers_->participants() <= 1 || max_step_ < kMinParallelFrames) {
        plan_small_calls();
        return;
    }
    const uint32_t participants = workers_->participants();
    for (size_t level = 0; level < plan_.levels.size(); ++level) {
        const std::vector<Step> &steps = plan_.levels[level];
        if (steps.size() < 2) continue;
        std::vector<std::pair<double, Step>> weighted;
        for (const Step &step : steps) {
            const NodeDescription &node = graph_.nodes[step.node];
            const double cost = (node.spec->heat_work + 1.0) *
                                std::max(1u, plan_.output_channels[step.node]) *
                                node.config.oversample;
            weighted.push_back({cost, step});
        }
        std::stable_sort(weighted.begin(), weighted.end(),
                         [](const auto &a, const auto &b) { return a.first > b.first; });
        std::vector<std::vector<Step>> buckets(participants);
        std::vector<double> load(participants, 0.0);
        for (const auto &entry : weighted) {
            const size_t lightest =
                static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
            buckets[lightest].push_back(entry.second);
            load[lightest] += entry.first;
        }
        level_buckets_[level] = std::move(buckets);
        serial_steps_.clear(); // a level runs on several threads
    }
    plan_small_calls();
}

} // namespace amp
