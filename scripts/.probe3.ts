import * as fs from 'node:fs';
import { openSource, registerCodec } from '@statekit/core';
import { fileSource } from '@statekit/core/node';
import { npz } from '@statekit/npz';

registerCodec(npz);
const file = '/tmp/bench/b.npz';
await npz.load();
globalThis.gc?.();
const hwmNow = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const before = process.memoryUsage();
const mb = (x: number) => (x / 2 ** 20).toFixed(1);
const source = fileSource(file);
const reader = await openSource(source);
const a = process.memoryUsage();
console.log(
  `open: heap +${mb(a.heapUsed - before.heapUsed)} rss peak +${mb(hwmNow() - before.rss)}`,
);
if (process.argv[2] === 'list') {
  await reader.list();
  const b = process.memoryUsage();
  console.log(
    `list: heap +${mb(b.heapUsed - before.heapUsed)} rss peak +${mb(hwmNow() - before.rss)}`,
  );
}
const kept: unknown[] = [];
let i = 0;
for await (const e of reader.read()) {
  if (process.argv[2] === 'keep') kept.push(e);
  if (++i % 5000 === 0) {
    const c = process.memoryUsage();
    console.log(
      `${i}: heap +${mb(c.heapUsed - before.heapUsed)} rss peak +${mb(hwmNow() - before.rss)}`,
    );
  }
}
