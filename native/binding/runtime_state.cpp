// runtime_state.cpp: lifecycle of one runtime handle (see runtime_state.h).
#include "runtime_state.h"

namespace amp_binding {

RuntimeState::RuntimeState(AmpGraphRuntime *handle) noexcept : handle_(handle) {}

RuntimeState::~RuntimeState() { Release(); }

void RuntimeState::BeginRender() noexcept {
    cancel_flag_ = 0;
    rendering_ = true;
}

void RuntimeState::EndRender() noexcept {
    rendering_ = false;
    cancel_flag_ = 0;
    if (destroy_requested_) {
        Release();
    }
}

void RuntimeState::Cancel() noexcept {
    if (rendering_) {
        cancel_flag_ = 1;
    }
}

void RuntimeState::Destroy() noexcept {
    destroy_requested_ = true;
    if (!rendering_) {
        Release();
    }
}

void RuntimeState::Release() noexcept {
    if (handle_ != nullptr) {
        amp_graph_runtime_destroy(handle_);
        handle_ = nullptr;
    }
}

} // namespace amp_binding
