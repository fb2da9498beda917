package awsops

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Identity is who the credentials belong to.
type Identity struct {
	Account string
	ARN     string
	UserID  string
}

// CallerIdentity calls sts:GetCallerIdentity, which needs no permission: it
// proves the credentials are real and says whose they are.
func (c *Clients) CallerIdentity(ctx context.Context) (Identity, error) {
	out, err := c.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, err
	}
	return Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId)}, nil
}

// FindOwnedBucket looks the bucket up in ListBuckets, the one answer that
// proves ownership (HeadBucket answers 200 for buckets others let us see).
// When the endpoint reports the bucket's region it is returned too.
func (c *Clients) FindOwnedBucket(ctx context.Context, name string) (found bool, region string, err error) {
	in := &s3.ListBucketsInput{Prefix: aws.String(name)}
	for {
		out, err := c.S3().ListBuckets(ctx, in)
		if err != nil {
			return false, "", err
		}
		for _, b := range out.Buckets {
			if aws.ToString(b.Name) == name {
				return true, aws.ToString(b.BucketRegion), nil
			}
		}
		if aws.ToString(out.ContinuationToken) == "" {
			return false, "", nil
		}
		in.ContinuationToken = out.ContinuationToken
	}
}

// BucketRegion returns the bucket's region, normalising GetBucketLocation's
// legacy answers ("" is us-east-1, "EU" is eu-west-1).
func (c *Clients) BucketRegion(ctx context.Context, name string) (string, error) {
	out, err := c.S3().GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
	if err != nil {
		return "", err
	}
	return NormalizeLocation(string(out.LocationConstraint)), nil
}

// NormalizeLocation maps a LocationConstraint to a region name.
func NormalizeLocation(loc string) string {
	switch loc {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return loc
}

// CreateBucket creates the bucket in region. us-east-1 takes no
// LocationConstraint; every other region must name itself.
func (c *Clients) CreateBucket(ctx context.Context, name, region string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
			LocationConstraint: s3types.BucketLocationConstraint(region),
		}
	}
	_, err := c.S3().CreateBucket(ctx, in, func(o *s3.Options) { o.Region = region })
	return err
}

// PutEmptyObject writes a zero-byte object, as STRM does to validate.
func (c *Clients) PutEmptyObject(ctx context.Context, bucket, key string) error {
	_, err := c.S3().PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(nil),
		ContentLength: aws.Int64(0),
	})
	return err
}

// User is what the wizard needs to know about an IAM user.
type User struct {
	Name    string
	ARN     string
	Path    string
	Created time.Time
	Tags    map[string]string
}

func userFrom(u *iamtypes.User) User {
	if u == nil {
		return User{}
	}
	tags := map[string]string{}
	for _, t := range u.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return User{Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn), Path: aws.ToString(u.Path), Created: aws.ToTime(u.CreateDate), Tags: tags}
}

// CreateUser creates an IAM user carrying the given tags.
func (c *Clients) CreateUser(ctx context.Context, name string, tags map[string]string) (User, error) {
	in := &iam.CreateUserInput{UserName: aws.String(name)}
	for k, v := range tags {
		in.Tags = append(in.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	out, err := c.IAM().CreateUser(ctx, in)
	if err != nil {
		return User{}, err
	}
	return userFrom(out.User), nil
}

// GetUser returns an existing IAM user.
func (c *Clients) GetUser(ctx context.Context, name string) (User, error) {
	out, err := c.IAM().GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		return User{}, err
	}
	return userFrom(out.User), nil
}

// PutUserPolicy attaches (or replaces) an inline policy.
func (c *Clients) PutUserPolicy(ctx context.Context, user, policyName, document string) error {
	_, err := c.IAM().PutUserPolicy(ctx, &iam.PutUserPolicyInput{
		UserName: aws.String(user), PolicyName: aws.String(policyName), PolicyDocument: aws.String(document),
	})
	return err
}

// GetUserPolicy returns the inline policy document, decoded from the
// URL-encoding IAM returns it in.
func (c *Clients) GetUserPolicy(ctx context.Context, user, policyName string) (string, error) {
	out, err := c.IAM().GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(policyName)})
	if err != nil {
		return "", err
	}
	doc := aws.ToString(out.PolicyDocument)
	if dec, err := url.QueryUnescape(doc); err == nil {
		doc = dec
	}
	return doc, nil
}

// SamePolicy reports whether two policy documents say the same thing,
// ignoring formatting.
func SamePolicy(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// AccessKey is a newly created access key. The secret is masked when printed.
type AccessKey struct {
	UserName string
	ID       string
	Status   string
	Secret   Secret
	Created  time.Time
}

// CreateAccessKey creates an access key for user.
func (c *Clients) CreateAccessKey(ctx context.Context, user string) (AccessKey, error) {
	out, err := c.IAM().CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	if err != nil {
		return AccessKey{}, err
	}
	k := out.AccessKey
	return AccessKey{
		UserName: aws.ToString(k.UserName), ID: aws.ToString(k.AccessKeyId), Status: string(k.Status),
		Secret: NewSecret(aws.ToString(k.SecretAccessKey)), Created: aws.ToTime(k.CreateDate),
	}, nil
}

// KeyInfo describes an existing access key (no secret: IAM never returns it again).
type KeyInfo struct {
	ID      string
	Status  string
	Created time.Time
}

// ListAccessKeys lists the user's access keys.
func (c *Clients) ListAccessKeys(ctx context.Context, user string) ([]KeyInfo, error) {
	out, err := c.IAM().ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		return nil, err
	}
	keys := make([]KeyInfo, 0, len(out.AccessKeyMetadata))
	for _, m := range out.AccessKeyMetadata {
		keys = append(keys, KeyInfo{ID: aws.ToString(m.AccessKeyId), Status: string(m.Status), Created: aws.ToTime(m.CreateDate)})
	}
	return keys, nil
}
