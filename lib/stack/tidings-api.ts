import { type CfnElement, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { CORS_HEADERS, CORS_MAX_AGE_SECONDS, CORS_METHODS } from '../http/cors';
import { apiRoutes, fallbackFunction } from '../http/routes';
import { type FunctionName, functions } from '../manifest';
import { openRouteReason } from './route-authorization';
import type { TidingsFunction } from './tidings-function';
import type { ResolvedTidingsProps } from './tidings-props';

export interface TidingsApiProps {
  readonly settings: ResolvedTidingsProps;
  readonly removalPolicy: RemovalPolicy;
}

function constructId(name: FunctionName): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Whether the function's routes are the publisher's (they check the ingest key, or IAM does). */
const isIngestRoute = (name: FunctionName) =>
  (functions[name].secrets as readonly string[]).includes('ingestKey');

/**
 * The HTTP API: one stage with access logs (no query strings, so no tokens) and throttling, CORS for the
 * configured origins only, an optional custom domain, and the manifest's routes, the publisher's behind
 * IAM when `ingestAuth` is `iam`.
 */
export class TidingsApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly domainName?: DomainName;
  /** The stage's JSON access log (the monitoring counts its 429s). */
  readonly accessLogs: LogGroup;
  private readonly settings: ResolvedTidingsProps;
  private readonly ingestRoutes: { method: string; path: string }[] = [];

  constructor(scope: Construct, id: string, props: TidingsApiProps) {
    super(scope, id);
    const { settings } = props;
    this.settings = settings;
    const origins = settings.allowedOrigins ?? [];
    this.api = new HttpApi(this, 'Api', {
      description: 'Tidings: subscribe pages, subscriptions and article ingest.',
      // Created below instead, because the default stage cannot be given access logs or throttling.
      createDefaultStage: false,
      // Without origins no browser page of another site may call the API (the pages are same-origin).
      ...(origins.length > 0 && {
        corsPreflight: {
          allowOrigins: [...origins],
          allowMethods: CORS_METHODS.map((method) => CorsHttpMethod[method]),
          allowHeaders: [...CORS_HEADERS],
          maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
        },
      }),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.accessLogs = accessLogs;
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Protects the functions and the SES reputation from request floods on the public endpoints.
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // `$context.path` carries no query string, so confirm and unsubscribe tokens never reach the logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            route: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            caller: '$context.identity.userArn',
          }),
        ),
      },
    });
    if (settings.customDomain) {
      this.domainName = new DomainName(this, 'Domain', {
        domainName: settings.customDomain.domainName,
        certificate: settings.customDomain.certificate,
      });
      new ApiMapping(this, 'DomainMapping', {
        api: this.api,
        domainName: this.domainName,
        stage: this.stage,
      });
    }
  }

  /** The base URL readers reach the API at: the custom domain's, else the stage's. */
  get url(): string {
    return this.settings.customDomain ? `https://${this.settings.customDomain.domainName}` : this.stage.url;
  }

  /**
   * The API's routes, exactly as `lib/http/routes.ts` derives them from the manifest (the local server serves
   * the same list): every declared route, its HEAD twin, and `$default` for the rest, which goes to the
   * fallback function so unknown paths and wrong methods get Tidings' own 404 and 405 answers.
   */
  addRoutes(fns: Record<FunctionName, TidingsFunction>): void {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationOf = (name: FunctionName) => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${constructId(name)}Integration`, fns[name]);
        integrations.set(name, integration);
      }
      return integration;
    };
    const acknowledgeOpen = (route: IConstruct, name: FunctionName, routeKey: string) =>
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: openRouteReason(name, functions[name], routeKey),
      });
    const iam = this.settings.ingestAuth === 'iam' ? new HttpIamAuthorizer() : undefined;
    for (const { name, method, path } of apiRoutes()) {
      const signed = iam !== undefined && isIngestRoute(name);
      const [route] = this.api.addRoutes({
        path,
        methods: [HttpMethod[method]],
        integration: integrationOf(name),
        ...(signed && { authorizer: iam }),
      });
      if (isIngestRoute(name)) this.ingestRoutes.push({ method, path });
      if (route && !signed) acknowledgeOpen(route, name, `${method} ${path}`);
    }
    const fallback = fallbackFunction();
    const unmatched = new HttpRoute(this, 'UnmatchedRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrationOf(fallback),
    });
    acknowledgeOpen(unmatched, fallback, '$default');
  }

  /**
   * `execute-api:Invoke` on exactly the publisher's routes (meaningful under `ingestAuth: 'iam'`). A route
   * with a path parameter needs a wildcard in its ARN; that one finding is acknowledged on the grantee's
   * policy, by its exact name.
   */
  grantIngest(grantee: IGrantable): Grant {
    const stack = Stack.of(this);
    const apiId = stack.getLogicalId(this.api.node.defaultChild as CfnElement);
    const routes = this.ingestRoutes.map(({ method, path }) => ({
      // Path parameters are matched by the route, not the ARN: `{id}` becomes `*`.
      arn: this.api.arnForExecuteApi(method, path.replace(/\{[^}]+\}/g, '*'), this.stage.stageName),
      finding: `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/${this.stage.stageName}/${method}${path.replace(/\{[^}]+\}/g, '*')}`,
      wildcard: path.includes('{'),
    }));
    const grant = Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: routes.map((route) => route.arn),
    });
    const policy = (grantee.grantPrincipal as Partial<IConstruct>).node?.tryFindChild('DefaultPolicy');
    if (policy) {
      for (const route of routes.filter((r) => r.wildcard)) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${route.finding}]`,
          reason:
            'The wildcard stands for the path parameter of one Tidings ingest route (a feed id); the method, ' +
            'the stage and the rest of the path are fixed, so the caller may invoke that route only.',
        });
      }
    }
    return grant;
  }
}
