package strm

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"

	dcv1 "github.com/strmprivacy/api-definitions-go/v3/api/data_connectors/v1"
	entities "github.com/strmprivacy/api-definitions-go/v3/api/entities/v1"
	projects "github.com/strmprivacy/api-definitions-go/v3/api/projects/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/strmprivacy/s3-connector-wizard/internal/shell"
)

// isLoopback reports whether hostport names this machine: localhost,
// 127.0.0.0/8 or ::1.
func isLoopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// transportCredentials is TLS with the system roots, except plaintext for a
// loopback host (test servers).
func transportCredentials(hostport string) credentials.TransportCredentials {
	if isLoopback(hostport) {
		return insecure.NewCredentials()
	}
	return credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
}

// apiClient is a connection to the API with the call metadata attached.
type apiClient struct {
	conn       *grpc.ClientConn
	connectors dcv1.DataConnectorsServiceClient
	projects   projects.ProjectsServiceClient
}

func dialAPI(opts Options) (*apiClient, error) {
	host := opts.apiHost()
	conn, err := grpc.NewClient(host, grpc.WithTransportCredentials(transportCredentials(host)))
	if err != nil {
		return nil, &Error{Kind: KindInvalidArgument, Op: "connect to " + host, Err: err}
	}
	return &apiClient{
		conn:       conn,
		connectors: dcv1.NewDataConnectorsServiceClient(conn),
		projects:   projects.NewProjectsServiceClient(conn),
	}, nil
}

func withCallMetadata(ctx context.Context, opts Options, tok Token) context.Context {
	return metadata.AppendToOutgoingContext(ctx,
		"authorization", "Bearer "+tok.AccessToken,
		VersionHeader, opts.clientVersion())
}

// registerAPI creates the connector through the gRPC API with tok.
func registerAPI(ctx context.Context, opts Options, tok Token, req CreateRequest, credentials string) (Result, error) {
	res := Result{Via: ModeAPI}
	c, err := dialAPI(opts)
	if err != nil {
		return res, err
	}
	defer func() { _ = c.conn.Close() }()
	ctx = withCallMetadata(ctx, opts, tok)

	project, err := resolveProject(ctx, opts, c.projects, req.Project, tok.Email)
	if err != nil {
		return res, err
	}
	res.Project = project

	ref := &entities.DataConnectorRef{Name: req.Name, ProjectId: project.ID}
	dc := &entities.DataConnector{
		Ref: ref,
		Location: &entities.DataConnector_S3Bucket{S3Bucket: &entities.AwsS3BucketLocation{
			BucketName:    req.Bucket,
			Credentials:   credentials,
			AssumeRoleArn: req.AssumeRoleARN,
		}},
	}
	resp, err := c.connectors.CreateDataConnector(ctx, &dcv1.CreateDataConnectorRequest{DataConnector: dc})
	if err == nil {
		res.Connector = connectorFromProto(dc)
		if got := resp.GetDataConnector(); got.GetRef().GetName() != "" {
			res.Connector = connectorFromProto(got)
		}
		return res, nil
	}
	if status.Code(err) != codes.AlreadyExists {
		return res, classify("create data connector", err)
	}

	// It exists: fetch it so the caller can see where it points.
	res.Existed = true
	got, getErr := c.connectors.GetDataConnector(ctx, &dcv1.GetDataConnectorRequest{Ref: ref})
	if getErr != nil {
		e := classify("create data connector", err)
		e.Detail = fmt.Sprintf("data connector %q already exists in project %q, and reading it failed: %v", req.Name, project.Name, getErr)
		return res, e
	}
	res.Connector = connectorFromProto(got.GetDataConnector())
	if res.Connector.Name == "" {
		res.Connector.Name, res.Connector.ProjectID = req.Name, project.ID
	}
	return res, sameBucket(req, res.Connector, project.Name, err)
}

// sameBucket returns nil when an existing connector points at the requested
// bucket, else a KindAlreadyExists error saying where it points.
func sameBucket(req CreateRequest, existing Connector, projectName string, cause error) error {
	if existing.BucketName == req.Bucket {
		return nil
	}
	where := "project " + existing.ProjectID
	if projectName != "" {
		where = fmt.Sprintf("project %q", projectName)
	}
	return &Error{
		Kind:   KindAlreadyExists,
		Op:     "create data connector",
		Err:    cause,
		Detail: fmt.Sprintf("data connector %q already exists in %s and points at bucket %q, not %q; choose another name or delete it with `strm delete data-connector %s`", req.Name, where, existing.BucketName, req.Bucket, shell.Quote(req.Name)),
	}
}
