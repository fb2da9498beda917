package steps

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/strmprivacy/s3-connector-wizard/internal/atomicfile"
)

// Resource types recorded in the journal.
const (
	ResBucket          = "s3-bucket"
	ResPolicyFile      = "policy-file"
	ResUser            = "iam-user"
	ResUserPolicy      = "iam-user-policy"
	ResAccessKey       = "iam-access-key"
	ResCredentialsFile = "credentials-file"
	ResTestObject      = "s3-test-object"
	ResConnector       = "strm-data-connector"
)

// Entry is one resource the wizard created or reused. It never holds a
// secret: access keys are recorded by id only.
type Entry struct {
	Type    string    `json:"type"`
	Name    string    `json:"name"`             // bucket, user, key id, path, object key, connector
	Parent  string    `json:"parent,omitempty"` // the user of a policy or key; the bucket of an object
	Region  string    `json:"region,omitempty"`
	Action  string    `json:"action"` // created | reused | written
	At      time.Time `json:"at"`
	RunID   string    `json:"run_id"`
	Cleanup string    `json:"cleanup,omitempty"` // the command that undoes it
}

// Journal is the record of what exists because of the wizard, written (mode
// 0600, atomically) right after each call that created something, so a
// crash or Ctrl-C never leaves an unrecorded resource.
type Journal struct {
	path string
	mu   sync.Mutex
	doc  journalDoc
}

type journalDoc struct {
	Version   int     `json:"version"`
	Account   string  `json:"account,omitempty"`
	Endpoint  string  `json:"endpoint,omitempty"`
	Resources []Entry `json:"resources"`
}

// OpenJournal loads the journal at path, or starts an empty one. Nothing is
// written until the first Record. An empty path gives an in-memory journal.
func OpenJournal(path string) (*Journal, error) {
	j := &Journal{path: path, doc: journalDoc{Version: 1, Resources: []Entry{}}}
	if path == "" {
		return j, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading journal %s: %w", path, err)
	}
	if err := json.Unmarshal(data, &j.doc); err != nil {
		return nil, fmt.Errorf("journal %s is not valid JSON (%v): move it away to start a new one", path, err)
	}
	return j, nil
}

// Path returns where the journal is written.
func (j *Journal) Path() string { return j.path }

// SetContext records the account and endpoint the resources live in.
func (j *Journal) SetContext(account, endpoint string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.doc.Account, j.doc.Endpoint = account, endpoint
}

// Record appends e and writes the journal to disk before returning.
func (j *Journal) Record(e Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.doc.Resources = append(j.doc.Resources, e)
	return j.flush()
}

// Entries returns a copy of what is recorded.
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Entry(nil), j.doc.Resources...)
}

func (j *Journal) flush() error {
	if j.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(j.doc, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(j.path, append(data, '\n'), 0o600)
}
