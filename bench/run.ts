import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Each bench prints `name: value unit` lines and resolves false when a correctness check failed. */
interface BenchModule {
  run(print: (line: string) => void): Promise<boolean>;
}

const BENCHES: readonly { name: string; load: () => Promise<BenchModule> }[] = [
  { name: 'match', load: () => import('./match') },
  { name: 'bundles', load: () => import('./bundles') },
  { name: 'import', load: () => import('./import') },
  { name: 'fanout', load: () => import('./fanout') },
  { name: 'render', load: () => import('./render') },
  { name: 'cold-load', load: () => import('./cold-load') },
  { name: 'send', load: () => import('./send') },
  { name: 'headlines', load: () => import('./headlines') },
  { name: 'near-duplicates', load: () => import('./near-duplicates') },
  { name: 'hostile-input', load: () => import('./hostile-input') },
];

if (typeof globalThis.gc !== 'function') {
  // Heap figures need forced collections: when started without --expose-gc, restart with it.
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    // `--import tsx` resolves from the working directory, so run from the repository root.
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' },
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
