// memory_budget.cpp: the process-wide buffer budget (see memory_budget.h).
#include "runtime/memory_budget.h"

#include <atomic>
#include <unistd.h>

namespace amp {

namespace {
std::atomic<uint64_t> g_budget_override{0}; // 0: the default
} // namespace

double memory_budget_bytes() {
    const uint64_t set = g_budget_override.load(std::memory_order_relaxed);
    if (set != 0) return static_cast<double>(set);
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const double pages = static_cast<double>(sysconf(_SC_PHYS_PAGES));
    return page > 0 && pages > 0 ? page * pages / 2.0 : 8.0 * 1024 * 1024 * 1024;
}

bool memory_budget_is_default() { return g_budget_override.load(std::memory_order_relaxed) == 0; }

void set_memory_budget_bytes(uint64_t bytes) {
    g_budget_override.store(bytes, std::memory_order_relaxed);
}

} // namespace amp
