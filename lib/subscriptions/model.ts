export const FREQUENCIES = ['instant', 'daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export type DigestPeriod = Exclude<Frequency, 'instant'>;

export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed';

export interface Subscriber {
  readonly id: string;
  readonly email: string;
  readonly status: SubscriberStatus;
  /** IANA zone used for digest timing. */
  readonly timezone: string;
  /** Local hour (0–23) at which digests go out. */
  readonly digestHour: number;
  readonly createdAt: string;
  readonly confirmedAt?: string;
  readonly unsubscribedAt?: string;
}

export type TopicStatus = 'pending' | 'active' | 'inactive';

export interface Topic {
  readonly subscriberId: string;
  readonly id: string;
  readonly query: string;
  readonly frequency: Frequency;
  readonly status: TopicStatus;
  /** The subscription request that added it: confirming that request's link activates it. */
  readonly requestId: string;
  readonly createdAt: string;
}
