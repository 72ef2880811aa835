#!/usr/bin/env node
// The `tidings` command: registers tsx so the TypeScript CLI runs without a build step.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./cli.ts');
