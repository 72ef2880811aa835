import { checkHealth } from '../lib/compose/health';
import { withHttpBoundary } from '../lib/http/boundary';
import { json } from '../lib/http/response';

/** GET /health: 200 only when the table and the mail service both answer. */
export const health = async () => {
  const result = await checkHealth()();
  return json(result.status === 'ok' ? 200 : 503, result);
};

export const handler = withHttpBoundary(health);
