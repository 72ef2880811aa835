import { resolveSecret } from '../adapters/secrets';
import { requireSecret } from '../config';
import { UndeclaredAccessError } from '../errors';
import { type FunctionName, functions, type SecretName } from '../manifest';
import { makeTokens, type Tokens } from '../subscriptions/tokens';
import { type Links, makeLinks } from '../use-cases/links';
import { once } from './once';
import { config } from './runtime';

const secretLabels = {
  ingestKey: 'ingest key',
  tokenSecret: 'token secret',
  suppressionSalt: 'suppression salt',
} as const;

/** One secret a function declares, fetched once per cold start (again after a failed fetch). */
export function secretFor(name: FunctionName, secret: SecretName): () => Promise<string> {
  return once(async () => {
    if (!(functions[name].secrets as readonly SecretName[]).includes(secret)) {
      throw new UndeclaredAccessError(`The ${name} function does not declare the ${secret} secret.`);
    }
    const c = config();
    return resolveSecret(requireSecret(c[secret], secretLabels[secret]), c.region);
  });
}

/** Signing and checking confirm and unsubscribe tokens, for the functions that declare the token secret. */
export function tokensFor(name: FunctionName): () => Promise<Tokens> {
  const tokenSecret = secretFor(name, 'tokenSecret');
  return once(async () => makeTokens(await tokenSecret()));
}

/** The links Tidings puts in emails, signed with the token secret. */
export function linksFor(name: FunctionName): () => Promise<Links> {
  const tokens = tokensFor(name);
  return once(async () => makeLinks(config().publicUrl, await tokens()));
}
