import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { type MatchableArticle, QueryError, TopicIndex } from '../query';

export interface MatchCommandOptions {
  readonly queriesPath: string;
  readonly articlesPath: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

type JsonObject = Record<string, unknown>;

async function* numberedLines(path: string): AsyncGenerator<{ line: string; number: number }> {
  const file = await open(path, 'r');
  try {
    let number = 0;
    for await (const line of file.readLines()) {
      number++;
      if (line.trim() !== '') yield { line, number };
    }
  } finally {
    await file.close();
  }
}

function parseObject(line: string): JsonObject | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : 'expected a JSON object';
}

function toArticle(value: JsonObject): MatchableArticle | string {
  const { id, title, text, source, lang } = value;
  if (typeof id !== 'string' || id === '') return '"id" must be a non-empty string';
  if (typeof title !== 'string') return '"title" must be a string';
  if (typeof text !== 'string') return '"text" must be a string';
  if (source !== undefined && typeof source !== 'string') return '"source" must be a string when present';
  if (lang !== undefined && typeof lang !== 'string') return '"lang" must be a string when present';
  return { id, title, text, source, lang };
}

async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  // Honour backpressure so matching a large file never buffers all its output in memory.
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

/**
 * `tidings match`: matches every article of a JSONL file (streamed line by line) against the queries of
 * another, printing one JSON line per match. Problems (invalid queries, malformed lines, unreadable files)
 * go to stderr with their line number and reason while everything valid still runs.
 * Exit code: 0 when nothing was reported, 1 when anything was.
 */
export async function runMatchCommand(options: MatchCommandOptions): Promise<number> {
  const { queriesPath, articlesPath, stdout, stderr } = options;
  let problems = 0;
  const report = async (message: string) => {
    problems++;
    await writeLine(stderr, message);
  };
  const index = new TopicIndex();
  try {
    for await (const { line, number } of numberedLines(queriesPath)) {
      const where = `${queriesPath} line ${number}`;
      const value = parseObject(line);
      if (typeof value === 'string') {
        await report(`${where}: ${value}`);
        continue;
      }
      const { id, query } = value;
      if (typeof id !== 'string' || id === '') await report(`${where}: "id" must be a non-empty string`);
      else if (typeof query !== 'string') await report(`query ${id} (${where}): "query" must be a string`);
      else if (index.has(id)) await report(`query ${id} (${where}): duplicate id; the first one is used`);
      else {
        try {
          index.add(id, query);
        } catch (error) {
          if (!(error instanceof QueryError)) throw error;
          await report(`query ${id} (${where}): ${error.message}`);
        }
      }
    }
    for await (const { line, number } of numberedLines(articlesPath)) {
      const value = parseObject(line);
      const article = typeof value === 'string' ? value : toArticle(value);
      if (typeof article === 'string') {
        await report(`${articlesPath} line ${number}: ${article}`);
        continue;
      }
      for (const match of index.match(article)) {
        await writeLine(
          stdout,
          JSON.stringify({ query: match.topicId, article: article.id, terms: match.terms }),
        );
      }
    }
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && typeof error.code === 'string')) throw error;
    await report(`Cannot read input: ${error.message}`);
  }
  return problems === 0 ? 0 : 1;
}
