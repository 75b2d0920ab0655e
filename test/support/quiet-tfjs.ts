// TensorFlow.js keeps its kernel registry on the process, which outlives each test file's module registry: the second
// file that imports ml/ re-registers every WASM kernel and tfjs warns once per kernel (hundreds of lines that bury the
// real failures in CI output). Only those re-registration notices are dropped.
const TFJS_REREGISTER = /^(The kernel '.*' for backend '.*' is already registered|Platform .* has already been set|.* backend was already registered)/;
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && TFJS_REREGISTER.test(args[0])) return;
  warn(...args);
};
