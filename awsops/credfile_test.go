package awsops

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCredentialsFileIsCreateAccessKeyOutput(t *testing.T) {
	k := AccessKey{UserName: "strm-export-demo", ID: "AKIAEXAMPLE123456789", Status: "Active",
		Secret: NewSecret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), Created: time.Date(2026, 11, 26, 9, 5, 7, 0, time.UTC)}
	want := `{
    "AccessKey": {
        "UserName": "strm-export-demo",
        "AccessKeyId": "AKIAEXAMPLE123456789",
        "Status": "Active",
        "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "CreateDate": "2026-11-26T09:05:07+00:00"
    }
}
`
	got := string(CredentialsFileJSON(k))
	if got != want {
		t.Fatalf("credentials file:\n%s\nwant:\n%s", got, want)
	}
	back, err := ParseCredentialsFile([]byte(got))
	if err != nil || back.ID != k.ID || back.Secret.Reveal() != k.Secret.Reveal() || !back.Created.Equal(k.Created) {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
	if _, err := ParseCredentialsFile([]byte(`{"AccessKey":{}}`)); err == nil {
		t.Error("an empty AccessKey parsed")
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret("super-secret-value")
	k := AccessKey{ID: "AKIA", Secret: s}
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %q %#v %+v", s, s, s, s, k), fmt.Sprintf("%#v", k)} {
		if strings.Contains(out, "super-secret-value") {
			t.Fatalf("secret printed: %s", out)
		}
	}
	b, _ := s.MarshalJSON()
	if strings.Contains(string(b), "super") {
		t.Fatal("secret in JSON")
	}
	if MaskKeyID("AKIAIOSFODNN7EXAMPLE") != "AKIA…MPLE" {
		t.Errorf("MaskKeyID = %q", MaskKeyID("AKIAIOSFODNN7EXAMPLE"))
	}
}
