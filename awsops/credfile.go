package awsops

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// credentialsFile is the exact output of `aws iam create-access-key`, the
// file STRM Privacy reads (s3.json). Field order matters to people diffing
// it against the CLI's output, so it is a struct, not a map.
type credentialsFile struct {
	AccessKey struct {
		UserName        string `json:"UserName"`
		AccessKeyID     string `json:"AccessKeyId"`
		Status          string `json:"Status"`
		SecretAccessKey string `json:"SecretAccessKey"`
		CreateDate      string `json:"CreateDate"`
	} `json:"AccessKey"`
}

// CredentialsFileJSON renders k as `aws iam create-access-key` prints it:
// four-space indent, CreateDate as 2006-01-02T15:04:05+00:00.
func CredentialsFileJSON(k AccessKey) []byte {
	var f credentialsFile
	f.AccessKey.UserName = k.UserName
	f.AccessKey.AccessKeyID = k.ID
	f.AccessKey.Status = k.Status
	f.AccessKey.SecretAccessKey = k.Secret.Reveal()
	f.AccessKey.CreateDate = k.Created.UTC().Format("2006-01-02T15:04:05+00:00")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		panic(err) // unreachable: only strings
	}
	return buf.Bytes()
}

// ParseCredentialsFile reads a create-access-key document back.
func ParseCredentialsFile(data []byte) (AccessKey, error) {
	var f credentialsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return AccessKey{}, fmt.Errorf("not a create-access-key document: %w", err)
	}
	a := f.AccessKey
	if a.AccessKeyID == "" || a.SecretAccessKey == "" {
		return AccessKey{}, fmt.Errorf("not a create-access-key document: AccessKey.AccessKeyId or SecretAccessKey is missing")
	}
	created, _ := time.Parse(time.RFC3339, a.CreateDate)
	return AccessKey{UserName: a.UserName, ID: a.AccessKeyID, Status: a.Status, Secret: NewSecret(a.SecretAccessKey), Created: created}, nil
}
