// Command rawsix is the benchmark floor: the six API calls the documented
// setup needs, and nothing else — CreateBucket, CreateUser, PutUserPolicy,
// CreateAccessKey, then with the new key GetBucketLocation and PutObject.
// No validation, no retries, no output but errors. `make bench` runs it side
// by side with the wizard.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func main() {
	bucket := flag.String("bucket", "", "bucket name")
	prefix := flag.String("prefix", "events", "object prefix")
	flag.Parse()
	if err := run(context.Background(), *bucket, *prefix); err != nil {
		fmt.Fprintln(os.Stderr, "rawsix:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bucket, prefix string) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	pathStyle := func(o *s3.Options) { o.UsePathStyle = true }
	s3c := s3.NewFromConfig(cfg, pathStyle)
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if cfg.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(cfg.Region)}
	}
	if _, err := s3c.CreateBucket(ctx, in); err != nil {
		return err
	}
	iamc := iam.NewFromConfig(cfg)
	user := aws.String("strm-export-" + bucket)
	if _, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: user}); err != nil {
		return err
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetBucketLocation"],"Resource":"arn:aws:s3:::%s"},{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::%s/%s/*.jsonl"]}]}`, bucket, bucket, prefix)
	if _, err := iamc.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: user, PolicyName: aws.String("strm-bucket-write-access"), PolicyDocument: aws.String(policy)}); err != nil {
		return err
	}
	key, err := iamc.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: user})
	if err != nil {
		return err
	}
	kcfg := cfg.Copy()
	kcfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
	ks3 := s3.NewFromConfig(kcfg, pathStyle)
	if _, err := ks3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)}); err != nil {
		return err
	}
	_, err = ks3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix + "/.strm_test_raw.jsonl"), Body: bytes.NewReader(nil)})
	return err
}
