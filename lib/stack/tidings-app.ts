import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readStackSettings } from './stack-settings';
import { TidingsStack } from './tidings-stack';

/**
 * The deployable app: one environment-agnostic stack (no account lookups, so it synthesizes offline)
 * checked by cdk-nag's AWS Solutions and Serverless packs on every synth. Shared by `bin/app.ts` and the
 * tests.
 */
export function createTidingsApp(props?: AppProps): { app: App; stack: TidingsStack } {
  const app = new App(props);
  const stack = new TidingsStack(app, 'Tidings', {
    description: 'Tidings: newsletter and topic alerts (API, functions, table, mail).',
    settings: readStackSettings(app.node),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
