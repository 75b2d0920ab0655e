import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let chosen: Promise<BackendName> | null = null;

async function tryNode(): Promise<boolean> {
  const name = '@tensorflow/tfjs-node';
  try {
    require.resolve(name);
  } catch {
    return false;
  }
  // Imported by a variable so the build does not need the optional package; it registers the 'tensorflow' backend.
  await import(name);
  return tf.setBackend('tensorflow');
}

async function tryWasm(): Promise<boolean> {
  // In Node the .wasm files are not found next to the bundle by default; point at the installed package's dist.
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  return tf.setBackend('wasm');
}

// Once per process: tfjs backends are global.
export function initBackend(prefer?: BackendName): Promise<BackendName> {
  chosen ??= (async () => {
    tf.enableProdMode();
    const order: BackendName[] = prefer ? [prefer] : ['tensorflow', 'wasm', 'cpu'];
    for (const name of order) {
      const ok = name === 'tensorflow' ? await tryNode() : name === 'wasm' ? await tryWasm() : await tf.setBackend('cpu');
      if (ok) {
        await tf.ready();
        return name;
      }
    }
    throw new Error(`The TensorFlow.js backend "${prefer}" is not available. Leave the backend unset to pick the best installed one.`);
  })();
  return chosen;
}
