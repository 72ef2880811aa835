import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreviewCommand } from '../../lib/cli/preview-command';
import { sampleAlert } from '../../lib/email/samples';
import { CHROMIUM } from '../support/browser';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidings-preview-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function output() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

const preview = (template: string | undefined, extra: { dataPath?: string; outDir?: string } = {}) => {
  const stdout = output();
  const stderr = output();
  return runPreviewCommand({
    template,
    dataPath: extra.dataPath,
    outDir: extra.outDir ?? dir,
    chromiumPath: CHROMIUM,
    stdout: stdout.stream,
    stderr: stderr.stream,
  }).then((code) => ({ code, stdout: stdout.text(), stderr: stderr.text() }));
};

describe('tidings preview', () => {
  it('writes the HTML, the text and a PNG screenshot of the email, from data given as JSON', async () => {
    const dataPath = join(dir, 'alert.json');
    await writeFile(dataPath, JSON.stringify({ ...sampleAlert, headline: 'A headline from the data file' }));
    const { code, stdout } = await preview('alert', { dataPath, outDir: join(dir, 'out') });
    expect(code).toBe(0);
    expect(stdout).toContain('"A headline from the data file"');
    const html = await readFile(join(dir, 'out/alert.html'), 'utf8');
    expect(html).toContain('A headline from the data file');
    expect(await readFile(join(dir, 'out/alert.txt'), 'utf8')).toMatch(
      /^Subject: A headline from the data file\n/,
    );
    const png = await readFile(join(dir, 'out/alert.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, right after the signature and chunk header.
    expect(png.readUInt32BE(16)).toBe(680);
    expect(png.readUInt32BE(20)).toBeGreaterThan(600);
    expect((await stat(join(dir, 'out/alert.png'))).size).toBeGreaterThan(20_000);
  }, 60_000);

  it('refuses an unknown template, and --data without naming one', async () => {
    expect((await preview('newsletter')).stderr).toMatch(/Unknown template "newsletter"/);
    expect((await preview(undefined, { dataPath: 'x.json' })).code).toBe(2);
  });

  it('names the field at fault in bad data rather than screenshotting it', async () => {
    const dataPath = join(dir, 'bad.json');
    await writeFile(dataPath, JSON.stringify({ ...sampleAlert, articleUrl: 'javascript:alert(1)' }));
    const { code, stderr } = await preview('alert', { dataPath });
    expect(code).toBe(1);
    expect(stderr).toMatch(/articleUrl must be an absolute http\(s\) URL/);
  });
});
