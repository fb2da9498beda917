// This file starts a private moto_server (Python moto 5.2.1) per test with
// IAM enforcement switched on: the first few requests are unauthenticated and
// are used to bootstrap an "admin" user with an Allow *:* inline policy; from
// then on every request must be signed by a known access key and is checked
// against that user's policies. That is what lets a test prove that a
// generated policy allows exactly what it should and denies the rest.

// Package testenv is the harness for integration tests that talk to real
// peers instead of mocks (see DESIGN.md, "Testing against real peers"): a
// policy-enforcing moto (StartMoto) and a fault-injecting proxy (NewProxy),
// among others.
package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	// motoInstallHint tells a developer how to get moto_server.
	motoInstallHint = "moto_server not found on PATH: install it with `pip install 'moto[server]==5.2.1'` " +
		"(and make sure the pip scripts directory is on PATH)"

	// motoBootstrapRequests is INITIAL_NO_AUTH_ACTION_COUNT: the exact
	// number of unauthenticated AWS API requests the bootstrap makes
	// (CreateUser, PutUserPolicy, CreateAccessKey). moto counts every
	// S3/IAM/STS/... API request, signed or not, successful or not, against
	// it; requests to /moto-api/ (used for the readiness probe) do not count.
	motoBootstrapRequests = 3

	motoStartTimeout  = 20 * time.Second
	motoDefaultRegion = "us-east-1"
	adminUserName     = "admin"
	allowAllPolicy    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

// Moto is a running moto_server with IAM enforcement switched on.
type Moto struct {
	URL         string // e.g. http://127.0.0.1:PORT
	Region      string // default region, "us-east-1"
	AdminKeyID  string // access key of the bootstrapped "admin" user (inline policy Allow *:* on *)
	AdminSecret string
	AccountID   string // moto's account, 123456789012

	logPath   string // moto's stdout+stderr
	emptyFile string // empty file used to neutralise shared AWS config in Env
}

// StartMoto starts a fresh moto_server on a free loopback port, bootstraps
// the admin user and registers a cleanup that stops the server.
//
// If moto_server is not on PATH the test is skipped, or fails when the CI
// environment variable is set.
func StartMoto(t testing.TB) *Moto {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(motoInstallHint)
		}
		t.Skip(motoInstallHint)
	}

	dir := t.TempDir()
	m := &Moto{
		Region:    motoDefaultRegion,
		logPath:   filepath.Join(dir, "moto.log"),
		emptyFile: filepath.Join(dir, "empty-aws-config"),
	}
	if err := os.WriteFile(m.emptyFile, nil, 0o600); err != nil {
		t.Fatalf("testenv: %v", err)
	}

	// Picking a free port and then letting moto bind it is racy: another
	// process may take the port in between. Retry a few times on that.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freeLoopbackPort()
		if err != nil {
			t.Fatalf("testenv: picking a port for moto: %v", err)
		}
		lastErr = m.launch(t, bin, port)
		if lastErr == nil {
			break
		}
		if !errors.Is(lastErr, errMotoExited) {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("testenv: starting moto_server: %v\n--- moto log tail ---\n%s", lastErr, m.logTail(40))
	}

	if err := m.bootstrap(); err != nil {
		t.Fatalf("testenv: bootstrapping moto admin user: %v\n--- moto log tail ---\n%s", err, m.logTail(40))
	}
	return m
}

var errMotoExited = errors.New("moto_server exited early")

// launch starts moto on port and waits until it answers. On success a
// cleanup that stops it is registered; on failure the process is gone.
func (m *Moto) launch(t testing.TB, bin string, port int) error {
	logf, err := os.OpenFile(m.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close() // the child has its own copy of the descriptor

	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(withoutAWSEnv(os.Environ()),
		"INITIAL_NO_AUTH_ACTION_COUNT="+strconv.Itoa(motoBootstrapRequests),
		"PYTHONUNBUFFERED=1",
	)
	cmd.Stdout = logf
	cmd.Stderr = logf
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		terminateProcessGroup(cmd)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			killProcessGroup(cmd)
			<-exited
		}
	}

	m.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitForMoto(m.URL, exited); err != nil {
		stop()
		return err
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("moto log tail (%s):\n%s", m.logPath, m.logTail(30))
		}
		stop()
	})
	return nil
}

// waitForMoto polls moto's own /moto-api/ endpoint, which does not count
// against INITIAL_NO_AUTH_ACTION_COUNT, until it answers 200.
func waitForMoto(url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(motoStartTimeout)
	for {
		select {
		case <-exited:
			return errMotoExited
		default:
		}
		resp, err := client.Get(url + "/moto-api/data.json")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				// A foreign server could own the port if moto lost the
				// bind race; moto exits in that case.
				select {
				case <-exited:
					return errMotoExited
				default:
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("moto_server at %s not ready after %s (last error: %v)", url, motoStartTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}

// bootstrap spends exactly motoBootstrapRequests unauthenticated requests on
// creating the admin user and its key, then checks the key works.
func (m *Moto) bootstrap() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Retries would spend the unauthenticated budget, so none here.
	cfg := m.config("bootstrap", "bootstrap", m.Region)
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	ic := iam.NewFromConfig(cfg)
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(adminUserName)}); err != nil {
		return fmt.Errorf("CreateUser: %w", err)
	}
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
		UserName:       aws.String(adminUserName),
		PolicyName:     aws.String("allow-all"),
		PolicyDocument: aws.String(allowAllPolicy),
	}); err != nil {
		return fmt.Errorf("PutUserPolicy: %w", err)
	}
	key, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(adminUserName)})
	if err != nil {
		return fmt.Errorf("CreateAccessKey: %w", err)
	}
	m.AdminKeyID = aws.ToString(key.AccessKey.AccessKeyId)
	m.AdminSecret = aws.ToString(key.AccessKey.SecretAccessKey)

	id, err := m.STS(m.AdminConfig(nil, m.Region)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("GetCallerIdentity as admin: %w", err)
	}
	m.AccountID = aws.ToString(id.Account)
	return nil
}

// Config returns an aws.Config for moto with static credentials, the given
// region (m.Region if empty) and BaseEndpoint = m.URL. It does not read the
// environment or shared config files, so the developer's own AWS setup cannot
// leak in.
//
// The retryer is the SDK's standard retryer (3 attempts, retryable and
// throttling errors retried as in production) with backoff capped at 100 ms
// and no client-side retry quota, so fault-injection tests are fast and
// deterministic. Set cfg.Retryer to aws.NopRetryer to see the first error.
//
// S3 clients built from it need UsePathStyle (moto is addressed by IP):
// use m.S3.
func (m *Moto) Config(t testing.TB, keyID, secret, region string) aws.Config {
	if t != nil {
		t.Helper()
		if keyID == "" || secret == "" {
			t.Fatalf("testenv: Moto.Config needs a key id and secret")
		}
	}
	return m.config(keyID, secret, region)
}

func (m *Moto) config(keyID, secret, region string) aws.Config {
	if region == "" {
		region = m.Region
	}
	return aws.Config{
		Region:       region,
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(keyID, secret, "")),
		BaseEndpoint: aws.String(m.URL),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.MaxBackoff = 100 * time.Millisecond
				o.Backoff = retry.NewExponentialJitterBackoff(o.MaxBackoff)
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// AdminConfig is Config with the admin user's key.
func (m *Moto) AdminConfig(t testing.TB, region string) aws.Config {
	return m.Config(t, m.AdminKeyID, m.AdminSecret, region)
}

// S3 returns a path-style S3 client for cfg.
func (m *Moto) S3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// IAM returns an IAM client for cfg.
func (m *Moto) IAM(cfg aws.Config) *iam.Client { return iam.NewFromConfig(cfg) }

// STS returns an STS client for cfg.
func (m *Moto) STS(cfg aws.Config) *sts.Client { return sts.NewFromConfig(cfg) }

// Env returns a complete environment for a subprocess (the aws CLI or our
// binary) that talks to moto with the given key: the current environment with
// every AWS_* variable removed, plus AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL=m.URL, shared config and
// credentials files pointing at an empty file, and the EC2 metadata service
// disabled. Assign it to exec.Cmd.Env; append to override (last one wins).
//
// Note the aws CLI addresses S3 buckets path-style when the endpoint is an IP
// address, so no extra setting is needed for it.
func (m *Moto) Env(keyID, secret, region string) []string {
	if region == "" {
		region = m.Region
	}
	return append(withoutAWSEnv(os.Environ()),
		"AWS_ACCESS_KEY_ID="+keyID,
		"AWS_SECRET_ACCESS_KEY="+secret,
		"AWS_REGION="+region,
		"AWS_DEFAULT_REGION="+region,
		"AWS_ENDPOINT_URL="+m.URL,
		"AWS_CONFIG_FILE="+m.emptyFile,
		"AWS_SHARED_CREDENTIALS_FILE="+m.emptyFile,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	)
}

func withoutAWSEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if strings.HasPrefix(kv, "AWS_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// NewUser creates (as admin) an IAM user with policyJSON as its only inline
// policy, and an access key for it. Use it to make a "limited operator".
func (m *Moto) NewUser(t testing.TB, name, policyJSON string) (keyID, secret string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ic := m.IAM(m.AdminConfig(t, ""))
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("testenv: CreateUser %s: %v", name, err)
	}
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
		UserName:       aws.String(name),
		PolicyName:     aws.String(name + "-policy"),
		PolicyDocument: aws.String(policyJSON),
	}); err != nil {
		t.Fatalf("testenv: PutUserPolicy %s: %v", name, err)
	}
	key, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("testenv: CreateAccessKey %s: %v", name, err)
	}
	return aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)
}

// Log returns everything moto has written to stdout and stderr so far.
func (m *Moto) Log() string {
	b, _ := os.ReadFile(m.logPath)
	return string(b)
}

func (m *Moto) logTail(n int) string {
	b, err := os.ReadFile(m.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
