package awsops

import (
	"encoding/json"
	"fmt"
)

// DefaultPolicyName is the inline policy name STRM Privacy's manual uses.
const DefaultPolicyName = "strm-bucket-write-access"

// PolicyDocument is an IAM policy in the exact form STRM Privacy documents:
// GetBucketLocation on the bucket, PutObject on <prefix>/*.jsonl.
type PolicyDocument struct {
	Version   string            `json:"Version"`
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a PolicyDocument. Resource is a
// string or a list of strings: STRM's page writes the bucket ARN as a string
// and the object ARN as a list, and the document copies that shape so it can
// be compared with the page line by line.
type PolicyStatement struct {
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource any      `json:"Resource"`
}

// BucketARN returns arn:aws:s3:::bucket.
func BucketARN(bucket string) string { return "arn:aws:s3:::" + bucket }

// ObjectARN returns the ARN pattern of the objects the connector may write.
// prefix must already be normalised: no double slash when it is empty.
func ObjectARN(bucket, prefix string) string {
	if prefix == "" {
		return fmt.Sprintf("arn:aws:s3:::%s/*.jsonl", bucket)
	}
	return fmt.Sprintf("arn:aws:s3:::%s/%s/*.jsonl", bucket, prefix)
}

// ObjectKey joins the normalised prefix and a file name into an object key.
func ObjectKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}

// BuildPolicy validates bucket and prefix and returns the least-privilege
// policy document together with the normalised prefix.
func BuildPolicy(bucket, prefix string) (PolicyDocument, string, error) {
	if _, err := ValidateBucketName(bucket); err != nil {
		return PolicyDocument{}, "", err
	}
	p, err := NormalizePrefix(prefix)
	if err != nil {
		return PolicyDocument{}, "", err
	}
	return PolicyDocument{
		Version: "2012-10-17",
		Statement: []PolicyStatement{
			{Effect: "Allow", Action: []string{"s3:GetBucketLocation"}, Resource: BucketARN(bucket)},
			{Effect: "Allow", Action: []string{"s3:PutObject"}, Resource: []string{ObjectARN(bucket, p)}},
		},
	}, p, nil
}

// JSON renders the document indented, as a person would paste it into the
// console. It cannot fail: the document holds only strings.
func (d PolicyDocument) JSON() string {
	b, err := json.MarshalIndent(d, "", "    ")
	if err != nil {
		panic(err) // unreachable: only strings and slices of strings
	}
	return string(b) + "\n"
}
