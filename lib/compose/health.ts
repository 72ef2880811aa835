import { makeDynamoArticleStore } from '../adapters/dynamo/article-store';
import { makeCheckHealth } from '../use-cases/check-health';
import { mailerFor } from './mail';
import { once } from './once';
import { tableFor } from './table';

/** What the health function uses: a describe of the table and a probe of the mail service. */
const table = tableFor('health');
const mailer = mailerFor('health');

export const checkHealth = once(() => {
  const { db, tableName } = table();
  return makeCheckHealth({ articles: makeDynamoArticleStore(db, tableName), mailer: mailer() });
});
