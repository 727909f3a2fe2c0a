// counting_malloc.h: replaces the malloc family of the test binary that includes it (once) so
// that every heap allocation of the process is counted in g_allocations (operator new calls
// malloc in libstdc++). Sanitizers own malloc: binaries including this stay out of sanitizer
// builds (native/tests/CMakeLists.txt).
#pragma once

#include <cstddef>

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *pointer);
}

namespace {
volatile long g_allocations = 0;
} // namespace

extern "C" {
void *malloc(size_t size) {
    ++g_allocations;
    return __libc_malloc(size);
}
void *calloc(size_t count, size_t size) {
    ++g_allocations;
    return __libc_calloc(count, size);
}
void *realloc(void *pointer, size_t size) {
    ++g_allocations;
    return __libc_realloc(pointer, size);
}
void *memalign(size_t alignment, size_t size) {
    ++g_allocations;
    return __libc_memalign(alignment, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
    ++g_allocations;
    *out = __libc_memalign(alignment, size);
    return *out != nullptr ? 0 : 12;
}
void *aligned_alloc(size_t alignment, size_t size) {
    ++g_allocations;
    return __libc_memalign(alignment, size);
}
void free(void *pointer) { __libc_free(pointer); }
}
