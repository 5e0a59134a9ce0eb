/**
 * The analysts' console as a static site: the Vite build (out/console) in a private S3 bucket behind
 * CloudFront with origin access control, and the HTTP API under `/v1/*` of the same distribution (so
 * the page calls its own origin: no CORS, one URL to give analysts). People sign in through the
 * Cognito hosted UI with a user pool client of this construct (authorization code + PKCE, callback to
 * the distribution); the API's JWT authorizer accepts that client's tokens.
 *
 * Two steps, because the client's id is needed by the API's authorizer and the distribution needs the
 * API: construct (bucket, client: its callback URL is resolved from the distribution at synthesis),
 * then `serve(api)` (distribution, deployment of the files).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Fn, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './streamArchive';

export interface AnalystConsoleProps {
  readonly userPool: cognito.IUserPool;
  /** The built console (`npm run build:console` writes out/console). */
  readonly assetsDir: string;
}

/** What is deployed when the console was not built before synthesis: a page that says so. */
const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>Riskline console</title>' +
  '<p>The console was not built before this deployment: run <code>npm run build:console</code>, then deploy again ' +
  '(<code>npm run deploy</code> does both).</p>';

export class RisklineAnalystConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly logs: s3.Bucket;
  readonly client: cognito.UserPoolClient;
  private site: cloudfront.Distribution | undefined;

  constructor(scope: Construct, id: string, private readonly props: AnalystConsoleProps) {
    super(scope, id);
    this.logs = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the console\'s CloudFront and S3 access logs; logging the log bucket to itself or to a third bucket adds nothing an auditor needs.',
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'site-bucket/',
      // The build is reproducible from the repository: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const siteUrl = Lazy.string({ produce: () => `https://${this.distribution.distributionDomainName}/` });
    this.client = new cognito.UserPoolClient(this, 'Client', {
      userPool: props.userPool,
      userPoolClientName: 'analyst-console',
      generateSecret: false,
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [siteUrl],
        logoutUrls: [siteUrl],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
  }

  get distribution(): cloudfront.Distribution {
    if (!this.site) throw new Error('RisklineAnalystConsole.serve(api) was not called');
    return this.site;
  }

  /** The distribution in front of the site and the API, and the deployment of the built files. */
  serve(api: apigwv2.IHttpApi): cloudfront.Distribution {
    // https://<id>.execute-api.<region>.amazonaws.com -> <id>.execute-api.<region>.amazonaws.com
    const apiDomain = Fn.select(2, Fn.split('/', api.apiEndpoint));
    this.site = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Riskline analysts console (${Stack.of(this).stackName})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      additionalBehaviors: {
        // The API on the same origin: never cached, every header but Host forwarded (the bearer token included).
        '/v1/*': {
          origin: new origins.HttpOrigin(apiDomain, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    Validations.of(this.site).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Analysts work from wherever the platform operates; who may use the console is decided by Cognito (MFA) and the analyst groups, not by geography.',
    });
    Validations.of(this.site).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The site is static files and every /v1/* request needs a Cognito JWT checked by the API\'s authorizer, with the ' +
        'stage throttled; a WAF web ACL is a per-request cost left to the operator to add in front.',
    });
    Validations.of(this.site).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose security policy is fixed ' +
        'at TLSv1; an operator who attaches a domain and certificate sets TLSv1.2_2021 with it (minimumProtocolVersion).',
    });

    const index = join(this.props.assetsDir, 'index.html');
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [existsSync(index) ? s3deploy.Source.asset(this.props.assetsDir) : s3deploy.Source.data('index.html', NOT_BUILT)],
      destinationBucket: this.bucket,
      distribution: this.site,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    // The deployment's handler is a function CDK provides (one per stack): acknowledged where it lives.
    const handler = deployment.handlerRole.node.scope;
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The CDK BucketDeployment handler (a CDK-provided function run only at deployment) uses the basic execution policy for its own logs.',
      });
      const siteId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
      acknowledgeWildcards(
        handler,
        [
          'Action::s3:Abort*',
          'Action::s3:DeleteObject*',
          'Action::s3:GetBucket*',
          'Action::s3:GetObject*',
          'Action::s3:List*',
          'Resource::*',
          `Resource::<${siteId}.Arn>/*`,
          'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        ],
        'The CDK BucketDeployment handler (run only at deployment) copies the build from the CDK asset bucket into the site ' +
          'bucket, replacing what was there: object-level access to those two buckets, and cloudfront:CreateInvalidation, which takes no resource scope.',
      );
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'The runtime of the CDK-provided BucketDeployment handler is chosen by aws-cdk-lib and moves with its version.',
      });
    }
    return this.site;
  }
}
