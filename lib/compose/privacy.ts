import { makeDynamoDeliveryStore } from '../adapters/dynamo/delivery-store';
import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { makeEraseSubscriber } from '../use-cases/erase-subscriber';
import { makeExportSubscriber } from '../use-cases/export-subscriber';
import { makeLinkOwner } from '../use-cases/link-owner';
import { once } from './once';
import { config, systemClock } from './runtime';
import { tokensFor } from './secrets';
import { suppressionsFor } from './suppressions';
import { tableFor } from './table';

/**
 * What the privacy function uses: everything stored under a subscriber (to export or delete it), the
 * suppression list erasure leaves the address on, and the token check of preference links.
 */
const table = tableFor('privacy');
const tokens = tokensFor('privacy');
const suppressions = suppressionsFor('privacy', table);

const stores = once(() => {
  const { db, tableName } = table();
  return {
    subscribers: makeDynamoSubscriberStore(db, tableName),
    deliveries: makeDynamoDeliveryStore(db, tableName),
  };
});

export const linkOwner = once(async () =>
  makeLinkOwner({ subscribers: stores().subscribers, tokens: await tokens(), clock: systemClock }),
);

export const exportSubscriber = once(() =>
  makeExportSubscriber({ subscribers: stores().subscribers, deliveries: stores().deliveries }),
);

export const eraseSubscriber = once(async () =>
  makeEraseSubscriber({
    subscribers: stores().subscribers,
    suppressions: await suppressions(),
    clock: systemClock,
  }),
);

export const publicUrl = () => config().publicUrl;
