import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { failedAgain, replayedScheduleEvent, streamInsertEvent } from '../../dead-letters/replay-events';
import type { FunctionRunner } from '../../use-cases/replay-dead-letters';

/** A replay on AWS whose dead letter did not name the function it came from. */
export class UnnamedFunctionError extends Error {
  constructor(fn: string) {
    super(
      `the dead letter names no function ARN, so ${fn} cannot be invoked: run it by hand (aws lambda invoke with the message's requestPayload)`,
    );
    this.name = 'UnnamedFunctionError';
  }
}

/**
 * Runs a deployed function once by a synchronous `Invoke` with the event its trigger would give it, on the
 * ARN the dead letter names: never a function found by name, which could belong to another stack. An
 * invocation that throws (`FunctionError`) or reports the replayed record as failed is an error, so the
 * letter's message stays in its queue and is tried again next time.
 */
export function lambdaFunctionRunner(lambda: Pick<LambdaClient, 'send'>): FunctionRunner {
  async function invoke(fn: string, event: unknown): Promise<unknown> {
    if (!fn.includes(':function:')) throw new UnnamedFunctionError(fn);
    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: fn,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
    let result: unknown;
    try {
      result = text ? JSON.parse(text) : undefined;
    } catch {
      result = text;
    }
    if (answer.FunctionError) {
      const message = (result as { errorMessage?: unknown } | undefined)?.errorMessage;
      throw new Error(`${fn} failed again: ${typeof message === 'string' ? message : answer.FunctionError}`);
    }
    return result;
  }
  return {
    async streamItem(fn, item) {
      const failed = failedAgain(fn, await invoke(fn, streamInsertEvent(item)));
      if (failed) throw failed;
    },
    async sns(fn, event) {
      await invoke(fn, event);
    },
    async schedule(fn) {
      await invoke(fn, replayedScheduleEvent);
    },
  };
}
