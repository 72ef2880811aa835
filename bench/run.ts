import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Each bench prints `name: value unit` lines and resolves false when a correctness check failed. */
interface BenchModule {
  run(print: (line: string) => void): Promise<boolean>;
}

const BENCHES: readonly { name: string; load: () => Promise<BenchModule> }[] = [
  { name: 'match', load: () => import('./match') },
];

if (typeof globalThis.gc !== 'function') {
  // Heap figures need forced collections; `npm run bench` starts tsx without --expose-gc, so restart with it.
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', self, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(child.status ?? 1);
}

// `npm run bench -- match` runs only the named benches.
const wanted = new Set(process.argv.slice(2));
let failed = false;
for (const bench of BENCHES.filter(({ name }) => wanted.size === 0 || wanted.has(name))) {
  console.log(`# ${bench.name}`);
  const module = await bench.load();
  const ok = await module.run((line) => console.log(line));
  failed ||= !ok;
}
process.exitCode = failed ? 1 : 0;
