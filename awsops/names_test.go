package awsops

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestValidateBucketName(t *testing.T) {
	for _, tc := range []struct {
		name     string
		wantRule string // "" = valid
		warn     bool
	}{
		{"strm-demo", "", false},
		{"abc", "", false},
		{strings.Repeat("a", 63), "", false},
		{"my.bucket.name", "", true},
		{"", "is required", false},
		{"ab", "3 to 63 characters", false},
		{strings.Repeat("a", 64), "3 to 63 characters", false},
		{"Strm-demo", "must be lowercase", false},
		{"strm_demo", "only lowercase letters, digits, hyphens and dots", false},
		{"-strm", "begin and end with a letter or digit", false},
		{"strm-", "begin and end with a letter or digit", false},
		{"a..b", "two adjacent dots", false},
		{"a.-b", "dot next to a hyphen", false},
		{"192.168.5.4", "IP address", false},
		{"xn--strm", `must not start with "xn--"`, false},
		{"sthree-strm", `must not start with "sthree-"`, false},
		{"strm-s3alias", `must not end with "-s3alias"`, false},
		{"strm--ol-s3", `must not end with "--ol-s3"`, false},
		{"strm--x-s3", `must not end with "--x-s3"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			warn, err := ValidateBucketName(tc.name)
			if tc.wantRule == "" {
				if err != nil {
					t.Fatalf("ValidateBucketName(%q) = %v, want valid", tc.name, err)
				}
				if tc.warn != (len(warn) > 0) {
					t.Errorf("warnings = %v, want warning: %v", warn, tc.warn)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "bucket" || !strings.Contains(fe.Rule, tc.wantRule) {
				t.Fatalf("ValidateBucketName(%q) = %v, want a bucket error containing %q", tc.name, err, tc.wantRule)
			}
		})
	}
}

func TestNormalizePrefix(t *testing.T) {
	for _, tc := range []struct{ in, want, wantRule string }{
		{"", "", ""},
		{"/", "", ""},
		{"events", "events", ""},
		{"/events/", "events", ""},
		{"events/raw/", "events/raw", ""},
		{"a//b", "", `empty segment`},
		{"a/./b", "", `"." segments`},
		{"../x", "", `".." segments`},
		{"a/..", "", `".." segments`},
		{"ev\x00ts", "", "control characters"},
		{"ev\nts", "", "control characters"},
		{"ev*", "", "wildcards"},
		{"ev?", "", "wildcards"},
		{"${aws:username}", "", "policy variable"},
		{strings.Repeat("p", 901), "", "at most 900 bytes"},
	} {
		got, err := NormalizePrefix(tc.in)
		if tc.wantRule == "" {
			if err != nil || got != tc.want {
				t.Errorf("NormalizePrefix(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "prefix" || !strings.Contains(fe.Rule, tc.wantRule) {
			t.Errorf("NormalizePrefix(%q) = %v, want prefix error containing %q", tc.in, err, tc.wantRule)
		}
	}
}

func TestValidateUserAndPolicyName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"strm-export-demo", true},
		{"a", true},
		{"User_+=,.@-1", true},
		{strings.Repeat("u", 64), true},
		{strings.Repeat("u", 65), false},
		{"", false},
		{"with space", false},
		{"slash/name", false},
		{"ünï", false},
	} {
		err := ValidateUserName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateUserName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		var fe *FieldError
		if err != nil && (!errors.As(err, &fe) || fe.Field != "user") {
			t.Errorf("ValidateUserName(%q) error does not name the field: %v", tc.name, err)
		}
	}
	if err := ValidatePolicyName(strings.Repeat("p", 128)); err != nil {
		t.Errorf("128-char policy name: %v", err)
	}
	if err := ValidatePolicyName(strings.Repeat("p", 129)); err == nil || !strings.Contains(err.Error(), "policy-name") {
		t.Errorf("129-char policy name: %v, want a policy-name error", err)
	}
}

func TestDefaultUserNameFitsIAM(t *testing.T) {
	long := strings.Repeat("b", 63)
	name := DefaultUserName(long)
	if len(name) > 64 || !strings.HasPrefix(name, "strm-export-") {
		t.Fatalf("DefaultUserName(63 chars) = %q (%d)", name, len(name))
	}
	if err := ValidateUserName(name); err != nil {
		t.Fatal(err)
	}
	if got := DefaultUserName("demo"); got != "strm-export-demo" {
		t.Errorf("DefaultUserName(demo) = %q", got)
	}
}

func TestBuildPolicyMatchesSTRMDocs(t *testing.T) {
	for _, tc := range []struct{ prefix, wantObject string }{
		{"", "arn:aws:s3:::strm-demo/*.jsonl"},
		{"events", "arn:aws:s3:::strm-demo/events/*.jsonl"},
		{"/events/raw/", "arn:aws:s3:::strm-demo/events/raw/*.jsonl"},
	} {
		doc, _, err := BuildPolicy("strm-demo", tc.prefix)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Version   string
			Statement []struct {
				Effect   string
				Action   []string
				Resource any
			}
		}
		if err := json.Unmarshal([]byte(doc.JSON()), &got); err != nil {
			t.Fatal(err)
		}
		if got.Version != "2012-10-17" || len(got.Statement) != 2 {
			t.Fatalf("policy = %s", doc.JSON())
		}
		s0, s1 := got.Statement[0], got.Statement[1]
		if s0.Effect != "Allow" || strings.Join(s0.Action, ",") != "s3:GetBucketLocation" || s0.Resource != "arn:aws:s3:::strm-demo" {
			t.Errorf("statement 1 = %+v", s0)
		}
		res, _ := s1.Resource.([]any)
		if s1.Effect != "Allow" || strings.Join(s1.Action, ",") != "s3:PutObject" || len(res) != 1 || res[0] != tc.wantObject {
			t.Errorf("prefix %q: statement 2 = %+v, want resource %s", tc.prefix, s1, tc.wantObject)
		}
	}
}

// FuzzInputs: whatever the user types, validation either rejects it with a
// field error, or the policy built from it is valid JSON with well-formed
// ARNs — no double slash, no wildcard but the final *.jsonl, no escape from
// the bucket.
func FuzzInputs(f *testing.F) {
	for _, s := range [][2]string{{"strm-demo", "events"}, {"a.b.c", "/x/y/"}, {"abc", "a//b"}, {"UP", "../x"}, {"strm", "e*"}, {"x-y", "ü/ß"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, bucket, prefix string) {
		_ = ValidateUserName(DefaultUserName(bucket))
		doc, p, err := BuildPolicy(bucket, prefix)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || (fe.Field != "bucket" && fe.Field != "prefix") || fe.Rule == "" {
				t.Fatalf("BuildPolicy(%q, %q) error %v does not name a field and rule", bucket, prefix, err)
			}
			return
		}
		var parsed PolicyDocument
		if err := json.Unmarshal([]byte(doc.JSON()), &parsed); err != nil {
			t.Fatalf("policy is not valid JSON: %v", err)
		}
		obj := ObjectARN(bucket, p)
		rest := strings.TrimPrefix(obj, "arn:aws:s3:::")
		switch {
		case !strings.HasPrefix(obj, "arn:aws:s3:::"+bucket+"/"):
			t.Fatalf("object ARN %q escapes bucket %q", obj, bucket)
		case strings.Contains(rest, "//"):
			t.Fatalf("object ARN %q has a double slash", obj)
		case strings.Count(obj, "*") != 1 || !strings.HasSuffix(obj, "/*.jsonl"):
			t.Fatalf("object ARN %q has an extra wildcard", obj)
		case strings.ContainsAny(p, "?") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/"):
			t.Fatalf("normalised prefix %q", p)
		}
		for _, seg := range strings.Split(p, "/") {
			if p != "" && (seg == "" || seg == "." || seg == "..") {
				t.Fatalf("normalised prefix %q has segment %q", p, seg)
			}
		}
	})
}
