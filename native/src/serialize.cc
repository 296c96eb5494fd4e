// Named tensor dictionaries in PyTorch's pickle (zip) format: bytes that Python's torch.load reads.
// (Reading is done in TypeScript: libtorch's unpickler cannot read an OrderedDict state_dict.)
#include "common.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/pickle.h>

namespace semiseg {

namespace {

// pickleSave(names: string[], handles: number[]) -> Buffer. Tensors are saved detached, on the CPU.
Napi::Value PickleSave(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "pickleSave", [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsArray()) {
      ThrowTorchError(env, "pickleSave", "expects (names: string[], tensors: Tensor[])");
    }
    Napi::Array names = info[0].As<Napi::Array>();
    Napi::Array handles = info[1].As<Napi::Array>();
    if (names.Length() != handles.Length()) ThrowTorchError(env, "pickleSave", "names and tensors differ in length");
    c10::Dict<std::string, at::Tensor> dict;
    for (uint32_t i = 0; i < names.Length(); ++i) {
      Napi::Value name = names.Get(i);
      if (!name.IsString()) ThrowTorchError(env, "pickleSave", "every name must be a string");
      const std::string key = name.As<Napi::String>();
      if (dict.contains(key)) ThrowTorchError(env, "pickleSave", "duplicate name '" + key + "'");
      at::Tensor t = TensorArg(handles.Get(i), "pickleSave", key.c_str()).detach();
      if (!t.device().is_cpu()) t = t.to(at::kCPU);
      dict.insert(key, t);
    }
    const std::vector<char> bytes = torch::jit::pickle_save(c10::IValue(dict));
    return Napi::Buffer<char>::Copy(env, bytes.data(), bytes.size());
  });
}

}  // namespace

void RegisterSerialize(Napi::Env env, Napi::Object exports) {
  exports.Set("pickleSave", Napi::Function::New(env, PickleSave, "pickleSave"));
}

}  // namespace semiseg
