// This file provides a fault-injecting reverse proxy to put in front of moto.
//
// moto answers every request promptly and correctly; real AWS does not. The
// proxy produces the faults moto cannot: a new access key that is not valid
// yet (IAM propagation lag), throttling, slow answers, dropped connections,
// and arbitrary AWS errors (e.g. BucketAlreadyExists for a name owned by
// another account). It recognises the service, operation, access key and
// bucket of each SigV4-signed request, so faults can be aimed precisely, and
// it logs every request so tests can assert what the code under test sent.

package testenv

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"
)

// Proxy is a reverse proxy that forwards to a target (normally Moto.URL)
// and injects faults. Point clients at Proxy.URL instead of Moto.URL, e.g.
// cfg.BaseEndpoint = aws.String(p.URL). It is safe for concurrent use.
//
// S3 requests must be path-style (Moto.S3 clients are).
type Proxy struct {
	URL string // e.g. http://127.0.0.1:PORT

	target    *url.URL
	transport *http.Transport
	rp        *httputil.ReverseProxy

	mu     sync.Mutex
	now    func() time.Time // the clock for Fault.For and Request.Time
	rules  []*faultRule
	nextID int
	log    []Request
}

// Match selects requests. Empty fields match anything.
type Match struct {
	Service     string // "s3", "iam", "sts"; from the SigV4 credential scope
	Operation   string // API operation name, e.g. "PutObject", "CreateAccessKey"
	AccessKeyID string // from the SigV4 credential
	BucketName  string // S3 only: the first path segment
}

// Fault is a rule: the first Times requests matching Match within For after
// the rule was added get the action instead of (Error, Drop) or in addition
// to (Delay) normal forwarding. Rules are tried in the order they were added
// and the first live matching rule applies. Exactly one action must be set.
type Fault struct {
	Match Match
	Times int           // apply to the first N matching requests, then stop; 0 = unlimited
	For   time.Duration // apply only for this long after the rule is added; 0 = no time bound

	Error *AWSError     // answer with this AWS error instead of forwarding
	Delay time.Duration // wait this long, then forward
	Drop  bool          // close the connection without answering

	throttle bool // set by Throttle: the error depends on the request's service
}

// AWSError is an error answer. For S3 it is rendered as
// <Error><Code/><Message/><RequestId/></Error> (application/xml); for IAM,
// STS and anything else as the query-protocol
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
// (text/xml), Type being Sender for 4xx and Receiver for 5xx.
// Status 0 means 400. Answers to HEAD requests have no body (as with AWS), so
// the SDK reports a code derived from the status, e.g. "NotFound" for 404.
type AWSError struct {
	Code    string
	Message string
	Status  int
}

// Request is one entry of the proxy's request log.
type Request struct {
	Service     string
	Operation   string
	AccessKeyID string
	Bucket      string // S3 only
	Key         string // S3 only: the object key, "" for bucket-level operations
	Method      string
	Path        string
	Status      int       // status sent to the client; 0 if the connection was dropped or the client went away
	Faulted     bool      // a Fault applied to this request
	FaultID     int       // the id of that Fault, 0 if none
	Time        time.Time // when the request arrived
}

// Throttle returns a Fault that answers the first times matching requests
// (0 = all) with the service's throttling error: SlowDown (HTTP 503) for S3,
// Throttling (HTTP 400) for IAM, STS and anything else. The service is that
// of each request, so m.Service may be empty.
func Throttle(m Match, times int) Fault {
	return Fault{Match: m, Times: times, throttle: true}
}

type faultRule struct {
	id    int
	fault Fault
	added time.Time
	used  int
}

// NewProxy starts a proxy on 127.0.0.1 forwarding to target and registers a
// cleanup that stops it.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		t.Fatalf("testenv: NewProxy: bad target %q: %v", target, err)
	}
	p := &Proxy{target: u, now: time.Now}
	p.transport = http.DefaultTransport.(*http.Transport).Clone()
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(p.target)
			// The client signed the Host it connected to (the proxy);
			// moto checks the signature over the Host header it receives,
			// so keep it.
			pr.Out.Host = pr.In.Host
			// The 100-continue handshake is done between client and proxy
			// (net/http answers it when the body is first read). Expect is
			// never part of a SigV4 signature.
			pr.Out.Header.Del("Expect")
		},
		Transport: p.transport,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // the client went away
			}
			http.Error(w, "testenv proxy: "+err.Error(), http.StatusBadGateway)
		},
	}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = srv.URL
	t.Cleanup(func() {
		srv.Close()
		p.transport.CloseIdleConnections()
	})
	return p
}

// Config returns a copy of cfg that sends requests through the proxy. For a
// subprocess, append "AWS_ENDPOINT_URL="+p.URL to Moto.Env's result.
func (p *Proxy) Config(cfg aws.Config) aws.Config {
	cfg.BaseEndpoint = aws.String(p.URL)
	return cfg
}

// Add installs a fault and returns its id for Remove. It panics if f does
// not have exactly one action or Times is negative.
func (p *Proxy) Add(f Fault) (id int) {
	actions := 0
	for _, set := range []bool{f.Error != nil, f.Delay > 0, f.Drop, f.throttle} {
		if set {
			actions++
		}
	}
	if actions != 1 {
		panic(fmt.Sprintf("testenv: Proxy.Add: a Fault needs exactly one of Error, Delay, Drop; got %d", actions))
	}
	if f.Times < 0 || f.For < 0 {
		panic("testenv: Proxy.Add: negative Times or For")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextID++
	p.rules = append(p.rules, &faultRule{id: p.nextID, fault: f, added: p.now()})
	return p.nextID
}

// Remove uninstalls the fault with the given id; unknown ids are ignored.
func (p *Proxy) Remove(id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, r := range p.rules {
		if r.id == id {
			p.rules = append(p.rules[:i:i], p.rules[i+1:]...)
			return
		}
	}
}

// Clear uninstalls all faults. The request log is kept.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = nil
}

// Requests returns a copy of the log of every request handled so far, in the
// order they completed.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.log...)
}

// Count returns how many logged requests (faulted or not) match m.
func (p *Proxy) Count(m Match) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, r := range p.log {
		if m.matches(r) {
			n++
		}
	}
	return n
}

func (m Match) matches(r Request) bool {
	return (m.Service == "" || m.Service == r.Service) &&
		(m.Operation == "" || m.Operation == r.Operation) &&
		(m.AccessKeyID == "" || m.AccessKeyID == r.AccessKeyID) &&
		(m.BucketName == "" || m.BucketName == r.Bucket)
}

// pick returns the first live rule matching req and consumes one use of it.
func (p *Proxy) pick(req Request) (Fault, int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, r := range p.rules {
		f := r.fault
		if f.Times > 0 && r.used >= f.Times {
			continue
		}
		if f.For > 0 && now.Sub(r.added) >= f.For {
			continue
		}
		if !f.Match.matches(req) {
			continue
		}
		r.used++
		return f, r.id, true
	}
	return Fault{}, 0, false
}

func (p *Proxy) record(req Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = append(p.log, req)
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	arrived := p.now()
	p.mu.Unlock()

	req, err := classify(r)
	if err != nil {
		http.Error(w, "testenv proxy: reading request: "+err.Error(), http.StatusBadRequest)
		return
	}
	req.Time = arrived

	sw := &statusWriter{ResponseWriter: w}
	f, id, ok := p.pick(req)
	if ok {
		req.Faulted, req.FaultID = true, id
	}
	defer func() {
		req.Status = sw.status
		p.record(req)
	}()
	if !ok {
		p.rp.ServeHTTP(sw, r)
		return
	}
	switch {
	case f.Drop:
		// Hijack so the client sees the connection close with no answer.
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler) // still closes the connection
		}
		conn.Close()
	case f.Delay > 0:
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
			p.rp.ServeHTTP(sw, r)
		case <-r.Context().Done():
		}
	case f.throttle:
		if req.Service == "s3" {
			writeAWSError(sw, r, req.Service, AWSError{Code: "SlowDown", Message: "Please reduce your request rate.", Status: http.StatusServiceUnavailable})
		} else {
			writeAWSError(sw, r, req.Service, AWSError{Code: "Throttling", Message: "Rate exceeded", Status: http.StatusBadRequest})
		}
	default:
		writeAWSError(sw, r, req.Service, *f.Error)
	}
}

func writeAWSError(w http.ResponseWriter, r *http.Request, service string, e AWSError) {
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	id := uuid.NewString()
	var b bytes.Buffer
	if service == "s3" {
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("x-amz-request-id", id)
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>")
		xmlEscape(&b, e.Code)
		b.WriteString("</Code><Message>")
		xmlEscape(&b, e.Message)
		b.WriteString("</Message><RequestId>" + id + "</RequestId></Error>")
	} else {
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("x-amzn-RequestId", id)
		b.WriteString("<ErrorResponse><Error><Type>" + typ + "</Type><Code>")
		xmlEscape(&b, e.Code)
		b.WriteString("</Code><Message>")
		xmlEscape(&b, e.Message)
		b.WriteString("</Message></Error><RequestId>" + id + "</RequestId></ErrorResponse>")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b.Bytes())
	}
}

func xmlEscape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

// statusWriter records the final status sent to the client.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if code >= 200 && s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (used by ReverseProxy to flush) reach
// the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// maxFormBody bounds how much of an IAM/STS request body is buffered.
const maxFormBody = 8 << 20

// classify works out service, operation, access key, bucket and key of r.
// For query-protocol requests (IAM, STS) it reads the form body to find
// Action and puts an identical body back.
func classify(r *http.Request) (Request, error) {
	req := Request{Method: r.Method, Path: r.URL.Path}
	req.AccessKeyID, req.Service = sigV4Credential(r)

	var form url.Values
	if req.Service != "s3" && r.Body != nil && r.Body != http.NoBody &&
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
		if err != nil {
			return req, err
		}
		if len(body) > maxFormBody {
			return req, errors.New("form body too large")
		}
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		form, _ = url.ParseQuery(string(body))
	}
	action := r.URL.Query().Get("Action")
	if form != nil && form.Get("Action") != "" {
		action = form.Get("Action")
	}

	if req.Service == "" {
		// Unsigned request: guess from the API version, else assume S3.
		version := r.URL.Query().Get("Version")
		if form != nil && form.Get("Version") != "" {
			version = form.Get("Version")
		}
		switch {
		case version == "2010-05-08":
			req.Service = "iam"
		case version == "2011-06-15":
			req.Service = "sts"
		case action == "":
			req.Service = "s3"
		}
	}
	if req.Service == "s3" {
		req.Bucket, req.Key = s3BucketKey(r.URL.Path)
		req.Operation = s3Operation(r.Method, req.Bucket, req.Key, r.URL.Query(), r.Header)
	} else {
		req.Operation = action
	}
	return req, nil
}

// sigV4Credential extracts the access key id and service from the SigV4
// credential scope AKID/DATE/REGION/SERVICE/aws4_request, in the
// Authorization header or (presigned URLs) the X-Amz-Credential parameter.
func sigV4Credential(r *http.Request) (akid, service string) {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, rest, ok := strings.Cut(auth, "Credential=")
		if !ok {
			return "", ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return "", ""
	}
	return parts[0], parts[3]
}

func s3BucketKey(path string) (bucket, key string) {
	bucket, key, _ = strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return bucket, key
}

// s3BucketSubresources lists bucket subresource query parameters and the
// noun of their Get/Put/Delete operations.
func s3BucketSubresources() [][2]string {
	return [][2]string{
		{"policy", "BucketPolicy"},
		{"policyStatus", "BucketPolicyStatus"},
		{"versioning", "BucketVersioning"},
		{"encryption", "BucketEncryption"},
		{"tagging", "BucketTagging"},
		{"publicAccessBlock", "PublicAccessBlock"},
		{"ownershipControls", "BucketOwnershipControls"},
		{"lifecycle", "BucketLifecycleConfiguration"},
		{"cors", "BucketCors"},
		{"acl", "BucketAcl"},
		{"logging", "BucketLogging"},
		{"notification", "BucketNotificationConfiguration"},
		{"website", "BucketWebsite"},
		{"accelerate", "BucketAccelerateConfiguration"},
		{"requestPayment", "BucketRequestPayment"},
		{"replication", "BucketReplication"},
		{"object-lock", "ObjectLockConfiguration"},
	}
}

// s3ObjectSubresources is the same for object subresources.
func s3ObjectSubresources() [][2]string {
	return [][2]string{
		{"tagging", "ObjectTagging"},
		{"acl", "ObjectAcl"},
		{"retention", "ObjectRetention"},
		{"legal-hold", "ObjectLegalHold"},
		{"attributes", "ObjectAttributes"},
	}
}

func httpVerb(method string) string {
	switch method {
	case http.MethodGet:
		return "Get"
	case http.MethodPut:
		return "Put"
	case http.MethodDelete:
		return "Delete"
	}
	return ""
}

// s3Operation names the S3 API operation of a path-style request.
func s3Operation(method, bucket, key string, q url.Values, h http.Header) string {
	if xid := q.Get("x-id"); xid != "" {
		return xid // the Go SDK names some operations explicitly
	}
	has := func(k string) bool { _, ok := q[k]; return ok }
	verb := httpVerb(method)
	switch {
	case bucket == "":
		if method == http.MethodGet {
			return "ListBuckets"
		}
	case key == "":
		switch {
		case has("location") && method == http.MethodGet:
			return "GetBucketLocation"
		case q.Get("list-type") == "2" && method == http.MethodGet:
			return "ListObjectsV2"
		case has("uploads") && method == http.MethodGet:
			return "ListMultipartUploads"
		case has("versions") && method == http.MethodGet:
			return "ListObjectVersions"
		case has("delete") && method == http.MethodPost:
			return "DeleteObjects"
		case has("lifecycle") && method == http.MethodDelete:
			return "DeleteBucketLifecycle"
		}
		for _, sn := range s3BucketSubresources() {
			if has(sn[0]) && verb != "" {
				return verb + sn[1]
			}
		}
		switch method {
		case http.MethodPut:
			return "CreateBucket"
		case http.MethodHead:
			return "HeadBucket"
		case http.MethodDelete:
			return "DeleteBucket"
		case http.MethodGet:
			return "ListObjects"
		}
	default:
		copySource := h.Get("X-Amz-Copy-Source") != ""
		switch {
		case has("uploads") && method == http.MethodPost:
			return "CreateMultipartUpload"
		case has("uploadId"):
			switch method {
			case http.MethodPost:
				return "CompleteMultipartUpload"
			case http.MethodPut:
				if copySource {
					return "UploadPartCopy"
				}
				return "UploadPart"
			case http.MethodGet:
				return "ListParts"
			case http.MethodDelete:
				return "AbortMultipartUpload"
			}
		case has("restore") && method == http.MethodPost:
			return "RestoreObject"
		case has("select") && method == http.MethodPost:
			return "SelectObjectContent"
		}
		for _, sn := range s3ObjectSubresources() {
			if has(sn[0]) && verb != "" {
				return verb + sn[1]
			}
		}
		switch method {
		case http.MethodPut:
			if copySource {
				return "CopyObject"
			}
			return "PutObject"
		case http.MethodGet:
			return "GetObject"
		case http.MethodHead:
			return "HeadObject"
		case http.MethodDelete:
			return "DeleteObject"
		}
	}
	return ""
}
