// memory_budget.h: the process-wide limit on the buffers one runtime (or one node state) may
// allocate at configure. Default: half the machine's physical memory; amp_set_memory_budget
// lowers or raises it (hosts with a quota, fuzz harnesses).
#pragma once

#include <cstdint>

namespace amp {

// The budget in bytes now in force.
double memory_budget_bytes();
// True when the budget is the default (half the machine's memory), false when set by a host.
bool memory_budget_is_default();
// Sets the budget in bytes; 0 restores the default.
void set_memory_budget_bytes(uint64_t bytes);

} // namespace amp
