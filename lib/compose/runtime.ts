import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config';
import type { Clock, Ids } from '../ports';
import { once } from './once';

/** The environment, read and validated once per cold start, the first time a use case is built. */
export const config = once(() => loadConfig());

export const systemClock: Clock = { now: () => new Date() };
export const uuidIds: Ids = { newId: () => randomUUID() };
