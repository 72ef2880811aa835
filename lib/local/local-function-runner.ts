import { resolve } from 'node:path';
import { failedAgain, replayedScheduleEvent, streamInsertEvent } from '../dead-letters/replay-events';
import { type FunctionName, functions } from '../manifest';
import type { FunctionRunner } from '../use-cases/replay-dead-letters';

type AnyHandler = (event: unknown) => Promise<unknown>;

/**
 * Runs a function's handler in this process, as `tidings digest run` does, against the local stack whose
 * settings are already in `process.env`. Each handler is imported only when first run, so replaying a
 * delivery loads no function at all.
 */
export function localFunctionRunner(projectRoot: string): FunctionRunner {
  const handlerOf = async (fn: string): Promise<AnyHandler> => {
    const declaration = functions[fn as FunctionName];
    if (!declaration) throw new Error(`No function named ${fn}.`);
    const module = (await import(resolve(projectRoot, declaration.entry))) as { handler: AnyHandler };
    return module.handler;
  };
  return {
    async streamItem(fn, item) {
      const failed = failedAgain(fn, await (await handlerOf(fn))(streamInsertEvent(item)));
      if (failed) throw failed;
    },
    async sns(fn, event) {
      await (await handlerOf(fn))(event);
    },
    async schedule(fn) {
      await (await handlerOf(fn))(replayedScheduleEvent);
    },
  };
}
