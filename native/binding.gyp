{
  "targets": [
    {
      "target_name": "semiseg_native",
      "sources": [
        "src/addon.cc",
        "src/handles.cc",
        "src/convert.cc",
        "src/ops.cc",
        "src/tensors.cc",
        "src/runtime.cc",
        "src/serialize.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node torch-config.cjs include)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<!(node torch-config.cjs abi)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-rtti", "-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-frtti", "-fexceptions", "-O2", "-Wno-unused-parameter"],
      "libraries": ["<!@(node torch-config.cjs libs)"]
    }
  ]
}
