package steps

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestResolveAppliesDefaults(t *testing.T) {
	cfg, warnings, err := Config{Bucket: "acme.events", Region: "eu-west-1", Prefix: "/events/raw/"}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	for got, want := range map[string]string{
		cfg.User: "strm-export-acme.events", cfg.PolicyName: "strm-bucket-write-access", cfg.Prefix: "events/raw",
		cfg.CredentialsFile: "s3.json", cfg.PolicyFile: "strm-policy.json", cfg.Connector: "acme.events",
		cfg.RegisterWith: "auto", cfg.STRMAPIHost: "api.strmprivacy.io:443",
	} {
		if got != want {
			t.Errorf("default = %q, want %q", got, want)
		}
	}
	if cfg.KeyWait != 2*time.Minute {
		t.Errorf("KeyWait = %v", cfg.KeyWait)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "dots") {
		t.Errorf("warnings = %v, want the dots warning", warnings)
	}
	if c, _, _ := (Config{Bucket: "abc", Region: "us-east-1"}).Resolve(); c.Connector != "abc-s3" {
		t.Errorf("short bucket connector = %q, want padded to 4+", c.Connector)
	}
}

func TestResolveNamesEveryBadField(t *testing.T) {
	_, _, err := Config{
		Bucket: "Bad_Bucket", Region: "mars", Prefix: "a//b", User: "bad user", PolicyName: "p/q",
		CredentialsFile: "dir/", Connector: "abc", RegisterWith: "carrier-pigeon", AssumeRoleARN: "role", KeyWait: time.Millisecond,
	}.Resolve()
	var verr ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Resolve error = %v, want ValidationError", err)
	}
	for field, rule := range map[string]string{
		"bucket": "lowercase", "region": "AWS region", "prefix": "empty segment", "user": "letters, digits",
		"policy-name": "letters, digits", "credentials-file": "not a directory", "connector": "4 to 100",
		"register-with": "api, cli, auto", "assume-role-arn": "role ARN", "key-wait": "at least 1s",
	} {
		fe := verr.Field(field)
		if fe == nil || !strings.Contains(fe.Rule, rule) {
			t.Errorf("field %s: %v, want rule containing %q", field, fe, rule)
		}
	}
}

func TestResolveRequiresBucketAndRegion(t *testing.T) {
	_, _, err := Config{}.Resolve()
	var verr ValidationError
	errors.As(err, &verr)
	if verr.Field("bucket") == nil || verr.Field("region") == nil {
		t.Fatalf("empty config: %v, want bucket and region required", err)
	}
	if !strings.Contains(verr.Field("region").Rule, "AWS_REGION") {
		t.Errorf("region rule does not say how to set it: %s", verr.Field("region").Rule)
	}
}

func TestAWSCommandsCarryProfileAndEndpointAndQuote(t *testing.T) {
	cfg := Config{Profile: "prod admin", EndpointURL: "http://127.0.0.1:5000"}
	got := awsCmd(cfg, "s3", "mb", "s3://x y")
	want := `aws s3 mb 's3://x y' --profile 'prod admin' --endpoint-url http://127.0.0.1:5000`
	if got != want {
		t.Errorf("awsCmd = %s, want %s", got, want)
	}
}
