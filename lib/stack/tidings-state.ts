import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TidingsTable } from './tidings-table';

export interface TidingsStateProps {
  /**
   * RETAIN (the default): the table and the two keys outlive the stack, and a redeploy never replaces
   * them. DESTROY is for development deployments only (`development: true`).
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * What Tidings must never lose: the table, and the two keys without which what it holds is unreadable
 * (the signing key of the links in readers' mailboxes, the salt of the suppression hashes). Its own
 * construct, so the stateless parts can change, or move to another stack (`Tidings` takes a `state`),
 * without touching a logical id here.
 */
export class TidingsState extends Construct {
  readonly table: TidingsTable;
  readonly tokenSecret: Secret;
  readonly suppressionSalt: Secret;

  constructor(scope: Construct, id: string, props: TidingsStateProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new TidingsTable(this, 'Data', { removalPolicy });
    this.tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'Tidings: HMAC key signing confirm and unsubscribe links.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Kept like the table: its subscribers' links stay valid only while the key that signed them exists.
      removalPolicy,
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The token secret signs the unsubscribe links already sitting in the mailboxes of readers; rotating it ' +
        'would break every one of them, and unsubscribing must keep working.',
    });
    // Its own secret, not the token secret: rotating the link-signing key must never un-suppress anyone.
    this.suppressionSalt = new Secret(this, 'SuppressionSalt', {
      description: 'Tidings: HMAC key of the address hashes the suppression list is keyed by.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Without it no stored suppression matches any address again, so it outlives the stack like the table.
      removalPolicy,
    });
    Validations.of(this.suppressionSalt).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The suppression salt keys the hashes of every address that bounced or complained; a new salt would ' +
        'match none of them, so rotating it would quietly un-suppress them all and Tidings would mail them again.',
    });
  }
}
