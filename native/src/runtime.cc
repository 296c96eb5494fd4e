// Process-wide runtime controls: threads, seeding and generator state, grad modes, device queries.
#include "common.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/ops/empty.h>
#include <ATen/core/grad_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include <cstring>
#include <mutex>

namespace semiseg {

void SetTorchErrorClass(Napi::Env env, Napi::Function ctor);

namespace {

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) ThrowTypeError(info.Env(), "setErrorClass(ctor: Function)");
  SetTorchErrorClass(info.Env(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "setNumThreads", [&]() -> Napi::Value {
    const int n = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
    if (n < 1) ThrowTorchError(env, "setNumThreads", "the thread count must be a positive integer");
    at::set_num_threads(n);
    return env.Undefined();
  });
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

// manualSeed(seed): seeds the CPU generator and, where present, every CUDA generator.
Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "manualSeed", [&]() -> Napi::Value {
    uint64_t seed = 0;
    if (info.Length() > 0 && info[0].IsBigInt()) {
      bool lossless = true;
      seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
    } else if (info.Length() > 0 && info[0].IsNumber()) {
      const double d = info[0].As<Napi::Number>().DoubleValue();
      if (!(d >= 0) || d != static_cast<double>(static_cast<uint64_t>(d))) {
        ThrowTorchError(env, "manualSeed", "the seed must be a non-negative integer");
      }
      seed = static_cast<uint64_t>(d);
    } else {
      ThrowTorchError(env, "manualSeed", "the seed must be a non-negative integer");
    }
    at::manual_seed(seed);
    return env.Undefined();
  });
}

const at::Generator& GeneratorFor(const std::string& device) {
  if (device == "cpu") return at::detail::getDefaultCPUGenerator();
  const c10::Device d = ParseDevice(device, "rng");
  if (!d.is_cuda()) throw std::invalid_argument("no generator for device '" + device + "'");
  return at::detail::getCUDAHooks().getDefaultCUDAGenerator(d.has_index() ? d.index() : 0);
}

// getRngState(device = 'cpu') -> Uint8Array copy of the default generator's state.
Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "getRngState", [&]() -> Napi::Value {
    const std::string device =
        info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string("cpu");
    at::Generator gen = GeneratorFor(device);
    at::Tensor state;
    {
      std::lock_guard<std::mutex> lock(gen.mutex());
      state = gen.get_state();
    }
    state = state.contiguous();
    Napi::Uint8Array out = Napi::Uint8Array::New(env, static_cast<size_t>(state.numel()));
    std::memcpy(out.Data(), state.data_ptr(), static_cast<size_t>(state.numel()));
    return out;
  });
}

// setRngState(device, Uint8Array): restores a state returned by getRngState.
Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "setRngState", [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsTypedArray()) {
      ThrowTorchError(env, "setRngState", "expects (device: string, state: Uint8Array)");
    }
    at::Generator gen = GeneratorFor(info[0].As<Napi::String>());
    Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
    at::Tensor state = at::empty({static_cast<int64_t>(bytes.ElementLength())}, at::kByte);
    std::memcpy(state.data_ptr(), bytes.Data(), bytes.ElementLength());
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
    return env.Undefined();
  });
}

// setGradEnabled(enabled) -> previous value. Grad mode is thread-local in libtorch.
Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  const bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(info.Length() > 0 && info[0].ToBoolean().Value());
  return Napi::Boolean::New(info.Env(), previous);
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

// withInferenceMode(fn) -> fn's result, with c10::InferenceMode active while fn runs.
Napi::Value WithInferenceMode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) ThrowTypeError(env, "withInferenceMode(fn: Function)");
  c10::InferenceMode guard;
  return info[0].As<Napi::Function>().Call({});
}

Napi::Value IsInferenceMode(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::InferenceMode::is_enabled());
}

Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  const bool has = at::hasCUDA();
  return Napi::Number::New(info.Env(), has ? static_cast<double>(at::getNumGPUs()) : 0.0);
}

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), TORCH_VERSION); }

Napi::Value ShowConfig(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), at::show_config());
}

}  // namespace

void RegisterRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("manualSeed", Napi::Function::New(env, ManualSeed, "manualSeed"));
  exports.Set("getRngState", Napi::Function::New(env, GetRngState, "getRngState"));
  exports.Set("setRngState", Napi::Function::New(env, SetRngState, "setRngState"));
  exports.Set("setGradEnabled", Napi::Function::New(env, SetGradEnabled, "setGradEnabled"));
  exports.Set("isGradEnabled", Napi::Function::New(env, IsGradEnabled, "isGradEnabled"));
  exports.Set("withInferenceMode", Napi::Function::New(env, WithInferenceMode, "withInferenceMode"));
  exports.Set("isInferenceMode", Napi::Function::New(env, IsInferenceMode, "isInferenceMode"));
  exports.Set("cudaDeviceCount", Napi::Function::New(env, CudaDeviceCount, "cudaDeviceCount"));
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("showConfig", Napi::Function::New(env, ShowConfig, "showConfig"));
}

}  // namespace semiseg
