import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { functions } from '../lib/manifest';
import { type FunctionBundle, readFunctionBundles } from '../lib/stack/function-bundles';
import { createTidingsApp } from '../lib/stack/tidings-app';

type Print = (line: string) => void;

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
/** Inside the project, so the bundles' external `@aws-sdk/*` imports resolve as the Lambda runtime's would. */
const outdir = join(projectRoot, 'node_modules', '.cache', 'tidings', 'bench-synth');
/** Fresh processes per function; each figure is the median of these runs. */
const RUNS = 15;

const TARGETS = {
  /**
   * Ingest: franc's language models and the feed parser (fast-xml-parser), both loaded on first use, and
   * the page reader and charset decoder (6.6 KB); the HTML DOM is a lazy file outside this figure; and
   * story clusters (the SDK's transaction, update, query and batch-read commands, MinHash: 10.9 KB).
   */
  ingestBundleKb: 340,
  bundleKb: 250,
  smallBundleKb: 104,
  importOverheadMs: 20,
};

interface ImportTimes {
  /** Importing the AWS SDK packages the bundle imports: the runtime's share, which bundling cannot save. */
  readonly sdkMs: number;
  /** Then importing the bundle itself, its SDK packages already loaded: what the function's code adds. */
  readonly overheadMs: number;
}

/** One fresh Node process: the bundle's SDK packages first, then the bundle. */
function coldImport(bundle: FunctionBundle): ImportTimes {
  const script =
    'const [sdk, file] = JSON.parse(process.argv[1]); const t0 = performance.now();' +
    'for (const s of sdk) await import(s); const t1 = performance.now(); await import(file);' +
    'process.stdout.write(JSON.stringify({ sdkMs: t1 - t0, overheadMs: performance.now() - t1 }));';
  const output = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      script,
      JSON.stringify([bundle.externalImports, pathToFileURL(bundle.file).href]),
    ],
    {
      cwd: projectRoot,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    },
  );
  return JSON.parse(output) as ImportTimes;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Round-robin over the functions, so a burst of load on this shared machine lands on all of them alike
 * instead of on whichever function was being measured at the time.
 */
function measureImports(bundles: readonly FunctionBundle[]): Map<FunctionBundle, ImportTimes> {
  const runs = new Map(bundles.map((bundle) => [bundle, [] as ImportTimes[]]));
  for (let i = 0; i < RUNS; i++) {
    for (const bundle of bundles) runs.get(bundle)?.push(coldImport(bundle));
  }
  return new Map(
    [...runs].map(([bundle, times]) => [
      bundle,
      { sdkMs: median(times.map((t) => t.sdkMs)), overheadMs: median(times.map((t) => t.overheadMs)) },
    ]),
  );
}

/**
 * Every function's Lambda bundle as the CDK synth builds it: its size, and the time a fresh process takes
 * to import it, beside the time the same process kind takes to import only the AWS SDK packages that
 * bundle imports (the runtime's share, which no bundling can save).
 */
export async function run(print: Print): Promise<boolean> {
  rmSync(outdir, { recursive: true, force: true });
  const context = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')).context;
  const { app, stack } = createTidingsApp({ outdir, context });
  const bundles = readFunctionBundles(app.synth(), stack, projectRoot);
  const times = measureImports(bundles);
  let allWithin = true;
  for (const bundle of bundles) {
    const declared = functions[bundle.name] as { detectsLanguage?: boolean; mail: string };
    const limitKb = declared.detectsLanguage
      ? TARGETS.ingestBundleKb
      : declared.mail === 'send'
        ? TARGETS.bundleKb
        : TARGETS.smallBundleKb;
    const kb = bundle.bytes / 1000;
    const { sdkMs, overheadMs } = times.get(bundle) ?? { sdkMs: Number.NaN, overheadMs: Number.NaN };
    const within = kb <= limitKb && overheadMs <= TARGETS.importOverheadMs;
    allWithin &&= within;
    print(`bundle-${bundle.name}: ${kb.toFixed(1)} KB (target ≤ ${limitKb})`);
    print(`import-${bundle.name}: ${(sdkMs + overheadMs).toFixed(1)} ms`);
    print(`sdk-import-${bundle.name}: ${sdkMs.toFixed(1)} ms (${bundle.externalImports.join(', ')})`);
    print(
      `import-overhead-${bundle.name}: ${overheadMs.toFixed(1)} ms (target ≤ ${TARGETS.importOverheadMs})`,
    );
    print(`import-vs-sdk-${bundle.name}: ${((sdkMs + overheadMs) / sdkMs).toFixed(2)} ratio`);
    // Read only when first imported (a web page for ingest's `#html-dom`), so outside the budget above.
    for (const lazy of bundle.lazyFiles) {
      print(`lazy-${bundle.name}-${basename(lazy.file, '.mjs')}: ${(lazy.bytes / 1000).toFixed(1)} KB`);
    }
  }
  print(`target bundles: ${allWithin ? 'PASS' : 'FAIL'}`);
  rmSync(outdir, { recursive: true, force: true });
  // Sizes and timings are targets, not correctness: a miss prints FAIL without failing the run.
  return true;
}
