// leak_canary.cpp: leaks one block on purpose. Registered only in sanitizer builds, as a test
// that must FAIL (WILL_FAIL): it proves LeakSanitizer is active in `npm run test:sanitize`, so
// the other tests passing there means they leak nothing.
#include <cstdio>
#include <cstdlib>

int main() {
    void *volatile block = std::malloc(4096);
    std::printf("leaked %p\n", block);
    block = nullptr;
    return 0;
}
