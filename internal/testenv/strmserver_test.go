package testenv

import (
	"context"
	"testing"

	dcv1 "github.com/strmprivacy/api-definitions-go/v3/api/data_connectors/v1"
	entities "github.com/strmprivacy/api-definitions-go/v3/api/entities/v1"
	projects "github.com/strmprivacy/api-definitions-go/v3/api/projects/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const fakeProjectID = "0b6d5b8e-3c1f-4a0e-9d57-6f7c2a1e9b01"

func dialFake(t *testing.T, s *STRMServer) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(s.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func authed(token string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token, "strm-cli-version", "test/1")
}

func s3Connector(name, bucket, creds string) *entities.DataConnector {
	return &entities.DataConnector{
		Ref:      &entities.DataConnectorRef{Name: name, ProjectId: fakeProjectID},
		Location: &entities.DataConnector_S3Bucket{S3Bucket: &entities.AwsS3BucketLocation{BucketName: bucket, Credentials: creds}},
	}
}

func TestFakeSTRMRequiresTheBearerToken(t *testing.T) {
	s := StartSTRM(t, STRMOptions{Token: "good", Projects: []STRMProject{{Name: "default", ID: fakeProjectID}}})
	client := projects.NewProjectsServiceClient(dialFake(t, s))

	for name, ctx := range map[string]context.Context{"missing": context.Background(), "wrong": authed("bad")} {
		if _, err := client.ListProjects(ctx, &projects.ListProjectsRequest{}); status.Code(err) != codes.Unauthenticated {
			t.Errorf("%s token: %v, want Unauthenticated", name, err)
		}
	}
	resp, err := client.ListProjects(authed("good"), &projects.ListProjectsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetProjects()) != 1 || resp.GetProjects()[0].GetId() != fakeProjectID {
		t.Errorf("projects = %v", resp.GetProjects())
	}
}

func TestFakeSTRMCreateGetAndRecord(t *testing.T) {
	s := StartSTRM(t, STRMOptions{
		Token:      "good",
		Projects:   []STRMProject{{Name: "default", ID: fakeProjectID}},
		Connectors: []STRMConnector{{Name: "existing", ProjectID: fakeProjectID, Bucket: "old", Credentials: "old-creds"}},
	})
	client := dcv1.NewDataConnectorsServiceClient(dialFake(t, s))
	ctx := authed("good")

	resp, err := client.CreateDataConnector(ctx, &dcv1.CreateDataConnectorRequest{DataConnector: s3Connector("fresh", "new", "secret")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetDataConnector().GetS3Bucket().GetCredentials() != "" {
		t.Error("create answered with the credentials")
	}
	_, err = client.CreateDataConnector(ctx, &dcv1.CreateDataConnectorRequest{DataConnector: s3Connector("existing", "new", "secret")})
	if status.Code(err) != codes.AlreadyExists {
		t.Errorf("second create: %v, want AlreadyExists", err)
	}
	_, err = client.CreateDataConnector(ctx, &dcv1.CreateDataConnectorRequest{DataConnector: s3Connector("abc", "new", "secret")})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("short name: %v, want InvalidArgument", err)
	}

	got, err := client.GetDataConnector(ctx, &dcv1.GetDataConnectorRequest{Ref: &entities.DataConnectorRef{Name: "existing", ProjectId: fakeProjectID}})
	if err != nil || got.GetDataConnector().GetS3Bucket().GetBucketName() != "old" {
		t.Errorf("get existing = %v, %v", got, err)
	}
	if _, err := client.GetDataConnector(ctx, &dcv1.GetDataConnectorRequest{Ref: &entities.DataConnectorRef{Name: "nope", ProjectId: fakeProjectID}}); status.Code(err) != codes.NotFound {
		t.Errorf("get missing: %v, want NotFound", err)
	}

	calls := s.Creates()
	if len(calls) != 3 {
		t.Fatalf("recorded %d creates, want 3", len(calls))
	}
	if calls[0].Authorization != "Bearer good" || calls[0].ClientVersion != "test/1" || calls[0].Request.GetDataConnector().GetS3Bucket().GetCredentials() != "secret" {
		t.Errorf("first call = %+v", calls[0])
	}
	stored := s.Connectors()
	if len(stored) != 2 || stored[1] != (STRMConnector{Name: "fresh", ProjectID: fakeProjectID, Bucket: "new", Credentials: "secret"}) {
		t.Errorf("stored = %+v", stored)
	}
}

func TestFakeSTRMForcedErrors(t *testing.T) {
	s := StartSTRM(t, STRMOptions{
		Projects: []STRMProject{{Name: "default", ID: fakeProjectID}},
		Errors:   map[string]STRMError{STRMListProjects: {Code: codes.Unavailable, Message: "down"}},
	})
	conn := dialFake(t, s)
	pc := projects.NewProjectsServiceClient(conn)
	if _, err := pc.ListProjects(context.Background(), &projects.ListProjectsRequest{}); status.Code(err) != codes.Unavailable || status.Convert(err).Message() != "down" {
		t.Errorf("forced ListProjects: %v", err)
	}
	s.SetError(STRMListProjects, codes.OK, "")
	if _, err := pc.ListProjects(context.Background(), &projects.ListProjectsRequest{}); err != nil {
		t.Errorf("after clearing: %v", err)
	}
	s.SetError(STRMCreateDataConnector, codes.PermissionDenied, "nope")
	dc := dcv1.NewDataConnectorsServiceClient(conn)
	if _, err := dc.CreateDataConnector(context.Background(), &dcv1.CreateDataConnectorRequest{DataConnector: s3Connector("fresh", "b", "c")}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("forced create: %v", err)
	}
	if len(s.Connectors()) != 0 {
		t.Error("a forced failure stored a connector")
	}
}
