import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { type FunctionName, functions } from '../../lib/manifest';
import { createTidingsApp } from '../../lib/stack/tidings-app';

const cdkContext: Record<string, unknown> = JSON.parse(readFileSync('cdk.json', 'utf8')).context;
const names = Object.keys(functions) as FunctionName[];

/** Each function's environment variables as synthesized from `context`, without bundling any code. */
function environments(context: Record<string, unknown>): Record<FunctionName, Record<string, unknown>> {
  const outdir = mkdtempSync(join(tmpdir(), 'tidings-cdk-'));
  try {
    const { stack } = createTidingsApp({
      outdir,
      context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [] },
    });
    const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    return Object.fromEntries(
      names.map((name) => [
        name,
        resources[stack.getLogicalId(stack.functions[name].node.defaultChild as CfnElement)]?.Properties
          .Environment.Variables,
      ]),
    ) as Record<FunctionName, Record<string, unknown>>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the ingest settings', () => {
  it('reach the ingest function alone from context, and are absent unless set', () => {
    for (const variables of Object.values(environments({}))) {
      expect(variables).not.toHaveProperty('TIDINGS_SOURCE_TIMEZONES');
      expect(variables).not.toHaveProperty('TIDINGS_ARTICLE_RETENTION_DAYS');
    }
    const set = environments({
      'tidings:sourceTimezones': { AFP: 'Europe/Paris', Reuters: 'Europe/London' },
      'tidings:articleRetentionDays': 30,
    });
    for (const name of names) {
      const variables = set[name];
      if (name === 'ingest') {
        expect(variables).toMatchObject({
          TIDINGS_SOURCE_TIMEZONES: '{"afp":"Europe/Paris","reuters":"Europe/London"}',
          TIDINGS_ARTICLE_RETENTION_DAYS: '30',
        });
        // What the function reads back at its cold start.
        const config = loadConfig({
          TABLE_NAME: 't',
          TIDINGS_PUBLIC_URL: 'https://news.example.org',
          MAIL_FROM: 'alerts@news.example.org',
          TIDINGS_SOURCE_TIMEZONES: String(variables?.TIDINGS_SOURCE_TIMEZONES),
          TIDINGS_ARTICLE_RETENTION_DAYS: String(variables?.TIDINGS_ARTICLE_RETENTION_DAYS),
        });
        expect(config.sourceTimezones.get('reuters')).toBe('Europe/London');
        expect(config.articleRetentionDays).toBe(30);
      } else {
        expect(variables, name).not.toHaveProperty('TIDINGS_SOURCE_TIMEZONES');
        expect(variables, name).not.toHaveProperty('TIDINGS_ARTICLE_RETENTION_DAYS');
      }
    }
  });
});
