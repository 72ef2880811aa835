import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { FunctionName } from '../manifest';
import type { TidingsStack } from './tidings-stack';

/** One function's bundle as the synth wrote it: the code Lambda would run. */
export interface FunctionBundle {
  readonly name: FunctionName;
  /** The minified `index.mjs`. */
  readonly file: string;
  readonly bytes: number;
  /** npm packages with code in the bundle (from its source map: a package esbuild shook out is absent). */
  readonly packages: readonly string[];
  /** The project's own source files in the bundle, relative to the project root. */
  readonly projectFiles: readonly string[];
  /** Packages the bundle leaves to the runtime (the AWS SDK), in the order it imports them. */
  readonly externalImports: readonly string[];
  /** The function's lazy modules (`lazyModules` in the manifest): files beside index.mjs, read on first use. */
  readonly lazyFiles: readonly { readonly file: string; readonly bytes: number }[];
}

interface SourceMap {
  readonly sources: readonly string[];
}

/** `node_modules/@scope/name/…` → `@scope/name`; the innermost package for nested installs. */
export function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const [first, second] = path.slice(at + 'node_modules/'.length).split('/');
  return first?.startsWith('@') ? `${first}/${second}` : first;
}

/** Reads each function's synthesized bundle, found through the asset path CDK records on the function. */
export function readFunctionBundles(
  assembly: CloudAssembly,
  stack: TidingsStack,
  projectRoot: string,
): FunctionBundle[] {
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const template = artifact.template as {
    Resources: Record<string, { Properties?: { Code?: { S3Key?: unknown } } }>;
  };
  const assets = JSON.parse(
    readFileSync(join(assembly.directory, `${artifact.stackName}.assets.json`), 'utf8'),
  ) as { files: Record<string, { source: { path: string } }> };
  return (Object.keys(stack.functions) as FunctionName[]).map((name) => {
    const logicalId = stack.getLogicalId(stack.functions[name].node.defaultChild as CfnElement);
    // The code's S3 key is `<asset hash>.zip`; the asset manifest says where that asset was staged.
    const s3Key = template.Resources[logicalId]?.Properties?.Code?.S3Key;
    const asset = typeof s3Key === 'string' ? assets.files[s3Key.replace(/\.zip$/, '')] : undefined;
    if (!asset) throw new Error(`The ${name} function has no bundled asset (was bundling skipped?).`);
    const file = join(assembly.directory, asset.source.path, 'index.mjs');
    if (!existsSync(file)) throw new Error(`The ${name} function's bundle is missing: ${file}`);
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMap;
    const sources = map.sources.map((source) => resolve(dirname(file), source));
    const code = readFileSync(file, 'utf8');
    const externalImports = [...code.matchAll(/(?:from|import)\s*"(@aws-sdk\/[^"]+)"/g)].map(
      (m) => m[1] as string,
    );
    return {
      name,
      file,
      bytes: statSync(file).size,
      packages: [...new Set(sources.flatMap((source) => packageOf(source) ?? []))].sort(),
      projectFiles: sources
        .filter((source) => !packageOf(source))
        .map((source) => relative(projectRoot, source)),
      externalImports: [...new Set(externalImports)],
      lazyFiles: readdirSync(dirname(file))
        .filter((name) => name.endsWith('.mjs') && name !== 'index.mjs')
        .map((name) => ({
          file: join(dirname(file), name),
          bytes: statSync(join(dirname(file), name)).size,
        })),
    };
  });
}

/**
 * Packages the lockfile marks as needed only for development (and not also installed for production at
 * another version): none may reach a Lambda bundle.
 */
export function devOnlyPackages(projectRoot: string): Set<string> {
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const dev = new Set<string>();
  const production = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = packageOf(path);
    if (name) (entry.dev ? dev : production).add(name);
  }
  return new Set([...dev].filter((name) => !production.has(name)));
}
