// Prints the include dirs, link flags or ABI define for the libtorch in use, for binding.gyp.
// LIBTORCH=/path selects an unpacked libtorch (for example a CUDA build); otherwise the system one
// (Debian's libtorch-dev). LIBTORCH_CXX11_ABI=0|1 overrides the detected C++ ABI.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

function systemLibDir() {
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib']) {
    if (fs.existsSync(path.join(dir, 'libtorch_cpu.so'))) return dir;
  }
  throw new Error('libtorch_cpu.so not found: install libtorch-dev or set LIBTORCH');
}

const root = process.env.LIBTORCH;
const includeRoot = root ? path.join(root, 'include') : '/usr/include';
const libDir = root ? path.join(root, 'lib') : systemLibDir();

function cxx11Abi() {
  if (process.env.LIBTORCH_CXX11_ABI) return process.env.LIBTORCH_CXX11_ABI === '0' ? 0 : 1;
  try {
    const syms = execFileSync('nm', ['-D', '--defined-only', path.join(libDir, 'libc10.so')], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return syms.includes('__cxx11') ? 1 : 0;
  } catch {
    return 1;
  }
}

const what = process.argv[2];
if (what === 'include') {
  console.log([includeRoot, path.join(includeRoot, 'torch/csrc/api/include')].join(' '));
} else if (what === 'libs') {
  const hasCuda = fs.existsSync(path.join(libDir, 'libtorch_cuda.so'));
  const libs = [`-L${libDir}`, `-Wl,-rpath,${libDir}`, '-Wl,--no-as-needed', '-ltorch', '-ltorch_cpu', '-lc10'];
  if (hasCuda) libs.push('-ltorch_cuda', '-lc10_cuda');
  libs.push('-Wl,--as-needed');
  console.log(libs.join(' '));
} else if (what === 'abi') {
  console.log(`_GLIBCXX_USE_CXX11_ABI=${cxx11Abi()}`);
} else {
  console.error('usage: torch-config.cjs include|libs|abi');
  process.exit(2);
}
