package strm

import (
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"

	entities "github.com/strmprivacy/api-definitions-go/v3/api/entities/v1"
)

// Connector name limits, from the API's validation rules on
// DataConnectorRef.name: min_len 4, max_len 100 (characters, not bytes) and
// pattern ^[\pL\pN\pS\pM\pP\s]+$.
const (
	MinConnectorNameLen = 4
	MaxConnectorNameLen = 100
)

// Connector is an S3 data connector as STRM knows it. It never holds the
// credentials, so nothing printed from it can leak them.
type Connector struct {
	Name          string
	ProjectID     string
	BucketName    string
	AssumeRoleARN string
}

// connectorJSON is the shape the strm CLI prints (protojson of
// DataConnector, without the credentials).
type connectorJSON struct {
	Ref struct {
		Name      string `json:"name"`
		ProjectID string `json:"projectId,omitempty"`
	} `json:"ref"`
	S3Bucket *struct {
		BucketName    string `json:"bucketName"`
		AssumeRoleARN string `json:"assumeRoleArn,omitempty"`
	} `json:"s3Bucket,omitempty"`
}

// MarshalJSON writes {"ref":{"name","projectId"},"s3Bucket":{"bucketName"}},
// plus "assumeRoleArn" when set: the strm CLI's shape, never the credentials.
func (c Connector) MarshalJSON() ([]byte, error) {
	var j connectorJSON
	j.Ref.Name = c.Name
	j.Ref.ProjectID = c.ProjectID
	j.S3Bucket = &struct {
		BucketName    string `json:"bucketName"`
		AssumeRoleARN string `json:"assumeRoleArn,omitempty"`
	}{c.BucketName, c.AssumeRoleARN}
	return json.Marshal(j)
}

// UnmarshalJSON reads the strm CLI's output: a DataConnector, or a
// {"dataConnector":{...}} response wrapping one. Credentials are dropped.
func (c *Connector) UnmarshalJSON(b []byte) error {
	var wrapped struct {
		DataConnector *json.RawMessage `json:"dataConnector"`
		Ref           *json.RawMessage `json:"ref"`
	}
	if err := json.Unmarshal(b, &wrapped); err != nil {
		return err
	}
	if wrapped.Ref == nil && wrapped.DataConnector != nil {
		b = *wrapped.DataConnector
	}
	var j connectorJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Ref.Name == "" {
		return fmt.Errorf("no data connector (ref.name) in %.200s", b)
	}
	*c = Connector{Name: j.Ref.Name, ProjectID: j.Ref.ProjectID}
	if j.S3Bucket != nil {
		c.BucketName = j.S3Bucket.BucketName
		c.AssumeRoleARN = j.S3Bucket.AssumeRoleARN
	}
	return nil
}

// JSON is MarshalJSON as a string, for printing.
func (c Connector) JSON() string {
	b, err := c.MarshalJSON()
	if err != nil { // cannot happen: only strings
		return "{}"
	}
	return string(b)
}

// String is a one-line description, also without credentials.
func (c Connector) String() string {
	s := fmt.Sprintf("data connector %q (project %s) -> s3://%s", c.Name, c.ProjectID, c.BucketName)
	if c.AssumeRoleARN != "" {
		s += " assuming " + c.AssumeRoleARN
	}
	return s
}

func connectorFromProto(dc *entities.DataConnector) Connector {
	c := Connector{Name: dc.GetRef().GetName(), ProjectID: dc.GetRef().GetProjectId()}
	if s3 := dc.GetS3Bucket(); s3 != nil {
		c.BucketName = s3.GetBucketName()
		c.AssumeRoleARN = s3.GetAssumeRoleArn()
	}
	return c
}

// ValidateConnectorName applies the API's rules for a data connector name:
// 4–100 characters, each a letter, digit, mark, punctuation, symbol or one of
// the ASCII spaces (space, tab, newline, CR, form feed; the API's \s). The
// error names the field and the rule, e.g.
// `connector name "abc": must be 4–100 characters (got 3)`.
func ValidateConnectorName(name string) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("connector name %q: must be valid UTF-8", name)
	}
	n := utf8.RuneCountInString(name)
	if n < MinConnectorNameLen || n > MaxConnectorNameLen {
		return fmt.Errorf("connector name %q: must be %d–%d characters (got %d)", name, MinConnectorNameLen, MaxConnectorNameLen, n)
	}
	pos := 0
	for _, r := range name {
		pos++
		if !nameRuneAllowed(r) {
			return fmt.Errorf("connector name %q: character %U at position %d is not allowed (only letters, digits, marks, punctuation, symbols and spaces)", name, r, pos)
		}
	}
	return nil
}

func nameRuneAllowed(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\f', '\r':
		return true
	}
	return unicode.In(r, unicode.L, unicode.N, unicode.S, unicode.M, unicode.P)
}
