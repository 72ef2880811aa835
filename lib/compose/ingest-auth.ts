import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '../errors';
import { bearerToken, iamCaller } from '../http/request';
import { makeVerifyIngestKey } from '../use-cases/verify-ingest-key';
import { once } from './once';
import { config } from './runtime';
import { secretFor } from './secrets';

/**
 * The publisher's authentication for the function's requests, as the deployment chose it: the Bearer key
 * (read from Secrets Manager once, only in that mode) or the IAM caller API Gateway verified. Under IAM a
 * request that reached the function without a verified caller (a route left without the authorizer) is
 * refused too, so a mistake in the stack cannot open ingest.
 */
export function ingestAuthFor(name: 'ingest' | 'feeds') {
  const ingestKey = secretFor(name, 'ingestKey');
  return once(async (): Promise<(event: APIGatewayProxyEventV2) => void> => {
    if (config().ingestAuth === 'iam') {
      return (event) => {
        if (iamCaller(event) === undefined) {
          throw new UnauthorizedError('This route needs a request signed with AWS Signature Version 4.');
        }
      };
    }
    const verify = makeVerifyIngestKey(await ingestKey());
    return (event) => verify(bearerToken(event));
  });
}
