import * as fs from 'node:fs';
import { ndarray, openSource, registerCodec, saveStates } from '@statekit/core';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { npz } from '@statekit/npz';

registerCodec(npz);
const file = '/tmp/bench/b.npz';
if (!fs.existsSync(file)) {
  const state: Record<string, unknown> = {};
  for (let i = 0; i < 20000; i++)
    state[`layer${i}.w`] = ndarray('float32', [100], new Float32Array(100).fill(i));
  await saveStates(state as never, atomicFileSink(file), { format: 'npz' });
  process.exit(0);
}
await npz.load();
globalThis.gc?.();
const before = process.memoryUsage();
const source = fileSource(file);
const reader = await openSource(source);
const kept = [];
for await (const e of reader.read()) kept.push(e);
const after = process.memoryUsage();
const hwm =
  Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
globalThis.gc?.();
const gcd = process.memoryUsage();
const mb = (x: number) => (x / 2 ** 20).toFixed(1);
console.log(
  `peak growth ${mb(hwm - before.rss)} MB (${((hwm - before.rss) / 8e6).toFixed(2)}x of 8 MB); heapUsed +${mb(after.heapUsed - before.heapUsed)} after gc +${mb(gcd.heapUsed - before.heapUsed)}; external +${mb(gcd.external - before.external)} arrayBuffers +${mb(gcd.arrayBuffers - before.arrayBuffers)} rss after gc +${mb(gcd.rss - before.rss)}`,
);
