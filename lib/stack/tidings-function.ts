import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { FunctionDeclaration, LazyModule, TableAccess } from '../manifest';
import { tableStatements } from './table-access';
import type { TidingsMail } from './tidings-mail';
import type { TidingsTable } from './tidings-table';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface TidingsFunctionProps {
  readonly declaration: FunctionDeclaration;
  /** What the Lambda console shows for it (`lib/function-descriptions.ts`). */
  readonly description: string;
  /** Defaults to one month: long enough to investigate an incident, short enough to bound stored addresses. */
  readonly logRetention?: RetentionDays;
  /** RETAIN by default: the logs of a deleted deployment can still be read; DESTROY for development ones. */
  readonly logRemovalPolicy?: RemovalPolicy;
}

const BUILD_FLAGS =
  '--bundle --minify --platform=node --format=esm --target=node22 --main-fields=module,main ' +
  '--sourcemap --sources-content=false --log-level=warning';

/**
 * Builds each lazy module as its own minified ESM file beside index.mjs, and a package.json whose `imports`
 * maps the module's name (`#html-dom`) to that file, so the bundle's `import('#html-dom')`, left external,
 * finds it at run time just as the project's own package.json finds the source during development. A
 * dynamic import inside one bundle would defer only evaluation: every cold start would still read and
 * compile the module (README, "Function bundles and cold imports").
 */
function lazyModuleHooks(modules: readonly LazyModule[]): ICommandHooks {
  const { imports } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    imports: Record<string, string>;
  };
  for (const name of modules) {
    if (!imports[name]) throw new Error(`package.json "imports" has no entry for ${name}.`);
  }
  // A lazy module may import another (`#linked-page` imports `#html-dom`): that one stays its own file.
  const externals = (name: LazyModule) =>
    modules
      .filter((other) => other !== name)
      .map((other) => `--external:${other}`)
      .join(' ');
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => {
      const files = Object.fromEntries(modules.map((name) => [name, `./${name.slice(1)}.mjs`]));
      return [
        ...modules.map(
          (name) =>
            `"${join(inputDir, 'node_modules', '.bin', 'esbuild')}" "${join(inputDir, imports[name] as string)}" ${BUILD_FLAGS} ${externals(name)} --outfile="${join(outputDir, files[name] ?? '')}"`,
        ),
        `echo '${JSON.stringify({ imports: files })}' > "${join(outputDir, 'package.json')}"`,
      ];
    },
  };
}

/**
 * Every Tidings Lambda function: Node.js 22 on arm64, bundled locally by esbuild as ESM, with its own log
 * group and role. The `bind*` methods set an environment variable together with the permission it needs,
 * so a function can never hold a name it may not read, nor a permission it has no name for.
 */
export class TidingsFunction extends NodejsFunction {
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: TidingsFunctionProps) {
    const { declaration } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // An own role instead of the default AWSLambdaBasicExecutionRole, which may write to every log group.
    const executionRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the Tidings ${id} function.`,
    });
    logGroup.grantWrite(executionRole);

    super(scope, id, {
      entry: join(projectRoot, declaration.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      role: executionRole,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: {
        // Stack traces point into the TypeScript sources instead of the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        // Without keepNames: its wrapper around every function and class costs about 2 ms of each cold
        // start, and the one place names matter, error classes, spell their names out (lib/errors.ts).
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Some bundled CommonJS dependencies call `require`, which ESM output lacks.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        // The Node.js 22 runtime ships AWS SDK v3; lazy modules are files of their own (lazyModuleHooks).
        externalModules: ['@aws-sdk/*', ...(declaration.lazyModules ?? [])],
        ...(declaration.lazyModules && { commandHooks: lazyModuleHooks(declaration.lazyModules) }),
      },
    });
    this.executionRole = executionRole;

    const pinnedRuntime =
      'Node.js 22 is pinned deliberately: it is an LTS runtime Lambda supports and the bundle targets node22; ' +
      'moving to nodejs24.x is a separate, tested change, not something a CDK upgrade should do silently.';
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-L1', reason: pinnedRuntime },
      { id: 'Serverless-LambdaLatestVersion', reason: pinnedRuntime },
    );
    Validations.of(executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
        'resource-level permissions (https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html).',
    });
  }

  /**
   * Sets TABLE_NAME and grants exactly what `access` declares: each item action on its families' partitions
   * (`dynamodb:LeadingKeys`), queries on the named index, DescribeTable for the probe.
   */
  bindTable(table: TidingsTable, access: TableAccess): void {
    const statements = tableStatements(access);
    if (statements.length === 0) return;
    this.addEnvironment('TABLE_NAME', table.tableName);
    for (const statement of statements) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...statement.actions],
          resources: statement.on === 'table' ? [table.tableArn] : table.indexArns(statement.indexes ?? []),
          ...(statement.leadingKeys && {
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...statement.leadingKeys] } },
          }),
        }),
      );
    }
  }

  /** Sets `envName` to the secret's ARN and grants reading that one secret. */
  bindSecret(secret: ISecret, envName: string): void {
    this.addEnvironment(envName, secret.secretArn);
    secret.grantRead(this);
  }

  /**
   * Sets SES_CONFIGURATION_SET and grants sending through the mail identity with that configuration set,
   * plus reading the account's send quota (the mail service's reachability probe).
   */
  /** 'send' may send through the identity and configuration set; both may read the account's send quota. */
  bindMail(mail: TidingsMail, access: 'send' | 'probe'): void {
    if (access === 'send') {
      this.addEnvironment('SES_CONFIGURATION_SET', mail.configurationSet.configurationSetName);
      mail.grantSend(this);
    }
    // A policy of its own, so its one unavoidable wildcard is acknowledged apart from the X-Ray one.
    const quota = new Policy(this, 'SendQuotaPolicy', {
      statements: [new PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] })],
      roles: [this.executionRole],
    });
    Validations.of(quota).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:GetSendQuota reads an account-wide value and supports no resource-level permissions ' +
        '(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonses.html).',
    });
  }
}
