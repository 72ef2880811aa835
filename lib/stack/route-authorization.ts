import { ConfigError } from '../errors';
import type { FunctionDeclaration } from '../manifest';
import { writesTable } from './table-access';

/**
 * Why a route needs no API Gateway authorizer, derived from what its function may do. A route that fits
 * none of these cases fails the synth, so whoever adds it has to decide how it is protected.
 */
export function openRouteReason(name: string, declaration: FunctionDeclaration, route: string): string {
  if (declaration.secrets.includes('ingestKey')) {
    return `${route} is called by the publishing system; the ${name} function rejects any request without the ingest key (Authorization: Bearer), read from Secrets Manager, so an authorizer would repeat that check.`;
  }
  if (!writesTable(declaration.table)) {
    return `${route} serves public content to readers and probes, who have no accounts; the ${name} function only has read access to the table, so the route cannot change stored data.`;
  }
  if (declaration.secrets.includes('tokenSecret')) {
    return `${route} is used by newsletter readers, who have no accounts; a subscription only becomes active or is removed with a token HMAC-signed by the token secret and mailed to the subscriber (double opt-in), and the stage throttles floods.`;
  }
  throw new ConfigError(
    `Route ${route} of the ${name} function is public and can change data, but checks neither the ingest key nor a signed token.`,
  );
}
