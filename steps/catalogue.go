package steps

import (
	"fmt"
	"strings"
	"time"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
)

// Catalogue keys. They appear in JSON output (diagnosis.kind) and in
// docs/troubleshooting.md, so they are stable.
const (
	KindNoCredentials    = "credentials.missing"
	KindExpiredToken     = "credentials.expired"
	KindBadSecret        = "credentials.bad-secret"
	KindUnknownKey       = "credentials.unknown-key"
	KindPermissionDenied = "permission.denied"
	KindNetwork          = "network.unreachable"
	KindThrottled        = "network.throttled"
	KindCanceled         = "run.canceled"
	KindUnexpected       = "unexpected"

	KindBucketNameTaken       = "bucket.name-taken"
	KindBucketInvalidName     = "bucket.invalid-name"
	KindBucketInvalidLocation = "bucket.invalid-location"
	KindBucketWrongRegion     = "bucket.wrong-region"
	KindBucketOtherAccount    = "bucket.other-account"

	KindPolicyFile = "policy.file"

	KindUserInvalidName = "user.invalid-name"
	KindUserNotOurs     = "user.not-ours"

	KindKeyLimit      = "access-key.limit"
	KindKeyFileExists = "access-key.file-exists"
	KindKeyFile       = "access-key.file"

	KindKeyNeverValid = "validate.key-never-valid"
	KindPutDenied     = "validate.put-denied"
	KindKMS           = "validate.kms"
	KindChecksum      = "validate.checksum"

	KindRegisterManual      = "register.manual"
	KindRegisterLogin       = "register.login"
	KindRegisterDenied      = "register.permission-denied"
	KindRegisterInvalid     = "register.invalid-argument"
	KindRegisterNameTaken   = "register.name-taken"
	KindRegisterProject     = "register.project-not-found"
	KindRegisterUnavailable = "register.unavailable"
	KindRegisterCLI         = "register.cli-failed"
)

// CatalogueKinds lists every catalogue key, in the order the documentation
// presents them.
func CatalogueKinds() []string {
	return []string{
		KindNoCredentials, KindExpiredToken, KindBadSecret, KindUnknownKey,
		KindPermissionDenied,
		KindBucketNameTaken, KindBucketInvalidName, KindBucketInvalidLocation, KindBucketWrongRegion, KindBucketOtherAccount,
		KindPolicyFile,
		KindUserInvalidName, KindUserNotOurs,
		KindKeyLimit, KindKeyFileExists, KindKeyFile,
		KindKeyNeverValid, KindPutDenied, KindKMS, KindChecksum,
		KindRegisterManual, KindRegisterLogin, KindRegisterDenied, KindRegisterInvalid, KindRegisterNameTaken,
		KindRegisterProject, KindRegisterUnavailable, KindRegisterCLI,
		KindNetwork, KindThrottled, KindCanceled, KindUnexpected,
	}
}

// catalogue holds the texts. Each entry fills in the user's real names.
func catalogue(kind string, f Facts) Diagnosis {
	c := f.Cfg
	prefixDesc := "the bucket root"
	if c.Prefix != "" {
		prefixDesc = fmt.Sprintf("prefix %q", c.Prefix)
	}
	switch kind {
	case KindNoCredentials:
		return Diagnosis{
			Title: "No AWS credentials found",
			Why:   "The wizard looks for credentials the way the aws CLI does: environment variables, the profile named by --profile or AWS_PROFILE, the shared credentials and config files, SSO. None of them gave a usable key.",
			Fix: []string{
				"Configure an access key for an administrator-level user: aws configure",
				"Or use a named profile: export AWS_PROFILE=<profile> (or pass --profile)",
				"Or, with AWS IAM Identity Center (SSO): aws sso login --profile <profile>",
			},
			Commands: []string{"aws configure", "aws sso login --profile <profile>", "aws sts get-caller-identity"},
			Retry:    true, Edit: "profile",
		}
	case KindExpiredToken:
		return Diagnosis{
			Title:    "Your AWS session has expired",
			Why:      "The credentials include a session token (SSO, assumed role or MFA session) that is no longer valid.",
			Fix:      []string{"Log in again, then retry: for SSO, aws sso login; for an assumed role, request new temporary credentials."},
			Commands: []string{awsCmd(c, "sso", "login"), awsCmd(c, "sts", "get-caller-identity")},
			Retry:    true,
		}
	case KindBadSecret:
		return Diagnosis{
			Title:    "AWS rejected the signature: the secret access key is wrong",
			Why:      "The access key id is known to AWS but the request was signed with a different secret, usually a mistyped or rotated AWS_SECRET_ACCESS_KEY, or a clock that is far off.",
			Fix:      []string{"Re-enter the key pair with aws configure (or fix AWS_SECRET_ACCESS_KEY).", "Check the system clock is correct (signatures expire after 15 minutes of skew)."},
			Commands: []string{"aws configure", awsCmd(c, "sts", "get-caller-identity")},
			Retry:    true, Edit: "profile",
		}
	case KindUnknownKey:
		return Diagnosis{
			Title:    "AWS does not know this access key",
			Why:      "The access key id in your credentials does not exist (it was deleted, deactivated, or belongs to another partition or endpoint).",
			Fix:      []string{"Create a new access key in the IAM console or ask your administrator, then run aws configure.", "If you use --endpoint-url, make sure the key belongs to that endpoint."},
			Commands: []string{"aws configure", awsCmd(c, "sts", "get-caller-identity")},
			Retry:    true, Edit: "profile",
		}
	case KindPermissionDenied:
		action := f.Action
		if action == "" {
			action = "the action"
		}
		d := Diagnosis{
			Title: fmt.Sprintf("You are not allowed to call %s", action),
			Why:   fmt.Sprintf("The identity you run the wizard as lacks %s. The wizard needs s3:ListAllMyBuckets, s3:CreateBucket, s3:GetBucketLocation, iam:CreateUser, iam:GetUser, iam:TagUser, iam:PutUserPolicy, iam:GetUserPolicy, iam:CreateAccessKey and iam:ListAccessKeys.", action),
			Fix: []string{
				fmt.Sprintf("Ask an administrator to allow %s for your identity, or run the wizard with an administrator profile (--profile).", action),
			},
			Commands: []string{awsCmd(c, "sts", "get-caller-identity")},
			Retry:    true, Edit: "profile",
		}
		switch denySource(awsops.Message(f.Err)) {
		case "scp":
			d.Why = fmt.Sprintf("An AWS Organizations service control policy (SCP) explicitly denies %s in this account. No IAM permission on your user can override it.", action)
			d.Fix = []string{"Ask your organization's administrator to exempt this action, or use an account the SCP does not cover."}
		case "boundary":
			d.Why = fmt.Sprintf("A permissions boundary on your identity explicitly denies %s; your own policies cannot widen it.", action)
			d.Fix = []string{"Ask an administrator to allow the action in your permissions boundary, or use another profile."}
		case "session":
			d.Why = fmt.Sprintf("The session policy of your assumed role denies %s.", action)
		case "explicit":
			d.Why = fmt.Sprintf("A policy explicitly denies %s for your identity; an explicit deny wins over any allow.", action)
		}
		return d
	case KindNetwork:
		cause := "unreachable"
		if f.Err != nil {
			cause = awsops.NetworkCause(f.Err)
		}
		endpoint := "AWS"
		if c.EndpointURL != "" {
			endpoint = c.EndpointURL
		}
		why := map[string]string{
			"DNS":         fmt.Sprintf("The name of %s could not be resolved (DNS).", endpoint),
			"TLS":         fmt.Sprintf("The TLS connection to %s failed: the certificate is not trusted or a proxy intercepts HTTPS.", endpoint),
			"refused":     fmt.Sprintf("%s refused the connection: nothing listens at that address and port.", endpoint),
			"timeout":     fmt.Sprintf("%s did not answer in time.", endpoint),
			"reset":       fmt.Sprintf("The connection to %s was dropped mid-request.", endpoint),
			"unreachable": fmt.Sprintf("%s could not be reached.", endpoint),
		}[cause]
		return Diagnosis{
			Title:    fmt.Sprintf("Cannot reach %s (%s)", endpoint, cause),
			Why:      why,
			Fix:      []string{"Check your network, VPN and HTTPS_PROXY settings; for --endpoint-url check the address and that the service runs.", "Then retry: nothing was changed by the failed call."},
			Commands: []string{awsCmd(c, "sts", "get-caller-identity")},
			Retry:    true, Edit: "endpoint-url",
		}
	case KindThrottled:
		return Diagnosis{
			Title: "AWS is throttling requests",
			Why:   "The API answered SlowDown/Throttling repeatedly; the wizard already retried with backoff.",
			Fix:   []string{"Wait a minute and retry; other automation in the account may be using the same API quota."},
			Retry: true,
		}
	case KindCanceled:
		return Diagnosis{
			Title: "Stopped by you",
			Why:   "The run was cancelled (Ctrl-C). Anything created before that is listed in the journal " + c.JournalFile + ".",
			Fix:   []string{"Run the same command again to continue: finished steps are reused."},
			Retry: true,
		}
	case KindBucketNameTaken:
		return Diagnosis{
			Title:    fmt.Sprintf("The bucket name %q belongs to another AWS account", c.Bucket),
			Why:      "S3 bucket names are global across all AWS accounts. Someone else owns this one, so the wizard cannot use it or write to it.",
			Fix:      []string{"Pick another name, e.g. with your company or account id in it: " + suggestBucket(c.Bucket, f.Account)},
			Commands: []string{awsCmd(c, "s3api", "list-buckets", "--query", "Buckets[].Name")},
			Retry:    false, Edit: "bucket",
		}
	case KindBucketInvalidName:
		return Diagnosis{
			Title: fmt.Sprintf("S3 rejected the bucket name %q", c.Bucket),
			Why:   "Bucket names must be 3 to 63 characters of lowercase letters, digits, hyphens (and dots), start and end with a letter or digit, and not look like an IP address.",
			Fix:   []string{"Choose a name that follows the rules, e.g. " + suggestBucket(c.Bucket, f.Account)},
			Retry: false, Edit: "bucket",
		}
	case KindBucketInvalidLocation:
		return Diagnosis{
			Title:    fmt.Sprintf("S3 rejected region %q for the bucket", c.Region),
			Why:      "CreateBucket must be sent to the region it creates the bucket in, with a LocationConstraint equal to that region (none for us-east-1). The region may be wrong, disabled for your account, or unknown to this endpoint.",
			Fix:      []string{"Check the region name and that it is enabled for your account (opt-in regions must be enabled first).", "Then retry with the right --region."},
			Commands: []string{awsCmd(c, "account", "list-regions", "--region-opt-status-contains", "ENABLED", "ENABLED_BY_DEFAULT")},
			Retry:    true, Edit: "region",
		}
	case KindBucketWrongRegion:
		return Diagnosis{
			Title: fmt.Sprintf("Bucket %q already exists in %s, not %s", c.Bucket, f.Region, c.Region),
			Why:   "You own this bucket, but in another region than asked. A bucket cannot be moved between regions.",
			Fix: []string{
				fmt.Sprintf("Use the bucket where it is: rerun with --region %s", f.Region),
				"Or choose a new bucket name for the region you want.",
			},
			Retry: true, Edit: "region",
		}
	case KindBucketOtherAccount:
		return Diagnosis{
			Title: fmt.Sprintf("Bucket %q is owned by another account than yours (%s)", c.Bucket, f.Account),
			Why:   "The bucket answers to your credentials, but it is not in your account's bucket list: another account owns it and granted you access. The wizard only sets up buckets it can prove are yours.",
			Fix:   []string{"Run the wizard with credentials of the owning account (--profile), or pick a bucket name of your own."},
			Retry: true, Edit: "bucket",
		}
	case KindPolicyFile:
		return Diagnosis{
			Title: fmt.Sprintf("Could not write the policy file %s", c.PolicyFile),
			Why:   "The file or its folder is not writable.",
			Fix:   []string{"Choose another path with --policy-file, or fix the folder's permissions."},
			Retry: true, Edit: "policy-file",
		}
	case KindUserInvalidName:
		return Diagnosis{
			Title: fmt.Sprintf("IAM rejected the user name %q", c.User),
			Why:   "IAM user names are 1 to 64 characters of letters, digits and _+=,.@-.",
			Fix:   []string{"Choose another name with --user."},
			Retry: false, Edit: "user",
		}
	case KindUserNotOurs:
		return Diagnosis{
			Title: fmt.Sprintf("IAM user %q already exists and was not made by this wizard", c.User),
			Why:   "Reusing someone else's user would attach STRM's write policy to an identity that may be used for other things. " + f.Note,
			Fix: []string{
				"Pick another user name with --user, or",
				fmt.Sprintf("confirm that %q may be used for STRM exports: rerun with --adopt-user.", c.User),
			},
			Commands: []string{awsCmd(c, "iam", "get-user", "--user-name", c.User)},
			Retry:    true, Edit: "user",
		}
	case KindKeyLimit:
		var keys []string
		var cmds []string
		for _, k := range f.Keys {
			keys = append(keys, fmt.Sprintf("%s (%s, %s)", k.ID, k.Status, ago(f.Now, k.Created)))
			cmds = append(cmds, awsCmd(c, "iam", "delete-access-key", "--user-name", c.User, "--access-key-id", k.ID))
		}
		listed := "its two keys"
		if len(keys) > 0 {
			listed = strings.Join(keys, "; ")
		}
		return Diagnosis{
			Title:    fmt.Sprintf("User %q already has two access keys, the most IAM allows", c.User),
			Why:      "Each IAM user can have at most two access keys. Existing keys: " + listed + ".",
			Fix:      []string{"Delete the key you no longer use (one not in any credentials file you rely on), then retry.", "Or keep using the key you have: point --credentials-file at its file."},
			Commands: cmds,
			Retry:    true, Edit: "credentials-file",
		}
	case KindKeyFileExists:
		return Diagnosis{
			Title: fmt.Sprintf("%s already exists and holds another key", c.CredentialsFile),
			Why:   "The wizard never overwrites a credentials file silently: it may be the only copy of a secret something else uses. " + f.Note,
			Fix:   []string{"Write to another file with --credentials-file, or replace it with a new key: rerun with --force."},
			Retry: true, Edit: "credentials-file",
		}
	case KindKeyFile:
		return Diagnosis{
			Title: fmt.Sprintf("Could not write the credentials file %s", c.CredentialsFile),
			Why:   "The key was created but its file could not be written. " + f.Note,
			Fix:   []string{"Choose a writable path with --credentials-file and retry; the new key is listed in the journal " + c.JournalFile + " so it can be deleted."},
			Retry: true, Edit: "credentials-file",
		}
	case KindKeyNeverValid:
		return Diagnosis{
			Title: fmt.Sprintf("The new access key did not become valid within %s", c.KeyWait),
			Why:   fmt.Sprintf("New IAM keys take a few seconds (rarely up to two minutes) to work everywhere. After %d attempts over %s AWS still rejects it.", f.Attempts, f.Elapsed.Round(100*time.Millisecond)),
			Fix:   []string{"Retry: the key may simply need more time (or raise --key-wait).", fmt.Sprintf("Check the key is active: %s", awsCmd(c, "iam", "list-access-keys", "--user-name", c.User))},
			Commands: []string{
				awsCmd(c, "iam", "list-access-keys", "--user-name", c.User),
			},
			Retry: true,
		}
	case KindPutDenied:
		title := fmt.Sprintf("The new key works, but writing to %s in bucket %q is denied", prefixDesc, c.Bucket)
		if f.Action == "s3:GetBucketLocation" {
			title = fmt.Sprintf("The new key works, but reading the location of bucket %q is denied", c.Bucket)
		}
		return Diagnosis{
			Title: title,
			Why:   "The key is valid, yet PutObject was refused. Either the user's policy allows another prefix than the one validated, a bucket policy denies the write, or an SCP or permissions boundary limits the user.",
			Fix: []string{
				fmt.Sprintf("Compare the policy on %q with %s: it must allow s3:PutObject on %s.", c.User, c.PolicyFile, awsops.ObjectARN(c.Bucket, c.Prefix)),
				fmt.Sprintf("Check the bucket policy of %q for Deny statements.", c.Bucket),
			},
			Commands: []string{
				awsCmd(c, "iam", "get-user-policy", "--user-name", c.User, "--policy-name", c.PolicyName),
				awsCmd(c, "s3api", "get-bucket-policy", "--bucket", c.Bucket),
			},
			Retry: true, Edit: "prefix",
		}
	case KindKMS:
		return Diagnosis{
			Title: fmt.Sprintf("Bucket %q encrypts with a KMS key the new user may not use", c.Bucket),
			Why:   "The bucket's default encryption uses AWS KMS (SSE-KMS). Writing an object then also needs kms:GenerateDataKey on that key, which STRM's policy does not include.",
			Fix: []string{
				fmt.Sprintf("Allow kms:GenerateDataKey on the bucket's key for user %q (in the key policy or an extra statement), or switch the bucket to SSE-S3.", c.User),
			},
			Commands: []string{awsCmd(c, "s3api", "get-bucket-encryption", "--bucket", c.Bucket)},
			Retry:    true,
		}
	case KindChecksum:
		return Diagnosis{
			Title: "The storage endpoint rejected the request's checksum",
			Why:   "Newer AWS SDKs add CRC32 checksum trailers to uploads; several S3-compatible stores reject them (XAmzContentSHA256Mismatch or an unsupported header).",
			Fix:   []string{"Pass --endpoint-url so the wizard sends checksums only when required, and make sure the endpoint is the store's S3 API address."},
			Retry: true, Edit: "endpoint-url",
		}
	case KindRegisterManual:
		return Diagnosis{
			Title:    "Register the connector with STRM Privacy yourself",
			Why:      "The wizard found no STRM login and no strm CLI to register with. " + f.Note,
			Fix:      []string{"Install the strm CLI and log in (strm auth login), then run the command below — or rerun the wizard, which reuses everything already made."},
			Commands: []string{"strm auth login", RegisterCommand(c)},
			Retry:    true,
		}
	case KindRegisterLogin:
		return Diagnosis{
			Title:    "You are not logged in to STRM Privacy",
			Why:      "STRM refused the access token, or none could be found or refreshed. " + f.Note,
			Fix:      []string{"Log in with the strm CLI, then retry (or set STRM_ACCESS_TOKEN)."},
			Commands: []string{"strm auth login", RegisterCommand(c)},
			Retry:    true,
		}
	case KindRegisterDenied:
		return Diagnosis{
			Title:    "STRM Privacy does not allow you to create data connectors here",
			Why:      "Your login is valid, but your role in the project does not include creating data connectors.",
			Fix:      []string{"Ask a project admin for the permission, or choose another project with --strm-project."},
			Commands: []string{RegisterCommand(c)},
			Retry:    true, Edit: "strm-project",
		}
	case KindRegisterInvalid:
		return Diagnosis{
			Title: fmt.Sprintf("STRM Privacy rejected the connector %q", c.Connector),
			Why:   "An input did not meet STRM's rules: the name must be 4 to 100 characters; the bucket and credentials must be set.",
			Fix:   []string{"Correct the input named in the message below and retry."},
			Retry: true, Edit: "connector",
		}
	case KindRegisterNameTaken:
		return Diagnosis{
			Title: fmt.Sprintf("A data connector named %q already exists for another bucket (%s)", c.Connector, f.Region),
			Why:   "Connector names are unique in a project; this one points elsewhere, so the wizard will not touch it.",
			Fix:   []string{"Choose another name with --connector, or delete the old connector if it is unused."},
			Commands: []string{
				"strm delete data-connector " + ShellQuote(c.Connector),
			},
			Retry: true, Edit: "connector",
		}
	case KindRegisterProject:
		return Diagnosis{
			Title:    "The STRM project could not be found",
			Why:      "No project with that name is visible to your login, or no active project is set.",
			Fix:      []string{"Name the project with --strm-project, or set the active one: strm context project <name>."},
			Commands: []string{"strm list projects"},
			Retry:    true, Edit: "strm-project",
		}
	case KindRegisterUnavailable:
		return Diagnosis{
			Title:    fmt.Sprintf("Cannot reach the STRM Privacy API at %s", c.STRMAPIHost),
			Why:      "The connection failed or timed out: network, proxy, or a wrong --strm-api-host.",
			Fix:      []string{"Check your network and --strm-api-host, then retry; everything in AWS is already done."},
			Commands: []string{RegisterCommand(c)},
			Retry:    true, Edit: "strm-api-host",
		}
	case KindRegisterCLI:
		return Diagnosis{
			Title:    "The strm CLI failed to create the connector",
			Why:      "The wizard ran the strm CLI (no API login was found) and it reported an error, shown below.",
			Fix:      []string{"Fix what the CLI says (often: strm auth login), then retry."},
			Commands: []string{"strm auth login", RegisterCommand(c)},
			Retry:    true,
		}
	case KindUnexpected:
		return Diagnosis{
			Title: "Unexpected error",
			Why:   "The call failed in a way the wizard has no specific advice for. The service's own message is below.",
			Fix:   []string{"Read the message below; retry if it looks temporary.", "If it persists, open an issue with the message (it contains no secret)."},
			Retry: true,
		}
	}
	return Diagnosis{}
}

// suggestBucket proposes a bucket name that is likely to be free.
func suggestBucket(bucket, account string) string {
	suffix := "-strm"
	if account != "" {
		suffix = "-" + account
	}
	b := strings.Trim(bucket, ".-")
	if len(b)+len(suffix) > 63 {
		b = b[:63-len(suffix)]
	}
	if len(b) < 3 {
		b = "strm-export"
	}
	return b + suffix
}
