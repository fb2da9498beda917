package steps

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
)

// Tags the wizard puts on the users it creates, so a later run can tell its
// own users from someone else's.
const (
	TagCreatedBy   = "created-by"
	CreatedByValue = "s3-connector-wizard"
	TagBucket      = "strm-bucket"
)

// UserStep creates the IAM user STRM will write as.
type UserStep struct{}

// ID implements Step.
func (UserStep) ID() string { return "user" }

// Title implements Step.
func (UserStep) Title() string { return "Create the IAM user" }

// Plan implements Step.
func (UserStep) Plan(cfg Config) []Change {
	return []Change{{
		Summary: "Create IAM user " + cfg.User + " (or reuse it if this wizard made it)",
		Command: awsCmd(cfg, "iam", "create-user", "--user-name", cfg.User,
			"--tags", "Key="+TagCreatedBy+",Value="+CreatedByValue, "Key="+TagBucket+",Value="+cfg.Bucket),
	}}
}

// Run implements Step.
func (UserStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	facts := Facts{Cfg: cfg, Account: env.State.Identity.Account}
	u, err := mutating(ctx, func(ctx context.Context) (awsops.User, error) {
		return env.AWS.CreateUser(ctx, cfg.User, map[string]string{TagCreatedBy: CreatedByValue, TagBucket: cfg.Bucket})
	})
	facts.Err, facts.Action = err, "iam:CreateUser"
	switch awsops.Classify(err) {
	case awsops.KindNone:
		res := passed("created %s", u.ARN)
		env.record(&res, Entry{Type: ResUser, Name: cfg.User, Action: "created",
			Cleanup: awsCmd(cfg, "iam", "delete-user", "--user-name", cfg.User)})
		env.State.User, env.State.UserCreated = u, true
		return res
	case awsops.KindAlreadyExists:
		return reuseUser(ctx, env, facts)
	case awsops.KindInvalidName:
		return failed(err, facts, KindUserInvalidName)
	}
	return failed(err, facts, "")
}

func reuseUser(ctx context.Context, env *Env, facts Facts) Result {
	cfg := env.Config
	u, err := env.AWS.GetUser(ctx, cfg.User)
	if err != nil {
		facts.Err, facts.Action = err, "iam:GetUser"
		return failed(err, facts, "")
	}
	ours := u.Tags[TagCreatedBy] == CreatedByValue
	if !ours && !cfg.AdoptUser {
		facts.Err = nil
		facts.Note = describeUser(u)
		return failed(nil, facts, KindUserNotOurs)
	}
	res := reused("%s already exists", u.ARN)
	if !ours {
		res.Detail += " (adopted: not made by this wizard)"
	}
	env.record(&res, Entry{Type: ResUser, Name: cfg.User, Action: "reused"})
	env.State.User = u
	return res
}

func describeUser(u awsops.User) string {
	var tags []string
	for k, v := range u.Tags {
		tags = append(tags, k+"="+v)
	}
	sort.Strings(tags)
	t := "no tags"
	if len(tags) > 0 {
		t = "tags " + strings.Join(tags, ", ")
	}
	return fmt.Sprintf("It has path %s, was created %s, and has %s.", u.Path, u.Created.UTC().Format("2006-01-02"), t)
}
