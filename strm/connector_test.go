package strm

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestValidateConnectorName(t *testing.T) {
	cases := []struct {
		name string
		want string // "" = valid
	}{
		{"abcd", ""},
		{"events-bucket_01.prod", ""},
		{"événements", ""},
		{"my events", ""}, // the API's pattern allows \s
		{strings.Repeat("x", 100), ""},
		{strings.Repeat("é", 100), ""}, // characters, not bytes
		{"abc", `connector name "abc": must be 4–100 characters (got 3)`},
		{"", `connector name "": must be 4–100 characters (got 0)`},
		{strings.Repeat("x", 101), `must be 4–100 characters (got 101)`},
		{"abc\x00d", `character U+0000 at position 4 is not allowed`},
		{"abc\u00a0d", `character U+00A0 at position 4 is not allowed`}, // not in \s
		{"ab\xffcd", `must be valid UTF-8`},
	}
	for _, tc := range cases {
		err := ValidateConnectorName(tc.name)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidateConnectorName(%q) = %v, want nil", tc.name, err)
		case tc.want != "" && err == nil:
			t.Errorf("ValidateConnectorName(%q) = nil, want %q", tc.name, tc.want)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("ValidateConnectorName(%q) = %q, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestConnectorJSONShape(t *testing.T) {
	c := Connector{Name: "events", ProjectID: projectA, BucketName: "my-events"}
	if got, want := c.JSON(), `{"ref":{"name":"events","projectId":"`+projectA+`"},"s3Bucket":{"bucketName":"my-events"}}`; got != want {
		t.Errorf("JSON = %s\nwant   %s", got, want)
	}
	c.AssumeRoleARN = "arn:aws:iam::1:role/r"
	if got := c.JSON(); !strings.Contains(got, `"s3Bucket":{"bucketName":"my-events","assumeRoleArn":"arn:aws:iam::1:role/r"}`) {
		t.Errorf("JSON with role = %s", got)
	}
	// json.Marshal of a struct holding it uses the same shape.
	b, err := json.Marshal(struct{ C Connector }{c})
	if err != nil || !strings.Contains(string(b), `"ref":{"name":"events"`) {
		t.Errorf("embedded = %s, %v", b, err)
	}
}

func TestConnectorUnmarshalBothShapes(t *testing.T) {
	want := Connector{Name: "events", ProjectID: projectA, BucketName: "my-events", AssumeRoleARN: "arn:r"}
	inner := `{"ref":{"name":"events","projectId":"` + projectA + `"},"s3Bucket":{"bucketName":"my-events","assumeRoleArn":"arn:r","credentials":"` + secretKey + `"}}`
	for _, in := range []string{inner, `{"dataConnector":` + inner + `}`} {
		var c Connector
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Fatalf("Unmarshal(%s): %v", in, err)
		}
		if c != want {
			t.Errorf("Unmarshal(%s) = %+v, want %+v", in, c, want)
		}
	}
	var c Connector
	if err := json.Unmarshal([]byte(`{"projects":[]}`), &c); err == nil {
		t.Error("output without a connector was accepted")
	}
}

func TestConnectorNeverShowsCredentials(t *testing.T) {
	// Whatever came in with credentials, nothing printed from the connector
	// or the result carries them.
	srv := startFakeSTRM(t)
	res, err := Register(testContext(t), apiOptions(t, srv, apiToken), ModeAPI, CreateRequest{Name: "events", Bucket: "my-events", Credentials: s3JSON, Project: "default"})
	if err != nil {
		t.Fatal(err)
	}
	var parsed Connector
	if err := json.Unmarshal([]byte(`{"dataConnector":{"ref":{"name":"x"},"s3Bucket":{"bucketName":"b","credentials":"`+secretKey+`"}}}`), &parsed); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Connector{res.Connector, parsed} {
		for _, s := range []string{c.JSON(), c.String(), fmt.Sprintf("%v %+v %#v", c, c, c), fmt.Sprintf("%+v %#v", res, res)} {
			if strings.Contains(s, secretKey) || strings.Contains(s, "AKIAEXAMPLE") || strings.Contains(s, apiToken) {
				t.Errorf("printed form leaks a secret: %s", s)
			}
		}
	}
}

func TestErrorFormAndKindOf(t *testing.T) {
	err := fmt.Errorf("register: %w", &Error{Kind: KindPermissionDenied, Op: "create data connector", Detail: "no access"})
	if KindOf(err) != KindPermissionDenied {
		t.Errorf("KindOf through wrapping = %v", KindOf(err))
	}
	if got := err.Error(); got != "register: create data connector: permission denied: no access" {
		t.Errorf("Error() = %q", got)
	}
	if KindOf(fmt.Errorf("plain")) != KindUnknown {
		t.Error("a foreign error is not KindUnknown")
	}
}
