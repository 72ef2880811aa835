import { createTidingsApp } from '../lib/stack/tidings-app';

// The CDK CLI runs this file; the app synthesizes into cdk.out when the process exits.
createTidingsApp();
