package awsops

import "fmt"

// Secret holds a secret access key. Every way of printing it — %v, %s, %q,
// %#v, JSON — shows a mask; only Reveal returns the value, and only the
// credentials file writer and the STRM request call it.
type Secret struct{ value string }

// NewSecret wraps a secret value.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether no secret is held.
func (s Secret) IsZero() bool { return s.value == "" }

func (s Secret) String() string { return "[secret]" }

// GoString masks the secret under %#v too.
func (s Secret) GoString() string { return "awsops.Secret{[secret]}" }

// Format masks the secret under every verb.
func (s Secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, "[secret]") }

// MarshalJSON masks the secret in any JSON it ends up in by accident.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"[secret]"`), nil }

// MaskKeyID shows the first four and last four characters of an access key
// id, enough to tell keys apart without handing the id out whole.
func MaskKeyID(id string) string {
	if len(id) <= 8 {
		return "****"
	}
	return id[:4] + "…" + id[len(id)-4:]
}
