// addon_data.h: per-environment state of the addon (one instance per Node environment, i.e. the
// main thread and each worker thread that loads the addon). Owned by the environment through
// napi_set_instance_data and deleted by its finalizer when the environment is torn down.
#pragma once

#include <napi.h>

#include <memory>

#include "runtime_state.h"

namespace amp_binding {

struct AddonData {
    // The JS error class registered with setErrorClass(); empty until then. Native failures are
    // built as `new errorClass(message, {code, codeName, stage, node, detail})`.
    Napi::FunctionReference error_class;
    // Constructor of the Runtime wrapper class (not exported; instances come from createRuntime).
    Napi::FunctionReference runtime_constructor;
    // Hand-over slot between createRuntime() and the Runtime constructor: the constructor takes
    // the state and clears the slot. A direct `new Runtime()` from JS finds it empty and throws.
    std::shared_ptr<RuntimeState> pending_runtime;
};

// The environment's AddonData; never null after module initialisation.
AddonData &GetAddonData(Napi::Env env);

} // namespace amp_binding
