// runtime_state.h: ownership and lifecycle of one AmpGraphRuntime handle.
//
// Shared (std::shared_ptr) by the JS Runtime wrapper and the render worker in flight, so the
// handle outlives whichever of the two goes last: a render keeps running even if the wrapper is
// collected, and the handle is released when nothing uses it. Every member function is called on
// the JS thread only; the worker thread reads handle() and cancel_flag() values captured before
// it was queued, and the runtime reads the flag through the AmpRenderOptions pointer.
#pragma once

#include <cstdint>

#include "amp_native.h"

namespace amp_binding {

class RuntimeState {
  public:
    // Takes ownership of `handle` (a successfully created runtime).
    explicit RuntimeState(AmpGraphRuntime *handle) noexcept;
    ~RuntimeState();
    RuntimeState(const RuntimeState &) = delete;
    RuntimeState &operator=(const RuntimeState &) = delete;

    // The handle; null once released.
    AmpGraphRuntime *handle() const noexcept { return handle_; }
    // destroy() was called (the release may still be pending behind a render).
    bool destroyed() const noexcept { return destroy_requested_; }
    bool rendering() const noexcept { return rendering_; }

    // Marks a render in flight and lowers the cancel flag.
    void BeginRender() noexcept;
    // Marks the render settled and performs a destroy requested meanwhile.
    void EndRender() noexcept;
    // Raises the cancel flag; the runtime reads it once per block. No-op when idle.
    void Cancel() noexcept;
    // Releases the handle now, or when the render in flight settles. Idempotent.
    void Destroy() noexcept;

    const volatile int32_t *cancel_flag() const noexcept { return &cancel_flag_; }

  private:
    void Release() noexcept;

    AmpGraphRuntime *handle_;
    bool rendering_ = false;
    bool destroy_requested_ = false;
    // Written on the JS thread, read by the runtime on the worker thread (AmpRenderOptions).
    volatile int32_t cancel_flag_ = 0;
};

} // namespace amp_binding
