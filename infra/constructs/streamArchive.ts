/**
 * The streams' archive: every record of each Kinesis stream delivered by Amazon Data Firehose to one
 * S3 bucket as newline-delimited JSON, gzipped, under `<stream id>/YYYY/MM/DD/HH/` (STREAM_ARCHIVE in
 * shared/resources.ts, which the backtest worker reads back). The history backtests replay; kept for
 * 400 days (infrequent access after 30), encrypted, private, TLS only.
 */
import { Aws, Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STREAM_ARCHIVE } from '../../shared/resources';
import type { DefinedStream } from './definitions';

export interface StreamArchiveProps {
  readonly prefix: string;
  readonly streams: readonly DefinedStream[];
}

/** Acknowledges cdk-nag's wildcard findings one by one (each names the exact action or resource it accepts). */
export function acknowledgeWildcards(scope: Construct, findings: readonly string[], reason: string): void {
  for (const finding of findings) Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
}

/** The archive bucket's ARN as cdk-nag prints it (so a stack that reads the archive can acknowledge `<arn>/*`). */
export function archiveArnForNag(prefix: string): string {
  return `arn:<AWS::Partition>:s3:::${STREAM_ARCHIVE.bucketName(prefix, '<AWS::AccountId>', '<AWS::Region>')}`;
}

export class RisklineStreamArchive extends Construct {
  readonly bucket: s3.Bucket;
  /** Built from the prefix, account and region: another stack names it without a cross-stack reference. */
  readonly bucketName: string;
  readonly deliveryStreams: Readonly<Record<string, firehose.DeliveryStream>>;

  constructor(scope: Construct, id: string, props: StreamArchiveProps) {
    super(scope, id);
    this.bucketName = STREAM_ARCHIVE.bucketName(props.prefix, Aws.ACCOUNT_ID, Aws.REGION);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: this.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'infrequent-after-30-days', transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }] },
        { id: 'expire-after-400-days', expiration: Duration.days(400) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the Firehose delivery roles write here and only the backtest worker reads; S3 server access logs would add a ' +
        'second bucket of logs about those two roles, whose calls CloudTrail already records.',
    });

    const streams: Record<string, firehose.DeliveryStream> = {};
    for (const { definition, stream } of props.streams) {
      const prefix = STREAM_ARCHIVE.prefixOf(definition);
      const delivery = new firehose.DeliveryStream(this, `${definition.id}-archive`, {
        deliveryStreamName: `${props.prefix}-${definition.id}-archive`,
        source: new firehose.KinesisStreamSource(stream),
        destination: new firehose.S3Bucket(this.bucket, {
          dataOutputPrefix: `${prefix}!{timestamp:yyyy/MM/dd/HH}/`,
          errorOutputPrefix: `errors/${prefix}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
          compression: firehose.Compression.GZIP,
          fileExtension: '.jsonl.gz',
          bufferingInterval: Duration.seconds(STREAM_ARCHIVE.bufferSeconds),
          bufferingSize: Size.mebibytes(64),
          // One event per line: the replay's input format.
          processors: [new firehose.AppendDelimiterToRecordProcessor()],
        }),
      });
      const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
      acknowledgeWildcards(
        delivery,
        ['Action::s3:Abort*', 'Action::s3:DeleteObject*', 'Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', `Resource::<${bucketId}.Arn>/*`],
        'The delivery role CDK grants Firehose writes objects of this archive bucket only (their keys are made by Firehose, ' +
          'so the objects are <bucket>/*), with the multipart and bucket-location actions Firehose\'s S3 delivery needs.',
      );
      Validations.of(delivery).acknowledge({
        id: 'AwsSolutions-KDF1',
        reason:
          'A delivery stream whose source is a Kinesis stream cannot take its own server-side encryption; the records are ' +
          'encrypted at rest in the source stream (aws/kinesis) and in the archive bucket (SSE-S3), and in transit with TLS.',
      });
      streams[definition.id] = delivery;
    }
    this.deliveryStreams = streams;
  }
}
