import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretRef } from '../config';

let client: SecretsManagerClient | undefined;

/** Locally secrets are plain values; on AWS they are read once per cold start from Secrets Manager. */
export async function resolveSecret(ref: SecretRef, region: string): Promise<string> {
  if (ref.kind === 'value') return ref.value;
  client ??= new SecretsManagerClient({ region });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: ref.arn }));
  if (!SecretString) throw new Error(`Secret ${ref.arn} has no string value.`);
  return SecretString;
}
