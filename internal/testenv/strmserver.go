package testenv

// This file is an in-process stand-in for the STRM Privacy API: a real gRPC
// server on 127.0.0.1 registering the generated DataConnectorsService and
// ProjectsService, with programmable projects, connectors, forced errors and
// a required bearer token.

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	dcv1 "github.com/strmprivacy/api-definitions-go/v3/api/data_connectors/v1"
	entities "github.com/strmprivacy/api-definitions-go/v3/api/entities/v1"
	projects "github.com/strmprivacy/api-definitions-go/v3/api/projects/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// STRM method names, as keys of STRMOptions.Errors.
const (
	STRMCreateDataConnector = "CreateDataConnector"
	STRMGetDataConnector    = "GetDataConnector"
	STRMListDataConnectors  = "ListDataConnectors"
	STRMListProjects        = "ListProjects"
)

// STRMProject is a project the fake API knows.
type STRMProject struct {
	Name string
	ID   string // the real API wants a UUID here
}

// STRMConnector is an S3 data connector the fake API already holds.
type STRMConnector struct {
	Name, ProjectID, Bucket, Credentials, AssumeRoleARN string
}

// STRMError is a forced failure of one method.
type STRMError struct {
	Code    codes.Code
	Message string
}

// STRMOptions program the fake API.
type STRMOptions struct {
	// Token is the bearer token every call must carry; a wrong or missing
	// one is codes.Unauthenticated. Empty accepts any call.
	Token string
	// Projects are returned by ListProjects.
	Projects []STRMProject
	// Connectors exist from the start.
	Connectors []STRMConnector
	// Errors force a method (STRMCreateDataConnector, ...) to fail, after
	// the token check.
	Errors map[string]STRMError
}

// STRMCall is one received CreateDataConnector request with its metadata.
type STRMCall struct {
	Request       *dcv1.CreateDataConnectorRequest
	Authorization string // the "authorization" header, as sent
	ClientVersion string // the "strm-cli-version" header
	Metadata      metadata.MD
}

// STRMServer is a running fake STRM API.
type STRMServer struct {
	// Addr is "127.0.0.1:port".
	Addr string

	mu         sync.Mutex
	opts       STRMOptions
	connectors []*entities.DataConnector
	creates    []STRMCall

	dcv1.UnimplementedDataConnectorsServiceServer
	projects.UnimplementedProjectsServiceServer
}

// StartSTRM starts a fake STRM API on a free loopback port; t.Cleanup stops it.
func StartSTRM(t testing.TB, opts STRMOptions) *STRMServer {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("fake STRM: listen: %v", err)
	}
	s := &STRMServer{Addr: lis.Addr().String(), opts: opts}
	s.opts.Projects = append([]STRMProject(nil), opts.Projects...)
	s.opts.Errors = map[string]STRMError{}
	for k, v := range opts.Errors {
		s.opts.Errors[k] = v
	}
	for _, c := range opts.Connectors {
		s.connectors = append(s.connectors, c.proto())
	}
	srv := grpc.NewServer(grpc.UnaryInterceptor(s.intercept))
	dcv1.RegisterDataConnectorsServiceServer(srv, s)
	projects.RegisterProjectsServiceServer(srv, s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return s
}

func (c STRMConnector) proto() *entities.DataConnector {
	return &entities.DataConnector{
		Ref: &entities.DataConnectorRef{Name: c.Name, ProjectId: c.ProjectID},
		Location: &entities.DataConnector_S3Bucket{S3Bucket: &entities.AwsS3BucketLocation{
			BucketName: c.Bucket, Credentials: c.Credentials, AssumeRoleArn: c.AssumeRoleARN,
		}},
	}
}

// SetError forces method to fail with code and msg from now on; codes.OK
// clears it.
func (s *STRMServer) SetError(method string, code codes.Code, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == codes.OK {
		delete(s.opts.Errors, method)
		return
	}
	s.opts.Errors[method] = STRMError{Code: code, Message: msg}
}

// Creates returns the CreateDataConnector requests received so far,
// including rejected ones.
func (s *STRMServer) Creates() []STRMCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]STRMCall, len(s.creates))
	for i, c := range s.creates {
		out[i] = c
		out[i].Request = proto.Clone(c.Request).(*dcv1.CreateDataConnectorRequest)
		out[i].Metadata = c.Metadata.Copy()
	}
	return out
}

// Connectors returns the connectors the server holds, credentials included.
func (s *STRMServer) Connectors() []STRMConnector {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]STRMConnector, 0, len(s.connectors))
	for _, dc := range s.connectors {
		s3 := dc.GetS3Bucket()
		out = append(out, STRMConnector{
			Name: dc.GetRef().GetName(), ProjectID: dc.GetRef().GetProjectId(),
			Bucket: s3.GetBucketName(), Credentials: s3.GetCredentials(), AssumeRoleARN: s3.GetAssumeRoleArn(),
		})
	}
	return out
}

// intercept records CreateDataConnector calls, then checks the token, then
// applies forced errors.
func (s *STRMServer) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	method := info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:]
	md, _ := metadata.FromIncomingContext(ctx)
	first := func(k string) string {
		if v := md.Get(k); len(v) > 0 {
			return v[0]
		}
		return ""
	}

	s.mu.Lock()
	if r, ok := req.(*dcv1.CreateDataConnectorRequest); ok {
		s.creates = append(s.creates, STRMCall{
			Request:       proto.Clone(r).(*dcv1.CreateDataConnectorRequest),
			Authorization: first("authorization"),
			ClientVersion: first("strm-cli-version"),
			Metadata:      md.Copy(),
		})
	}
	token := s.opts.Token
	forced, isForced := s.opts.Errors[method]
	s.mu.Unlock()

	if token != "" {
		auth := first("authorization")
		if auth == "" {
			return nil, status.Error(codes.Unauthenticated, "missing authorization header")
		}
		if auth != "Bearer "+token {
			return nil, status.Error(codes.Unauthenticated, "invalid access token")
		}
	}
	if isForced {
		return nil, status.Error(forced.Code, forced.Message)
	}
	return handler(ctx, req)
}

// ListProjects returns the programmed projects.
func (s *STRMServer) ListProjects(context.Context, *projects.ListProjectsRequest) (*projects.ListProjectsResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &projects.ListProjectsResponse{}
	for _, p := range s.opts.Projects {
		resp.Projects = append(resp.Projects, &entities.Project{Id: p.ID, Name: p.Name})
	}
	return resp, nil
}

func (s *STRMServer) hasProject(id string) bool {
	for _, p := range s.opts.Projects {
		if p.ID == id {
			return true
		}
	}
	return false
}

func (s *STRMServer) find(ref *entities.DataConnectorRef) *entities.DataConnector {
	for _, dc := range s.connectors {
		if dc.GetRef().GetName() == ref.GetName() && dc.GetRef().GetProjectId() == ref.GetProjectId() {
			return dc
		}
	}
	return nil
}

// withoutCredentials is what the API answers: never the secret unless asked.
func withoutCredentials(dc *entities.DataConnector) *entities.DataConnector {
	out := proto.Clone(dc).(*entities.DataConnector)
	if s3 := out.GetS3Bucket(); s3 != nil {
		s3.Credentials = ""
	}
	return out
}

// CreateDataConnector checks the request roughly as the API's validation
// rules do, and stores the connector.
func (s *STRMServer) CreateDataConnector(_ context.Context, req *dcv1.CreateDataConnectorRequest) (*dcv1.CreateDataConnectorResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dc := req.GetDataConnector()
	name := dc.GetRef().GetName()
	switch n := len([]rune(name)); {
	case n < 4 || n > 100:
		return nil, status.Errorf(codes.InvalidArgument, "invalid DataConnectorRef.Name: value length must be between 4 and 100 runes, inclusive")
	case dc.GetS3Bucket() == nil:
		return nil, status.Error(codes.InvalidArgument, "invalid DataConnector.Location: value is required")
	case dc.GetS3Bucket().GetBucketName() == "":
		return nil, status.Error(codes.InvalidArgument, "invalid AwsS3BucketLocation.BucketName: value length must be at least 1 runes")
	case dc.GetS3Bucket().GetCredentials() == "":
		return nil, status.Error(codes.InvalidArgument, "invalid AwsS3BucketLocation.Credentials: value length must be at least 1 runes")
	case !s.hasProject(dc.GetRef().GetProjectId()):
		return nil, status.Errorf(codes.PermissionDenied, "no access to project %q", dc.GetRef().GetProjectId())
	case s.find(dc.GetRef()) != nil:
		return nil, status.Errorf(codes.AlreadyExists, "data connector %q already exists", name)
	}
	stored := proto.Clone(dc).(*entities.DataConnector)
	s.connectors = append(s.connectors, stored)
	return &dcv1.CreateDataConnectorResponse{DataConnector: withoutCredentials(stored)}, nil
}

// GetDataConnector returns a stored connector, credentials only when asked.
func (s *STRMServer) GetDataConnector(_ context.Context, req *dcv1.GetDataConnectorRequest) (*dcv1.GetDataConnectorResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dc := s.find(req.GetRef())
	if dc == nil {
		return nil, status.Errorf(codes.NotFound, "data connector %q not found", req.GetRef().GetName())
	}
	if !req.GetIncludeCredentials() {
		dc = withoutCredentials(dc)
	} else {
		dc = proto.Clone(dc).(*entities.DataConnector)
	}
	return &dcv1.GetDataConnectorResponse{DataConnector: dc}, nil
}

// ListDataConnectors returns the connectors of a project (all when unset).
func (s *STRMServer) ListDataConnectors(_ context.Context, req *dcv1.ListDataConnectorsRequest) (*dcv1.ListDataConnectorsResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &dcv1.ListDataConnectorsResponse{}
	for _, dc := range s.connectors {
		if req.GetProjectId() == "" || dc.GetRef().GetProjectId() == req.GetProjectId() {
			resp.DataConnectors = append(resp.DataConnectors, withoutCredentials(dc))
		}
	}
	return resp, nil
}
